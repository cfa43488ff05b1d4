"""The models fit Dask arrays and give the in-memory answer; predictions are lazy."""

import warnings

import numpy as np
import pytest

from chainrule.models import (
    KMeans,
    LinearRegression,
    LogisticRegression,
    MLPClassifier,
    MLPRegressor,
)

da = pytest.importorskip("dask.array")


def _dask(*arrays, rows=(60, 0, 100, 80)):
    return tuple(da.from_array(a, chunks=(rows,) + a.shape[1:]) for a in arrays)


@pytest.fixture(scope="module")
def labelled():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(240, 3)) * [1.0, 3.0, 0.5]
    z = X @ [1.0, -0.4, 2.0] + rng.normal(size=240)
    return X, np.where(z > 0, "yes", "no"), np.digitize(z, [-1.0, 1.0])


@pytest.mark.parametrize("method", ["closed_form", "gd", "newton"])
def test_linear_regression(regression, method):
    X, y, Xd, yd = regression
    a, b = LinearRegression(method=method).fit(X, y), LinearRegression(method=method).fit(Xd, yd)
    np.testing.assert_allclose(b.coef_, a.coef_, rtol=0, atol=1e-9)
    assert b.intercept_ == pytest.approx(a.intercept_, abs=1e-9)
    assert b.n_iter_ == a.n_iter_
    pred = b.predict(Xd)
    assert isinstance(pred, da.Array) and pred.chunks[0] == (70, 90, 80)  # no empty chunk
    np.testing.assert_allclose(pred.compute(), a.predict(X), atol=1e-9)
    assert b.score(Xd, yd) == pytest.approx(a.score(X, y), abs=1e-12)


@pytest.mark.parametrize("solver,hessian", [("lbfgs", "closed_form"),
                                            ("newton", "closed_form"),
                                            ("newton", "autodiff"), ("gd", "closed_form")])
@pytest.mark.parametrize("classes", ["binary", "three"])
def test_logistic_regression(labelled, solver, hessian, classes):
    X, binary, three = labelled
    y = binary if classes == "binary" else three
    options = dict(solver=solver, hessian=hessian, tol=1e-9, max_iter=60 if solver == "gd"
                   else 100)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # gd stops at max_iter, in memory as on Dask
        a = LogisticRegression(**options).fit(X, y)
        b = LogisticRegression(**options).fit(*_dask(X, y))
    np.testing.assert_allclose(b.coef_, a.coef_, rtol=0, atol=1e-6)
    np.testing.assert_allclose(b.intercept_, a.intercept_, rtol=0, atol=1e-6)
    assert list(b.classes_) == list(a.classes_)
    (Xd,) = _dask(X)
    np.testing.assert_allclose(b.predict_proba(Xd).compute(), a.predict_proba(X), atol=1e-6)
    assert (b.predict(Xd).compute() == a.predict(X)).all()
    assert b.score(Xd, y) == a.score(X, y)


@pytest.mark.parametrize("init", ["k-means++", "random", "given", "with an empty cluster"])
def test_kmeans_gives_the_same_centres_from_the_same_init(init):
    rng = np.random.default_rng(2)
    X = np.vstack([rng.normal(size=(80, 2)) + c for c in ([0, 0], [6, 6], [0, 7])])
    X = X[rng.permutation(len(X))]
    init = {"given": X[:3].copy(), "with an empty cluster": np.array(
        [[50.0, 50.0], [0.0, 0.0], [6.0, 6.0]])}.get(init, init)
    a = KMeans(3, init=init, random_state=3).fit(X)
    b = KMeans(3, init=init, random_state=3).fit(*_dask(X))
    np.testing.assert_allclose(b.cluster_centers_, a.cluster_centers_, rtol=0, atol=1e-12)
    assert b.inertia_ == pytest.approx(a.inertia_, rel=1e-12)
    assert b.n_iter_ == a.n_iter_
    assert isinstance(b.labels_, da.Array)
    assert (b.labels_.compute() == a.labels_).all()
    (Xd,) = _dask(X)
    np.testing.assert_allclose(b.transform(Xd).compute(), a.transform(X), atol=1e-12)
    assert b.score(Xd) == pytest.approx(a.score(X), rel=1e-12)


def test_mlps_full_batch_train_as_in_memory(labelled):
    X, binary, _ = labelled
    z = np.sin(X[:, 0]) + X[:, 1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for Model, y in ((MLPClassifier, binary), (MLPRegressor, z)):
            options = dict(hidden_layer_sizes=(5,), max_iter=25, alpha=0.1)
            a, b = Model(**options).fit(X, y), Model(**options).fit(*_dask(X, y))
            for u, v in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
                np.testing.assert_allclose(v, u, rtol=0, atol=1e-9)
            np.testing.assert_allclose(b.loss_history_, a.loss_history_, rtol=1e-10)
            (Xd,) = _dask(X)
            assert b.score(Xd, y) == pytest.approx(a.score(X, y), abs=1e-12)
        mb = MLPClassifier(max_iter=2, batch_size=50).fit(*_dask(X, binary))
        assert mb.n_iter_ == 2 and mb.predict(Xd).shape == (240,)
        part = MLPClassifier().partial_fit(*_dask(X, binary), classes=["no", "yes"])
        assert part.partial_fit(*_dask(X, binary)).n_iter_ == 2


def test_model_input_errors(labelled):
    X, binary, _ = labelled
    bad = X.copy()
    bad[70, 2] = np.nan
    for model, y in ((LinearRegression(), X[:, 0]), (LogisticRegression(), binary),
                     (KMeans(2), None)):
        with pytest.raises(ValueError, match=r"rows 60 to 159 of X \(chunk 1\) contains NaN"):
            model.fit(*_dask(bad) if y is None else _dask(bad, y))
    with pytest.raises(ValueError, match="at least 2 classes"):
        LogisticRegression().fit(*_dask(X, np.zeros(240)))
    with pytest.raises(ValueError, match="different numbers of rows"):
        LinearRegression().fit(_dask(X)[0], da.zeros(239, chunks=100))
