"""Names as people type and read them: look-alike letters, display width, LaTeX.

A Cyrillic ``х`` looks exactly like the Latin ``x`` but is another character, so a formula
``х + x`` would silently have two variables. :func:`check_name` refuses a name that mixes
a look-alike letter with letters of another script, or that is made only of look-alikes
of Latin letters, and says which letter it looks like. (Greek letters used as math
variables, such as ``α`` or ``ρ``, are fine on their own; only the omicron and the capitals
that are drawn like Latin ones count as look-alikes.)

>>> check_name("x") is None
True
>>> print(check_name("\\u0445")[1])  # doctest: +ELLIPSIS
'х' (CYRILLIC SMALL LETTER HA) looks like the Latin letter 'x' but is another character; ...
>>> display_width("变量x")
5
>>> latex_name("x__1"), latex_name("alpha_2"), latex_name("rate")
('x_{\\\\_1}', '\\\\alpha_{2}', '\\\\mathit{rate}')
"""

from __future__ import annotations

import unicodedata

__all__ = ["check_name", "display_width", "latex_name", "normalize"]

# Letters of other scripts drawn like Latin letters, and the Latin letter each looks like.
_CONFUSABLE = dict(zip(
    "аеорсухіјѕԁһԛԝвкмнтАВЕКМНОРСТУХІЈЅ" "οΟΑΒΕΖΗΙΚΜΝΡΤΥΧ",
    "aeopcyxijsdhqwBKMHTABEKMHOPCTYXIJS" "oOABEZHIKMNPTYX"))

_GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota",
          "kappa", "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon",
          "phi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi",
          "Sigma", "Upsilon", "Phi", "Psi", "Omega"}


def normalize(name: str) -> str:
    """The NFKC form of a name, as Python reads identifiers (``ｘ`` is ``x``)."""
    return unicodedata.normalize("NFKC", name)


def _script(c: str) -> str:
    if c.isascii():
        return "LATIN" if c.isalpha() else ""
    try:
        return unicodedata.name(c).split(" ")[0]
    except ValueError:
        return ""


def check_name(name: str) -> tuple[int, str] | None:
    """``(offset, message)`` if ``name`` uses a look-alike of a Latin letter in a way that
    would be misread (see the module docstring), else ``None``."""
    confusable = [i for i, c in enumerate(name) if c in _CONFUSABLE]
    if not confusable:
        return None
    scripts = {_script(c) for c in name if c.isalpha()}
    mixed = len(scripts - {""}) > 1
    only_lookalikes = all(c in _CONFUSABLE or not c.isalpha() for c in name)
    if not (mixed or only_lookalikes):
        return None
    i = confusable[0]
    c = name[i]
    latin = "".join(_CONFUSABLE.get(ch, ch) for ch in name)
    return i, (f"'{c}' ({unicodedata.name(c, '?')}) looks like the Latin letter "
               f"'{_CONFUSABLE[c]}' but is another character; type '{latin}' (or use a name "
               "without look-alike letters)")


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide (CJK, emoji) characters count 2,
    combining marks 0."""
    width = 0
    for c in text:
        if unicodedata.combining(c):
            continue
        width += 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1
    return width


def _latex_chars(text: str) -> str:
    out = []
    for c in text:
        if c == "_":
            out.append(r"\_")
        elif c.isascii():
            out.append(c)
        else:
            greek = unicodedata.name(c, "").split(" ")
            if greek[:2] == ["GREEK", "SMALL"] and greek[-1].lower() in _GREEK:
                out.append("\\" + greek[-1].lower() + " ")
            else:
                out.append(rf"\text{{{c}}}")
    return "".join(out).rstrip()


def _head(text: str) -> str:
    if text in _GREEK:
        return "\\" + text
    body = _latex_chars(text)
    return body if len(text) == 1 else rf"\mathit{{{body}}}"


def latex_name(name: str) -> str:
    """Valid LaTeX for any identifier: Greek names as letters, the part after the first
    ``_`` as a subscript (further underscores escaped), long names in ``\\mathit``."""
    head, sep, sub = name.partition("_")
    if not head:  # a name starting with '_'
        return rf"\mathit{{{_latex_chars(name)}}}"
    if not sep or not sub:
        return _head(name) if not sep else rf"\mathit{{{_latex_chars(name)}}}"
    return f"{_head(head)}_{{{_latex_chars(sub) if sub not in _GREEK else chr(92) + sub}}}"
