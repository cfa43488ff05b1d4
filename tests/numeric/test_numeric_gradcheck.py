"""gradcheck / check_grads of chainrule.numeric: every differentiable primitive in the
registry passes, deliberately wrong rules are caught with a readable table, float32 is
checked against float64, and kinks and ties are flagged instead of failing."""

import numpy as np
import pytest

import chainrule.numpy as cnp
from chainrule.core import Primitive, registry
from chainrule.numeric import check_grads, gradcheck
from chainrule.numpy import cos, sin
from chainrule.testing import check_grads as reference_check_grads
from chainrule.testing import sample_function

DIFFERENTIABLE = [p for _, p in sorted(registry().items()) if p.differentiable]
# The function itself is only as accurate as an adaptive solver's tolerance, so finite
# differences of its tiny entries can be judged unreliable (flagged, never failed).
NOISY = {"odeint"}


@pytest.mark.parametrize("prim", DIFFERENTIABLE, ids=lambda p: p.name)
def test_registry_passes_full_gradcheck(prim):
    for sample in prim.samples():
        f, xs = sample_function(prim, sample)
        report = gradcheck(f, xs)
        assert report.ok
        flags = {e.status for e in report.flagged}
        if prim.name in NOISY:
            flags -= {"unreliable", "inaccurate"}
        assert not flags or prim.kinks, report.table()


def test_registry_passes_directional_gradcheck_in_float32():
    for prim in DIFFERENTIABLE:
        for sample in prim.samples():
            f, xs = sample_function(prim, sample, np.float32)
            report = gradcheck(f, xs, mode="directional")
            assert report.ok and report.dtype in ("float32", "float64"), prim.name


def _wrong(jvp_factor=1.0, vjp_factor=1.0):
    return Primitive("wrong_sin", np.sin,
                     jvp=(lambda t, ans, x: t * cos(x) * jvp_factor,),
                     vjp=(lambda g, ans, x: g * cos(x) * vjp_factor,))


def test_wrong_forward_rule_is_caught_with_a_table():
    wrong = _wrong(jvp_factor=1.01)
    with pytest.raises(AssertionError) as info:
        gradcheck(wrong.bind, (np.array([0.3, 1.0]),))
    text = str(info.value)
    assert "gradcheck of wrong_sin" in text and "FAILED: 2 of 8" in text
    assert "analytic" in text and "numeric" in text and "rel error" in text
    lines = [ln for ln in text.splitlines() if ln.endswith("FAIL")]
    assert len(lines) == 2 and all(ln.startswith("fwd") for ln in lines)
    assert "out[0] / x[0]" in lines[0] and "0.95533649" in lines[0]  # cos(0.3)


def test_wrong_reverse_rule_is_caught_in_both_modes():
    wrong = _wrong(vjp_factor=-1.0)
    report = gradcheck(wrong.bind, (0.3,), raise_on_failure=False)
    assert not report.ok and [e.mode for e in report.failures] == ["rev"]
    assert report.failures[0].index == "x"
    with pytest.raises(AssertionError, match="directional mode"):
        gradcheck(wrong.bind, (np.array([0.3, 1.0]),), mode="directional")


def test_correct_rule_passes():
    assert gradcheck(_wrong().bind, (np.array([0.3, 1.0]),)).ok


def test_float32_inputs_are_checked_against_float64():
    x32 = np.array([0.3, 1.0, -2.0], np.float32)
    report = gradcheck(lambda x: cnp.tanh(x) * x, (x32,))
    assert report.ok and report.dtype == "float32" and report.rtol == 5e-4
    assert "analytic in float32, numeric in float64" in report.table()
    with pytest.raises(AssertionError, match="float32"):
        gradcheck(_wrong(jvp_factor=1.01).bind, (x32,))


def test_kinks_and_ties_are_flagged_not_failed():
    report = gradcheck(cnp.abs, (np.array([0.0, 2.0]),))
    assert report.ok and [e.status for e in report.flagged] == ["kink", "kink"]
    assert "kink (left -1, right 1)" in report.table()
    tie = gradcheck(cnp.maximum, (1.0, 1.0))
    assert tie.ok and len(tie.flagged) == 4
    relu = gradcheck(cnp.relu, (0.0,), mode="directional")
    assert relu.ok and relu.flagged and "kink" in relu.table()


def test_full_table_lists_every_entry():
    report = gradcheck(lambda x, y: cnp.sin(x) * y, (0.5, 2.0), modes=("rev",))
    table = report.table(all=True)
    assert table.count("\nrev") == 2 and "x0" in table and "x1" in table
    assert "ok, 2 entries checked, 0 flagged" in table


def test_check_grads_wrapper_checks_higher_orders():
    assert len(check_grads(cnp.tanh, (0.3,), order=2)) == 3
    wcos = Primitive("wcos", np.cos, jvp=(lambda t, ans, x: t * sin(x),),
                     vjp=(lambda g, ans, x: g * sin(x),))  # sign error
    wsin = Primitive("wsin", np.sin, jvp=(lambda t, ans, x: t * wcos.bind(x),),
                     vjp=(lambda g, ans, x: g * wcos.bind(x),))
    check_grads(wsin.bind, (0.3,), order=1)
    with pytest.raises(AssertionError, match="FAIL"):
        check_grads(wsin.bind, (0.3,), order=2)


@pytest.mark.parametrize("checker", [check_grads, reference_check_grads],
                         ids=["numeric", "testing"])
def test_check_grads_names_the_lowest_wrong_order(checker):
    wrong_first = _wrong(jvp_factor=1.01, vjp_factor=1.01)
    with pytest.raises(AssertionError) as info:
        checker(wrong_first.bind, (0.3,), order=2)
    text = str(info.value)
    assert "the first derivative of wrong_sin is wrong" in text and "order 2" not in text
    assert "lower orders passed" not in text and "higher orders were not checked" in text
    wcos = Primitive("wcos", np.cos, jvp=(lambda t, ans, x: t * sin(x),),
                     vjp=(lambda g, ans, x: g * sin(x),))  # sign error: 2nd order only
    wsin = Primitive("wsin", np.sin, jvp=(lambda t, ans, x: t * wcos.bind(x),),
                     vjp=(lambda g, ans, x: g * wcos.bind(x),))
    with pytest.raises(AssertionError) as info:
        checker(wsin.bind, (0.3,), order=3)
    text = str(info.value)
    assert "the second derivative of wsin is wrong" in text and "lower orders passed" in text


def test_reports_carry_their_order_and_say_when_nothing_was_judged():
    reports = check_grads(cnp.tanh, (0.3,), order=2)
    assert [r.order for r in reports] == [1, 2, 2] and "order 2" in reports[1].table()
    kink = gradcheck(cnp.abs, (0.0,))
    assert kink.ok and "none of the 2 entries could be judged" in kink.table()
    with pytest.raises(ValueError, match="order"):
        check_grads(cnp.tanh, (0.3,), order=0)


def test_bad_arguments():
    with pytest.raises(ValueError, match="mode"):
        gradcheck(cnp.sin, (0.3,), mode="partial")
    with pytest.raises(ValueError, match="modes"):
        gradcheck(cnp.sin, (0.3,), modes=("sideways",))
    with pytest.raises(TypeError, match="floating"):
        gradcheck(cnp.sin, (np.array([1, 2]),))
