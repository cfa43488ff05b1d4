"""The models are genuine scikit-learn estimators when scikit-learn is installed
(check_estimator, clone, Pipeline, GridSearchCV, cross_val_score), and work without it."""

import subprocess
import sys
import textwrap
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

sklearn = pytest.importorskip("sklearn")
from sklearn.base import clone  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

#: Checks that do not apply, with the reason (the README lists them).
NOT_APPLICABLE = {
    ("LinearRegression", "closed_form"): {
        "check_non_transformer_estimators_n_iter":
            "method='closed_form' solves the least-squares problem directly, without "
            "iterating, so n_iter_ is 0 (max_iter is used by 'gd' and 'newton' only)",
    },


    ("LogisticRegression", "multinomial"): {
        "check_classifiers_train":
            "multi_class='multinomial' keeps one row of coefficients per class even for "
            "two classes (by design, to show the softmax), so decision_function has shape "
            "(n, 2) where scikit-learn expects (n,) for a binary problem",
        "check_classifiers_classes": "the same two rows of coefficients (see above)",
    },
}


def expected_failed_checks(estimator):
    key = (type(estimator).__name__,
           getattr(estimator, "method", getattr(estimator, "multi_class", None)))
    return NOT_APPLICABLE.get(key, {})


#: Every model; the MLPs with fewer epochs, so that all checks together stay fast.
FAST = [LinearRegression(), LinearRegression(method="gd"), LinearRegression(method="newton"),
        LogisticRegression(), LogisticRegression(solver="newton"),
        MLPClassifier(max_iter=100), MLPRegressor(max_iter=100), KMeans()]
FULL = [MLPClassifier(), MLPRegressor(), LogisticRegression(solver="gd"),
        LogisticRegression(multi_class="multinomial")]


@parametrize_with_checks(FAST, expected_failed_checks=expected_failed_checks)
def test_check_estimator(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)


@pytest.mark.slow
@parametrize_with_checks(FULL, expected_failed_checks=expected_failed_checks)
def test_check_estimator_default_settings(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)


RNG = np.random.default_rng(0)
X = RNG.normal(size=(60, 3))
Y_REG = X @ np.array([1.0, -2.0, 0.5]) + 3.0 + 0.1 * RNG.normal(size=60)
Y_CLS = (X[:, 0] + X[:, 1] > 0).astype(int)
SUPERVISED = [(LinearRegression(), Y_REG), (LogisticRegression(), Y_CLS),
              (MLPClassifier(max_iter=200), Y_CLS), (MLPRegressor(max_iter=200), Y_REG)]


@pytest.mark.parametrize("model,y", SUPERVISED, ids=lambda m: type(m).__name__)
def test_clone_pipeline_and_cross_validation(model, y):
    fresh = clone(model)
    assert fresh is not model and fresh.get_params() == model.get_params()
    pipe = make_pipeline(StandardScaler(), model)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.shape == (3,) and np.all(scores > 0.5)


def test_grid_search_over_chainrule_parameters():
    search = GridSearchCV(LogisticRegression(), {"C": [0.01, 1.0, 100.0],
                                                 "solver": ["lbfgs", "newton"]}, cv=3)
    search.fit(X, Y_CLS)
    assert search.best_params_["C"] in (0.01, 1.0, 100.0) and search.best_score_ > 0.8
    grid = GridSearchCV(KMeans(random_state=0), {"n_clusters": [2, 3]}, cv=2).fit(X)
    assert grid.best_estimator_.n_clusters in (2, 3)


def test_exceptions_and_warnings_are_scikit_learns():
    from sklearn.exceptions import ConvergenceWarning as SkConvergenceWarning
    from sklearn.exceptions import NotFittedError as SkNotFittedError

    assert issubclass(NotFittedError, SkNotFittedError)
    assert issubclass(ConvergenceWarning, SkConvergenceWarning)
    with pytest.warns(SkConvergenceWarning, match="max_iter"):
        LogisticRegression(max_iter=1).fit(X, Y_CLS)


def test_the_models_work_without_scikit_learn():
    script = textwrap.dedent("""
        import sys, warnings
        sys.modules["sklearn"] = None  # any import of scikit-learn now fails
        import numpy as np
        from chainrule.models import (HAVE_SKLEARN, KMeans, LinearRegression,
            LogisticRegression, MLPClassifier, MLPRegressor, NotFittedError,
            ConvergenceWarning)
        assert not HAVE_SKLEARN
        X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0], [4.0, 1.0]])
        y = np.array([0, 0, 1, 1, 1])
        for m in (LinearRegression(method="gd"), LogisticRegression(),
                  MLPClassifier(max_iter=20), MLPRegressor(max_iter=20)):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                assert m.fit(X, y) is m and m.predict(X).shape == (5,)
            assert type(m)(**m.get_params()).get_params() == m.get_params()
        km = KMeans(n_clusters=2).fit(X)
        assert km.predict(X).shape == (5,) and km.fit_transform(X).shape == (5, 2)
        assert repr(LinearRegression(method="gd")) == "LinearRegression(method='gd')"
        try:
            LinearRegression().set_params(bogus=1)
        except ValueError as e:
            assert "Invalid parameter 'bogus'" in str(e)
        try:
            KMeans().predict(X)
        except NotFittedError as e:
            assert isinstance(e, ValueError) and isinstance(e, AttributeError)
        print("ok")
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]
