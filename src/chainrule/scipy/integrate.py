"""``chainrule.scipy.integrate``: SciPy's ``odeint``, differentiable.

Gradients use the adjoint method (Pontryagin; as in autograd's and JAX's ``odeint``): the
cotangent ``lam`` of the state is carried backwards in time together with the state
and the running parameter and time cotangents, by solving the augmented system::

    y' = f(y, t, p),   lam' = -lam^T df/dy,   p_bar' = -lam^T df/dp,   t0_bar' = -lam^T df/dt

from each output time to the previous one, adding the output's cotangent on the way.
Forward mode solves the forward sensitivity system ``s' = df/dy s + df/dp p_dot`` instead.
Both rules call ``odeint`` itself on a larger system whose right-hand side is a chainrule
derivative of ``func``, so derivatives of any order work (each order doubles the system).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.integrate as si

from ..core import ForwardTrace, ReverseTrace, ReverseTracer, Sample, Tracer, paused_gc
from ..numpy import _arrays as A
from ..numpy._base import PerArg, defprim, dtype, shape
from ..numpy._elementwise import sin

__all__ = ["odeint"]


def _merge(static: tuple, where: tuple, dyn: tuple) -> tuple:
    """The full ``args`` of ``func``: ``dyn`` at the positions ``where``, the rest static."""
    full, it_s, it_d = [], iter(static), iter(dyn)
    for i in range(len(static) + len(dyn)):
        full.append(next(it_d) if i in where else next(it_s))
    return tuple(full)


def _checked(func: Callable) -> Callable:
    """``func`` for SciPy: a traced result means ``func`` uses a traced value it was not
    given through ``args`` (a closure), whose derivative would be lost."""
    def rhs(y, t, *args):
        out = func(y, t, *args)
        leaves = out if isinstance(out, (list, tuple)) else (out,)
        if any(isinstance(v, Tracer) for v in leaves):
            raise ValueError(
                "odeint: func returned a traced value for untraced inputs: it uses a "
                "value that is being differentiated from outside (a closure). Pass such "
                "values through args=(...) so that their derivatives are tracked.")
        return out
    return rhs


def _impl(y0, t, *dyn, func, static, where, opts, jac=None):
    """SciPy's odeint; ``jac`` is the user's ``(Dfun, col_deriv)`` (the original system's
    only: the rules' larger systems run without it)."""
    extra = {"Dfun": jac[0], "col_deriv": jac[1]} if jac is not None else {}
    dyn = tuple(_wide(x) for x in dyn)  # LSODA works in float64: so does func
    out = si.odeint(_checked(func), y0, t, args=_merge(static, where, dyn), **dict(opts),
                    **extra)
    dt = dtype(y0)
    return out.astype(dt) if dt.kind == "f" and dt.itemsize < 8 else out


def _wide(x):
    x = np.asarray(x)
    return x.astype(np.float64) if x.dtype.kind == "f" and x.dtype.itemsize < 8 else x


def _rhs(func, y, s, args):
    return A.ravel(A.asarray(func(y, s, *args)))


# The derivatives of ``func`` that the larger systems need, straight from the core
# interpreters (this layer sits below chainrule's jvp/vjp API).


def _func_jvp(f: Callable, primals: tuple, tangents: tuple) -> tuple:
    """``(f(*primals), J tangents)``."""
    trace = ForwardTrace()
    with trace:
        out = f(*[trace.new_input(p, t) for p, t in zip(primals, tangents)])
        val, tan = trace.primal_of(out), trace.tangent_of(out)
    return val, (np.zeros(shape(val), dtype(val)) if tan is None else tan)


def _func_vjp(f: Callable, primals: tuple, ct) -> tuple:
    """``(f(*primals), [ct^T J_i for each primal])``."""
    trace = ReverseTrace()
    try:
        with paused_gc():
            inputs = [trace.new_input(p) for p in primals]
            out = f(*inputs)
    finally:
        tape = trace.detach()
    mine = out.__class__ is ReverseTracer and out._trace is trace
    with paused_gc():
        cts = trace.backward(tape, [out], [ct], inputs, retain=False) if mine else \
            [None] * len(primals)
    return (out.value if mine else out,
            [np.zeros(shape(p), dtype(p)) if c is None else c for c, p in zip(cts, primals)])


# ---------------------------------------------------------------------------------------
# Forward mode: the state is (y, s), s the sensitivity along the input tangent.


def _forward_system(func, static, where, n_dyn, k):
    """Right-hand side of (y, s); ``k`` is the index of the dynamic argument whose
    tangent is the last argument (None: no argument tangent)."""
    def rhs(state, s, *xs):
        d = shape(state)[0] // 2
        args = _merge(static, where, xs[:n_dyn])
        y, sv = state[:d], state[d:]
        if k is None:
            fy, jv = _func_jvp(lambda y: _rhs(func, y, s, args), (y,), (sv,))
        else:
            def g(y, p):
                return _rhs(func, y, s, args[:where[k]] + (p,) + args[where[k] + 1:])
            fy, jv = _func_jvp(g, (y, xs[k]), (sv, xs[-1]))
        return A.concatenate([fy, jv])
    return rhs


def _sensitivity(s0, y0, t, dyn, params, k=None, tangent=()):
    func, static, where = params["func"], params["static"], params["where"]
    n = len(dyn)
    state = A.concatenate([A.ravel(y0), A.ravel(s0)])
    out = odeint_p(state, t, *dyn, *tangent, func=_forward_system(func, static, where, n, k),
                   static=(), where=tuple(range(n + len(tangent))), opts=params["opts"])
    return out[:, shape(out)[1] // 2:]


def _jvp_y0(ty, ans, y0, t, *dyn, **params):
    return _sensitivity(ty, y0, t, dyn, params)


def _jvp_t(tt, ans, y0, t, *dyn, **params):
    args = _merge(params["static"], params["where"], dyn)
    f = A.stack([_rhs(params["func"], ans[i], t[i], args) for i in range(shape(t)[0])])
    sens = _sensitivity(-f[0] * tt[0], y0, t, dyn, params)
    return sens + f * A.reshape(tt, (shape(t)[0], 1))


def _jvp_arg(k, tp, ans, y0, t, *dyn, **params):
    zero = np.zeros(shape(ans)[1], dtype(ans))
    return _sensitivity(zero, y0, t, dyn, params, k=k, tangent=(tp,))


def _jvp(i, tangent, ans, y0, t, *dyn, **params):
    if i == 0:
        return _jvp_y0(tangent, ans, y0, t, *dyn, **params)
    if i == 1:
        return _jvp_t(tangent, ans, y0, t, *dyn, **params)
    return _jvp_arg(i - 2, tangent, ans, y0, t, *dyn, **params)


# ---------------------------------------------------------------------------------------
# Reverse mode: the state is (y, lam, t0_bar, p_bar), solved backwards between outputs.


def _adjoint_system(func, static, where, n_dyn):
    def rhs(state, s, *xs):
        d = (shape(state)[0] - 1 - sum(_size(x) for x in xs)) // 2
        y, lam = state[:d], state[d:2 * d]
        fy, cts = _func_vjp(lambda y, s, *p: _rhs(func, y, s, _merge(static, where, p)),
                            (y, s, *xs), -lam)
        return A.concatenate([fy, cts[0], A.reshape(cts[1], (1,)),
                              *(A.ravel(c) for c in cts[2:])])
    return rhs


def _size(x) -> int:
    return int(np.prod(shape(x), dtype=int))


def _adjoint(g, ans, y0, t, dyn, params):
    """Cotangents of ``(y0, t, *dyn)`` for the output cotangent ``g``."""
    n_t, d = shape(ans)
    sizes = [_size(x) for x in dyn]
    rhs = _adjoint_system(params["func"], params["static"], params["where"], len(dyn))
    args = _merge(params["static"], params["where"], dyn)
    lam, t0_bar = g[n_t - 1], 0.0
    p_bar = np.zeros(sum(sizes), dtype(ans))
    t_bars = []
    for i in range(n_t - 1, 0, -1):
        ti_bar = A.sum(_rhs(params["func"], ans[i], t[i], args) * g[i])
        t_bars.append(ti_bar)
        state = A.concatenate([ans[i], lam, A.reshape(t0_bar - ti_bar, (1,)), p_bar])
        out = odeint_p(state, A.stack([t[i], t[i - 1]]), *dyn, func=rhs, static=(),
                       where=tuple(range(len(dyn))), opts=params["opts"])[1]
        lam, t0_bar, p_bar = out[d:2 * d] + g[i - 1], out[2 * d], out[2 * d + 1:]
    t_bars.append(A.asarray(t0_bar) * np.ones((), dtype(ans)))
    cuts = np.cumsum([0, *sizes])
    p_bars = [A.reshape(p_bar[lo:hi], shape(x)) for lo, hi, x in zip(cuts, cuts[1:], dyn)]
    return (A.reshape(lam, shape(y0)), A.stack(t_bars[::-1]), *p_bars)


class _LastAdjoint:
    """The reverse pass asks for each argument's cotangent separately; one adjoint solve
    gives them all, so the last one is kept (by identity of the cotangent and output)."""

    key: tuple = ()
    value: tuple = ()


def _vjp(i, g, ans, y0, t, *dyn, **params):
    if _LastAdjoint.key[:2] != (id(g), id(ans)) or _LastAdjoint.key[2] is not g:
        _LastAdjoint.value = _adjoint(g, ans, y0, t, dyn, params)
        _LastAdjoint.key = (id(g), id(ans), g, ans)
    return _LastAdjoint.value[i]


def _sample_rhs(y, t, k):
    """dy/dt for the registry's sample: linear decay with coupling and a forcing in t."""
    return A.stack([-k[0] * y[0] + 0.5 * y[1], -k[1] * y[1] + sin(t)])


def _samples() -> list:
    opts = (("atol", 1e-10), ("rtol", 1e-10), ("mxstep", 5000))
    return [Sample((np.array([1.0, -0.5]), np.array([0.0, 0.4, 1.0]), np.array([0.7, 1.3])),
                   {"func": _sample_rhs, "static": (), "where": (0,), "opts": opts})]


odeint_p = defprim(
    "odeint", _impl, jvp=PerArg(_jvp), vjp=PerArg(_vjp),
    rule="adjoint method",
    statement="lam' = -lam^T df/dy backwards; dL/dp = int lam^T df/dp dt; dy_i/dt_i = f",
    domain="func smooth; t monotonic", samples=_samples)

_OPTS = ("ml", "mu", "rtol", "atol", "tcrit", "h0", "hmax", "hmin", "ixpr", "mxstep",
         "mxhnil", "mxordn", "mxords", "printmessg")


def odeint(func: Callable, y0: Any, t: Any, args: tuple = (), Dfun: Callable | None = None,
           col_deriv: int = 0, full_output: int = 0, ml=None, mu=None, rtol=None, atol=None,
           tcrit=None, h0=0.0, hmax=0.0, hmin=0.0, ixpr=0, mxstep=0, mxhnil=0, mxordn=12,
           mxords=5, printmessg=0, tfirst: bool = False) -> Any:
    """Integrate ``dy/dt = func(y, t, *args)`` from ``y(t[0]) = y0``, as SciPy's ``odeint``
    (LSODA), differentiable with respect to ``y0``, ``t`` and the ``args``.

    Returns the solution at the times ``t``, shape ``(len(t), len(y0))``. Derivatives:
    reverse mode by the adjoint method, forward mode by forward sensitivities, both
    solved by ``odeint`` with the same options (their accuracy is the solver's: ask for
    small ``rtol``/``atol`` when derivatives matter). ``func`` must be written with
    ``chainrule.numpy`` and receive every differentiated value through ``args`` (a
    closure over one raises ``ValueError``). ``Dfun`` is used for the solution only.
    ``full_output`` works untraced only (SciPy's result as is); otherwise float32
    ``y0`` gives float32 results, rounded from SciPy's float64.

    >>> import chainrule as cr, chainrule.numpy as cnp
    >>> decay = lambda y, t, k: -k * y
    >>> ts = cnp.array([0.0, 1.0])
    >>> y1 = lambda k: odeint(decay, cnp.array([2.0]), ts, args=(k,), rtol=1e-10)[1, 0]
    >>> round(float(y1(0.5)), 6), round(float(cr.grad(y1)(0.5)), 6)  # 2 e^-k, -2 e^-k
    (1.213061, -1.213061)
    """
    opts = dict(zip(_OPTS, (ml, mu, rtol, atol, tcrit, h0, hmax, hmin, ixpr, mxstep,
                            mxhnil, mxordn, mxords, printmessg)))
    if not isinstance(args, tuple):
        args = (args,)
    traced = any(isinstance(v, Tracer) for v in (y0, t, *args))
    if full_output:
        if traced:
            raise NotImplementedError("odeint: full_output=True is not supported while "
                                      "differentiating; call it untraced for the solver's "
                                      "info")
        return si.odeint(func, y0, t, args=args, Dfun=Dfun, col_deriv=col_deriv,
                         full_output=full_output, tfirst=tfirst, **opts)
    y0, t = A.asarray(y0), A.asarray(t)
    for name, v in (("y0", y0), ("t", t)):
        if dtype(v).kind == "c":
            raise TypeError(f"odeint: {name} is complex; only real systems are supported")
    f = (lambda y, s, *a: func(s, y, *a)) if tfirst else func
    jac = None
    if Dfun is not None:
        jac = ((lambda y, s, *a: Dfun(s, y, *a)) if tfirst else Dfun, col_deriv)
    where = tuple(i for i, a in enumerate(args) if isinstance(a, Tracer))
    static = tuple(a for a in args if not isinstance(a, Tracer))
    return odeint_p(y0, t, *(args[i] for i in where), func=f, static=static, where=where,
                    opts=tuple(opts.items()), jac=jac)
