"""Names as people type and read them (issue 9): valid LaTeX for every name the parser
accepts, the caret under the right column after wide characters, look-alike letters."""

import random
import warnings

import pytest

from chainrule.symbolic import latex, parse
from chainrule.symbolic._names import check_name, display_width, latex_name
from chainrule.symbolic.parse import ParseError

mathtext = pytest.importorskip("matplotlib.mathtext")
_PARSER = mathtext.MathTextParser("path")


def _valid_latex(source: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # missing glyphs for CJK letters are not errors
        try:
            _PARSER.parse(f"${source}$")
            return True
        except ValueError:
            return False


@pytest.mark.parametrize("name", [
    "x__1", "x_1", "x_", "_x", "__x__", "alpha_beta", "x_1_2", "rate", "dx_dt", "theta",
    "x1", "\u03b1", "\u03b1_1", "\u53d8\u91cf", "v_\u03b2", "a__b__c", "Gamma_2",
])
def test_latex_of_every_kind_of_name_is_valid(name):
    text = latex(parse(f"{name}^2 + 1"))
    assert _valid_latex(text), text
    assert _valid_latex(latex_name(name))


def test_latex_of_random_identifiers_is_valid():
    rng = random.Random(9)
    chars = "ab_xyz019\u03b1\u53d8"
    for _ in range(300):
        name = rng.choice("abxyz\u03b1_") + "".join(rng.choice(chars)
                                                   for _ in range(rng.randrange(6)))
        try:
            e = parse(name)
        except ParseError:
            continue
        assert _valid_latex(latex(e * e)), (name, latex(e * e))


def test_double_underscore_is_a_subscript_with_an_escaped_underscore():
    assert latex(parse("x__1^2")) == r"x_{\_1}^{2}"
    assert latex(parse("alpha_2")) == r"\alpha_{2}"


@pytest.mark.parametrize("text, column", [
    ("\u53d8\u91cf + ", 5), ("\U0001f600", 0), ("\u53d8 + sin(", 5), ("x + \u4e2d\u6587 +", 9),
])
def test_caret_is_placed_by_display_width(text, column):
    with pytest.raises(ParseError) as info:
        parse(text)
    lines = str(info.value).split("\n")
    shown, caret = lines[1], lines[2]
    assert caret.index("^") - 2 == display_width(text[:info.value.column])
    assert display_width(shown[2:][:info.value.column]) == caret.index("^") - 2
    del column


def test_display_width():
    assert display_width("abc") == 3 and display_width("\u53d8\u91cf") == 4
    assert display_width("e\u0301") == 1  # a combining accent takes no column


@pytest.mark.parametrize("text, looks_like", [
    ("\u0445 + x", "x"), ("\u0445", "x"), ("2\u0430", "a"), ("s\u0456n(x)", "i"),
    ("x\u043e", "o"), ("\u03bf + 1", "o"), ("\u0410\u0412", "A"), ("y*x\u0445", "x"),
])
def test_lookalike_letters_are_refused_with_a_caret(text, looks_like):
    with pytest.raises(ParseError) as info:
        parse(text)
    err = info.value
    assert "looks like the Latin letter" in err.message
    assert f"'{looks_like}'" in err.message
    assert not text[err.column].isascii()


@pytest.mark.parametrize("text", ["\u03b1 + \u03b2", "\u03c1*x", "\u53d8\u91cf + 1",
                                  "\u0436 + 1", "\u0441\u043a\u043e\u0440\u043e\u0441\u0442"
                                  "\u044c^2"])
def test_other_scripts_are_still_names(text):
    parse(text)  # Greek letters, CJK and whole Cyrillic words are fine


def test_fullwidth_letters_read_as_ascii():
    assert parse("\uff58 + 1") is parse("x + 1")  # NFKC, as Python reads identifiers
    assert check_name("x") is None
