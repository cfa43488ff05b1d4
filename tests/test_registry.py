"""One sweep over the whole rule table: every differentiable primitive, forward and
reverse, first and second order, checked against finite differences in float64."""

import numpy as np
import pytest

from chainrule.core import registry
from chainrule.testing import check_grads, sample_function

try:  # SciPy's namespaces register their primitives on import; sweep them too
    import chainrule.scipy  # noqa: F401
except ImportError:
    pass

PRIMS = sorted(registry().values(), key=lambda p: p.name)
DIFFERENTIABLE = [p for p in PRIMS if p.differentiable]


def _samples(prim):
    if prim.samples is None:
        pytest.fail(f"primitive {prim.name!r} has no sample inputs: add samples= to its record")
    samples = prim.samples()
    assert samples, f"primitive {prim.name!r} has an empty sample list"
    return samples




@pytest.mark.parametrize("prim", DIFFERENTIABLE, ids=lambda p: p.name)
def test_rules_match_finite_differences(prim):
    for sample in _samples(prim):
        f, xs = sample_function(prim, sample)
        check_grads(f, xs, modes=("fwd", "rev"), order=2)


@pytest.mark.parametrize("prim", DIFFERENTIABLE, ids=lambda p: p.name)
def test_record_is_complete(prim):
    assert prim.rule and prim.statement, f"{prim.name} needs a rule name and statement"
    assert len(_samples(prim)) >= 1


@pytest.mark.parametrize("prim", DIFFERENTIABLE, ids=lambda p: p.name)
def test_float32_stays_float32(prim):
    from chainrule import vjp
    for sample in _samples(prim):
        f, xs = sample_function(prim, sample)
        xs32 = tuple(np.asarray(x, np.complex64 if np.iscomplexobj(x) else np.float32)
                     for x in xs)
        out, pullback = vjp(f, *xs32)
        if prim.name != "astype":  # a cast changes the dtype on purpose
            assert np.asarray(out).dtype in (np.float32, np.complex64), prim.name
        cts = pullback(np.ones_like(np.asarray(out)))
        for c, x in zip(cts, xs32):
            assert np.asarray(c).dtype == x.dtype, prim.name


def test_broken_rule_is_caught():
    from chainrule.core import Primitive
    from chainrule.numpy import cos
    wrong = Primitive("wrong_sin", np.sin, jvp=(lambda t, ans, x: t * cos(x) * 1.01,),
                      vjp=(lambda g, ans, x: g * cos(x),))
    with pytest.raises(AssertionError, match="fwd"):
        check_grads(wrong.bind, (0.3,), order=1)


@pytest.mark.parametrize("prim", DIFFERENTIABLE, ids=lambda p: p.name)
def test_rules_use_only_what_the_record_saves(prim, monkeypatch):
    """With every array argument replaced by its shape and dtype on the tape (as happens
    for large arrays when save_args=False), reverse mode still matches finite differences:
    a rule that reads a value its record says it does not need would fail here."""
    import chainrule.core.reverse as reverse
    monkeypatch.setattr(reverse, "_KEEP_BYTES", -1)
    for sample in _samples(prim):
        f, xs = sample_function(prim, sample)
        check_grads(f, xs, modes=("rev",), order=1)


NUMPY_LINALG = {"cholesky", "det", "inv", "logabsdet", "solve"}  # NumPy refuses float16
NUMPY_LINALG |= {"fft", "ifft", "rfft", "irfft"}  # NumPy transforms float16 in complex64
NUMPY_LINALG |= {"eig_values", "eig_vectors"}


@pytest.mark.parametrize("prim", [p for p in DIFFERENTIABLE if p.name not in NUMPY_LINALG],
                         ids=lambda p: p.name)
def test_float16_stays_float16_in_both_modes(prim):
    from chainrule import jvp, vjp
    for sample in _samples(prim):
        if any(np.iscomplexobj(a) for a in sample.args):
            continue  # NumPy has no complex type of half precision
        f, xs = sample_function(prim, sample, dtype=np.float16)
        with np.errstate(all="ignore"):
            out, pullback = vjp(f, *xs)
            cts = pullback(np.ones_like(np.asarray(out)))
            _, t = jvp(f, xs, xs)
        if prim.name != "astype":
            kinds = {np.asarray(out).dtype, np.asarray(t).dtype}
            assert kinds | {np.asarray(c).dtype for c in cts} == {np.dtype(np.float16)}
