"""Trees are paired by structure, never by position: ``apply_updates`` and every
transformation's ``update`` compare tree definitions; params keep their type and dtype."""

import numpy as np
import pytest

import chainrule.optim as optim
from chainrule.optim import apply_updates, minimize

PARAMS = {"a": np.zeros(2), "b": 0.0}

#: Every transformation and named optimizer, built with valid arguments.
TRANSFORMS = {
    "identity": optim.identity(), "scale": optim.scale(2.0),
    "scale_by_learning_rate": optim.scale_by_learning_rate(0.1),
    "scale_by_adam": optim.scale_by_adam(), "scale_by_rms": optim.scale_by_rms(),
    "scale_by_rss": optim.scale_by_rss(), "trace": optim.trace(0.9),
    "clip": optim.clip(1.0), "clip_by_global_norm": optim.clip_by_global_norm(1.0),
    "add_decayed_weights": optim.add_decayed_weights(0.1),
    "sgd": optim.sgd(0.1), "momentum": optim.sgd(0.1, momentum=0.9),
    "rmsprop": optim.rmsprop(0.1), "adagrad": optim.adagrad(0.1),
    "adam": optim.adam(0.1), "adamw": optim.adamw(0.1),
}


def test_apply_updates_names_the_differing_keys():
    with pytest.raises(ValueError, match="key 'a' is missing and key 'c' is not in params"):
        apply_updates({"a": 0, "b": 0}, {"b": 1, "c": 5})
    with pytest.raises(ValueError, match=r"at \['w'\], 2 entries were expected and 3"):
        apply_updates({"w": [1.0, 2.0]}, {"w": [1.0, 2.0, 3.0]})
    with pytest.raises(ValueError, match=r"at \['w'\], a leaf was expected and a dict"):
        apply_updates({"w": 1.0}, {"w": {"x": 1.0}})
    with pytest.raises(ValueError, match=r"at the top level, a tuple was expected and a list"):
        apply_updates((1.0, 2.0), [1.0, 2.0])


def test_apply_updates_refuses_an_update_that_changes_a_shape():
    with pytest.raises(ValueError, match=r"update at \['w'\] has shape \(2, 3\).*\(3,\)"):
        apply_updates({"w": np.zeros(3)}, {"w": np.ones((2, 3))})
    out = apply_updates({"w": np.zeros(3)}, {"w": 1.0})  # broadcasting into the shape is fine
    assert out["w"].tolist() == [1.0, 1.0, 1.0]


@pytest.mark.parametrize("name", sorted(TRANSFORMS))
def test_every_update_refuses_gradients_of_another_structure(name):
    t = TRANSFORMS[name]
    state = t.init(PARAMS)
    grads = {"a": np.ones(2), "c": 1.0}
    with pytest.raises(ValueError, match="key 'b' is missing and key 'c' is not in"):
        t.update(grads, state, PARAMS)
    good, _ = t.update({"a": np.ones(2), "b": 1.0}, state, PARAMS)
    assert sorted(good) == ["a", "b"]


@pytest.mark.parametrize("name", ["scale_by_adam", "scale_by_rms", "scale_by_rss", "trace",
                                  "adam", "momentum", "adagrad", "rmsprop"])
def test_stateful_updates_compare_with_the_state_even_without_params(name):
    t = TRANSFORMS[name]
    state = t.init({"a": 0.0})
    with pytest.raises(ValueError, match="structure of the params given to init"):
        t.update({"b": 1.0}, state)


@pytest.mark.parametrize("name", sorted(TRANSFORMS))
@pytest.mark.parametrize("params", [
    1.5, np.float64(1.5), np.array(1.5), np.array([1.5, -2.0]), {"w": np.ones((2, 2)),
                                                                  "b": 0.5},
    [np.ones(3), (2.0, np.zeros(1))],
], ids=["float", "np.float64", "0-d", "vector", "dict", "nested"])
def test_params_keep_their_type_and_structure(name, params):
    t = TRANSFORMS[name]
    grads = optim.transform.tree_map(lambda p: np.ones_like(p) * 0.5, params)
    updates, _ = t.update(grads, t.init(params), params)
    new = apply_updates(params, updates)
    flat_old = optim.transform.tree_flatten(params)
    flat_new = optim.transform.tree_flatten(new)
    assert flat_old[1] == flat_new[1]
    for old, fresh in zip(flat_old[0], flat_new[0]):
        assert type(fresh) is type(old) and np.shape(fresh) == np.shape(old)


@pytest.mark.parametrize("name", sorted(TRANSFORMS))
def test_float32_params_stay_float32(name):
    t = TRANSFORMS[name]
    params = {"w": np.ones(3, np.float32), "s": np.float32(2.0)}
    grads = {"w": np.full(3, 0.5, np.float32), "s": np.float32(0.5)}
    state = t.init(params)
    for _ in range(2):
        updates, state = t.update(grads, state, params)
        params = apply_updates(params, updates)
    assert params["w"].dtype == np.float32 and isinstance(params["s"], np.float32)
    assert all(np.asarray(u).dtype == np.float32 for u in updates.values())


@pytest.mark.parametrize("method", ["gd", "momentum", "adam", "adagrad", "rmsprop"])
def test_minimize_keeps_float32_params_float32(method):
    res = minimize(lambda x: (x ** 2).sum(), np.ones(2, np.float32), method=method,
                   maxiter=3)
    assert res.x.dtype == np.float32
    assert all(p.dtype == np.float32 for p in res.history.params)


def test_zero_gradients_with_zero_eps_give_zero_updates_not_nan():
    for t in (optim.scale_by_adam(eps=0.0), optim.scale_by_rms(eps=0.0),
              optim.scale_by_rss(0.0, eps=0.0)):
        u, _ = t.update(np.zeros(2), t.init(np.zeros(2)))
        assert np.all(u == 0.0)


def test_global_norm_neither_underflows_nor_overflows():
    assert optim.global_norm({"a": 3e-200, "b": np.array([4e-200])}) == pytest.approx(5e-200)
    assert optim.global_norm([3e200, 4e200]) == pytest.approx(5e200)
    assert optim.global_norm([]) == 0.0 and optim.global_norm([0.0, np.zeros(3)]) == 0.0
    assert np.isnan(optim.global_norm([1.0, np.nan])) and optim.global_norm([np.inf]) == np.inf


@pytest.mark.parametrize("method", ["lbfgs", "newton"])
def test_second_order_methods_keep_float32_too(method):
    x0 = {"w": np.zeros(2, np.float32), "s": np.float32(0.0), "b": 0.0}
    res = minimize(lambda p: ((p["w"] - 1.0) ** 2).sum() + (p["s"] - 2.0) ** 2
                   + (p["b"] + 1.0) ** 2, x0, method=method)
    assert res.success and res.x["w"].dtype == np.float32
    assert isinstance(res.x["s"], np.float32) and type(res.x["b"]) is float
