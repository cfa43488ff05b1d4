"""Learning-rate schedules at chosen steps."""

import math

import pytest

from chainrule.optim import (
    constant_schedule,
    cosine_decay_schedule,
    exponential_decay,
    inverse_time_decay,
    join_schedules,
    linear_warmup,
    minimize,
    piecewise_constant_schedule,
)


def test_constant_and_piecewise():
    assert constant_schedule(0.3)(0) == 0.3 and constant_schedule(0.3)(10**6) == 0.3
    s = piecewise_constant_schedule(0.1, {100: 0.5, 200: 0.2})
    assert [s(0), s(99), s(100), s(199)] == pytest.approx([0.1, 0.1, 0.05, 0.05])
    assert s(200) == pytest.approx(0.01) and s(10**6) == pytest.approx(0.01)


def test_exponential_decay_smooth_staircase_and_floor():
    s = exponential_decay(0.1, transition_steps=100, decay_rate=0.1)
    assert [s(0), s(100), s(200)] == pytest.approx([0.1, 0.01, 0.001])
    assert s(50) == pytest.approx(0.1 * 0.1 ** 0.5)
    st = exponential_decay(0.1, 100, 0.1, staircase=True)
    assert st(99) == pytest.approx(0.1) and st(150) == pytest.approx(0.01)
    assert exponential_decay(1.0, 1, 0.5, end_value=0.2)(10) == pytest.approx(0.2)


def test_inverse_time_decay():
    s = inverse_time_decay(0.2, decay_rate=0.5, decay_steps=10)
    assert [s(0), s(20), s(60)] == pytest.approx([0.2, 0.1, 0.05])
    st = inverse_time_decay(0.2, 0.5, 10, staircase=True)
    assert st(19) == pytest.approx(0.2 / 1.5)


def test_cosine_decay():
    s = cosine_decay_schedule(1.0, decay_steps=100, alpha=0.0)
    assert s(0) == 1.0 and s(50) == pytest.approx(0.5) and s(100) == pytest.approx(0.0)
    assert s(25) == pytest.approx(0.5 * (1 + math.cos(math.pi / 4)))
    assert cosine_decay_schedule(2.0, 10, alpha=0.25)(1000) == pytest.approx(0.5)


def test_linear_warmup_then_cosine_joined():
    s = join_schedules([linear_warmup(1.0, 10, init_value=0.5),
                        cosine_decay_schedule(1.0, 20)], boundaries=[10])
    assert [s(0), s(5), s(10), s(20), s(30)] == pytest.approx([0.5, 0.75, 1.0, 0.5, 0.0])
    with pytest.raises(ValueError):
        join_schedules([constant_schedule(1.0)], [5])


def test_minimize_records_the_scheduled_rates():
    s = piecewise_constant_schedule(0.1, {2: 0.5})
    res = minimize(lambda x: x ** 2, 1.0, method="gd", schedule=s, maxiter=4)
    assert res.history.learning_rate[:4] == pytest.approx([0.1, 0.1, 0.05, 0.05])
    assert math.isnan(res.history.learning_rate[-1])
    assert res.history.params[1] == pytest.approx(0.8)
    assert res.history.params[3] == pytest.approx(0.64 * 0.9)
