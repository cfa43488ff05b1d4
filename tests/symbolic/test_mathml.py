"""The MathML printer: well-formed XML, the structure of fractions, powers, roots and
functions, escaping, and a round trip: MathML read back into a formula gives the same
function (at random points) for every primitive the formula parser can write."""

import math
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from chainrule.core import registry
from chainrule.symbolic import Symbol, evaluate, hessian, mathml, parse
from chainrule.symbolic._mathml import NS, mathml_line, mathml_name
from chainrule.symbolic._special import load
from chainrule.symbolic._steps_render import Tok
from chainrule.symbolic.expr import make

M = "{" + NS + "}"

CORPUS = [
    "x^2*sin(x)", "-x/(y + 1)", "sqrt(x) + cbrt(x)", "abs(x - 1)", "exp(x)^2", "e^x",
    "x**(-1/2)", "x^y^2", "(x + 1)^2", "sin(x)^2", "2*3^x", "1/(x*y)", "-(x - y)",
    "x - (y - z)", "x/(y/z)", "(x/y)/z", "-x^2", "(-x)^2", "2^(-x)", "x*y*z/(2*w)",
    "log(x)/log(2)", "tanh(x) - sigmoid(x)", "pi*x + e", "x^(1/3)", "1.5e-7*x",
    "arctan(y/x)", "x^2 - 2x + 1", "sin(cos(tan(x)))", "(x + y)*(x - y)", "3/4*x",
    "gamma(x) + besselj(3, x) + gammaln(x) + erfinv(x/2) + polygamma(2, x)",
    "x_1 + alpha*rate",
]


def xml(text):
    return ET.fromstring(text)


def tags(el):
    return [c.tag.replace(M, "") for c in el]


@pytest.mark.parametrize("formula", CORPUS)
def test_well_formed_and_one_math_element(formula):
    root = xml(mathml(parse(formula)))
    assert root.tag == M + "math" and len(root) == 1


def test_structure_of_fractions_powers_roots_functions():
    frac = xml(mathml(parse("x^2/2")))[0]
    assert frac.tag == M + "mfrac" and tags(frac) == ["msup", "mn"]
    power = xml(mathml(parse("x^(y + 1)")))[0]
    assert power.tag == M + "msup" and tags(power) == ["mi", "mrow"]
    assert xml(mathml(parse("sqrt(x + 1)")))[0].tag == M + "msqrt"
    root3 = xml(mathml(parse("cbrt(x)")))[0]
    assert root3.tag == M + "mroot" and tags(root3) == ["mi", "mn"]
    call = xml(mathml(parse("sin(x)")))[0]
    assert tags(call) == ["mi", "mo", "mrow"]
    assert call[0].text == "sin" and call[1].text == "\u2061"
    assert xml(mathml(parse("log(x)")))[0][0].text == "ln"
    # parentheses exactly where the LaTeX printer puts them
    base = xml(mathml(parse("(x + 1)^2")))[0][0]
    assert base[0].text == "(" and base[-1].text == ")"
    assert "(" not in "".join(xml(mathml(parse("x^2 + 1"))).itertext())
    assert "(" in "".join(xml(mathml(parse("-(x - y)"))).itertext())


def test_equations_vectors_matrices_and_display():
    assert "".join(xml(mathml(parse("x^2 + y^2 = 25"))).itertext()).count("=") == 1
    m = xml(mathml(hessian(parse("x^2*y"), ["x", "y"]), display=True))
    assert m.get("display") == "block"
    table = m.find(f".//{M}mtable")
    assert len(table) == 2 and all(len(row) == 2 for row in table)
    col = xml(mathml([parse("x"), parse("y")])).find(f".//{M}mtable")
    assert [len(r) for r in col] == [1, 1]


def test_everything_is_escaped():
    line = mathml_line((Tok("a < b & c > \"d\" '"), Symbol("x"), Tok("\x00")))
    root = xml(line)
    assert "a < b & c" in "".join(root.itertext())
    assert mathml_name("x_1") == "<msub><mi>x</mi><mn>1</mn></msub>"
    assert xml(mathml(parse("变量 + x")))


def test_numbers():
    sup = xml(mathml(Symbol("x") * 1.5e-300)).find(f".//{M}msup")  # a float: 1.5 · 10^-300
    assert "".join(sup.itertext()) == "10-300"
    assert xml(mathml(make(registry()["multiply"], (Symbol("x"), parse("-3/4")), {})))
    for v in (math.inf, -math.inf, math.nan):
        assert xml(mathml(parse("x") * v))


def test_derivation_lines():
    root = xml(mathml_line((Tok("d^2/dx^2 ["), parse("x^3"), Tok("] = "), parse("6x"))))
    frac = root.find(f".//{M}mfrac")
    assert tags(frac) == ["msup", "mrow"]
    assert xml(mathml_line((Tok("let u = "), parse("3x + 2"), Tok(" * du/dx"))))


# --- a round trip: MathML read back as a formula -----------------------------------

NAMES = {"ln": "log", "σ": "sigmoid", "Γ": "gamma", "ψ": "digamma", "B": "beta",
         "π": "pi", "∞": "inf", "α": "alpha"}
SUBSCRIPTED = {"J": "besselj", "Y": "bessely", "I": "besseli"}
OPS = {"\u2062": "*", "\u22c5": "*", "\u2061": ""}


def head(el):
    """The function name (and any leading arguments) of an applied head element."""
    tag = el.tag.replace(M, "")
    if tag == "mi":
        return NAMES.get(el.text, el.text) + "("
    if tag == "msub":
        return f"{SUBSCRIPTED[el[0].text]}({read(el[1])}, "
    if tag == "msup" and el[0].text == "ψ":
        return f"polygamma({read(el[1])}, "
    if tag == "msup":  # erf^-1
        return f"{el[0].text}inv("
    raise AssertionError(tag)


def arguments(el):
    """The arguments of a function: a comma-separated list inside parentheses."""
    if el[0].text != "(":
        return read(el)
    inner = el[1]
    if any(c.tag == M + "mo" and c.text == "," for c in inner):
        return "".join(read(c) for c in inner)
    return read(inner)


def read(el):
    """MathML back to formula text (fully parenthesized)."""
    tag, kids = el.tag.replace(M, ""), list(el)
    if tag in ("mi", "mn"):
        return NAMES.get(el.text, el.text)
    if tag == "mo":
        return OPS.get(el.text, el.text)
    if tag == "mfrac":
        return f"(({read(kids[0])})/({read(kids[1])}))"
    if tag == "msup":
        return f"(({read(kids[0])})^({read(kids[1])}))"
    if tag == "msqrt":
        return f"sqrt({read(kids[0])})"
    if tag == "mroot":
        return f"cbrt({read(kids[0])})"
    if tag == "msub":
        return f"{read(kids[0])}_{read(kids[1])}"
    out, i = [], 0
    while i < len(kids):
        if i + 1 < len(kids) and kids[i + 1].tag == M + "mo" and kids[i + 1].text == "\u2061":
            out.append(head(kids[i]) + arguments(kids[i + 2]) + ")")
            i += 3
            continue
        k = kids[i]
        if k.tag == M + "mo" and k.text == "|":  # |...| as abs(...)
            j = next(j for j in range(i + 1, len(kids)) if kids[j].text == "|")
            out.append("abs(" + "".join(read(c) for c in kids[i + 1:j]) + ")")
            i = j + 1
            continue
        out.append(read(k))
        i += 1
    return "(" + "".join(out) + ")"


def round_trip(e):
    return parse(read(xml(mathml(e))))


def agree(a, b, names):
    rng = np.random.default_rng(0)
    pts = {n: rng.uniform(0.2, 0.9, 5) for n in names}
    va, vb = evaluate(a, pts), evaluate(b, pts)
    np.testing.assert_allclose(np.broadcast_to(va, 5), np.broadcast_to(vb, 5), rtol=1e-9)


@pytest.mark.parametrize("formula", CORPUS)
def test_round_trip_corpus(formula):
    e = parse(formula)
    agree(e, round_trip(e), sorted(s.args[0] for s in e.free_symbols()))


def printable_primitives():
    load()
    out = []
    for name in sorted(registry()):
        for args in ("x", "x, y", "2, x"):
            try:
                out.append((name, parse(f"{name}({args})")))
                break
            except (ValueError, TypeError, ImportError):
                continue
    return out


def test_round_trip_every_primitive_the_parser_writes():
    prims = printable_primitives()
    assert len(prims) >= 45
    for name, e in prims:
        try:
            agree(e, round_trip(e), sorted(s.args[0] for s in e.free_symbols()))
        except Exception as err:
            raise AssertionError(f"{name}: {mathml(e)}") from err


def test_primitives_outside_formulas_still_print():
    x, y = Symbol("x"), Symbol("y")
    for name in ("maximum", "logaddexp", "xlogy"):
        if name in registry():
            root = xml(mathml(make(registry()[name], (x, y), {})))
            assert name in "".join(root.itertext())
