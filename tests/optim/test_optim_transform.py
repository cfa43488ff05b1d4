"""Gradient transformations: hand-computed first steps, purity, composition, clipping."""

import math

import numpy as np
import pytest

from chainrule.optim import (
    ClipByGlobalNormState,
    GradientTransformation,
    ScaleByAdamState,
    adagrad,
    adam,
    adamw,
    apply_updates,
    chain,
    clip,
    clip_by_global_norm,
    rmsprop,
    scale,
    scale_by_adam,
    scale_by_learning_rate,
    scale_by_rms,
    sgd,
    trace,
)


def test_first_adam_step_matches_hand_computation():
    g = np.array([0.5, -2.0])
    opt = adam(0.1, b1=0.9, b2=0.999, eps=1e-8)
    params = np.array([1.0, 1.0])
    updates, state = opt.update(g, opt.init(params), params)
    mu, nu = 0.1 * g, 0.001 * g ** 2
    m_hat, v_hat = mu / (1 - 0.9), nu / (1 - 0.999)
    expected = -0.1 * m_hat / (np.sqrt(v_hat) + 1e-8)
    np.testing.assert_allclose(updates, expected, rtol=1e-12)
    adam_state = state[0]
    assert isinstance(adam_state, ScaleByAdamState) and adam_state.count == 1
    np.testing.assert_allclose(adam_state.mu, mu)
    np.testing.assert_allclose(adam_state.nu, nu)


def test_second_adam_step_matches_hand_computation():
    opt = adam(0.1)
    _, s = opt.update(1.0, opt.init(0.0), 0.0)
    u, _ = opt.update(3.0, s, 0.0)
    mu, nu = 0.9 * 0.1 + 0.1 * 3.0, 0.999 * 0.001 + 0.001 * 9.0
    expected = -0.1 * (mu / (1 - 0.81)) / (math.sqrt(nu / (1 - 0.999 ** 2)) + 1e-8)
    assert u == pytest.approx(expected, rel=1e-12)


def test_first_rmsprop_step_matches_hand_computation():
    g = np.array([2.0, -0.5])
    opt = rmsprop(0.01, decay=0.9, eps=1e-8)
    updates, state = opt.update(g, opt.init(np.zeros(2)), np.zeros(2))
    nu = 0.1 * g ** 2
    np.testing.assert_allclose(updates, -0.01 * g / np.sqrt(nu + 1e-8), rtol=1e-12)
    np.testing.assert_allclose(state[0].nu, nu)


def test_adagrad_uses_an_initial_accumulator_of_one_tenth():
    opt = adagrad(1.0, eps=0.0)
    u1, s = opt.update(1.0, opt.init(0.0), 0.0)
    u2, _ = opt.update(1.0, s, 0.0)
    assert float(u1) == pytest.approx(-1 / math.sqrt(1.1))
    assert float(u2) == pytest.approx(-1 / math.sqrt(2.1))


def test_sgd_momentum_and_nesterov():
    for nesterov, second in [(False, -0.1 * 1.9), (True, -0.1 * (1 + 0.9 * 1.9))]:
        opt = sgd(0.1, momentum=0.9, nesterov=nesterov)
        _, s = opt.update(1.0, opt.init(0.0), 0.0)
        assert float(opt.update(1.0, s, 0.0)[0]) == pytest.approx(second)


def test_adamw_decays_weights_decoupled_from_the_gradient():
    params = {"w": np.array([2.0])}
    with_decay, no_decay = adamw(0.1, weight_decay=0.5), adam(0.1)
    u1, _ = with_decay.update({"w": np.array([4.0])}, with_decay.init(params), params)
    u2, _ = no_decay.update({"w": np.array([4.0])}, no_decay.init(params), params)
    np.testing.assert_allclose(u1["w"] - u2["w"], [-0.1 * 0.5 * 2.0])


def test_update_is_pure_and_state_is_fresh():
    params = {"a": np.ones(3), "b": (np.zeros(2), 1.0)}
    grads = {"a": np.full(3, 2.0), "b": (np.ones(2), -1.0)}
    opt = chain(trace(0.9), scale_by_adam(), scale_by_learning_rate(0.1))
    state0 = opt.init(params)
    before = [s for s in (state0[0].trace["a"].copy(), grads["a"].copy())]
    updates, state1 = opt.update(grads, state0, params)
    np.testing.assert_array_equal(state0[0].trace["a"], before[0])
    np.testing.assert_array_equal(grads["a"], before[1])
    assert state1[1].count == 1 and state0[1].count == 0
    again, _ = opt.update(grads, state0, params)
    np.testing.assert_array_equal(again["a"], updates["a"])


def test_apply_updates_keeps_structure_types_and_dtypes():
    params = {"w": np.ones(2, dtype=np.float32), "b": 1.0}
    out = apply_updates(params, {"w": np.array([0.5, -0.5]), "b": np.float64(0.25)})
    assert out["w"].dtype == np.float32 and out["w"].tolist() == [1.5, 0.5]
    assert type(out["b"]) is float and out["b"] == 1.25


def test_chain_and_scale_compose_in_order():
    t = chain(clip(1.0), scale(3.0))
    assert isinstance(t, GradientTransformation)
    assert t.update(np.array([5.0, 0.1]), t.init(None))[0].tolist() == pytest.approx([3.0, 0.3])


def test_clip_by_global_norm_records_clipping():
    t = clip_by_global_norm(10.0)
    u, s = t.update((np.array([3.0]), np.array([4.0])), t.init(None))
    assert s == ClipByGlobalNormState(False, 5.0) and u[0].tolist() == [3.0]
    u, s = t.update((np.array([30.0]), np.array([40.0])), s)
    assert s.clipped and s.norm == pytest.approx(50.0)
    assert math.hypot(u[0][0], u[1][0]) == pytest.approx(10.0)


def test_scale_by_rms_initial_scale():
    t = scale_by_rms(decay=0.5, eps=0.0, initial_scale=1.0)
    u, s = t.update(1.0, t.init(0.0))
    assert float(u) == pytest.approx(1.0) and float(s.nu) == pytest.approx(1.0)


def test_learning_rate_schedule_sees_the_step_count():
    seen = []
    t = scale_by_learning_rate(lambda n: seen.append(n) or 0.5)
    s = t.init(0.0)
    for _ in range(3):
        _, s = t.update(1.0, s)
    assert seen == [0, 1, 2] and s.learning_rate == 0.5
