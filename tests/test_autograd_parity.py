"""Parity with autograd 1.9.1: chainrule has every function autograd differentiates, and
both give the same values and gradients on random inputs.

The list of autograd's functions is read from autograd itself: every public name of its
NumPy and SciPy namespaces that has a VJP rule (``autograd.core.primitive_vjps``), plus the
few it writes as Python compositions. What chainrule does not have yet is listed, with the
reason, in ``MISSING``; the test fails when a listed function lands (take it off the list)
or when autograd has a function that is neither in chainrule nor listed.

Gradients are compared for ``sum(f(x) * w)`` with a random weight ``w``, with respect to
each float argument, on inputs drawn per function by ``inputs`` (several seeds; the slow
version draws more). Where autograd has no rule for an argument (it raises
``NotImplementedError``) or chainrule holds it fixed (it raises ``NotImplementedError``
where autograd returns zero, e.g. an order), that argument is not compared.
"""

from __future__ import annotations

import importlib
import types

import numpy as np
import pytest

pytest.importorskip("autograd")
pytest.importorskip("scipy")

import autograd  # noqa: E402
import autograd.numpy as anp  # noqa: E402
from autograd.core import primitive_vjps  # noqa: E402

import chainrule  # noqa: E402
from chainrule.testing import check_grads  # noqa: E402
from parity_inputs import inputs  # noqa: E402 (tests/ is on the path, as for conftest)

STATS = ("beta", "chi2", "dirichlet", "gamma", "multivariate_normal", "norm", "poisson", "t")
# label: (autograd module, chainrule module)
NAMESPACES = {
    "numpy": ("autograd.numpy", "chainrule.numpy"),
    "linalg": ("autograd.numpy.linalg", "chainrule.numpy.linalg"),
    "fft": ("autograd.numpy.fft", "chainrule.numpy.fft"),
    "special": ("autograd.scipy.special", "chainrule.scipy.special"),
    "scipy.linalg": ("autograd.scipy.linalg", "chainrule.scipy.linalg"),
    "signal": ("autograd.scipy.signal", "chainrule.scipy.signal"),
    "integrate": ("autograd.scipy.integrate", "chainrule.scipy.integrate"),
    **{f"stats.{d}": (f"autograd.scipy.stats.{d}", f"chainrule.scipy.stats.{d}")
       for d in STATS},
}
# autograd's own helpers, with a VJP but no NumPy or SciPy counterpart.
AUTOGRAD_INTERNAL = {"numpy:array_from_args", "numpy:concatenate_args",
                     "numpy:make_diagonal", "fft:truncate_pad"}
# Functions autograd writes as Python compositions of its primitives (differentiable).
AUTOGRAD_COMPOSITES = {
    "numpy": ("concatenate", "vstack", "row_stack", "hstack", "column_stack", "stack",
              "append", "array", "select"),
    "linalg": ("norm",),
}

_NOT_YET = "not in chainrule yet (issue 10)"
_ALIAS = "NumPy 2 alias, not exported by chainrule.numpy yet"
MISSING: dict = {}  # every function autograd differentiates is here

# Functions autograd lets traced values through with a zero derivative (its
# ``nograd_functions``: predicates, indices, shapes, rounding) that chainrule.numpy lacks.
NOGRAD_MISSING: dict = {}  # and every function it lets through with a zero derivative

# Functions chainrule has, but without the derivative autograd gives: expected to fail the
# comparison (strict xfail: when one is fixed, take it off this list).
CHAINRULE_GAPS: dict = {}  # none left: numpy.full takes a traced fill_value

# Inputs where autograd is wrong or gives up, so the comparison draws other inputs; on
# these chainrule is checked against finite differences, and autograd's failure is checked
# to be still there. {key: (what autograd does, args, kwargs, argument differentiated)}
AUTOGRAD_WRONG = {
    "stats.chi2:logpdf": ("gives a zero gradient in x for a non-integer df",
                          (np.array([0.7, 1.3, 2.2]), np.array(2.5)), {}, 0),
    "stats.chi2:pdf": ("gives a zero gradient in x for a non-integer df",
                       (np.array([0.7, 1.3, 2.2]), np.array(2.5)), {}, 0),
    "numpy:cross": ("gives a (3,) argument broadcast against (2, 3) a (2, 3) gradient",
                    (np.array([[0.3, 0.5, 0.2], [0.1, 0.7, 0.4]]), np.array([0.6, 0.2, 0.9])),
                    {}, 1),
    "numpy:diagonal": ("gives a (3, 4) matrix a (3, 3) gradient",
                       (np.arange(12.0).reshape(3, 4) / 7,), {"axis1": -1, "axis2": -2}, 0),
    "fft:rfft": ("gives a wrong gradient when n pads the input",
                 (np.linspace(-1.0, 1.0, 8).reshape(2, 4) ** 3,), {"n": 6}, 0),
    "linalg:eig": ("gives a wrong gradient for a real matrix with complex eigenvalues",
                   (np.array([[1.0, -2.0, 0.3], [1.5, 0.5, 0.2], [0.1, 0.4, 3.0]]),), {}, 0),
    "numpy:broadcast_to": ("raises AssertionError when leading axes are added",
                           (np.array([0.3, 0.5, 0.2]), (2, 3)), {}, 0),
    "numpy:gradient": ("raises ValueError for 2-D input",
                       (np.linspace(0.0, 1.0, 12).reshape(3, 4) ** 2,), {}, 0),
}

# Functions of a symmetric matrix that read one triangle, as NumPy and SciPy do: chainrule
# gives the derivative with respect to the entries read (zero in the other triangle),
# autograd a symmetrized one; they agree along symmetric directions, which is what is
# compared. {key: argument positions}
SYMMETRIC_INPUT = {"linalg:cholesky": (0,), "linalg:eigh": (0,)}

SEEDS = (0, 1, 2)
SLOW_SEEDS = tuple(range(3, 23))


def _has_vjp(obj) -> bool:
    try:
        return obj in primitive_vjps
    except TypeError:  # unhashable
        return False


def _shared_special() -> set[int]:
    """ids of autograd.scipy.special's functions: stats modules import some of them."""
    special = importlib.import_module("autograd.scipy.special")
    return {id(v) for v in vars(special).values() if callable(v)}


def autograd_functions() -> dict[str, object]:
    """``{"label:name": autograd function}`` for everything autograd differentiates."""
    out: dict[str, object] = {}
    shared = _shared_special()
    for label, (ag_name, _) in NAMESPACES.items():
        module = importlib.import_module(ag_name)
        for name in sorted(n for n in dir(module) if not n.startswith("_")):
            obj = getattr(module, name)
            if label.startswith("stats.") and id(obj) in shared:
                continue  # an import of a special function, not a stats function
            if _has_vjp(obj) and f"{label}:{name}" not in AUTOGRAD_INTERNAL:
                out[f"{label}:{name}"] = obj
        for name in AUTOGRAD_COMPOSITES.get(label, ()):
            obj = getattr(module, name)
            assert isinstance(obj, types.FunctionType), f"autograd's {name} changed kind"
            out[f"{label}:{name}"] = obj
    return out


def chainrule_function(key: str):
    """chainrule's function for ``"label:name"``, or None if it has none."""
    label, name = key.split(":")
    try:
        module = importlib.import_module(NAMESPACES[label][1])
    except ModuleNotFoundError:
        return None
    return getattr(module, name, None)


AUTOGRAD = autograd_functions()
COMMON = sorted(k for k in AUTOGRAD if chainrule_function(k) is not None)


def test_chainrule_has_what_autograd_lets_through_without_derivative():
    from autograd.numpy.numpy_vjps import nograd_functions

    import chainrule.numpy as cnp
    names = {n for n in dir(anp) if not n.startswith("_")
             and any(getattr(anp, n) is f for f in nograd_functions)}
    missing = sorted(n for n in names if not hasattr(cnp, n))
    print(f"\nautograd's no-derivative functions chainrule.numpy lacks: {missing}")
    unlisted = [n for n in missing if n not in NOGRAD_MISSING]
    landed = [n for n in NOGRAD_MISSING if n not in missing]
    assert not unlisted, f"chainrule.numpy lacks {unlisted}: add them, or list them"
    assert not landed, f"{landed} are in chainrule.numpy now: take them off NOGRAD_MISSING"


def test_chainrule_has_every_function_autograd_differentiates():
    missing = sorted(k for k in AUTOGRAD if chainrule_function(k) is None)
    print(f"\nautograd functions chainrule lacks ({len(missing)} of {len(AUTOGRAD)}):")
    for key in missing:
        print(f"  {key:32} {MISSING.get(key, 'NOT LISTED IN MISSING')}")
    unlisted = [k for k in missing if k not in MISSING]
    landed = [k for k in MISSING if k in AUTOGRAD and k not in missing]
    unknown = [k for k in MISSING if k not in AUTOGRAD]
    assert not unlisted, f"chainrule lacks {unlisted}: add them, or list them in MISSING"
    assert not landed, f"{landed} landed in chainrule: take them off MISSING"
    assert not unknown, f"MISSING names {unknown}, which autograd does not differentiate"


def _leaves(out) -> list:
    if hasattr(out, "shape") or np.isscalar(out):
        return [out]
    return [leaf for item in out for leaf in _leaves(item)]


def _weights(out, rng) -> list:
    return [rng.standard_normal(np.shape(leaf)) for leaf in _leaves(out)]


def _loss(np_mod, f, args, kwargs, i, ws):
    """``x -> sum(f(..., x, ...) * w)``, the real and imaginary parts weighted apart."""
    def loss(x):
        full = args[:i] + (x,) + args[i + 1:]
        total = 0.0
        for leaf, w in zip(_leaves(f(*full, **kwargs)), ws):
            if np.iscomplexobj(_value(leaf)):
                total = total + np_mod.sum(np_mod.real(leaf) * w) \
                    + np_mod.sum(np_mod.imag(leaf) * w[::-1])
            else:
                total = total + np_mod.sum(leaf * w)
        return total
    return loss


def _value(leaf):
    return getattr(leaf, "_value", getattr(leaf, "value", leaf))


def _differentiable(arg) -> bool:
    if isinstance(arg, (list, tuple)):
        return bool(arg) and all(_differentiable(a) for a in arg)
    return isinstance(arg, np.ndarray) and arg.dtype.kind in "fc"


def _close(a, b, rtol, atol, what):
    la, lb = _leaves(a), _leaves(b)
    assert len(la) == len(lb), f"{what}: {len(la)} vs {len(lb)} outputs"
    for x, y in zip(la, lb):
        assert np.shape(x) == np.shape(y), f"{what}: shapes {np.shape(x)} vs {np.shape(y)}"
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), rtol=rtol, atol=atol,
                                   err_msg=what)


def _symmetric_part(g):
    g = np.asarray(g)
    return (g + np.swapaxes(g, -1, -2)) / 2


def _grad_or_refusal(grad_fn, loss, x):
    try:
        return grad_fn(loss)(x)
    except NotImplementedError:
        return None


def compare(key: str, seed: int) -> int:
    """Check values and gradients on one draw; return how many gradients were compared
    (an argument is left out where either library has no rule for it)."""
    ag, cr = AUTOGRAD[key], chainrule_function(key)
    rng = np.random.default_rng(seed)
    args, kwargs = inputs(key, rng, ag)
    expected = ag(*args, **kwargs)
    _close(cr(*args, **kwargs), expected, 1e-10, 1e-12, f"{key} value (seed {seed})")
    ws = _weights(expected, rng)
    compared = 0
    for i, arg in enumerate(args):
        if not _differentiable(arg):
            continue
        g_ag = _grad_or_refusal(autograd.grad, _loss(anp, ag, args, kwargs, i, ws), arg)
        g_cr = _grad_or_refusal(chainrule.grad, _loss(chainrule.numpy, cr, args, kwargs, i,
                                                      ws), arg)
        if g_ag is None or g_cr is None:
            continue
        if i in SYMMETRIC_INPUT.get(key, ()):
            g_cr, g_ag = _symmetric_part(g_cr), _symmetric_part(g_ag)
        _close(g_cr, g_ag, 1e-7, 1e-9, f"{key} gradient in argument {i} (seed {seed})")
        compared += 1
    return compared


def _compare_seeds(key, seeds):
    compared = sum(compare(key, seed) for seed in seeds)
    assert compared > 0, (f"{key}: no gradient was compared on any draw (a library "
                          "refused every argument): change its inputs")


def _cases():
    return [pytest.param(k, marks=pytest.mark.xfail(strict=True, reason=CHAINRULE_GAPS[k]))
            if k in CHAINRULE_GAPS else k for k in COMMON]


# autograd's odeint rule differentiates a function of no extra arguments, and says so.
_QUIET = pytest.mark.filterwarnings("ignore:Output seems independent of input")


@_QUIET
@pytest.mark.parametrize("key", _cases())
def test_same_values_and_gradients(key):
    _compare_seeds(key, SEEDS)


@pytest.mark.parametrize("key", sorted(AUTOGRAD_WRONG))
def test_where_autograd_is_wrong_chainrule_matches_finite_differences(key):
    what, args, kwargs, i = AUTOGRAD_WRONG[key]
    ws = _weights(chainrule_function(key)(*args, **kwargs), np.random.default_rng(0))
    loss = _loss(chainrule.numpy, chainrule_function(key), args, kwargs, i, ws)
    check_grads(loss, (args[i],), modes=("rev", "fwd"), order=1)
    ag_loss = _loss(anp, AUTOGRAD[key], args, kwargs, i, ws)
    try:
        g_ag = autograd.grad(ag_loss)(args[i])
    except (AssertionError, ValueError):
        return  # autograd still gives up on these inputs
    g_cr = chainrule.grad(loss)(args[i])
    assert np.shape(g_ag) != np.shape(g_cr) or not np.allclose(g_ag, g_cr), \
        f"autograd no longer {what}: take {key} off AUTOGRAD_WRONG"


@_QUIET
@pytest.mark.slow
@pytest.mark.parametrize("key", _cases())
def test_same_values_and_gradients_more_seeds(key):
    _compare_seeds(key, SLOW_SEEDS)
