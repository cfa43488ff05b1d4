"""Models on hostile data: extreme scales, divergent settings, bad inputs (scikit-learn's
messages as the anchor), non-convergence; nothing fails silently or with a deep error."""

import pickle
import warnings

import numpy as np
import pytest

from chainrule.models import (
    ConvergenceWarning,
    DataConversionWarning,
    DivergenceError,
    KMeans,
    LinearRegression,
    LogisticRegression,
    MLPClassifier,
    MLPRegressor,
)

X4 = np.array([[1.0], [2.0], [3.0], [4.0]])
Y4 = 2.0 * X4[:, 0] + 1.0
ALL = [LinearRegression(), LinearRegression(method="gd"), LinearRegression(method="newton"),
       LogisticRegression(), MLPClassifier(max_iter=5), MLPRegressor(max_iter=5),
       KMeans(n_clusters=2)]
CLASSIFIERS = [LogisticRegression(), MLPClassifier(max_iter=5)]


@pytest.fixture(autouse=True)
def _strict_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


@pytest.mark.parametrize("method", ["closed_form", "gd", "newton"])
@pytest.mark.parametrize("scale", [1e-300, 1e-150, 1.0, 1e150, 1e300])
def test_linear_regression_at_any_scale_of_x(method, scale):
    m = LinearRegression(method=method).fit(X4 * scale, Y4)
    assert m.coef_[0] * scale == pytest.approx(2.0, rel=1e-6)
    assert m.intercept_ == pytest.approx(1.0, rel=1e-6)
    np.testing.assert_allclose(m.predict(X4 * scale), Y4, rtol=1e-6)


@pytest.mark.parametrize("method", ["closed_form", "gd", "newton"])
def test_linear_regression_with_huge_targets(method):
    m = LinearRegression(method=method).fit(X4, Y4 * 1e300)
    assert m.coef_[0] == pytest.approx(2e300, rel=1e-6)


def test_unrepresentable_coefficients_are_an_error_not_zero():
    with pytest.raises(ValueError, match="do not fit in float64"):
        LinearRegression().fit(X4 * 1e-300, Y4 * 1e300)


@pytest.mark.parametrize("scale", [1e-300, 1.0, 1e300])
def test_kmeans_at_any_scale(scale):
    X = np.array([[1.0], [1.1], [-1.0], [-1.1]]) * scale
    km = KMeans(n_clusters=2, random_state=0).fit(X)
    np.testing.assert_allclose(sorted(km.cluster_centers_[:, 0] / scale), [-1.05, 1.05])
    assert km.labels_[0] == km.labels_[1] != km.labels_[2] == km.labels_[3]
    np.testing.assert_array_equal(km.predict(X), km.labels_)
    np.testing.assert_allclose(km.transform(X).min(axis=1) / scale, 0.05, rtol=1e-9)
    expected = 4 * (0.05 * scale) * (0.05 * scale)  # inf at 1e300: beyond float64
    assert km.inertia_ == pytest.approx(expected, rel=1e-9) or (np.isinf(expected)
                                                                and np.isinf(km.inertia_))


def test_kmeans_on_plus_minus_1e300():
    km = KMeans(n_clusters=2).fit(np.array([[1e300], [-1e300], [1e300], [-1e300]]))
    assert sorted(km.cluster_centers_[:, 0]) == [-1e300, 1e300] and km.inertia_ == 0.0


def test_a_divergent_mlp_raises_instead_of_ending_at_1e193():
    X = np.random.default_rng(0).normal(size=(20, 2))
    with pytest.raises(DivergenceError, match=r"diverged.*learning_rate \(now 10\)"):
        MLPRegressor(learning_rate=10, optimizer="sgd", max_iter=50).fit(X, 3 * X[:, 0])
    assert issubclass(DivergenceError, ValueError)


def test_gradient_descent_with_a_too_large_step_raises():
    X = np.random.default_rng(1).normal(size=(30, 2)) * 10
    y = (X[:, 0] > 0).astype(int)
    with pytest.raises(DivergenceError, match="Lower the learning_rate"):
        LogisticRegression(solver="gd", learning_rate=100.0).fit(X, y)
    with pytest.raises(DivergenceError, match="learning_rate"):
        LinearRegression(method="gd", learning_rate=5.0).fit(X, X[:, 0])


def test_default_gradient_descent_takes_the_step_the_curvature_allows():
    X = np.random.default_rng(2).normal(size=(40, 2)) * [1.0, 1e3]
    y = (X[:, 0] + X[:, 1] / 1e3 > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        lin = LinearRegression(method="gd").fit([[50.0], [100.0], [150.0]], [1.0, 2.0, 3.0])
    assert lin.n_iter_ == 1 and lin.coef_[0] == pytest.approx(0.02)
    log = LogisticRegression(solver="gd", max_iter=200).fit(X, y)  # slow, but never diverges
    assert np.all(np.diff(log.loss_history_) <= 0) and log.score(X, y) > 0.7


@pytest.mark.parametrize("model", [LinearRegression(method="gd", max_iter=1),
                                   LogisticRegression(max_iter=1),
                                   MLPClassifier(max_iter=2)], ids=repr)
def test_stopping_at_max_iter_warns(model):
    X = np.random.default_rng(3).normal(size=(30, 3))
    X[:, 2] = X[:, 0] + 1e-3 * X[:, 2]
    y = (X[:, 0] > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        with pytest.raises(ConvergenceWarning, match="max_iter"):
            model.fit(X, y)


@pytest.mark.parametrize("model", ALL, ids=repr)
def test_zero_rows_and_wrong_dimensions(model):
    y = np.zeros(0)
    with pytest.raises(ValueError, match=r"Found array with 0 sample\(s\) \(shape=\(0, 2\)\)"):
        model.fit(np.zeros((0, 2)), y)
    with pytest.raises(ValueError, match=r"0 feature\(s\)"):
        model.fit(np.zeros((3, 0)), np.arange(3.0))
    with pytest.raises(ValueError, match="Found array with dim 3"):
        model.fit(np.zeros((3, 2, 1)), np.arange(3.0))
    with pytest.raises(ValueError, match="Complex data not supported"):
        model.fit(X4 + 1j, Y4)
    with pytest.raises(ValueError, match="could not convert string to float"):
        model.fit([["a"], ["b"], ["c"], ["d"]], Y4)


@pytest.mark.parametrize("model", ALL, ids=repr)
def test_sparse_input_is_refused_with_a_hint(model):
    sparse = pytest.importorskip("scipy.sparse")
    with pytest.raises(TypeError, match=r"Sparse data was passed.*toarray"):
        model.fit(sparse.csr_matrix(X4), Y4 > 2)


@pytest.mark.parametrize("model", ALL[:6], ids=repr)
def test_y_none_and_integer_bool_list_inputs(model):
    with pytest.raises(ValueError, match="requires y to be passed, but the target y is None"):
        model.fit(X4, None)
    y = [0, 0, 1, 1]
    ref = type(model)(**model.get_params()).fit(X4, y).predict(X4)
    for X in (X4.astype(int), X4.astype(int).tolist()):
        got = type(model)(**model.get_params()).fit(X, y).predict(X)
        np.testing.assert_allclose(got, ref)
    type(model)(**model.get_params()).fit(np.array([[True], [False], [True], [False]]), y)


@pytest.mark.parametrize("model", CLASSIFIERS, ids=repr)
def test_classifiers_refuse_continuous_targets_and_warn_on_columns(model):
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        model.fit(X4, [0.5, 1.5, 2.5, 3.1])
    with pytest.warns(DataConversionWarning, match="column-vector y"):
        model.fit(X4, np.array([[0], [0], [1], [1]]))
    with pytest.raises(ValueError, match="one class"):
        model.fit(X4[:1], [0])


def test_one_sample():
    assert LinearRegression().fit([[1.0]], [3.0]).predict([[5.0]])[0] == 3.0
    with pytest.raises(ValueError, match="n_samples=1 should be >= n_clusters=2"):
        KMeans(n_clusters=2).fit([[1.0]])


def test_a_fitted_mlp_pickles_and_keeps_training():
    clf = MLPClassifier(max_iter=5).fit(X4, [0, 0, 1, 1])
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(again.predict(X4), clf.predict(X4))
    again.partial_fit(X4, [0, 0, 1, 1])
    assert again.n_iter_ == clf.n_iter_ + 1
