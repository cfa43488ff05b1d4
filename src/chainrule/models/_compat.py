"""scikit-learn, when it is installed: the models become genuine scikit-learn estimators.

scikit-learn is optional. With it, :class:`Estimator` is ``sklearn.base.BaseEstimator``
and the mixins are scikit-learn's (so ``clone``, ``Pipeline``, ``GridSearchCV``,
``cross_val_score`` and the estimator tags work), and the warnings and the not-fitted
error subclass scikit-learn's, so its filters and ``except`` clauses catch them. Without
it, small stand-ins give the same ``get_params`` / ``set_params`` / ``repr`` behaviour.

>>> issubclass(NotFittedError, ValueError) and issubclass(NotFittedError, AttributeError)
True
"""

from __future__ import annotations

import inspect
from typing import Any

from ..optim.diagnostics import ConvergenceWarning as _OptimConvergenceWarning

__all__ = ["HAVE_SKLEARN", "Estimator", "RegressorBase", "ClassifierBase", "ClusterBase",
           "NotFittedError", "ConvergenceWarning", "DataConversionWarning"]

try:  # pragma: no branch - which side runs depends on the environment
    from sklearn.base import BaseEstimator as _SkEstimator
    from sklearn.base import ClassifierMixin as _SkClassifier
    from sklearn.base import ClusterMixin as _SkCluster
    from sklearn.base import RegressorMixin as _SkRegressor
    from sklearn.base import TransformerMixin as _SkTransformer
    from sklearn.exceptions import ConvergenceWarning as _SkConvergenceWarning
    from sklearn.exceptions import DataConversionWarning as _SkDataConversionWarning
    from sklearn.exceptions import NotFittedError as _SkNotFittedError
    HAVE_SKLEARN = True
except ImportError:
    HAVE_SKLEARN = False


class _FallbackEstimator:
    """``get_params`` / ``set_params`` / ``repr`` from the constructor's signature, as
    scikit-learn's ``BaseEstimator`` does."""

    @classmethod
    def _get_param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return sorted(p.name for p in sig.parameters.values()
                      if p.name != "self" and p.kind is not p.VAR_KEYWORD)

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor arguments and their current values."""
        return {name: getattr(self, name) for name in self._get_param_names()}

    def set_params(self, **params: Any) -> Any:
        """Set constructor arguments by name; returns ``self``."""
        valid = self._get_param_names()
        for key, value in params.items():
            if key not in valid:
                raise ValueError(f"Invalid parameter {key!r} for estimator "
                                 f"{type(self).__name__}(). Valid parameters are: {valid!r}.")
            setattr(self, key, value)
        return self

    def __repr__(self) -> str:
        sig = inspect.signature(type(self).__init__)
        args = [f"{k}={v!r}" for k, v in self.get_params().items()
                if not _same(v, sig.parameters[k].default)]
        return f"{type(self).__name__}({', '.join(args)})"


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b) and type(a) is type(b)
    except (TypeError, ValueError):
        return a is b


if HAVE_SKLEARN:
    Estimator: type = _SkEstimator
    RegressorBase: tuple = (_SkRegressor,)
    ClassifierBase: tuple = (_SkClassifier,)
    ClusterBase: tuple = (_SkCluster, _SkTransformer)
    _NOT_FITTED: tuple = (_SkNotFittedError,)
    _CONVERGENCE: tuple = (_OptimConvergenceWarning, _SkConvergenceWarning)
    _CONVERSION: tuple = (_SkDataConversionWarning,)
else:
    Estimator = _FallbackEstimator
    RegressorBase = ClassifierBase = ClusterBase = ()
    _NOT_FITTED = (ValueError, AttributeError)
    _CONVERGENCE = (_OptimConvergenceWarning,)
    _CONVERSION = (UserWarning,)


class NotFittedError(*_NOT_FITTED):
    """Raised when a model is used before ``fit`` (a ``ValueError`` and an
    ``AttributeError``, and scikit-learn's ``NotFittedError`` when it is installed)."""


class ConvergenceWarning(*_CONVERGENCE):
    """A fit stopped at ``max_iter`` before its convergence criterion was met."""


class DataConversionWarning(*_CONVERSION):
    """The data was converted to another shape (a column-vector ``y`` was raveled)."""
