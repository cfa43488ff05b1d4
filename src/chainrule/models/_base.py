"""What every model shares: parameters and their checks, scores, optimizer look-up and
the divergence diagnostics of :func:`chainrule.optim.minimize`.

The conventions are scikit-learn's: constructor arguments are the parameters
(``get_params`` / ``set_params``), the constructor only stores them and ``fit`` checks
them (every parameter has a check in ``_parameter_checks``; a bad value raises
``InvalidParameterError``, a ``ValueError``, naming the parameter and its range), ``fit``
returns ``self``, fitted attributes end in ``_``. With scikit-learn installed the models
are genuine scikit-learn estimators (:mod:`chainrule.models._compat`).

A fit whose loss diverges raises :class:`~chainrule.optim.DivergenceError`; one that
reaches ``max_iter`` before converging warns with :class:`ConvergenceWarning`.

>>> from chainrule.models import LinearRegression
>>> LinearRegression(max_iter=-1, method="gd").fit([[0.0], [1.0]], [0.0, 1.0])
Traceback (most recent call last):
...
chainrule.optim.validate.InvalidParameterError: LinearRegression: max_iter must be an \
integer >= 1, got -1
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from ..optim._routing import has_dask
from ..optim.diagnostics import DivergenceError
from ..optim.validate import (
    check_bool,
    check_choice,
    check_int,
    check_learning_rate,
    check_nonnegative,
    check_positive,
    check_random_state,
)
from ._compat import (
    HAVE_SKLEARN,
    ClassifierBase,
    ConvergenceWarning,
    Estimator,
    NotFittedError,
    RegressorBase,
)
from ._validation import check_X, check_y

__all__ = ["BaseModel", "NotFittedError", "ConvergenceWarning", "minimize_flat",
           "resolve_optimizer", "RegressorMixin", "ClassifierMixin", "encode_labels",
           "choice", "positive", "optional_positive", "nonnegative", "integer", "boolean",
           "random_state", "learning_rate", "dask_rows", "has_dask"]

OPTIMIZERS = ("sgd", "adam", "adamw", "rmsprop", "adagrad")

Check = Callable[[Any, str, str], Any]


def choice(*options: Any) -> Check:
    """A check that the value is one of ``options``."""
    return lambda v, name, where: check_choice(v, name, where, options)


def integer(minimum: int) -> Check:
    """A check that the value is an integer >= ``minimum``."""
    return lambda v, name, where: check_int(v, name, where, minimum)


positive, nonnegative, boolean = check_positive, check_nonnegative, check_bool


def optional_positive(v: Any, name: str, where: str) -> Any:
    """``None`` or a finite number > 0."""
    return v if v is None else check_positive(v, name, where)

random_state, learning_rate = check_random_state, check_learning_rate


def minimize_flat(objective: Callable, theta0: np.ndarray, method: str, max_iter: int,
                  tol: float, learning_rate: float | None = None,
                  hess: Callable | None = None, who: str = "fit") -> Any:
    """Minimize ``objective`` over a flat parameter vector with
    :func:`chainrule.optim.minimize`. A run that diverges or oscillates raises
    :class:`~chainrule.optim.DivergenceError`; one that reaches ``max_iter`` without
    converging warns with :class:`ConvergenceWarning`."""
    from ..optim import minimize

    options = {} if hess is None else {"hess": hess}
    res = minimize(objective, theta0, method=method, learning_rate=learning_rate,
                   maxiter=max_iter, gtol=tol, **options)
    if not res.success and res.message.startswith(("diverged", "oscillating", "f(x0)",
                                                   "the gradient norm is")):
        rate = "" if learning_rate is None else \
            f" Lower the learning_rate (now {learning_rate})."
        raise DivergenceError(f"{who}: {method} did not converge: {res.message}.{rate} If the "
                              "data has very large values, scale it first.")
    if not res.success:
        warnings.warn(f"{who}: {method} stopped before converging: {res.message}. Increase "
                      "max_iter, or scale the data.", ConvergenceWarning, stacklevel=3)
    return res


def resolve_optimizer(optimizer: Any, rate: float, who: str) -> Any:
    """A ``GradientTransformation``: given one (anything with ``init`` and ``update``), or
    a name among ``OPTIMIZERS`` built with the learning rate ``rate``."""
    if callable(getattr(optimizer, "init", None)) and callable(getattr(optimizer, "update",
                                                                       None)):
        return optimizer
    from .. import optim

    check_choice(optimizer, "optimizer", who, OPTIMIZERS)
    return getattr(optim, optimizer)(learning_rate=rate)


def dask_rows(method: Callable) -> Callable:
    """Let ``method(self, X)`` take a Dask array: the result is then a lazy Dask array
    computed chunk by chunk by ``method`` itself (:mod:`chainrule.distributed`)."""
    @functools.wraps(method)
    def wrapper(self: Any, X: Any, *args: Any, **kwargs: Any) -> Any:
        if has_dask((X,)):
            from ..distributed._predict import lazy_rows

            return lazy_rows(method, self, X, *args, **kwargs)
        return method(self, X, *args, **kwargs)

    return wrapper


def _dask_score(model: Any, X: Any, y: Any) -> float:
    from ..distributed._predict import dask_score

    return dask_score(model, X, y)


class BaseModel(Estimator):
    """Checked parameters and fitted-state checks (``get_params``, ``set_params`` and
    ``repr`` come from scikit-learn's ``BaseEstimator`` or its stand-in)."""

    #: For each constructor parameter, the check of its value (see the module doc).
    _parameter_checks: dict[str, Check] = {}
    #: Whether ``y`` may be 2-D (several targets).
    _supports_multi_output = False

    if HAVE_SKLEARN:
        def __sklearn_tags__(self) -> Any:
            """scikit-learn's tags, with multi-output support where the model has it."""
            tags = super().__sklearn_tags__()
            tags.target_tags.multi_output = self._supports_multi_output
            return tags

    def _validate_params(self) -> None:
        """Check every constructor parameter; a parameter without a check is a bug."""
        where = type(self).__name__
        for name in self._get_param_names():
            check = self._parameter_checks.get(name)
            if check is None:
                raise TypeError(f"{where}: parameter {name!r} has no check")
            check(getattr(self, name), name, where)

    def _check_fitted(self, attribute: str) -> None:
        if not hasattr(self, attribute):
            raise NotFittedError(f"This {type(self).__name__} instance is not fitted yet. "
                                 "Call 'fit' with appropriate arguments before using this "
                                 "estimator.")

    def _check_predict_X(self, X: Any, attribute: str) -> np.ndarray:
        self._check_fitted(attribute)
        Xa = check_X(X)
        if Xa.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {Xa.shape[1]} features, but {type(self).__name__} is "
                             f"expecting {self.n_features_in_} features as input "
                             f"(X has shape {Xa.shape}).")
        return Xa


class RegressorMixin(*RegressorBase):
    """``score``: the coefficient of determination R² of ``predict(X)``."""

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """R² = 1 - SS_res / SS_tot (averaged over outputs for several targets)."""
        if sample_weight is not None:
            raise ValueError("score: sample_weight is not supported")
        if has_dask((X,)):
            return _dask_score(self, X, y)
        pred = np.asarray(self.predict(X), dtype=np.float64)
        yt = check_y(y, multi_output=True).reshape(pred.shape)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            ss_res = ((yt - pred) ** 2).sum(axis=0)
            ss_tot = ((yt - yt.mean(axis=0)) ** 2).sum(axis=0)
            r2 = np.where(ss_tot > 0, 1 - ss_res / np.where(ss_tot > 0, ss_tot, 1),
                          np.where(ss_res > 0, 0.0, 1.0))
        return float(np.mean(r2))


class ClassifierMixin(*ClassifierBase):
    """``score``: the accuracy of ``predict(X)``."""

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """The fraction of samples whose predicted label equals ``y``."""
        if sample_weight is not None:
            raise ValueError("score: sample_weight is not supported")
        if has_dask((X,)):
            return _dask_score(self, X, y)
        yt = check_y(y, numeric=False)
        return float(np.mean(self.predict(X) == yt))


def encode_labels(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(classes, indices)``: the sorted distinct labels and each sample's index in them."""
    classes, idx = np.unique(y, return_inverse=True)
    if len(classes) < 2:
        raise ValueError(f"This solver needs samples of at least 2 classes in the data, but "
                         f"the data contains only one class: {classes[0]!r}")
    return classes, idx
