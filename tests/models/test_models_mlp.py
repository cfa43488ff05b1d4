"""MLPs trained through chainrule with chainrule.optim: XOR, a smooth 1-D function."""

import numpy as np
import pytest

from chainrule.models import MLPClassifier, MLPRegressor
from chainrule.optim import adam, apply_updates

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])

# these tests fix the number of epochs; stopping at max_iter is what they ask for
pytestmark = pytest.mark.filterwarnings("ignore::chainrule.models.ConvergenceWarning")


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_learns_xor(activation):
    clf = MLPClassifier(activation=activation, learning_rate=0.05, max_iter=400,
                        random_state=0).fit(XOR_X, XOR_Y)
    assert clf.score(XOR_X, XOR_Y) == 1.0
    assert clf.loss_history_[-1] < clf.loss_history_[0] / 10
    np.testing.assert_allclose(clf.predict_proba(XOR_X).sum(axis=1), 1.0)


def test_xor_with_default_settings_and_the_same_seed_is_reproducible():
    a = MLPClassifier().fit(XOR_X, XOR_Y)
    b = MLPClassifier().fit(XOR_X, XOR_Y)
    assert a.score(XOR_X, XOR_Y) == 1.0
    assert a.loss_history_ == b.loss_history_ and a.n_iter_ == len(a.loss_history_)


def test_several_layers_and_a_gradient_transformation_object():
    clf = MLPClassifier(hidden_layer_sizes=(6, 5), optimizer=adam(learning_rate=0.05),
                        max_iter=400).fit(XOR_X, XOR_Y)
    assert [W.shape for W in clf.coefs_] == [(2, 6), (6, 5), (5, 2)]
    assert clf.score(XOR_X, XOR_Y) == 1.0


class CountingSGD:
    """A hand-made GradientTransformation: plain SGD that counts its updates."""

    def __init__(self, lr):
        self.lr = lr

    def init(self, params):
        return 0

    def update(self, grads, state, params=None):
        return [(-self.lr * gW, -self.lr * gb) for gW, gb in grads], state + 1


def test_any_object_with_the_optax_contract_works():
    opt = CountingSGD(0.5)
    clf = MLPClassifier(optimizer=opt, max_iter=3000, tol=0.0).fit(XOR_X, XOR_Y)
    assert clf._opt_state == clf.n_iter_ == 3000
    assert clf.score(XOR_X, XOR_Y) == 1.0
    # the contract's apply_updates adds leafwise
    assert apply_updates([1.0], [2.0]) == [3.0]


def test_optimizer_by_name_and_unknown_name():
    clf = MLPClassifier(optimizer="sgd", learning_rate=0.5, max_iter=50).fit(XOR_X, XOR_Y)
    assert clf.n_iter_ == 50
    with pytest.raises(ValueError, match="optimizer must be one of"):
        MLPClassifier(optimizer="nope").fit(XOR_X, XOR_Y)


def test_partial_fit_counts_epochs_and_string_labels():
    y = np.array(["even", "odd", "odd", "even"])
    clf = MLPClassifier(learning_rate=0.05)
    for _ in range(300):
        clf.partial_fit(XOR_X, y)
    assert clf.n_iter_ == 300 and clf.score(XOR_X, y) == 1.0
    assert list(clf.classes_) == ["even", "odd"]


def test_regressor_fits_a_smooth_function():
    x = np.linspace(-3, 3, 120)[:, None]
    y = np.sin(x[:, 0])
    reg = MLPRegressor(hidden_layer_sizes=(16,), learning_rate=0.02, max_iter=1500).fit(x, y)
    assert reg.score(x, y) > 0.995
    assert reg.predict(x).shape == (120,)


def test_regressor_minibatches_and_two_targets():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (200, 2))
    Y = np.column_stack([x[:, 0] * x[:, 1], x[:, 0] ** 2])
    reg = MLPRegressor(hidden_layer_sizes=(16,), batch_size=32, learning_rate=0.01,
                       max_iter=150, alpha=1e-4).fit(x, Y)
    assert reg.predict(x).shape == (200, 2) and reg.score(x, Y) > 0.9
