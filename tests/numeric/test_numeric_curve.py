"""error_curve: the V shape of difference-quotient error against the step."""

import math

import numpy as np
import pytest

import chainrule.numpy as cnp
from chainrule.numeric import error_curve


@pytest.mark.parametrize("f, x", [(cnp.exp, 1.0), (cnp.sin, 1.0), (cnp.log, 2.0)])
def test_v_shape(f, x):
    c = error_curve(f, x)
    assert c.exact_source == "automatic"
    assert 1e-10 <= c.forward_best_h <= 1e-6      # sqrt(eps) ~ 1.5e-8
    assert 1e-7 <= c.central_best_h <= 1e-3       # eps**(1/3) ~ 6e-6
    for err, best in ((c.forward, c.forward_best_h), (c.central, c.central_best_h)):
        low = err[c.hs == best][0]
        assert err[0] > 1e4 * max(low, 1e-16)     # round-off at h = 1e-16
        assert err[-1] > 1e4 * max(low, 1e-16)    # truncation at h = 1
        left, right = err[c.hs < best * 1e-3], err[c.hs > best * 1e3]
        assert np.median(left) > 10 * low and np.median(right) > 10 * low
    assert c.central.min() < 1e-9 < c.forward.min()


def test_model_curves_bottom_out_near_the_textbook_steps():
    c = error_curve(cnp.exp, 1.0)
    assert 3e-9 < c.hs[np.argmin(c.forward_model)] < 1e-7
    assert 1e-6 < c.hs[np.argmin(c.central_model)] < 3e-5


def test_exact_sources_and_export():
    given = error_curve(np.exp, 0.5, exact=np.exp(0.5), hs=[1e-3, 1e-6, 1e-9])
    assert given.exact_source == "given" and given.hs.tolist() == [1e-9, 1e-6, 1e-3]
    numeric = error_curve(math.sin, 0.5)  # math.sin cannot be traced: numeric exact
    assert numeric.exact_source == "numeric" and abs(numeric.exact - math.cos(0.5)) < 1e-12
    d = given.as_dict()
    assert set(d) >= {"hs", "forward", "central", "forward_best_h", "central_best_h"}
    assert isinstance(d["hs"], list)
