"""custom_jvp and custom_vjp: the classic examples, the rule actually used, pytrees,
higher order, every transformation, and clear errors for malformed rules."""

from __future__ import annotations

import functools

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule._api._custom import custom_jvp, custom_vjp
from chainrule.testing import check_grads


def _log1pexp_pair():
    """log(1 + e^x) with the stable derivative 1 - 1/(1 + e^x), and a call counter."""
    calls = []

    @custom_jvp
    def log1pexp(x):
        return cnp.log1p(cnp.exp(x))

    @log1pexp.defjvp
    def _(primals, tangents):
        calls.append(1)
        (x,), (t,) = primals, tangents
        return log1pexp(x), t * (1.0 - 1.0 / (1.0 + cnp.exp(x)))

    return log1pexp, calls


def _clip_gradient():
    calls = {"fwd": 0, "bwd": 0}

    @custom_vjp
    def clip(lo, hi, x):
        return x

    def fwd(lo, hi, x):
        calls["fwd"] += 1
        return x, (lo, hi)

    def bwd(res, g):
        calls["bwd"] += 1
        lo, hi = res
        return None, None, cnp.clip(g, lo, hi)

    clip.defvjp(fwd, bwd)
    return clip, calls


# ---------------------------------------------------------------------------------------
# The classic examples.


def test_log1pexp_uses_the_stable_rule_where_the_chain_rule_fails():
    f, calls = _log1pexp_pair()
    plain = lambda x: cnp.log1p(cnp.exp(x))  # noqa: E731
    with np.errstate(over="ignore", invalid="ignore"):
        assert np.isnan(cr.grad(plain)(800.0))
        assert float(cr.grad(f)(800.0)) == 1.0
        assert float(cr.jvp(f, (800.0,), (2.0,))[1]) == 2.0
    assert calls  # the rule ran
    for x in (-3.0, 0.0, 0.5, 4.0):
        assert np.isclose(cr.grad(f)(x), 1.0 / (1.0 + np.exp(-x)), rtol=1e-12)
    check_grads(f, (np.array([-1.0, 0.3, 2.0]),), order=2)


def test_clip_gradient_with_custom_vjp():
    clip, calls = _clip_gradient()
    loss = lambda x: cnp.sum(5.0 * clip(-1.0, 1.0, x))  # noqa: E731
    assert cr.grad(loss)(np.array([0.5, -2.0])).tolist() == [1.0, 1.0]
    assert calls == {"fwd": 1, "bwd": 1}
    assert float(clip(-1.0, 1.0, 3.0)) == 3.0  # plain evaluation runs the function
    assert calls == {"fwd": 1, "bwd": 1}


def test_safe_norm_at_zero():
    @custom_jvp
    def norm(x):
        return cnp.sqrt(cnp.sum(x * x))

    @norm.defjvp
    def _(primals, tangents):
        (x,), (t,) = primals, tangents
        n = norm(x)
        return n, cnp.sum(x * t) / cnp.where(n == 0.0, 1.0, n)

    assert cr.grad(norm)(np.zeros(3)).tolist() == [0.0, 0.0, 0.0]
    assert cr.jacfwd(norm)(np.zeros(2)).tolist() == [0.0, 0.0]
    x = np.array([3.0, -4.0, 12.0])
    assert np.allclose(cr.grad(norm)(x), x / 13.0)
    check_grads(norm, (x,), order=2)


# ---------------------------------------------------------------------------------------
# The rule is used, once per application.


def test_custom_jvp_rule_is_used_in_every_mode():
    f = custom_jvp(lambda x: cnp.sin(x))
    f.defjvp(lambda p, t: (f(p[0]), 2.0 * t[0]))  # deliberately not cos
    x = np.array([0.1, 0.2])
    assert float(cr.grad(f)(0.3)) == 2.0
    assert np.allclose(cr.jacfwd(f)(x), 2.0 * np.eye(2))
    assert np.allclose(cr.jacrev(f)(x), 2.0 * np.eye(2))
    assert float(cr.derivative(f, order=1)(0.3)) == 2.0


def test_one_rule_call_per_application_with_several_arguments():
    calls = []

    @custom_jvp
    def f(x, y, z):
        return x * y + cnp.sin(z)

    @f.defjvp
    def _(primals, tangents):
        calls.append(1)
        (x, y, z), (tx, ty, tz) = primals, tangents
        return f(x, y, z), tx * y + x * ty + cnp.cos(z) * tz

    args = (np.array([1.0, 2.0]), np.array([3.0, -1.0]), np.array([0.5, 0.1]))
    g = cr.grad(lambda *a: cnp.sum(f(*a)), argnums=(0, 1, 2))(*args)
    assert len(calls) == 1
    assert np.allclose(g[0], args[1]) and np.allclose(g[1], args[0])
    assert np.allclose(g[2], np.cos(args[2]))
    calls.clear()
    cr.jvp(f, args, tuple(np.ones(2) for _ in args))
    assert len(calls) == 1


def test_custom_vjp_calls_fwd_and_bwd_once_for_several_arguments():
    calls = {"fwd": 0, "bwd": 0}

    @custom_vjp
    def f(x, y):
        return x * y

    def fwd(x, y):
        calls["fwd"] += 1
        return x * y, (x, y)

    def bwd(res, g):
        calls["bwd"] += 1
        x, y = res
        return g * y, g * x

    f.defvjp(fwd, bwd)
    x, y = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    gx, gy = cr.grad(lambda a, b: cnp.sum(f(a, b)), argnums=(0, 1))(x, y)
    assert gx.tolist() == [3.0, 4.0] and gy.tolist() == [1.0, 2.0]
    assert calls == {"fwd": 1, "bwd": 1}
    assert cr.grad(lambda a: cnp.sum(f(a, y)))(x).tolist() == [3.0, 4.0]  # y constant
    check_grads(f, (x, y), modes=("rev",), order=2)


# ---------------------------------------------------------------------------------------
# Pytrees, several outputs, nondiff_argnums, keywords, closures.


def test_pytree_arguments_and_outputs():
    @custom_jvp
    def f(params, x):
        return {"a": params["w"] * x, "b": (cnp.sum(params["b"] ** 2), x)}

    @f.defjvp
    def _(primals, tangents):
        (p, x), (tp, tx) = primals, tangents
        out = f(p, x)
        return out, {"a": tp["w"] * x + p["w"] * tx,
                     "b": (cnp.sum(2.0 * p["b"] * tp["b"]), tx)}

    p = {"w": np.array([1.0, 2.0]), "b": np.array([0.5, -1.5, 2.0])}
    x = np.array([3.0, 4.0])
    loss = lambda p, x: cnp.sum(f(p, x)["a"]) + f(p, x)["b"][0] * 2.0  # noqa: E731
    gp, gx = cr.grad(loss, argnums=(0, 1))(p, x)
    assert np.allclose(gp["w"], x) and np.allclose(gp["b"], 4.0 * p["b"])
    assert np.allclose(gx, p["w"])
    check_grads(f, (p, x), order=2)


def test_several_outputs_of_mixed_dtypes():
    @custom_vjp
    def f(x):
        return x * 2.0, cnp.sum(x)

    f.defvjp(lambda x: (f(x), None),
             lambda res, g: (2.0 * g[0] + g[1],))
    x = np.array([1.0, 2.0], dtype=np.float32)
    g = cr.grad(lambda x: cnp.sum(f(x)[0]) + f(x)[1])(x)
    assert g.dtype == np.float32 and g.tolist() == [3.0, 3.0]
    a, b = cr.vjp(f, x)[0]
    assert a.dtype == np.float32 and a.tolist() == [2.0, 4.0] and float(b) == 3.0


def test_nondiff_argnums_and_keywords():
    @functools.partial(custom_jvp, nondiff_argnums=(0,))
    def apply(fn, x, scale=1.0):
        return scale * fn(x)

    @apply.defjvp
    def _(fn, primals, tangents):
        (x, scale), (tx, ts) = primals, tangents
        return apply(fn, x, scale), scale * cr.jvp(fn, (x,), (tx,))[1] + ts * fn(x)

    assert np.isclose(cr.grad(lambda x: apply(cnp.sin, x, scale=3.0))(0.2), 3 * np.cos(0.2))
    assert np.isclose(cr.grad(lambda s: apply(cnp.sin, 0.2, s))(3.0), np.sin(0.2))
    assert np.isclose(cr.grad(lambda x: apply(cnp.exp, x))(0.0), 1.0)


def test_defjvps_one_rule_per_argument():
    f = custom_jvp(lambda x, y: x * cnp.exp(y))
    f.defjvps(lambda tx, ans, x, y: tx * cnp.exp(y), lambda ty, ans, x, y: ans * ty)
    g = cr.grad(f, argnums=(0, 1))(2.0, 0.5)
    assert np.allclose(g, (np.exp(0.5), 2.0 * np.exp(0.5)))
    check_grads(f, (2.0, 0.5), order=2)
    h = custom_jvp(lambda x, y: x + 0.0 * y)
    h.defjvps(lambda tx, ans, x, y: tx, None)
    assert float(cr.grad(h, argnums=1)(1.0, 2.0)) == 0.0


def test_closure_over_an_outer_variable():
    def outer(y):
        @custom_jvp
        def f(x):
            return x * y

        f.defjvp(lambda p, t: (f(p[0]), t[0] * y))
        return cr.grad(lambda x: cnp.sum(f(x) ** 2))(np.array([1.0, 2.0]))

    # d/dy of grad_x sum((x y)^2) = d/dy 2 x y^2 = 4 x y
    assert np.allclose(cr.jacrev(outer)(3.0), [12.0, 24.0])
    assert np.allclose(outer(3.0), [18.0, 36.0])


def test_closure_over_a_variable_of_the_same_transformation_is_refused():
    def loss(x, y):
        @custom_jvp
        def f(x):
            return x * y  # y is differentiated too, but not an argument of f

        f.defjvp(lambda p, t: (f(p[0]), t[0] * y))
        return f(x)

    with pytest.raises(TypeError, match="closure"):
        cr.grad(loss, argnums=(0, 1))(1.0, 2.0)
    assert float(cr.grad(loss, argnums=1)(1.0, 2.0)) == 1.0  # x constant: plain code


# ---------------------------------------------------------------------------------------
# Higher order and composition.


def test_higher_order_through_the_rule():
    calls = []

    @custom_jvp
    def f(x):
        return cnp.sin(x)

    @f.defjvp
    def _(p, t):
        calls.append(1)
        return f(p[0]), cnp.cos(p[0]) * t[0]

    x = 0.7
    assert np.isclose(cr.grad(cr.grad(f))(x), -np.sin(x))
    assert np.isclose(cr.grad(cr.grad(cr.grad(f)))(x), -np.cos(x))
    assert np.isclose(cr.hessian(f)(x), -np.sin(x))
    assert np.isclose(cr.derivative(f, order=4)(x), np.sin(x))
    assert calls
    check_grads(f, (np.array([0.1, 1.2]),), order=3)


def test_custom_vjp_second_order_and_forward_over_reverse():
    @custom_vjp
    def cube(x):
        return x ** 3

    cube.defvjp(lambda x: (x ** 3, x), lambda x, g: (3.0 * x ** 2 * g,))
    assert float(cr.grad(cr.grad(cube))(2.0)) == 12.0
    assert float(cr.jacfwd(cr.grad(cube))(2.0)) == 12.0
    assert np.allclose(cr.hessian(lambda x: cnp.sum(cube(x)))(np.array([1.0, 2.0])),
                       np.diag([6.0, 12.0]))


def test_forward_mode_of_custom_vjp_is_refused():
    clip, _ = _clip_gradient()
    with pytest.raises(TypeError, match="forward-mode"):
        cr.jvp(lambda x: clip(-1.0, 1.0, x), (1.0,), (1.0,))
    with pytest.raises(TypeError, match="forward-mode"):
        cr.jacfwd(lambda x: clip(-1.0, 1.0, x))(np.ones(2))


def test_symbolic_expressions_use_the_function():
    from chainrule.symbolic import diff, symbols
    f, _ = _log1pexp_pair()
    (x,) = symbols("x")
    e = f(x)
    assert str(e) == str(cnp.log1p(cnp.exp(x)))
    assert diff(e, x) is diff(cnp.log1p(cnp.exp(x)), x)


# ---------------------------------------------------------------------------------------
# Errors.


def test_rule_missing():
    f = custom_jvp(lambda x: x)
    with pytest.raises(AttributeError, match="No JVP defined"):
        f(1.0)
    g = custom_vjp(lambda x: x)
    with pytest.raises(AttributeError, match="No VJP defined"):
        g(1.0)


@pytest.mark.parametrize("rule, match", [
    (lambda p, t: t[0], "must return a pair"),
    (lambda p, t: ((p[0], p[0]), t[0]), "primal output of the JVP rule"),
    (lambda p, t: (p[0], (t[0], t[0])), "same structure"),
    (lambda p, t: (p[0], cnp.ones(3)), "has shape"),
])
def test_malformed_jvp_rules(rule, match):
    f = custom_jvp(lambda x: x * 2.0)
    f.defjvp(rule)
    with pytest.raises((TypeError, ValueError), match=match):
        cr.grad(lambda x: cnp.sum(f(x)))(np.ones(2))
    with pytest.raises((TypeError, ValueError), match=match):
        cr.jvp(f, (np.ones(2),), (np.ones(2),))


@pytest.mark.parametrize("fwd, bwd, match", [
    (lambda x: x, lambda r, g: (g,), "fwd rule .* must return a pair"),
    (lambda x: (x, None), lambda r, g: g, "one cotangent per argument"),
    (lambda x: (x, None), lambda r, g: (g, g), r"one cotangent per argument \(1\)"),
    (lambda x: (x, None), lambda r, g: ((g, g),), "structure"),
    (lambda x: (x, None), lambda r, g: (cnp.ones(3),), "has shape"),
])
def test_malformed_vjp_rules(fwd, bwd, match):
    f = custom_vjp(lambda x: x * 2.0)
    f.defvjp(fwd, bwd)
    with pytest.raises((TypeError, ValueError), match=match):
        cr.grad(lambda x: cnp.sum(f(x)))(np.ones(2))


def test_bad_declarations():
    with pytest.raises(TypeError, match="expects a function"):
        custom_jvp(3.0)
    with pytest.raises(ValueError, match="nondiff_argnums"):
        custom_vjp(lambda x: x, nondiff_argnums=(-1,))
    f = custom_jvp(lambda n, x: n * x, nondiff_argnums=(0,))
    f.defjvp(lambda n, p, t: (f(n, p[0]), n * t[0]))
    assert float(cr.grad(lambda x: f(3.0, x))(1.0)) == 3.0
    with pytest.raises(TypeError, match="nondiff_argnums"):
        cr.grad(lambda n: f(n, 1.0))(3.0)


# ---------------------------------------------------------------------------------------
# vmap and jit.


def _counted_norm():
    calls = []

    @custom_jvp
    def norm(x):
        return cnp.sqrt(cnp.sum(x * x))

    @norm.defjvp
    def _(primals, tangents):
        calls.append(1)
        (x,), (t,) = primals, tangents
        n = norm(x)
        return n, cnp.sum(x * t) / cnp.maximum(n, 1e-300)

    return norm, calls


X = np.array([[0.0, 0.0], [3.0, 4.0], [1.0, 0.0]])
GRADS = [[0.0, 0.0], [0.6, 0.8], [1.0, 0.0]]


def _vmap():
    return pytest.importorskip("chainrule._api._vmap").vmap


def _jit():
    return pytest.importorskip("chainrule.compile").jit


def test_vmap_batches_the_rule_once_in_every_order():
    vmap = _vmap()
    norm, calls = _counted_norm()
    assert vmap(norm)(X).tolist() == [0.0, 5.0, 1.0]
    assert np.allclose(vmap(cr.grad(norm))(X), GRADS) and len(calls) == 1
    calls.clear()
    assert np.allclose(cr.grad(lambda X: cnp.sum(vmap(norm)(X)))(X), GRADS)
    assert len(calls) == 1
    assert vmap(vmap(norm))(np.stack([X, X])).tolist() == [[0.0, 5.0, 1.0]] * 2
    t = cr.jvp(vmap(norm), (X,), (np.ones_like(X),))[1]
    assert np.allclose(t, [0.0, 1.4, 1.0])
    assert np.allclose(cr.jacrev(vmap(norm))(X)[1, 1], [0.6, 0.8])


def test_vmap_of_custom_vjp():
    vmap = _vmap()
    clip, calls = _clip_gradient()
    xs = np.array([0.5, 2.0, -3.0])
    assert vmap(cr.grad(lambda x: 5.0 * clip(-1.0, 1.0, x)))(xs).tolist() == [1.0] * 3
    assert calls == {"fwd": 1, "bwd": 1}
    per = vmap(lambda x: 5.0 * clip(-1.0, 1.0, x))
    assert cr.grad(lambda x: cnp.sum(per(x)))(xs).tolist() == [1.0] * 3
    assert calls == {"fwd": 2, "bwd": 2}


def test_jit_keeps_the_custom_rule():
    jit = _jit()
    norm, calls = _counted_norm()
    g = jit(cr.grad(norm))
    assert np.allclose(g(X[1]), GRADS[1]) and np.allclose(g(X[0]), GRADS[0])
    assert len(calls) == 1  # traced once; the compiled code runs the rule's operations
    assert "custom_jvp_norm" in g.source(X[1])
    assert np.allclose(cr.grad(jit(norm))(X[1]), GRADS[1])
    assert np.allclose(jit(_vmap()(cr.grad(norm)))(X), GRADS)
    clip, _ = _clip_gradient()
    h = jit(cr.grad(lambda x: cnp.sum(5.0 * clip(-1.0, 1.0, x))))
    assert h(np.array([1.0, -2.0])).tolist() == [1.0, 1.0]

