"""What a tutor writes between the rules: named substitutions, assembled lines, simplify.

- The chain rule names its inner part: ``let u = 3*x + 2, then d/dx sin(u) = cos(u) *
  du/dx``; nested chains take the next names (u, v, w, then u2, u3, ...), skipping the
  names the formula already uses.
- Every step with parts has the line *assembled* from the parts' derivatives by its rule,
  before any simplification: ``cos(3*x + 2)*3``, ``(1*(x + 1) - (x - 1)*1)/(x + 1)**2``.
- The root ends with a ``simplify`` step from the assembled line to ``diff``'s answer
  (taken from :func:`diff` itself, so the two can never differ).

>>> from chainrule.symbolic import parse
>>> names = Names(parse("sin(u*x)"))
>>> names.next(), names.next()
('v', 'w')
"""

from __future__ import annotations

from ..core import Primitive, registry
from ..core.budget import check_time
from ._exact_floats import rule_constants
from ._steps_render import Tok, line_text
from .calculus import _tangents, subs
from .expr import Const, Expr, Symbol, make
from .printing import to_str
from .simplify import simplify

__all__ = ["Names", "assemble", "chain_intro", "dependent_args", "is_chain", "log_form",
           "outer_derivative", "substituted", "wrapped", "assembled_line",
           "same_as"]

_NAMES = ("u", "v", "w", "t", "s")
_NOT_CHAIN = ("negative", "add", "subtract", "multiply", "divide")
_ARITHMETIC = (*_NOT_CHAIN, "power")


def _p(name: str) -> Primitive:
    return registry()[name]


class Names:
    """Fresh names for substitutions, none of them a symbol of the formula."""

    def __init__(self, expr: Expr) -> None:
        self.taken = {s.args[0] for s in expr.free_symbols()}
        self.count = 0

    def next(self) -> str:
        while True:
            self.count += 1
            k = self.count - 1
            name = _NAMES[k] if k < len(_NAMES) else f"u{k - len(_NAMES) + 2}"
            if name not in self.taken:
                return name


def dependent_args(node: Expr, dep: dict) -> list:
    return [a for a in node.args if dep[id(a)]]


def is_chain(node: Expr, var: Expr, dep: dict) -> bool:
    """A function of one inner part that is not the variable itself (``sin(3x + 2)``,
    ``(x^2 + 1)^3``, ``polygamma(1, 2x)``): the chain rule applies."""
    if not isinstance(node.op, Primitive) or node.op.name in _NOT_CHAIN:
        return False
    inner = dependent_args(node, dep)
    return len(inner) == 1 and inner[0] is not var


def outer_derivative(node: Expr, inner: Expr, name: str) -> tuple[Expr, Expr]:
    """``f(u)`` and ``f'(u)`` for ``node = f(inner)``, with ``u`` the symbol ``name``."""
    u = Symbol(name)
    fu = make(node.op, tuple(u if a is inner else a for a in node.args), dict(node.params))
    return fu, simplify(_tangents(fu, u))


def wrapped(e: Expr) -> tuple:
    """``e`` as pieces, in parentheses where it is a sum or starts with a minus sign."""
    if e.op == "sym" or isinstance(e.op, Primitive) and e.op.name not in _ARITHMETIC:
        return (e,)  # a name or a function call
    text = to_str(e)
    if text.startswith("-") or any(s in text for s in (" + ", " - ", "/")):
        return (Tok("(", r"\left("), e, Tok(")", r"\right)"))
    return (e,)


def chain_intro(node: Expr, inner: Expr, var: str, name: str) -> tuple:
    """``let u = inner, then d/dx f(u) = f'(u) * du/dx`` as pieces, and ``f'(u)``."""
    fu, dfu = outer_derivative(node, inner, name)
    pieces = (Tok(f"let {name} = "), inner, Tok(", then ", r",\ \text{then}\ "),
              Tok(f"d/d{var} ", rf"\frac{{d}}{{d{var}}}"), fu, Tok(" = "), *wrapped(dfu),
              Tok(f" * d{name}/d{var}", rf" \cdot \frac{{d{name}}}{{d{var}}}"))
    return pieces, dfu


def assemble(node: Expr, var: Expr, dep: dict, derivs: dict, outer: Expr | None) -> Expr:
    """The derivative of ``node`` put together from its parts' derivatives, unsimplified.

    ``derivs`` maps the ids of the parts that have steps of their own to their (simplified)
    derivatives; the sums and products absorbed into ``node``'s chain are assembled here
    by the sum, product and quotient rules. ``outer`` is ``f'(inner)`` for a chain step.
    """
    if outer is not None:
        (inner,) = dependent_args(node, dep)
        return make(_p("multiply"), (outer, derivs[id(inner)]), {})
    done: dict[int, Expr | None] = {}
    for i, n in enumerate(_chain_nodes(node, var, dep, derivs)):
        if i % 256 == 255:
            check_time("explaining a derivative")
        if n is var:
            done[id(n)] = Const(1)
        elif not dep[id(n)]:
            done[id(n)] = None
        elif id(n) in derivs and n is not node:
            done[id(n)] = derivs[id(n)]
        else:
            done[id(n)] = _rule_line(n, [done[id(a)] for a in n.args])
    out = done[id(node)]
    return Const(0) if out is None else out


def _chain_nodes(node: Expr, var: Expr, dep: dict, derivs: dict) -> list:
    """``node`` and the parts below it down to the parts with their own steps, postorder."""
    order, seen, stack = [], set(), [(node, False)]
    while stack:
        n, done = stack.pop()
        if done:
            order.append(n)
            continue
        if id(n) in seen:
            continue
        seen.add(id(n))
        stack.append((n, True))
        stop = n is not node and (id(n) in derivs or not dep[id(n)] or n is var)
        if not stop and isinstance(n.op, Primitive):
            stack.extend((a, False) for a in reversed(n.args))
    return order


def _rule_line(n: Expr, ds: list) -> Expr:
    """The textbook rule at ``n`` with the parts' derivatives ``ds`` (None: constant)."""
    name = n.op.name
    zero = Const(0)
    if name in ("add", "subtract"):
        a, b = (d if d is not None else zero for d in ds)
        return make(n.op, (a, b), {})
    if name == "negative":
        return make(n.op, (ds[0],), {})
    if name == "multiply":
        u, v = n.args
        parts = [_times(ds[0], v) if ds[0] is not None else None,
                 _times(u, ds[1]) if ds[1] is not None else None]
        parts = [p for p in parts if p is not None]
        return parts[0] if len(parts) == 1 else make(_p("add"), tuple(parts), {})
    if name == "divide":
        u, v = n.args
        if ds[1] is None:
            return make(n.op, (ds[0], v), {})
        du = ds[0] if ds[0] is not None else zero
        top = make(_p("subtract"), (_times(du, v), _times(u, ds[1])), {})
        return make(n.op, (top, make(_p("power"), (v, Const(2)), {})), {})
    out = None  # any other rule: the registry's jvp rules, written with chainrule's ops
    with rule_constants():
        for i, d in enumerate(ds):
            rule = n.op.jvp[i] if d is not None and n.op.jvp is not None else None
            if rule is not None:
                c = rule(d, n, *n.args, **dict(n.params))
                out = c if out is None else out + c
    return zero if out is None else out


def _times(a: Expr, b: Expr) -> Expr:
    """``a*b`` unsimplified, a minus sign of either factor pulled to the front."""
    neg = [to_str(e).startswith("-") for e in (a, b)]
    if neg[0] == neg[1]:
        return make(_p("multiply"), (a, b) if not neg[0] else (_minus(a), _minus(b)), {})
    pair = (_minus(a), b) if neg[0] else (a, _minus(b))
    return make(_p("negative"), (make(_p("multiply"), pair, {}),), {})


def _minus(e: Expr) -> Expr:
    return simplify(make(_p("negative"), (e,), {}))


_TIMES = Tok(" * ", r" \cdot ")


def assembled_line(step) -> tuple:
    """The assembled line as pieces, as a textbook writes it: a chain step as
    ``f'(u) * u'``, a product as ``u' * v + u * v'``, a quotient as
    ``(u' * v - u * v')/v**2``, each part in parentheses where it needs them."""
    a = step.assembled
    if step.inner is not None and a.op == _p("multiply") and len(a.args) == 2:
        return (*wrapped(a.args[0]), _TIMES, *wrapped(a.args[1]))
    node = step.expr
    if not isinstance(node.op, Primitive) or node.op.name not in ("multiply", "divide"):
        return (a,)
    ds = [_part_derivative(step, arg) for arg in node.args]
    if any(d is None for d in ds):
        return (a,)  # a constant factor, or a longer chain: the assembled expression
    (u, v), (du, dv) = node.args, ds
    if node.op.name == "multiply":
        return (*wrapped(du), _TIMES, *wrapped(v), Tok(" + "), *wrapped(u), _TIMES,
                *wrapped(dv))
    return (Tok("(", r"\frac{"), *wrapped(du), _TIMES, *wrapped(v), Tok(" - "), *wrapped(u),
            _TIMES, *wrapped(dv), Tok(")/", "}{"), *_parens(v), Tok("**2", "^{2}}"))


def same_as(pieces: tuple, e: Expr) -> bool:
    """Whether the line of ``pieces`` reads as ``e`` (spaces around ``*`` aside)."""
    return line_text(pieces).replace(" * ", "*") == to_str(e)


def _part_derivative(step, arg: Expr) -> Expr | None:
    if arg.op == "sym" and arg.args[0] == step.var:
        return Const(1)
    return next((c.derivative for c in step.children if c.expr is arg), None)


def _parens(e: Expr) -> tuple:
    call = isinstance(e.op, Primitive) and e.op.name not in _ARITHMETIC
    if (call or e.op in ("sym", "const")) and to_str(e)[:1] != "-":
        return (e,)
    return (Tok("(", r"\left("), e, Tok(")", r"\right)"))


def log_form(node: Expr) -> Expr:
    """``v*ln(u)`` for ``node = u**v``: the logarithm of both sides, unsimplified."""
    u, v = node.args
    return make(_p("multiply"), (v, make(_p("log"), (u,), {})), {})


def substituted(e: Expr, name: str, inner: Expr) -> Expr:
    """``e`` with the symbol ``name`` replaced by ``inner`` (not simplified)."""
    return subs(e, {name: inner}, simplify=False)
