"""The named optimizers: short chains of the transformations in
:mod:`chainrule.optim.transform` and :mod:`chainrule.optim.moments`, each ending with
``scale_by_learning_rate``. Their hyperparameters are checked by those pieces (a learning
rate must be finite and > 0, or a schedule; decay rates and betas lie in [0, 1)).

>>> import numpy as np
>>> opt = sgd(learning_rate=0.1)
>>> params = np.array([4.0])
>>> updates, state = opt.update(2 * params, opt.init(params), params)
>>> apply_updates(params, updates).tolist()
[3.2]
"""

from __future__ import annotations

from .moments import scale_by_adam, scale_by_rms, scale_by_rss, trace
from .transform import (
    GradientTransformation,
    Schedule,
    add_decayed_weights,
    apply_updates,
    chain,
    scale_by_learning_rate,
)
from .validate import check_bool, check_fraction

__all__ = ["sgd", "rmsprop", "adagrad", "adam", "adamw", "apply_updates"]

LearningRate = float | Schedule


def sgd(learning_rate: LearningRate, momentum: float = 0.0,
        nesterov: bool = False) -> GradientTransformation:
    """Stochastic gradient descent, with optional (Nesterov) momentum.

    >>> opt = sgd(0.1, momentum=0.9)
    >>> u, s = opt.update(1.0, opt.init(0.0))
    >>> float(opt.update(1.0, s)[0])
    -0.19
    """
    momentum = check_fraction(momentum, "momentum", "sgd")
    check_bool(nesterov, "nesterov", "sgd")
    if momentum:
        return chain(trace(momentum, nesterov), scale_by_learning_rate(learning_rate))
    return chain(scale_by_learning_rate(learning_rate))


def rmsprop(learning_rate: LearningRate, decay: float = 0.9,
            eps: float = 1e-8) -> GradientTransformation:
    """RMSprop: ``-lr * g / sqrt(nu + eps)``, ``nu`` the moving average of ``g**2``.

    >>> opt = rmsprop(0.01)
    >>> round(float(opt.update(1.0, opt.init(0.0))[0]), 6)  # -0.01 / sqrt(0.1)
    -0.031623
    """
    return chain(scale_by_rms(decay, eps), scale_by_learning_rate(learning_rate))


def adagrad(learning_rate: LearningRate, eps: float = 1e-8,
            initial_accumulator_value: float = 0.1) -> GradientTransformation:
    """Adagrad: ``-lr * g / sqrt(sum of g**2 + eps)``; the sum starts at 0.1 (optax).

    >>> opt = adagrad(1.0)
    >>> round(float(opt.update(1.0, opt.init(0.0))[0]), 6)  # -1 / sqrt(1.1)
    -0.953463
    """
    return chain(scale_by_rss(initial_accumulator_value, eps),
                 scale_by_learning_rate(learning_rate))


def adam(learning_rate: LearningRate, b1: float = 0.9, b2: float = 0.999,
         eps: float = 1e-8) -> GradientTransformation:
    """Adam with bias correction.

    >>> opt = adam(0.01)
    >>> round(float(opt.update(5.0, opt.init(0.0))[0]), 6)  # the first step is -lr sign(g)
    -0.01
    """
    return chain(scale_by_adam(b1, b2, eps), scale_by_learning_rate(learning_rate))


def adamw(learning_rate: LearningRate, b1: float = 0.9, b2: float = 0.999,
          eps: float = 1e-8, weight_decay: float = 1e-4) -> GradientTransformation:
    """Adam with decoupled weight decay: ``-lr * (adam direction + weight_decay * params)``.

    >>> opt = adamw(0.1, weight_decay=0.5)
    >>> round(float(opt.update(5.0, opt.init(2.0), 2.0)[0]), 6)  # -0.1 * (1 + 0.5 * 2)
    -0.2
    """
    return chain(scale_by_adam(b1, b2, eps), add_decayed_weights(weight_decay),
                 scale_by_learning_rate(learning_rate))
