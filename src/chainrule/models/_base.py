"""What every model shares: parameters, input checks, scores and optimizer look-up.

The conventions are scikit-learn's: constructor arguments are the parameters
(``get_params`` / ``set_params``), ``fit`` returns ``self``, fitted attributes end in ``_``,
and bad input raises ``ValueError`` with the offending shapes in the message.

>>> import numpy as np
>>> X, y = check_X_y([[1.0, 2.0], [3.0, 4.0]], [0.0, 1.0])
>>> X.shape, y.shape
((2, 2), (2,))
>>> check_X_y([[1.0], [2.0]], [1.0, 2.0, 3.0])
Traceback (most recent call last):
...
ValueError: X and y have inconsistent numbers of samples: X has shape (2, 1), y has shape (3,)
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from ..core import tree_map

__all__ = ["BaseModel", "NotFittedError", "check_X", "check_X_y", "resolve_optimizer"]


class NotFittedError(ValueError, AttributeError):
    """Raised when a model is used before ``fit`` (as scikit-learn's, it subclasses both
    ``ValueError`` and ``AttributeError``)."""


def _finite(a: np.ndarray, name: str) -> None:
    if not np.all(np.isfinite(a)):
        bad = "NaN" if np.isnan(a).any() else "infinity"
        raise ValueError(f"Input {name} contains {bad}; every value must be finite.")


def check_X(X: Any, name: str = "X") -> np.ndarray:
    """``X`` as a finite, non-empty 2-D float64 array, or a ``ValueError`` saying why not."""
    try:
        arr = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} could not be read as a numeric array: {exc}") from None
    if arr.ndim != 2:
        hint = (" Reshape your data with X.reshape(-1, 1) if it has a single feature or "
                "X.reshape(1, -1) if it is a single sample.") if arr.ndim == 1 else ""
        raise ValueError(f"Expected a 2D array for {name}, got a {arr.ndim}D array of shape "
                         f"{arr.shape}.{hint}")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} of shape {arr.shape} is empty: at least one sample and one "
                         "feature are required.")
    _finite(arr, name)
    return arr


def check_y(y: Any, numeric: bool = True, multi_output: bool = False) -> np.ndarray:
    """``y`` as a 1-D array (a column vector is raveled); 2-D only with ``multi_output``."""
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr.ravel()
    if arr.ndim != 1 and not (multi_output and arr.ndim == 2):
        raise ValueError(f"y should be a 1D array, got an array of shape {arr.shape}")
    if numeric:
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"y could not be read as numbers: {exc}") from None
        _finite(arr, "y")
    elif arr.dtype.kind == "f":
        _finite(arr, "y")
    return arr


def check_X_y(X: Any, y: Any, numeric_y: bool = True,
              multi_output: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Checked ``X`` (2-D) and ``y`` with the same number of samples."""
    Xa = check_X(X)
    ya = check_y(y, numeric_y, multi_output)
    if Xa.shape[0] != ya.shape[0]:
        raise ValueError("X and y have inconsistent numbers of samples: X has shape "
                         f"{Xa.shape}, y has shape {ya.shape}")
    return Xa, ya


def minimize_flat(objective: Callable, theta0: np.ndarray, method: str, max_iter: int,
                  tol: float, learning_rate: float | None = None,
                  hess: Callable | None = None) -> Any:
    """Minimize ``objective`` over a flat parameter vector with
    :func:`chainrule.optim.minimize` (``gd``, ``newton`` or ``lbfgs``; stops when the
    gradient norm is at most ``tol``); a run that diverges raises ``FloatingPointError``."""
    from ..optim import minimize

    options = {} if hess is None else {"hess": hess}
    res = minimize(objective, theta0, method=method, learning_rate=learning_rate,
                   maxiter=max_iter, gtol=tol, **options)
    if not res.success and res.message.startswith(("diverged", "oscillating")):
        raise FloatingPointError(f"{method} did not converge: {res.message}. Lower the "
                                 f"learning_rate (now {learning_rate}).")
    return res


def resolve_optimizer(optimizer: Any, learning_rate: float) -> Any:
    """A ``GradientTransformation``: given one (anything with ``init`` and ``update``), or
    a name from :mod:`chainrule.optim` (``"sgd"``, ``"adam"``...) built with
    ``learning_rate``."""
    if hasattr(optimizer, "init") and hasattr(optimizer, "update"):
        return optimizer
    if not isinstance(optimizer, str):
        raise ValueError(f"optimizer must be a name such as 'adam' or a GradientTransformation "
                         f"(with init and update), got {optimizer!r}")
    try:
        from .. import optim
    except ImportError as exc:  # pragma: no cover - only before chainrule.optim exists
        raise ImportError(f"optimizer={optimizer!r} needs chainrule.optim; pass a "
                          "GradientTransformation instead") from exc
    factory = getattr(optim, optimizer, None)
    if factory is None or not callable(factory):
        raise ValueError(f"unknown optimizer {optimizer!r}: chainrule.optim has no such "
                         "optimizer")
    return factory(learning_rate=learning_rate)


def apply_updates(params: Any, updates: Any) -> Any:
    """``params + updates`` leafwise: chainrule.optim's ``apply_updates`` when present."""
    try:
        from ..optim import apply_updates as optim_apply
    except ImportError:  # pragma: no cover - only before chainrule.optim exists
        return tree_map(lambda p, u: p + u, params, updates)
    return optim_apply(params, updates)


class BaseModel:
    """Parameters from the constructor's signature, ``repr``, and fitted-state checks."""

    @classmethod
    def _param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return [p.name for p in sig.parameters.values()
                if p.name != "self" and p.kind is not p.VAR_KEYWORD]

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor arguments and their current values."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> BaseModel:
        """Set constructor arguments by name; returns ``self``."""
        valid = self._param_names()
        for key, value in params.items():
            if key not in valid:
                raise ValueError(f"Invalid parameter {key!r} for {type(self).__name__}; "
                                 f"valid parameters are {valid}")
            setattr(self, key, value)
        return self

    def __repr__(self) -> str:
        sig = inspect.signature(type(self).__init__)
        args = [f"{k}={v!r}" for k, v in self.get_params().items()
                if sig.parameters[k].default is inspect.Parameter.empty
                or not _same(v, sig.parameters[k].default)]
        return f"{type(self).__name__}({', '.join(args)})"

    def _check_fitted(self, attribute: str) -> None:
        if not hasattr(self, attribute):
            raise NotFittedError(f"This {type(self).__name__} instance is not fitted yet. "
                                 "Call 'fit' with appropriate arguments before using it.")

    def _check_predict_X(self, X: Any, attribute: str) -> np.ndarray:
        self._check_fitted(attribute)
        Xa = check_X(X)
        if Xa.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {Xa.shape[1]} features, but {type(self).__name__} is "
                             f"expecting {self.n_features_in_} features as input "
                             f"(X has shape {Xa.shape}).")
        return Xa


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return a is b


class RegressorMixin:
    """``score``: the coefficient of determination R² of ``predict(X)``."""

    def score(self, X: Any, y: Any) -> float:
        """R² = 1 - SS_res / SS_tot (averaged over outputs for several targets)."""
        pred = np.asarray(self.predict(X), dtype=np.float64)
        yt = check_y(y, multi_output=True).reshape(pred.shape)
        ss_res = ((yt - pred) ** 2).sum(axis=0)
        ss_tot = ((yt - yt.mean(axis=0)) ** 2).sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            r2 = np.where(ss_tot > 0, 1 - ss_res / np.where(ss_tot > 0, ss_tot, 1),
                          np.where(ss_res > 0, 0.0, 1.0))
        return float(np.mean(r2))


class ClassifierMixin:
    """``score``: the accuracy of ``predict(X)``."""

    def score(self, X: Any, y: Any) -> float:
        """The fraction of samples whose predicted label equals ``y``."""
        yt = check_y(y, numeric=False)
        return float(np.mean(self.predict(X) == yt))


def encode_labels(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(classes, indices)``: the sorted distinct labels and each sample's index in them."""
    classes, idx = np.unique(y, return_inverse=True)
    if len(classes) < 2:
        raise ValueError(f"This solver needs samples of at least 2 classes in the data, but "
                         f"the data contains only one class: {classes[0]!r}")
    return classes, idx
