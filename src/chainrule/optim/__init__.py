"""chainrule.optim: optimizers (optax-style gradient transformations), learning-rate
schedules, ``minimize`` with diagnostics, a small training loop ``fit``, and SciPy
interop.

>>> from chainrule.optim import minimize
>>> res = minimize(lambda x: x ** 2, 4.0, method="gd", learning_rate=0.1, maxiter=3)
>>> [round(float(p), 4) for p in res.history.params]
[4.0, 3.2, 2.56, 2.048]
"""

from .alias import adagrad, adam, adamw, rmsprop, sgd
from .diagnostics import (
    ConvergenceWarning,
    DivergenceError,
    estimate_curvature,
    learning_rate_hint,
)
from .fit import TrainResult, fit
from .history import History, step_info
from .interop import ravel_pytree, scipy_objective
from .minimize import OptimizeResult, minimize
from .moments import scale_by_adam, scale_by_rms, scale_by_rss, trace
from .schedules import (
    constant_schedule,
    cosine_decay_schedule,
    exponential_decay,
    inverse_time_decay,
    join_schedules,
    linear_schedule,
    linear_warmup,
    piecewise_constant_schedule,
)
from .states import (
    ClipByGlobalNormState,
    EmptyState,
    ScaleByAdamState,
    ScaleByLearningRateState,
    ScaleByRmsState,
    ScaleByRssState,
    TraceState,
)
from .transform import (
    GradientTransformation,
    Schedule,
    add_decayed_weights,
    apply_updates,
    chain,
    clip,
    clip_by_global_norm,
    global_norm,
    identity,
    scale,
    scale_by_learning_rate,
)
from .validate import InvalidParameterError, check_learning_rate

__all__ = [
    # transformations and their states
    "GradientTransformation", "Schedule", "identity", "chain", "apply_updates",
    "global_norm", "scale", "scale_by_learning_rate", "scale_by_adam", "scale_by_rms",
    "scale_by_rss", "trace", "clip", "clip_by_global_norm", "add_decayed_weights",
    "EmptyState", "ScaleByLearningRateState", "ScaleByAdamState", "ScaleByRmsState",
    "ScaleByRssState", "TraceState", "ClipByGlobalNormState",
    # named optimizers
    "sgd", "rmsprop", "adagrad", "adam", "adamw",
    # schedules
    "constant_schedule", "piecewise_constant_schedule", "exponential_decay",
    "inverse_time_decay", "cosine_decay_schedule", "linear_schedule", "linear_warmup",
    "join_schedules",
    # minimize, fit, diagnostics, interop
    "minimize", "OptimizeResult", "History", "step_info", "fit", "TrainResult",
    "estimate_curvature", "learning_rate_hint", "DivergenceError", "ConvergenceWarning",
    "ravel_pytree", "scipy_objective",
    # validation
    "InvalidParameterError", "check_learning_rate",
]
