"""Every hyperparameter of every public optimizer, schedule, ``minimize`` and ``fit`` is
validated: a sweep over a table of bad values, and an introspection test that fails when
a public function gains a parameter the table does not cover."""

import inspect
import math

import numpy as np
import pytest

import chainrule.optim as optim
from chainrule.optim import InvalidParameterError, check_learning_rate

NAN, INF = math.nan, math.inf
LR = [0, 0.0, -0.1, INF, -INF, NAN, "0.1", True, None, 1j]
FRACTION = [-0.1, 1.0, 2, NAN, INF, "0.9", True]
NONNEG = [-1e-3, INF, NAN, "1", False]
POSITIVE = [0, -1.0, INF, NAN, "1", True]
REAL = [INF, NAN, "1", True, None]
INT0 = [-1, 1.5, "3", True, NAN]
INT1 = [0, -1, 2.5, "3", False]
BOOL = ["yes", 1, 0.0, None]
CALLABLE = [3, "f", None]
SEED = [-1, 1.5, "0", True]


def quad(x):
    return x ** 2


def mse(p, x):
    return ((p - x) ** 2).mean()


#: Valid arguments for each public function; the sweep replaces one at a time.
BASE = {
    "scale": dict(step_size=1.0),
    "scale_by_learning_rate": dict(learning_rate=0.1, flip_sign=True),
    "scale_by_adam": {}, "scale_by_rms": {}, "scale_by_rss": {},
    "trace": dict(decay=0.9), "clip": dict(max_delta=1.0),
    "clip_by_global_norm": dict(max_norm=1.0), "add_decayed_weights": {},
    "sgd": dict(learning_rate=0.1), "rmsprop": dict(learning_rate=0.1),
    "adagrad": dict(learning_rate=0.1), "adam": dict(learning_rate=0.1),
    "adamw": dict(learning_rate=0.1),
    "constant_schedule": dict(value=0.1),
    "piecewise_constant_schedule": dict(init_value=1.0, boundaries_and_scales={10: 0.5}),
    "exponential_decay": dict(init_value=1.0, transition_steps=10, decay_rate=0.5),
    "inverse_time_decay": dict(init_value=1.0, decay_rate=1.0),
    "cosine_decay_schedule": dict(init_value=1.0, decay_steps=10),
    "linear_schedule": dict(init_value=1.0, end_value=0.0, transition_steps=10),
    "linear_warmup": dict(peak_value=1.0, warmup_steps=10),
    "join_schedules": dict(schedules=[optim.constant_schedule(1.0)] * 3, boundaries=[5, 6]),
    "minimize": dict(f=quad, x0=1.0, maxiter=2),
    "fit": dict(loss_fn=mse, params=0.0, data=(np.ones(3),), optimizer=optim.sgd(0.1),
                epochs=1, progress=False),
    "estimate_curvature": dict(f=quad, x=1.0, iters=3),
    "learning_rate_hint": dict(f=quad, x0=1.0, learning_rate=0.1),
}

#: Bad values for each hyperparameter.
BAD = {
    ("scale", "step_size"): REAL,
    ("scale_by_learning_rate", "learning_rate"): LR,
    ("scale_by_learning_rate", "flip_sign"): BOOL,
    ("scale_by_adam", "b1"): FRACTION, ("scale_by_adam", "b2"): FRACTION,
    ("scale_by_adam", "eps"): NONNEG, ("scale_by_adam", "eps_root"): NONNEG,
    ("scale_by_rms", "decay"): FRACTION, ("scale_by_rms", "eps"): NONNEG,
    ("scale_by_rms", "initial_scale"): NONNEG,
    ("scale_by_rss", "initial_accumulator_value"): NONNEG, ("scale_by_rss", "eps"): NONNEG,
    ("trace", "decay"): FRACTION, ("trace", "nesterov"): BOOL,
    ("clip", "max_delta"): POSITIVE, ("clip_by_global_norm", "max_norm"): POSITIVE,
    ("add_decayed_weights", "weight_decay"): NONNEG,
    ("sgd", "learning_rate"): LR, ("sgd", "momentum"): FRACTION, ("sgd", "nesterov"): BOOL,
    ("rmsprop", "learning_rate"): LR, ("rmsprop", "decay"): FRACTION,
    ("rmsprop", "eps"): NONNEG,
    ("adagrad", "learning_rate"): LR, ("adagrad", "eps"): NONNEG,
    ("adagrad", "initial_accumulator_value"): NONNEG,
    ("adam", "learning_rate"): LR, ("adam", "b1"): FRACTION, ("adam", "b2"): FRACTION,
    ("adam", "eps"): NONNEG,
    ("adamw", "learning_rate"): LR, ("adamw", "b1"): FRACTION, ("adamw", "b2"): FRACTION,
    ("adamw", "eps"): NONNEG, ("adamw", "weight_decay"): NONNEG,
    ("constant_schedule", "value"): NONNEG,
    ("piecewise_constant_schedule", "init_value"): NONNEG,
    ("piecewise_constant_schedule", "boundaries_and_scales"): [{-1: 0.5}, {10: -0.5},
                                                               {10: NAN}, {1.5: 0.5}],
    ("exponential_decay", "init_value"): NONNEG,
    ("exponential_decay", "transition_steps"): INT1,
    ("exponential_decay", "decay_rate"): POSITIVE,
    ("exponential_decay", "transition_begin"): INT0,
    ("exponential_decay", "staircase"): BOOL,
    ("exponential_decay", "end_value"): NONNEG,
    ("inverse_time_decay", "init_value"): NONNEG,
    ("inverse_time_decay", "decay_rate"): NONNEG,
    ("inverse_time_decay", "decay_steps"): INT1,
    ("inverse_time_decay", "staircase"): BOOL,
    ("cosine_decay_schedule", "init_value"): NONNEG,
    ("cosine_decay_schedule", "decay_steps"): INT1,
    ("cosine_decay_schedule", "alpha"): [-0.5, 1.5, NAN, "0"],
    ("linear_schedule", "init_value"): NONNEG, ("linear_schedule", "end_value"): NONNEG,
    ("linear_schedule", "transition_steps"): INT0,
    ("linear_warmup", "peak_value"): NONNEG, ("linear_warmup", "warmup_steps"): INT0,
    ("linear_warmup", "init_value"): NONNEG,
    ("join_schedules", "schedules"): [[1.0, 2.0]],
    ("join_schedules", "boundaries"): [[-1], [1.5], [5, 3], []],
    ("minimize", "f"): CALLABLE,
    ("minimize", "method"): ["bfgs", None, 3],
    ("minimize", "learning_rate"): [v for v in LR if v is not None],
    ("minimize", "maxiter"): INT0, ("minimize", "gtol"): NONNEG,
    ("minimize", "xtol"): NONNEG, ("minimize", "ftol"): NONNEG,
    ("minimize", "clip_norm"): POSITIVE, ("minimize", "schedule"): [3, "cosine"],
    ("fit", "loss_fn"): CALLABLE, ("fit", "optimizer"): [None, "adam", 0.1],
    ("fit", "epochs"): INT0, ("fit", "batch_size"): INT1, ("fit", "shuffle"): BOOL,
    ("fit", "seed"): SEED, ("fit", "callbacks"): [[3]], ("fit", "progress"): BOOL[:3],
    ("estimate_curvature", "iters"): INT1, ("estimate_curvature", "seed"): SEED,
    ("learning_rate_hint", "learning_rate"): NONNEG,
}

#: Parameters that are data or trees, not hyperparameters, with where they are tested.
NOT_HYPERPARAMETERS = {
    ("apply_updates", "params"), ("apply_updates", "updates"),  # test_optim_structure
    ("chain", "transforms"),  # test_chain_refuses_what_is_not_a_transformation
    ("global_norm", "tree"), ("ravel_pytree", "tree"), ("step_info", "opt_state"),
    ("minimize", "x0"), ("minimize", "options"),  # options: test_unknown_options
    ("minimize", "args"),  # data: tests/distributed, test_minimize_args_bind_data
    ("fit", "params"), ("fit", "data"),  # data: test_optim_fit
    ("estimate_curvature", "f"), ("estimate_curvature", "x"),
    ("learning_rate_hint", "f"), ("learning_rate_hint", "x0"),
    ("scipy_objective", "f"), ("scipy_objective", "x0"),
    ("check_learning_rate", "value"), ("check_learning_rate", "name"),
    ("check_learning_rate", "where"),
}

PUBLIC_FUNCTIONS = {name: getattr(optim, name) for name in optim.__all__
                    if inspect.isfunction(getattr(optim, name))}


def test_the_table_covers_every_parameter_of_every_public_function():
    missing = [(name, p) for name, fn in PUBLIC_FUNCTIONS.items()
               for p in inspect.signature(fn).parameters
               if (name, p) not in BAD and (name, p) not in NOT_HYPERPARAMETERS]
    assert not missing, f"add bad values for these parameters to BAD: {missing}"
    unknown = [key for key in BAD if key[0] not in PUBLIC_FUNCTIONS]
    assert not unknown


CASES = [(fn, p, v) for (fn, p), values in BAD.items() for v in values]


@pytest.mark.parametrize("fn,param,value", CASES,
                         ids=[f"{fn}-{p}-{v!r}" for fn, p, v in CASES])
def test_bad_hyperparameters_are_refused_with_the_argument_named(fn, param, value):
    kwargs = dict(BASE[fn], **{param: value})
    with pytest.raises(ValueError, match=param) as info:
        getattr(optim, fn)(**kwargs)
    assert "must be" in str(info.value)


@pytest.mark.parametrize("fn", sorted(BASE))
def test_the_valid_base_arguments_are_accepted(fn):
    getattr(optim, fn)(**BASE[fn])


def test_check_learning_rate_is_the_public_validator_the_cli_reuses():
    assert check_learning_rate(0.5) == 0.5 and check_learning_rate(np.float32(2)) == 2.0
    for bad in (0, -1, INF, NAN, "1", True):
        with pytest.raises(InvalidParameterError, match="learning_rate must be a finite "
                                                        "number > 0"):
            check_learning_rate(bad)
    assert issubclass(InvalidParameterError, ValueError)
    assert issubclass(InvalidParameterError, TypeError)


def test_a_schedule_that_returns_a_bad_value_is_refused_at_the_step():
    opt = optim.sgd(lambda n: 0.1 if n < 2 else -0.1)
    state = opt.init(1.0)
    for _ in range(2):
        _, state = opt.update(1.0, state, 1.0)
    with pytest.raises(ValueError, match=r"schedule gave -0.1 at step 2"):
        opt.update(1.0, state, 1.0)
    with pytest.raises(ValueError, match="schedule gave nan"):
        optim.minimize(quad, 1.0, schedule=lambda n: NAN)


@pytest.mark.parametrize("sched", [
    optim.inverse_time_decay(1.0, 1.0), optim.cosine_decay_schedule(1.0, 10),
    optim.linear_schedule(1.0, 0.0, 4), optim.exponential_decay(1.0, 10, 0.5),
    optim.join_schedules([optim.constant_schedule(1.0)] * 2, [3]),
])
def test_schedules_refuse_negative_and_fractional_steps(sched):
    for bad in (-1, -5, 1.5, "2"):
        with pytest.raises(ValueError, match="count must be an integer >= 0"):
            sched(bad)
    assert math.isfinite(sched(0)) and sched(np.int64(3)) >= 0


def test_a_growing_exponential_schedule_never_overflows_into_an_error():
    grow = optim.exponential_decay(1.0, 1, 1e10)
    with pytest.raises(ValueError, match="schedule gave inf"):
        grow(10 ** 6)
    capped = optim.exponential_decay(1.0, 1, 1e10, end_value=5.0)
    assert capped(10 ** 6) == 5.0


def test_unknown_options_and_misplaced_clip_norm():
    with pytest.raises(ValueError, match=r"unknown option\(s\) \['b1'\].*momentum"):
        optim.minimize(quad, 1.0, method="momentum", b1=0.5)
    with pytest.raises(ValueError, match="options are: none"):
        optim.minimize(quad, 1.0, method="gd", momentum=0.5)
    with pytest.raises(ValueError, match="clip_norm applies to first-order"):
        optim.minimize(quad, 1.0, method="newton", clip_norm=1.0)
    with pytest.raises(ValueError, match="memory must be an integer >= 1"):
        optim.minimize(quad, 1.0, method="lbfgs", memory=0)
    with pytest.raises(ValueError, match="hess must be callable"):
        optim.minimize(quad, 1.0, method="newton", hess=np.eye(1))
    with pytest.raises(ValueError, match="momentum must be a finite number in"):
        optim.minimize(quad, 1.0, method="nesterov", momentum=1.5)


def test_chain_refuses_what_is_not_a_transformation():
    with pytest.raises(TypeError, match="argument 1 is not a GradientTransformation"):
        optim.chain(optim.sgd(0.1), 0.1)
    opt = optim.chain(optim.scale(1.0), optim.scale(2.0))
    with pytest.raises(ValueError, match="tuple of 2 states"):
        opt.update(1.0, (optim.EmptyState(),))
