"""chainrule.models: scikit-learn-style models trained with chainrule's derivatives.

``fit(X, y)`` returns the model; ``predict``, ``score`` (R² for regressors, accuracy for
classifiers), ``get_params`` / ``set_params``; fitted attributes end in ``_``, among them
``loss_history_`` (the training loss per iteration or epoch) and ``n_iter_``. With
scikit-learn installed they are genuine scikit-learn estimators (``clone``, ``Pipeline``,
``GridSearchCV``, ``cross_val_score``); scikit-learn stays optional.

>>> import numpy as np
>>> from chainrule.models import LinearRegression
>>> LinearRegression(method="newton").fit([[50.0], [100.0], [150.0]],
...                                       [100.0, 200.0, 300.0]).predict([[120.0]]).round(6)
array([240.])
"""

from ..optim.diagnostics import DivergenceError
from ._compat import HAVE_SKLEARN, ConvergenceWarning, DataConversionWarning, NotFittedError
from .cluster import (
    KMeans,
    kmeans_newton_step,
    kmeans_objective,
    kmeans_objective_gradient,
    kmeans_plusplus,
)
from .linear import LinearRegression
from .logistic import LogisticRegression, log_loss
from .neural import MLPClassifier, MLPRegressor

__all__ = [
    "KMeans", "LinearRegression", "LogisticRegression", "MLPClassifier", "MLPRegressor",
    "NotFittedError", "ConvergenceWarning", "DataConversionWarning", "DivergenceError",
    "HAVE_SKLEARN", "kmeans_newton_step", "kmeans_objective", "kmeans_objective_gradient",
    "kmeans_plusplus", "log_loss",
]
