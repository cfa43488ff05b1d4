"""``fit`` on hostile input: no data, divergence, callbacks that raise, zero epochs."""

import io
import sys

import numpy as np
import pytest

from chainrule.optim import DivergenceError, TrainResult, fit, sgd
from chainrule.optim.fit import _Progress


def mse(p, x):
    return ((p - x) ** 2).mean()


def test_zero_samples_is_a_clear_error():
    with pytest.raises(ValueError, match=r"0 samples.*a minimum of 1 is required"):
        fit(mse, 0.0, (np.zeros(0),), sgd(0.1), progress=False)


@pytest.mark.parametrize("lr,pattern", [(5.0, "the loss grew from 1 to"),
                                        (1e200, "the loss became inf")])
def test_divergence_raises_with_what_was_reached(lr, pattern):
    with np.errstate(over="ignore"), pytest.raises(DivergenceError, match=pattern) as info:
        fit(mse, 0.0, (np.ones(3),), sgd(lr), epochs=100, progress=False)
    result = info.value.result
    assert isinstance(result, TrainResult) and len(result.history) >= 2
    assert "lower the learning rate" in str(info.value)


def test_a_callback_that_raises_propagates_and_the_bar_closes(monkeypatch):
    stream = io.StringIO()
    module = sys.modules["chainrule.optim.fit"]  # the package's `fit` is the function
    monkeypatch.setattr(module, "_progress_stream", lambda progress: stream)

    def boom(step, params, loss):
        if step == 2:
            raise KeyError("stop here")

    with pytest.raises(KeyError, match="stop here"):
        fit(mse, 0.0, (np.ones(3),), sgd(0.1), epochs=5, callbacks=[boom], progress=True)
    assert stream.getvalue().endswith("\n")  # the progress line was finished


def test_zero_epochs_evaluates_the_start_only():
    res = fit(mse, 0.0, (np.ones(3),), sgd(0.1), epochs=0, progress=False)
    assert res.params == 0.0 and len(res.history) == 1 and res.history.loss[0] == 1.0


def test_an_empty_history_is_well_formed():
    from chainrule.optim import History

    h = History()
    assert len(h) == 0 and h.loss.shape == (0,) and list(h) == [] and "0 entries" in repr(h)
    assert _Progress(0, None).total == 1
