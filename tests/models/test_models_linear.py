"""LinearRegression: the house-price example, agreement between methods and with sklearn."""

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression as SkLinearRegression

from chainrule.models import LinearRegression

METHODS = ["closed_form", "gd", "newton"]
HOUSE_X = np.array([[50.0], [100.0], [150.0]])
HOUSE_Y = np.array([100.0, 200.0, 300.0])


@pytest.mark.parametrize("method", METHODS)
def test_house_prices_learn_two_per_square_metre(method):
    model = LinearRegression(method=method).fit(HOUSE_X, HOUSE_Y)
    assert model.coef_ == pytest.approx([2.0], abs=1e-6)
    assert model.intercept_ == pytest.approx(0.0, abs=1e-4)
    assert model.predict([[120.0]]) == pytest.approx([240.0], abs=1e-4)
    assert model.score(HOUSE_X, HOUSE_Y) == pytest.approx(1.0)
    assert len(model.loss_history_) >= 1 and model.loss_history_[-1] < 1e-6


def test_gd_loss_history_decreases_and_is_in_original_units():
    model = LinearRegression(method="gd").fit(HOUSE_X, HOUSE_Y)
    hist = np.array(model.loss_history_)
    assert hist[0] == pytest.approx(np.mean((HOUSE_Y - HOUSE_Y.mean()) ** 2))
    assert np.all(np.diff(hist) <= 1e-12)
    assert model.n_iter_ == len(hist) or model.n_iter_ == len(hist) - 1


def test_newton_converges_in_one_step():
    model = LinearRegression(method="newton").fit(HOUSE_X, HOUSE_Y)
    assert model.n_iter_ <= 2
    assert model.loss_history_[1] < 1e-20 * max(model.loss_history_[0], 1)


@pytest.fixture
def regression_data():
    rng = np.random.default_rng(1)
    X = rng.normal(3.0, [1.0, 10.0, 0.1], size=(60, 3))
    y = X @ np.array([1.5, -0.2, 4.0]) + 7.0 + 0.1 * rng.standard_normal(60)
    return X, y


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_methods_agree_with_sklearn(regression_data, fit_intercept):
    X, y = regression_data
    ref = SkLinearRegression(fit_intercept=fit_intercept).fit(X, y)
    for method in METHODS:
        model = LinearRegression(method=method, max_iter=5000, learning_rate=0.1,
                                 fit_intercept=fit_intercept).fit(X, y)
        np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-6, atol=1e-8)
        assert model.intercept_ == pytest.approx(ref.intercept_, rel=1e-6, abs=1e-8)
        assert model.score(X, y) == pytest.approx(ref.score(X, y), rel=1e-9)


def test_two_targets(regression_data):
    X, y = regression_data
    Y = np.column_stack([y, -2 * y + 1])
    ref = SkLinearRegression().fit(X, Y)
    for method in ("closed_form", "newton"):
        model = LinearRegression(method=method).fit(X, Y)
        assert model.coef_.shape == (2, 3) and model.predict(X).shape == (60, 2)
        np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-6)
        np.testing.assert_allclose(model.intercept_, ref.intercept_, rtol=1e-6)


def test_gd_with_too_large_learning_rate_says_so():
    with pytest.raises(FloatingPointError, match="learning_rate"):
        with np.errstate(over="ignore", invalid="ignore"):
            LinearRegression(method="gd", learning_rate=5.0).fit(HOUSE_X, HOUSE_Y)
