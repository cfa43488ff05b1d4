"""Shared conventions: parameters, clear errors on bad input, not-fitted errors."""

import warnings

import numpy as np
import pytest

from chainrule.models import (
    ConvergenceWarning,
    KMeans,
    LinearRegression,
    LogisticRegression,
    MLPClassifier,
    MLPRegressor,
    NotFittedError,
)

X2 = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0]])
Y_CLS = np.array([0, 0, 1, 1])
Y_REG = np.array([1.0, 2.0, 3.0, 4.0])
SUPERVISED = [
    (LinearRegression, Y_REG), (LinearRegression(method="gd"), Y_REG),
    (LogisticRegression, Y_CLS), (MLPClassifier(max_iter=5), Y_CLS),
    (MLPRegressor(max_iter=5), Y_REG),
]
ALL = [m for m, _ in SUPERVISED] + [KMeans(n_clusters=2)]


def _id(m):
    return repr(_make(m)) if hasattr(m, "get_params") else "y"


def _make(m):
    return m() if isinstance(m, type) else type(m)(**m.get_params())


@pytest.mark.parametrize("model", ALL, ids=lambda m: repr(_make(m)))
def test_get_params_set_params_round_trip(model):
    model = _make(model)
    params = model.get_params()
    clone = type(model)(**params)
    assert clone.get_params() == params
    assert clone.set_params(**params) is clone
    key = "max_iter"
    clone.set_params(**{key: 7})
    assert clone.get_params()[key] == 7 and model.get_params()[key] == params[key]
    with pytest.raises(ValueError, match="Invalid parameter 'bogus'"):
        clone.set_params(bogus=1)


def test_repr_shows_non_default_parameters():
    assert repr(LinearRegression(method="gd")) == "LinearRegression(method='gd')"


@pytest.mark.parametrize("model", ALL, ids=lambda m: repr(_make(m)))
def test_not_fitted(model):
    model = _make(model)
    with pytest.raises(NotFittedError, match="not fitted yet"):
        model.predict(X2)
    assert issubclass(NotFittedError, ValueError) and issubclass(NotFittedError, AttributeError)


@pytest.mark.parametrize("model,y", SUPERVISED, ids=_id)
def test_bad_input(model, y):
    model = _make(model)
    with warnings.catch_warnings():  # max_iter=5 on purpose: this test is about the input
        warnings.simplefilter("ignore", ConvergenceWarning)
        assert model.fit(X2, y) is model
    with pytest.raises(ValueError, match=r"inconsistent.*\(4, 2\).*\(3,\)"):
        model.fit(X2, y[:3])
    with pytest.raises(ValueError, match=r"Expected 2D array, got 1D array.*\(4,\)"):
        model.fit(X2[:, 0], y)
    bad = X2.copy()
    bad[1, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        model.fit(bad, y)
    bad[1, 1] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        model.fit(bad, y)
    with pytest.raises(ValueError, match="NaN"):
        model.fit(X2, np.where(np.arange(4) == 0, np.nan, y))
    with pytest.raises(ValueError, match="X has 3 features, but .* expecting 2"):
        model.predict(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"Found array with 0 sample\(s\)"):
        model.fit(np.ones((0, 2)), y[:0])


def test_kmeans_bad_input():
    with pytest.raises(ValueError, match="n_clusters=5"):
        KMeans(n_clusters=5).fit(X2)
    with pytest.raises(ValueError, match="init has shape"):
        KMeans(n_clusters=2, init=np.zeros((3, 2))).fit(X2)
    km = KMeans(n_clusters=2).fit(X2)
    with pytest.raises(ValueError, match="X has 1 features"):
        km.predict([[1.0]])


def test_bad_settings():
    with pytest.raises(ValueError, match="method must be one of"):
        LinearRegression(method="svd").fit(X2, Y_REG)
    with pytest.raises(ValueError, match="solver must be one of"):
        LogisticRegression(solver="saga").fit(X2, Y_CLS)
    with pytest.raises(ValueError, match="only one class"):
        LogisticRegression().fit(X2, np.zeros(4))
    with pytest.raises(ValueError, match="activation"):
        MLPClassifier(activation="gelu").fit(X2, Y_CLS)
    with pytest.raises(ValueError, match="y should be a 1d array"):
        LogisticRegression().fit(X2, np.zeros((4, 2)))
