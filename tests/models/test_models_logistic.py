"""LogisticRegression against scikit-learn's lbfgs: coefficients and log-loss."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.metrics import log_loss as sk_log_loss

from chainrule import hessian
from chainrule.models import LogisticRegression, log_loss
from chainrule.models.logistic import _binary_hessian, binary_objective


def _binary(seed=0, n=150):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 4))
    y = (X @ np.array([1.0, -2.0, 0.5, 0.0]) + 0.3 + rng.standard_normal(n) > 0).astype(int)
    return X, y


def _multiclass(seed=0, n=150):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 4))
    y = np.argmax(X[:, :3] + 0.7 * rng.standard_normal((n, 3)), axis=1)
    return X, np.array(["a", "b", "c"])[y]


def _sklearn(X, y, **kw):
    return SkLogisticRegression(solver="lbfgs", tol=1e-12, max_iter=10_000, **kw).fit(X, y)


def _check_against(model, ref, X, y):
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(model.intercept_, ref.intercept_, rtol=1e-4, atol=1e-6)
    ours = sk_log_loss(y, model.predict_proba(X))
    assert ours == pytest.approx(sk_log_loss(y, ref.predict_proba(X)), rel=1e-6)
    assert log_loss(y, model.predict_proba(X), model.classes_) == pytest.approx(ours)
    assert model.score(X, y) == pytest.approx(ref.score(X, y))


@pytest.mark.parametrize("solver", ["newton", "lbfgs", "gd"])
@pytest.mark.parametrize("C", [0.1, 10.0])
def test_binary_matches_sklearn(solver, C):
    X, y = _binary()
    kw = dict(max_iter=20_000, learning_rate=2.0) if solver == "gd" else {}
    model = LogisticRegression(C=C, solver=solver, tol=1e-9, **kw).fit(X, y)
    assert model.converged_
    _check_against(model, _sklearn(X, y, C=C), X, y)
    assert model.coef_.shape == (1, 4) and model.decision_function(X).shape == (150,)


@pytest.mark.parametrize("solver", ["newton", "lbfgs"])
def test_multinomial_matches_sklearn(solver):
    X, y = _multiclass()
    model = LogisticRegression(C=0.5, solver=solver, tol=1e-9).fit(X, y)
    _check_against(model, _sklearn(X, y, C=0.5), X, y)
    assert model.coef_.shape == (3, 4) and model.predict_proba(X).shape == (150, 3)
    np.testing.assert_allclose(model.predict_proba(X).sum(axis=1), 1.0)
    assert set(model.predict(X)) <= {"a", "b", "c"}


def test_no_penalty_and_no_intercept():
    X, y = _binary(seed=3)
    model = LogisticRegression(penalty=None, fit_intercept=False, tol=1e-9).fit(X, y)
    ref = _sklearn(X, y, C=np.inf, fit_intercept=False)
    _check_against(model, ref, X, y)


@pytest.mark.parametrize("solver", ["newton", "lbfgs"])
def test_fast_and_history_decreases(solver):
    X, y = _binary()
    model = LogisticRegression(solver=solver, tol=1e-8).fit(X, y)
    assert model.converged_
    assert model.n_iter_ <= (10 if solver == "newton" else 40)
    assert np.all(np.diff(model.loss_history_) < 0)


@pytest.mark.parametrize("data", [_binary, _multiclass])
def test_autodiff_hessian_gives_the_same_fit(data):
    X, y = data(n=40)
    a = LogisticRegression(solver="newton", hessian="closed_form", tol=1e-10).fit(X, y)
    b = LogisticRegression(solver="newton", hessian="autodiff", tol=1e-10).fit(X, y)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-8, atol=1e-10)


def test_closed_form_hessian_equals_chainrule_hessian():
    X, y = _binary(n=30)
    Xa = np.hstack([X, np.ones((30, 1))])
    mask = np.array([1.0, 1, 1, 1, 0])
    theta = np.random.default_rng(2).standard_normal(5)
    auto = hessian(binary_objective)(theta, Xa, y.astype(float), mask, 0.3)
    np.testing.assert_allclose(_binary_hessian(theta, Xa, mask, 0.3), auto, rtol=1e-10)


def test_multinomial_without_penalty_is_centered():
    X, y = _multiclass(seed=5)
    model = LogisticRegression(penalty=None, tol=1e-9).fit(X, y)
    ref = _sklearn(X, y, C=np.inf)
    np.testing.assert_allclose(model.predict_proba(X), ref.predict_proba(X), atol=1e-5)
    np.testing.assert_allclose(model.coef_.sum(axis=0), 0.0, atol=1e-10)


def test_forced_multinomial_on_two_classes():
    X, y = _binary()
    model = LogisticRegression(multi_class="multinomial").fit(X, y)
    assert model.coef_.shape == (2, 4)
    ref = LogisticRegression().fit(X, y)
    assert model.score(X, y) == pytest.approx(ref.score(X, y), abs=0.02)
