"""Adversarial checks of the engine, bounded for CI (a few seconds).

1. Python floats, NumPy float64 scalars and 0-d arrays are the same number to chainrule:
   every elementwise primitive of the registry, at ordinary and domain-edge points (0, -0,
   1, huge, tiny, inf, nan...), in evaluation, reverse mode, forward mode and second order,
   gives the same values and never a Python ZeroDivisionError/OverflowError; NumPy's
   RuntimeWarning is raised for a non-finite result as with arrays (see _warning_matters).
2. Scatters (``x.at[idx].set/add/multiply...``) with random repeated indices: evaluation
   matches NumPy's semantics, and reverse mode, forward mode and finite differences agree.
3. Escaped tracers: every attribute and method of a tracer raises EscapedTracerError once
   its transformation has returned.
4. Random programs: reverse, forward and Taylor mode and nested forward mode agree.
"""

import inspect
import itertools
import warnings

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.core import EscapedTracerError, registry
from chainrule.numpy import _methods
from chainrule.testing import check_grads

# ---------------------------------------------------------------------------------------
# 1. Python floats vs NumPy scalars vs 0-d arrays.

try:  # SciPy's primitives join the sweep whatever the order the test files run in
    import chainrule.scipy  # noqa: F401
except ImportError:
    pass

EDGE = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, 3.0, 1e-300, 1e300, -1e200, 710.0, -745.0,
        np.inf, -np.inf, np.nan, 5e-324]
EDGE2 = [0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 1e-300, 1e300, -1e200, np.inf, np.nan]
REPS = {"Python float": float, "np.float64": np.float64, "0-d array": np.array}
ELEMENTWISE = sorted((p for p in registry().values() if p.elementwise), key=lambda p: p.name)


def _arity(prim) -> int:
    if prim.name == "where":
        return 3
    if prim.samples:  # (keyword parameters of the impl come from the sample)
        return len(prim.samples()[0].args)
    nin = getattr(prim.impl, "nin", None)
    if nin:
        return nin
    params = inspect.signature(prim.impl).parameters.values()
    return sum(1 for q in params if q.default is q.empty and
               q.kind in (q.POSITIONAL_ONLY, q.POSITIONAL_OR_KEYWORD))


def _like(x, v):
    """``v`` in the representation of ``x``."""
    return np.array(v) if isinstance(x, np.ndarray) else type(x)(v)


def _modes(prim, n: int) -> dict:
    nums = (1, 2) if prim.name == "where" else tuple(range(n))  # not the condition
    first = nums[0]

    def at_first(f, a):
        return lambda t: f(*a[:first], t, *a[first + 1:])

    params = prim.samples()[0].params if prim.samples else {}

    def f(*a):
        return prim(*a, **params)

    def gsum(*a):
        g = cr.grad(f, argnums=nums)(*a)
        return sum(g[1:], g[0])

    return {
        "eval": f,
        "grad": lambda *a: cr.grad(f, argnums=nums)(*a),
        "jvp": lambda *a: cr.jvp(at_first(f, a), (a[first],), (_like(a[first], 1.0),))[1],
        "jvp, all arguments": lambda *a: cr.jvp(
            lambda *b: f(*a[:first], *b), a[first:], tuple(_like(x, -0.5) for x in a[first:]))[1],
        "grad of grad": lambda *a: cr.grad(gsum, argnums=nums)(*a),
        "jvp of grad": lambda *a: cr.jvp(at_first(gsum, a), (a[first],),
                                         (_like(a[first], 0.5),))[1],
        "derivative 2": lambda *a: cr.derivative(at_first(f, a), order=2)(a[first]),
    }


def _run(fn, args) -> tuple:
    """(values as one float64 vector or the exception, the RuntimeWarnings raised)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            out = fn(*args)
            leaves = cr.tree_flatten(out)[0]
            value = np.concatenate([np.asarray(v, float).ravel() for v in leaves])
        except Exception as e:  # noqa: BLE001 - any exception is a finding
            value = e
    return value, bool([w for w in caught if issubclass(w.category, RuntimeWarning)])


EDGE3 = [0.0, -1.0, 0.5, 2.0, 1e300, np.inf, np.nan]


def _points(prim, n: int) -> list:
    if prim.name == "where":
        return [(c, x, y) for c in (True, False) for x, y in itertools.product(EDGE2, EDGE2)]
    return list(itertools.product({1: EDGE, 2: EDGE2}.get(n, EDGE3), repeat=n))


# Deliberate refusals (a derivative in a held-fixed order or shape parameter, an order too
# large to compute in bounded time) are fine when every representation raises the same.
DELIBERATE = (NotImplementedError, ValueError)


def _same_refusal(results: dict) -> bool:
    errors = [v for v, _ in results.values()]
    return all(isinstance(e, DELIBERATE) for e in errors) and \
        len({(type(e), str(e)) for e in errors}) == 1


def _represent(rep, point: tuple) -> tuple:
    return tuple(np.array(p) if isinstance(p, bool) else rep(p) for p in point)


def _warning_matters(point: tuple, value, array_warned: bool) -> bool:
    """A warning must not appear only for Python floats; and a non-finite result from
    finite inputs warns in both. (Python float arithmetic overflows silently inside a rule
    whose result is finite, e.g. x*x in arccosh' = 1/sqrt(x*x - 1) at 1e300: NumPy warns
    there, the Python float path does not; that intermediate warning is not promised.)"""
    if not array_warned:
        return True
    finite_in = all(np.isfinite(p) for p in point if not isinstance(p, bool))
    return finite_in and not np.all(np.isfinite(value))


@pytest.mark.parametrize("prim", ELEMENTWISE, ids=lambda p: p.name)
def test_python_floats_numpy_scalars_and_0d_arrays_agree(prim):
    n = _arity(prim)
    bad = []
    for mode, fn in _modes(prim, n).items():
        for point in _points(prim, n):
            results = {name: _run(fn, _represent(rep, point)) for name, rep in REPS.items()}
            (v0, w0), *others = results.values()
            if _same_refusal(results):
                continue
            for name, (v, w) in results.items():
                if isinstance(v, Exception):
                    bad.append(f"{mode}{point} {name}: {type(v).__name__}: {v}")
            if any(isinstance(v, Exception) for v, _ in results.values()):
                continue
            for name, (v, w) in results.items():
                if v.shape != v0.shape or not np.allclose(v, v0, rtol=1e-12, atol=0,
                                                          equal_nan=True):
                    bad.append(f"{mode}{point}: {name} gives {v}, Python float {v0}")
                if w != w0 and _warning_matters(point, v0, w):
                    bad.append(f"{mode}{point}: {name} warns: {w}, Python float: {w0}")
    assert not bad, f"{prim.name}: {len(bad)} disagreements, e.g.\n" + "\n".join(bad[:10])


def test_the_sweep_covers_the_elementwise_table():
    names = {p.name for p in ELEMENTWISE}
    for name in ("log", "sqrt", "arcsin", "arccos", "log1p", "divide", "power", "remainder",
                 "fmod", "relu", "sigmoid", "softplus", "maximum", "where", "floor", "equal"):
        assert name in names, name


# ---------------------------------------------------------------------------------------
# 2. Scatters with repeated indices.

def _numpy_at(kind: str, x, idx, v):
    """What ``x.at[idx].<kind>(v)`` means, computed by NumPy."""
    out = np.array(x, dtype=float, copy=True)
    if kind == "set":
        out[idx] = v
    elif kind == "get":
        return out[idx]
    else:
        ufunc = {"add": np.add, "subtract": np.subtract, "multiply": np.multiply,
                 "divide": np.divide, "power": np.power, "min": np.minimum,
                 "max": np.maximum}[kind]
        ufunc.at(out, idx, np.broadcast_to(v, out[idx].shape))
    return out


KINDS = ["set", "add", "subtract", "multiply", "divide", "power", "min", "max", "get"]


def _random_index(rng, shape, style: str):
    if style == "flat":
        return (rng.integers(-shape[0], shape[0], size=rng.integers(2, 9)),)
    if style == "pair":
        k = rng.integers(2, 7)
        return (rng.integers(0, shape[0], size=k), rng.integers(0, shape[1], size=k))
    if style == "broadcast":
        return (rng.integers(0, shape[0], size=(3, 1)), rng.integers(0, shape[1], size=(1, 2)))
    if style == "slice-and-array":
        return (slice(None), rng.integers(0, shape[1], size=rng.integers(2, 6)))
    if style == "mask":
        return (rng.random(shape) < 0.5,)
    raise AssertionError(style)


STYLES = {"flat": (5,), "pair": (3, 4), "broadcast": (3, 4), "slice-and-array": (2, 3),
          "mask": (3, 3)}


def _scatter_cases(seed: int, count: int):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        for style, shape in STYLES.items():
            idx = _random_index(rng, shape, style)
            target = np.zeros(shape)[idx].shape
            vshape = target if rng.random() < 0.6 else target[-1:]
            # Positive values away from each other: power is defined, min/max have no ties.
            x = rng.uniform(0.5, 1.5, size=shape) + np.arange(np.prod(shape)).reshape(shape)
            v = rng.uniform(0.5, 1.5, size=vshape) + 0.37
            yield style, idx, x, v


def _update(kind: str, idx):
    if kind == "get":
        return lambda x, v: cnp.at(x)[idx].get() * cnp.sum(v)
    return lambda x, v: getattr(cnp.at(x)[idx], kind)(v)


@pytest.mark.parametrize("kind", KINDS)
def test_scatter_with_repeated_indices_all_modes_agree(kind):
    repeated = 0
    for style, idx, x, v in _scatter_cases(seed=KINDS.index(kind), count=6):
        f = _update(kind, idx)
        want = _numpy_at(kind, x, idx, v)
        if kind == "get":
            want = want * np.sum(v)
        np.testing.assert_allclose(f(x, v), want, rtol=1e-12, err_msg=f"{kind} {style}")
        check_grads(f, (x, v), modes=("fwd", "rev"), order=2, rtol=1e-5, atol=1e-6)
        # Reverse mode against forward mode, exactly the same Jacobian.
        jr = cr.jacrev(f, argnums=(0, 1))(x, v)
        jf = cr.jacfwd(f, argnums=(0, 1))(x, v)
        for a, b in zip(jr, jf):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
        flat = np.arange(x.size).reshape(x.shape)[idx].ravel()
        repeated += len(set(flat.tolist())) < flat.size
    assert repeated >= 6, "the random cases should repeat indices often"


def test_set_with_repeated_indices_reported_case():
    i = np.array([0, 0])

    def f(x):
        return cnp.sum((x * 0).at[i].set(x[1:3]))

    x = np.array([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(cr.grad(f)(x), [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(cr.jacfwd(f)(x), [0.0, 0.0, 1.0])


def test_multiply_with_repeated_indices_multiplies_every_update():
    x, i = np.array([1.0, 2.0, 3.0]), np.array([0, 0])

    def f(x):
        return cnp.sum(cnp.at(x)[i].multiply(x[1:3]))

    assert f(x) == 11.0  # x0 * x1 * x2 + x1 + x2, as np.multiply.at
    np.testing.assert_array_equal(cr.grad(f)(x), [6.0, 4.0, 3.0])
    np.testing.assert_array_equal(cr.jacfwd(f)(x), [6.0, 4.0, 3.0])


# ---------------------------------------------------------------------------------------
# 3. Escaped tracers.

ARGS = {  # arguments for the methods that need some; every other one is called bare
    "__setitem__": (0, 1.0), "__getitem__": (0,), "__format__": ("",),
    "__array_ufunc__": (np.sin, "__call__", None), "__array_function__": (np.sum, (), (), {}),
    "reshape": ((2,),), "astype": (np.float32,), "swapaxes": (0, 0), "repeat": (2,),
    "dot": (np.ones(2),), "__divmod__": (1.0,), "__rdivmod__": (1.0,),
}
BINARY = {name for name in _methods.METHODS
          if name.startswith("__r") or name in _methods._OPERATORS}


def _escaped(kind: str):
    box = []

    def f(x):
        box.append(x)
        return cnp.sum(x)

    x = np.array([1.0, 2.0])
    if kind == "reverse":
        cr.grad(f)(x)
    elif kind == "forward":
        cr.jvp(f, (x,), (np.ones(2),))
    else:
        cr.derivative(f, order=2)(x)
    return box[0]


def _touch(t, name: str):
    attr = inspect.getattr_static(type(t), name)
    if isinstance(attr, property):
        return getattr(t, name)
    args = ARGS.get(name, (1.0,) if name in BINARY and name not in ("__neg__", "__pos__",
                                                                     "__abs__") else ())
    return getattr(t, name)(*args)


NAMES = sorted(n for n, fn in _methods.METHODS.items() if fn is not None)


@pytest.mark.parametrize("kind", ["reverse", "forward", "taylor"])
@pytest.mark.parametrize("name", NAMES)
def test_every_tracer_attribute_refuses_an_escaped_tracer(kind, name):
    t = _escaped(kind)
    with pytest.raises(EscapedTracerError):
        _touch(t, name)


@pytest.mark.parametrize("kind", ["reverse", "forward", "taylor"])
def test_escaped_tracer_builtins_and_functions(kind):
    t = _escaped(kind)
    for use in (bool, len, iter, float, abs, lambda t: t.T, lambda t: t + 1,
                lambda t: 1 - t, lambda t: f"{t}", lambda t: t[0], lambda t: cnp.argmax(t),
                lambda t: cnp.sin(t), lambda t: cr.primal_value(t),
                lambda t: cnp.zeros_like(t), lambda t: cnp.where(t > 0, t, 0.0)):
        with pytest.raises(EscapedTracerError):
            use(t)
    assert "escaped" in repr(t)  # describing it stays possible, for error messages


def test_live_tracers_still_work():
    def f(x):
        assert bool(x[0] > 0) and len(x) == 2 and x.T.shape == (2,) and x.ndim == 1
        return cnp.sum(x * x)

    np.testing.assert_array_equal(cr.grad(f)(np.array([1.0, 2.0])), [2.0, 4.0])


# ---------------------------------------------------------------------------------------
# 4. Random programs: reverse, forward, Taylor and nested forward mode agree.

PROGRAM_UNARY = [
    cnp.sin, cnp.cos, cnp.tanh, cnp.exp, lambda x: cnp.log(1 + x * x), cnp.sigmoid,
    cnp.softplus, cnp.arctan, lambda x: cnp.sqrt(1 + x * x), lambda x: x ** 3,
    lambda x: 1 / (2 + cnp.sin(x)), cnp.sinh, lambda x: cnp.abs(x) ** 1.5 + 1,
    lambda x: cnp.maximum(x, 0.3 * x), lambda x: cnp.hypot(x, 1.0),
    lambda x: cnp.arctan2(x, 2.0), lambda x: x % 1.7, lambda x: cnp.power(2.0, x),
    lambda x: cnp.power(1.5 + x * x, x)]
PROGRAM_BINARY = [
    lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a / (1 + b * b),
    lambda a, b: a - 2 * b, lambda a, b: cnp.maximum(a, b),
    lambda a, b: cnp.logsumexp(cnp.stack([a, b]), axis=0)]


def _program(rng, depth: int = 4):
    if depth == 0 or rng.random() < 0.2:
        return lambda x: x
    if rng.random() < 0.6:
        u, p = PROGRAM_UNARY[rng.integers(len(PROGRAM_UNARY))], _program(rng, depth - 1)
        return lambda x: u(p(x))
    b = PROGRAM_BINARY[rng.integers(len(PROGRAM_BINARY))]
    p, q = _program(rng, depth - 1), _program(rng, depth - 1)
    return lambda x: b(p(x), q(x))


def _nested_jvp(f, order: int):
    d = f
    for _ in range(order):
        d = (lambda g: lambda s: cr.jvp(g, (s,), (np.ones_like(s),))[1])(d)
    return d


def test_random_programs_agree_in_every_mode():
    rng = np.random.default_rng(2024)
    for _ in range(60):
        f = _program(rng)
        x = rng.uniform(-1.5, 1.5, size=3)

        def total(x, f=f):
            return cnp.sum(f(x))

        with np.errstate(all="ignore"):
            rev, fwd = cr.grad(total)(x), cr.jacfwd(total)(x)
            taylor1, taylor3 = cr.derivative(f, 1)(x), cr.derivative(f, 3)(x)
            nested1, nested3 = _nested_jvp(f, 1)(x), _nested_jvp(f, 3)(x)
        np.testing.assert_allclose(rev, fwd, rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(taylor1, nested1, rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(taylor1, rev, rtol=1e-9, atol=1e-9)  # f is elementwise
        np.testing.assert_allclose(taylor3, nested3, rtol=1e-7, atol=1e-7)
