"""KMeans: planted clusters, agreement with sklearn, and the Newton view of Lloyd's step."""

import numpy as np
import pytest
from sklearn.cluster import KMeans as SkKMeans
from sklearn.metrics import adjusted_rand_score

from chainrule import grad, hessian
from chainrule.models import (
    KMeans,
    kmeans_newton_step,
    kmeans_objective,
    kmeans_objective_gradient,
)


def _planted(seed=0, per=40):
    rng = np.random.default_rng(seed)
    means = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0], [10.0, 10.0]])
    X = np.concatenate([m + rng.standard_normal((per, 2)) for m in means])
    return X, np.repeat(np.arange(4), per), means


@pytest.mark.parametrize("init", ["k-means++", "random"])
def test_finds_planted_clusters(init):
    X, truth, means = _planted()
    km = KMeans(n_clusters=4, init=init, random_state=0).fit(X)
    assert adjusted_rand_score(truth, km.labels_) == 1.0
    order = np.argsort(np.round(km.cluster_centers_ / 10) @ np.array([1.0, 10.0]))
    np.testing.assert_allclose(km.cluster_centers_[order], means, atol=0.5)
    ref = SkKMeans(n_clusters=4, n_init=3, random_state=0).fit(X)
    assert adjusted_rand_score(ref.labels_, km.labels_) == 1.0
    assert km.inertia_ == pytest.approx(ref.inertia_, rel=1e-10)
    assert np.array_equal(km.predict(X), km.labels_)
    assert km.loss_history_[-1] == pytest.approx(km.inertia_)
    assert np.all(np.diff(km.loss_history_) <= 1e-9)


def test_given_initial_centres_and_transform():
    X, _, means = _planted(seed=1)
    km = KMeans(n_clusters=4, init=means + 0.5).fit(X)
    assert km.n_iter_ <= 5
    assert km.transform(X[:3]).shape == (3, 4)
    assert km.score(X) == pytest.approx(-km.inertia_)


def test_empty_cluster_is_reseeded():
    X = np.array([[0.0], [0.1], [5.0], [5.1]])
    km = KMeans(n_clusters=2, init=np.array([[0.0], [100.0]])).fit(X)
    assert sorted(np.bincount(km.labels_)) == [2, 2]


def test_centroid_update_is_a_newton_step():
    X, _, _ = _planted(seed=2, per=10)
    rng = np.random.default_rng(3)
    centers = rng.standard_normal((4, 2))
    labels = rng.integers(0, 4, len(X))
    counts = np.bincount(labels, minlength=4)
    # the gradient, from chainrule, is 2 n_k (c_k - mean_k)
    means = np.array([X[labels == k].mean(axis=0) for k in range(4)])
    g = kmeans_objective_gradient(X, centers, labels)
    np.testing.assert_allclose(g, 2 * counts[:, None] * (centers - means), rtol=1e-10)
    np.testing.assert_allclose(g, grad(kmeans_objective, argnums=1)(X, centers, labels))
    # the Hessian, from chainrule, is block diagonal 2 n_k I
    H = hessian(kmeans_objective, argnums=1)(X, centers, labels).reshape(8, 8)
    expected = np.kron(np.diag(2.0 * counts), np.eye(2))
    np.testing.assert_allclose(H, expected, atol=1e-10)
    # so the Newton step c - H^{-1} g lands on the means: Lloyd's update
    newton = centers.ravel() - np.linalg.solve(H, g.ravel())
    np.testing.assert_allclose(newton.reshape(4, 2), means, atol=1e-12)
    np.testing.assert_allclose(kmeans_newton_step(X, centers, labels), means, atol=1e-12)
