"""Multi-layer perceptrons trained by backpropagation through chainrule.

The parameters are a pytree, a list of ``(W, b)`` pairs, one per layer. Each step takes
``value_and_grad`` of the loss over that pytree and hands the gradients to an optimizer
from :mod:`chainrule.optim` (``optimizer="adam"``, ``"sgd"``... or any
``GradientTransformation``). ``MLPClassifier`` minimizes the softmax cross-entropy (two
output units for two classes), ``MLPRegressor`` half the mean squared error; both add
scikit-learn's L2 term ``alpha / 2 * sum(W²) / batch_size``.

>>> import numpy as np
>>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
>>> clf = MLPClassifier(hidden_layer_sizes=(8,), learning_rate=0.05, tol=1e-4)
>>> clf.fit(X, [0, 1, 1, 0]).predict(X).tolist()     # XOR
[0, 1, 1, 0]
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .. import numpy as cnp
from .._api import value_and_grad
from ..optim import apply_updates
from ..optim.diagnostics import DivergenceError, Monitor
from ..optim.validate import InvalidParameterError, check_int
from ._base import (
    OPTIMIZERS,
    BaseModel,
    ClassifierMixin,
    ConvergenceWarning,
    RegressorMixin,
    choice,
    dask_rows,
    encode_labels,
    has_dask,
    integer,
    nonnegative,
    positive,
    random_state,
    resolve_optimizer,
)
from ._validation import check_X_y

__all__ = ["MLPClassifier", "MLPRegressor", "init_params", "forward"]

ACTIVATIONS: dict[str, Callable[[Any], Any]] = {
    "tanh": cnp.tanh, "relu": cnp.relu, "sigmoid": cnp.sigmoid, "identity": lambda x: x,
}


def init_params(sizes: Sequence[int], rng: np.random.Generator,
                activation: str = "tanh") -> list[tuple[np.ndarray, np.ndarray]]:
    """Glorot-uniform weights and zero biases for layers ``sizes[0] -> ... -> sizes[-1]``
    (the bound is doubled for the sigmoid, as scikit-learn does)."""
    factor = 2.0 if activation == "sigmoid" else 6.0
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = np.sqrt(factor / (fan_in + fan_out))
        params.append((rng.uniform(-bound, bound, (fan_in, fan_out)), np.zeros(fan_out)))
    return params


def forward(params: Sequence[tuple[Any, Any]], X: Any, activation: str) -> Any:
    """The network's output (before softmax): hidden layers use ``activation``, the last
    layer is linear. Works on arrays and on chainrule's traced values."""
    act = ACTIVATIONS[activation]
    h = X
    for W, b in params[:-1]:
        h = act(h @ W + b)
    W, b = params[-1]
    return h @ W + b


def _l2(params: Sequence[tuple[Any, Any]]) -> Any:
    return sum(cnp.sum(W * W) for W, _ in params)


def _check_sizes(sizes: Any, name: str, where: str) -> list[int]:
    values = [sizes] if np.isscalar(sizes) else sizes
    try:
        return [check_int(v, name, where, 1) for v in values]
    except (InvalidParameterError, TypeError):
        raise InvalidParameterError(f"{where}: {name} must be a positive integer or a "
                                    f"sequence of them, got {sizes!r}") from None


def _check_optimizer(opt: Any, name: str, where: str) -> Any:
    if callable(getattr(opt, "init", None)) and callable(getattr(opt, "update", None)):
        return opt
    return choice(*OPTIMIZERS)(opt, name, where)


def _check_batch(size: Any, name: str, where: str) -> Any:
    return size if size is None else check_int(size, name, where, 1)


class _BaseMLP(BaseModel):
    """The training loop shared by the classifier and the regressor."""

    _parameter_checks = {"hidden_layer_sizes": _check_sizes,
                         "activation": choice(*sorted(ACTIVATIONS)),
                         "optimizer": _check_optimizer, "learning_rate": positive,
                         "max_iter": integer(1), "batch_size": _check_batch,
                         "alpha": nonnegative, "random_state": random_state,
                         "tol": nonnegative, "n_iter_no_change": integer(1)}

    def __init__(self, hidden_layer_sizes: Sequence[int] = (8,), activation: str = "tanh",
                 optimizer: Any = "adam", learning_rate: float = 0.01, max_iter: int = 500,
                 batch_size: int | None = None, alpha: float = 0.0,
                 random_state: int | None = 0, tol: float = 1e-7,
                 n_iter_no_change: int = 50):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.alpha = alpha
        self.random_state = random_state
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change

    def _data_loss(self, out: Any, T: np.ndarray) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def _loss(self, params: list, X: np.ndarray, T: np.ndarray) -> Any:
        out = forward(params, X, self.activation)
        penalty = 0.5 * self.alpha * _l2(params) / X.shape[0] if self.alpha else 0.0
        return self._data_loss(out, T) + penalty

    def _start(self, n_in: int, n_out: int) -> None:
        """Fresh parameters, optimizer state and random stream."""
        hidden = _check_sizes(self.hidden_layer_sizes, "hidden_layer_sizes", "")
        self._rng = np.random.default_rng(self.random_state)
        self._params = init_params([n_in, *hidden, n_out], self._rng, self.activation)
        self._opt_state = self._optimizer().init(self._params)
        self._monitor = Monitor()
        self.loss_history_ = []
        self.n_iter_ = 0
        self.n_features_in_ = n_in

    def _optimizer(self) -> Any:
        """The optimizer, rebuilt from the parameters (the model keeps only its state, so
        a fitted model pickles)."""
        return resolve_optimizer(self.optimizer, self.learning_rate, type(self).__name__)

    def _epoch(self, X: np.ndarray, T: np.ndarray) -> float:
        """One pass over the data in (shuffled) batches; returns the mean batch loss.
        Raises DivergenceError when the losses show divergence."""
        if has_dask((X,)):
            from ..distributed._mlp import dask_epoch

            return dask_epoch(self, X, T)
        n, opt = len(X), self._optimizer()
        size = n if self.batch_size is None else min(self.batch_size, n)
        order = np.arange(n) if size == n else self._rng.permutation(n)
        vg = value_and_grad(self._loss)
        total = 0.0
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for start in range(0, n, size):
                idx = order[start:start + size]
                Xb, Tb = (X, T) if size == n else (X[idx], T[idx])
                loss, grads = vg(self._params, Xb, Tb)
                updates, self._opt_state = opt.update(grads, self._opt_state, self._params)
                self._params = apply_updates(self._params, updates)
                total += float(loss) * len(idx)
        self.n_iter_ += 1
        self.loss_history_.append(total / n)
        self._watch(total / n)
        return total / n

    def _watch(self, loss: float) -> None:
        self._monitor.add_loss(loss)
        trouble = self._monitor.diverged()
        if trouble is None and not all(np.all(np.isfinite(W)) and np.all(np.isfinite(b))
                                       for W, b in self._params):
            trouble = "diverged: the weights are no longer finite"
        if trouble is not None:
            raise DivergenceError(
                f"{type(self).__name__}: training {trouble} (epoch {self.n_iter_}); lower "
                f"the learning_rate (now {self.learning_rate}), use optimizer='adam', or "
                "scale the data")

    def _train(self, X: np.ndarray, T: np.ndarray) -> None:
        best, stale = np.inf, 0
        for _ in range(self.max_iter):
            loss = self._epoch(X, T)
            stale = stale + 1 if loss > best - self.tol else 0
            best = min(best, loss)
            if stale >= self.n_iter_no_change:
                break
        else:
            warnings.warn(f"{type(self).__name__}: max_iter = {self.max_iter} epochs reached "
                          f"and the loss still improves by more than tol = {self.tol}; "
                          "increase max_iter", ConvergenceWarning, stacklevel=3)
        self._publish()

    def _publish(self) -> None:
        self.coefs_ = [np.asarray(W) for W, _ in self._params]
        self.intercepts_ = [np.asarray(b) for _, b in self._params]
        self.n_layers_ = len(self._params) + 1

    def _output(self, X: Any) -> np.ndarray:
        X = self._check_predict_X(X, "coefs_")
        return np.asarray(forward(list(zip(self.coefs_, self.intercepts_)), X,
                                  self.activation))


class MLPClassifier(ClassifierMixin, _BaseMLP):
    """A feed-forward network classifier: softmax cross-entropy over ``classes_``.

    Args:
        hidden_layer_sizes: units in each hidden layer, e.g. ``(8,)`` or ``(32, 16)``.
        activation: ``"tanh"``, ``"relu"``, ``"sigmoid"`` or ``"identity"``.
        optimizer: a :mod:`chainrule.optim` name or a ``GradientTransformation``.
        learning_rate: passed to the optimizer when it is given by name.
        max_iter: the most epochs.
        batch_size: samples per step; ``None`` trains on the full batch.
        alpha: the L2 penalty (scikit-learn's convention).
        random_state: seed of the initialization and the shuffling.
        tol, n_iter_no_change: stop when the epoch loss has not improved by ``tol`` for
            ``n_iter_no_change`` epochs in a row.

    Fitted attributes: ``classes_``, ``coefs_``, ``intercepts_``, ``n_iter_`` (epochs),
    ``loss_history_`` (mean loss of each epoch), ``n_features_in_``.
    """

    def _data_loss(self, out: Any, T: np.ndarray) -> Any:
        return -cnp.sum(T * cnp.log_softmax(out, axis=1)) / out.shape[0]

    def fit(self, X: Any, y: Any) -> MLPClassifier:
        """Train from scratch on ``X`` and labels ``y``; returns self."""
        self._validate_params()
        if has_dask((X, y)):
            from ..distributed._mlp import fit_mlp

            return fit_mlp(self, X, y)
        X, y = check_X_y(X, y, numeric_y=False, who=type(self).__name__)
        self.classes_, idx = encode_labels(y)
        self._start(X.shape[1], len(self.classes_))
        self._train(X, np.eye(len(self.classes_))[idx])
        return self

    def partial_fit(self, X: Any, y: Any, classes: Any = None) -> MLPClassifier:
        """One epoch on ``X``, ``y``, continuing from the current parameters (the first
        call starts them; pass ``classes`` if ``y`` does not show every class)."""
        self._validate_params()
        if has_dask((X, y)):
            from ..distributed._mlp import fit_mlp

            return fit_mlp(self, X, y, partial=True, classes=classes)
        X, y = check_X_y(X, y, numeric_y=False, who=type(self).__name__)
        if not hasattr(self, "_params"):
            self.classes_, _ = encode_labels(y if classes is None else np.asarray(classes))
            self._start(X.shape[1], len(self.classes_))
        elif X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} features, but MLPClassifier is expecting "
                             f"{self.n_features_in_} features as input.")
        unknown = np.setdiff1d(y, self.classes_)
        if len(unknown):
            raise ValueError(f"y contains labels not in classes_: {unknown.tolist()}")
        self._epoch(X, np.eye(len(self.classes_))[np.searchsorted(self.classes_, y)])
        self._publish()
        return self

    @dask_rows
    def predict_proba(self, X: Any) -> np.ndarray:
        """Softmax probabilities, shape ``(n_samples, n_classes)``."""
        out = self._output(X)
        e = np.exp(out - out.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    @dask_rows
    def predict(self, X: Any) -> np.ndarray:
        """The most probable class of each sample."""
        out = self._output(X)
        return self.classes_[out.argmax(axis=1)]


class MLPRegressor(RegressorMixin, _BaseMLP):
    """A feed-forward network regressor: half the mean squared error, linear output.

    Takes the same arguments as :class:`MLPClassifier`; ``y`` may be 1-D or
    ``(n_samples, n_targets)``.
    """

    _supports_multi_output = True

    def _data_loss(self, out: Any, T: np.ndarray) -> Any:
        r = out - T
        return 0.5 * cnp.sum(r * r) / out.shape[0]

    def fit(self, X: Any, y: Any) -> MLPRegressor:
        """Train from scratch on ``X`` and targets ``y``; returns self."""
        self._validate_params()
        if has_dask((X, y)):
            from ..distributed._mlp import fit_mlp

            return fit_mlp(self, X, y)
        X, y = check_X_y(X, y, multi_output=True, who=type(self).__name__)
        T = y.reshape(len(y), -1)
        self._start(X.shape[1], T.shape[1])
        self._multi_output = y.ndim == 2
        self._train(X, T)
        return self

    @dask_rows
    def predict(self, X: Any) -> np.ndarray:
        """The network's output: shape ``(n,)``, or ``(n, n_targets)`` for 2-D targets."""
        out = self._output(X)
        return out if self._multi_output else out[:, 0]
