"""fit: full batch, mini-batches, single examples, seeds, callbacks, progress."""

import numpy as np
import pytest

import chainrule.numpy as cnp
from chainrule.optim import TrainResult, adam, chain, clip_by_global_norm, fit, sgd

RNG = np.random.default_rng(1)
X = RNG.normal(size=(32, 2))
Y = X @ np.array([2.0, -1.0]) + 0.5


def mse(p, X, y):
    return cnp.mean((X @ p["w"] + p["b"] - y) ** 2)


def start():
    return {"w": np.zeros(2), "b": 0.0}


@pytest.mark.parametrize("batch_size,epochs,lr", [(None, 60, 0.2), (8, 15, 0.1), (1, 3, 0.05)])
def test_fit_decreases_a_linear_regression_loss(batch_size, epochs, lr):
    res = fit(mse, start(), (X, Y), sgd(lr), epochs=epochs, batch_size=batch_size,
              progress=False)
    assert isinstance(res, TrainResult)
    steps = epochs * (1 if batch_size is None else 32 // batch_size)
    assert len(res.history) == steps + 1
    assert res.history.loss[-1] < 1e-2 * res.history.loss[0]
    np.testing.assert_allclose(res.params["w"], [2.0, -1.0], atol=0.1)


def test_fit_is_reproducible_with_a_seed():
    runs = [fit(mse, start(), (X, Y), sgd(0.05), epochs=2, batch_size=4, seed=s,
                progress=False) for s in (3, 3, 4)]
    np.testing.assert_array_equal(runs[0].history.loss, runs[1].history.loss)
    assert not np.array_equal(runs[0].history.loss, runs[2].history.loss)


def test_unshuffled_batches_follow_the_data_order():
    seen = []
    fit(lambda p, x: cnp.sum(p * x), 0.0, (np.arange(6.0),), sgd(0.1), epochs=1,
        batch_size=2, shuffle=False, callbacks=[lambda s, p, loss: seen.append(loss)],
        progress=False)
    assert seen == [0.0 + 1.0 * 0, 2.0 * -0.1 + 3.0 * -0.1, pytest.approx(9 * -0.6)]


def test_a_callback_can_stop_training():
    calls = []

    def stop_at_five(step, params, loss):
        calls.append(step)
        return step == 5

    res = fit(mse, start(), (X, Y), adam(0.1), epochs=100, callbacks=[stop_at_five],
              progress=False)
    assert calls == [1, 2, 3, 4, 5] and len(res.history) == 6


def test_clipping_events_reach_the_history():
    res = fit(mse, start(), (X, Y), chain(clip_by_global_norm(1.0), sgd(0.1)), epochs=20,
              progress=False)
    clipped = res.history.clipped
    assert clipped[0] and not clipped[-1] and not clipped[-2]
    assert res.history.learning_rate[0] == 0.1


def test_progress_bar_only_on_request(capsys):
    fit(mse, start(), (X, Y), sgd(0.1), epochs=2, progress=True)
    err = capsys.readouterr().err
    assert "epoch 2/2" in err and "[" in err
    fit(mse, start(), (X, Y), sgd(0.1), epochs=2)  # None: stderr is not a terminal here
    fit(mse, start(), (X, Y), sgd(0.1), epochs=2, progress=False)
    assert capsys.readouterr() == ("", "")


def test_bad_data_is_rejected():
    with pytest.raises(ValueError, match="first axis"):
        fit(mse, start(), (X, Y[:-1]), sgd(0.1), progress=False)
    with pytest.raises(ValueError, match="batch_size"):
        fit(mse, start(), (X, Y), sgd(0.1), batch_size=0, progress=False)
