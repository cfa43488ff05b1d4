"""The lab's pages as files (no browser needed): nothing inline, nothing remote, no dangling ids.

The Content-Security-Policy (script-src 'self') forbids inline scripts and handlers, and the lab
must work offline, so every asset is local; each element id the scripts look up must exist.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "src" / "chainrule" / "lab" / "static"
NAMESPACES = ("http://www.w3.org/2000/svg", "http://www.w3.org/1998/Math/MathML")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.script_text.append(data)


@pytest.fixture(scope="module")
def index():
    parser = _Tags()
    parser.feed((STATIC / "index.html").read_text(encoding="utf-8"))
    return parser


def test_no_inline_scripts_handlers_or_styles(index):
    assert index.script_text == []
    for tag, attrs in index.tags:
        assert not [a for a in attrs if a.startswith("on")], f"inline handler on <{tag}>"
        assert "style" not in attrs, f"inline style on <{tag}>"
        if tag == "script":
            assert attrs.get("src"), "a <script> without src"


def test_every_referenced_asset_is_local_and_exists(index):
    refs = [a.get("src") or a.get("href") for t, a in index.tags if t in ("script", "link")]
    assert "/vendor/plotly.min.js" in refs
    for ref in refs:
        if ref == "/vendor/plotly.min.js":
            continue
        assert ref.startswith("/static/"), ref
        assert (STATIC / ref.removeprefix("/static/")).is_file(), ref


def test_no_remote_urls_in_any_asset():
    for path in STATIC.iterdir():
        text = path.read_text(encoding="utf-8")
        for ns in NAMESPACES:
            text = text.replace(ns, "")
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, re.I), path.name


def test_module_imports_and_element_ids_exist(index):
    ids = {a["id"] for _, a in index.tags if "id" in a}
    for path in STATIC.glob("*.js"):
        text = path.read_text(encoding="utf-8")
        for module in re.findall(r'from "\./([\w.]+)"', text):
            assert (STATIC / module).is_file(), f"{path.name} imports {module}"
        for used in re.findall(r'\$\("([\w-]+)"\)', text):
            assert used in ids, f"{path.name} looks up #{used}, which index.html lacks"


def test_four_tabs_each_with_its_page(index):
    tabs = [a["href"] for t, a in index.tags if t == "a" and a.get("role") == "tab"]
    assert tabs == ["#derivative", "#descent", "#network", "#numeric"]
    for tab in tabs:
        assert f"page-{tab[1:]}" in {a.get("id") for _, a in index.tags}
