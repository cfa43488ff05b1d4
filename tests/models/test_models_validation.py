"""Every constructor parameter of every model is checked at ``fit`` (the constructor only
stores it, as scikit-learn requires), with a message naming the parameter."""

import inspect
import math

import numpy as np
import pytest

from chainrule.models import (
    KMeans,
    LinearRegression,
    LogisticRegression,
    MLPClassifier,
    MLPRegressor,
)
from chainrule.optim import InvalidParameterError, sgd

NAN, INF = math.nan, math.inf
POSITIVE = [0, -1.0, INF, NAN, "1", True]
OPTIONAL_POSITIVE = [0, -0.5, INF, NAN, "1"]
NONNEG = [-1e-3, INF, NAN, "0"]
INT1 = [0, -1, 2.5, "3", True, None]
BOOL = ["yes", 1, None]
SEED = [-1, 1.5, "0", True]
MODELS = [LinearRegression, LogisticRegression, MLPClassifier, MLPRegressor, KMeans]

BAD = {
    "LinearRegression": {"method": ["svd", None, 1], "learning_rate": OPTIONAL_POSITIVE,
                         "max_iter": INT1, "tol": NONNEG, "fit_intercept": BOOL},
    "LogisticRegression": {"C": POSITIVE, "penalty": ["l1", "none", 0],
                           "solver": ["saga", None], "max_iter": INT1, "tol": NONNEG,
                           "multi_class": ["ovr", None], "fit_intercept": BOOL,
                           "learning_rate": OPTIONAL_POSITIVE,
                           "hessian": ["exact", None]},
    "MLP": {"hidden_layer_sizes": [0, (8, 0), (-1,), (2.5,), "8", None],
            "activation": ["gelu", None], "optimizer": ["nope", None, 3, "minimize"],
            "learning_rate": POSITIVE, "max_iter": INT1, "batch_size": [0, -2, 1.5, "8"],
            "alpha": NONNEG, "random_state": SEED, "tol": NONNEG,
            "n_iter_no_change": INT1},
    "KMeans": {"n_clusters": INT1, "init": ["kmeans", None, [[1.0, np.nan]]],
               "n_init": [0, -1, "many", 1.5], "max_iter": INT1, "tol": NONNEG,
               "random_state": SEED},
}

X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0], [4.0, 2.0]])
Y = {"LinearRegression": [1.0, 2.0, 3.0, 4.0, 5.0], "MLPRegressor": [1.0, 2.0, 3.0, 4.0, 5.0]}


def _table(cls):
    return BAD["MLP" if cls.__name__.startswith("MLP") else cls.__name__]


@pytest.mark.parametrize("cls", MODELS, ids=lambda c: c.__name__)
def test_every_constructor_parameter_has_bad_values_and_a_check(cls):
    params = [p for p in inspect.signature(cls.__init__).parameters if p != "self"]
    assert sorted(params) == sorted(_table(cls)), "add the new parameter to BAD"
    assert sorted(params) == sorted(cls._parameter_checks)


CASES = [(cls, p, v) for cls in MODELS for p, values in _table(cls).items() for v in values]


@pytest.mark.parametrize("cls,param,value", CASES,
                         ids=[f"{c.__name__}-{p}-{v!r}" for c, p, v in CASES])
def test_bad_parameters_are_refused_at_fit_naming_the_parameter(cls, param, value):
    model = cls(**{param: value})  # the constructor stores, never checks
    assert model.get_params()[param] is value
    y = Y.get(cls.__name__, [0, 0, 1, 1, 1])
    with pytest.raises(InvalidParameterError, match=f"{cls.__name__}: {param}"):
        model.fit(X, None if cls is KMeans else y)


def test_an_optimizer_object_is_accepted():
    model = MLPRegressor(optimizer=sgd(0.01), max_iter=3)
    with pytest.warns(UserWarning, match="max_iter"):
        model.fit(X, Y["MLPRegressor"])
    assert model.n_iter_ == 3
