"""The build-time typesetting of math (hooks/math.py), on pieces of HTML: no site build needed."""

from __future__ import annotations

import pytest
from mkdocs.exceptions import PluginError

from hooks import math


class FakePage:
    """What on_post_page reads of a page."""

    url = "chapter/"

    class file:  # noqa: N801 (the attribute MkDocs' Page has)
        src_uri = "chapter.md"


def typeset(html: str) -> str:
    return math.on_post_page(f"<html><head></head><body>{html}</body></html>", FakePage(), None)  # type: ignore[arg-type]


def test_arithmatex_formulas_become_mathjax_output() -> None:
    out = typeset('<p><span class="arithmatex">\\(x^2 &lt; y\\)</span></p>'
                  '<div class="arithmatex">\\[\\sum_i a_i\\]</div>')
    inline, display = out.split('<div class="arithmatex">')
    assert '<mjx-container class="MathJax" jax="CHTML"' in inline and 'display="true"' not in inline
    assert '<mjx-container class="MathJax" jax="CHTML" display="true"' in display
    assert "<mo>&lt;</mo>" in inline, "the escaped < is read as TeX's <, and its MathML copy is kept"
    assert "\\(" not in out and "\\[" not in out
    assert '<link rel="stylesheet" href="../assets/mathjax/chtml.css">\n</head>' in out


def test_notebook_dollars_are_typeset_but_not_in_code() -> None:
    cell = ('<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown" data-mime-type="text/markdown">'
            "<p>Scores $q_i \\cdot k_j$, then</p><p>$$\\frac{1}{\\sqrt{d}}$$</p>"
            "<pre><code>price = '$5 and $6'</code></pre></div>")
    out = typeset(cell)
    assert out.count("<mjx-container") == 2
    assert out.count('jax="CHTML" display="true"') == 1
    assert "<pre><code>price = '$5 and $6'</code></pre>" in out


def test_dollars_outside_notebook_cells_are_left_alone() -> None:
    html = "<p>It costs $5, or $6 with tax.</p><script>const a = `${x}$`;</script>"
    assert typeset(html) == f"<html><head></head><body>{html}</body></html>"


def test_a_tex_error_fails_the_build_and_names_page_and_formula() -> None:
    with pytest.raises(PluginError, match=r"chapter\.md: TeX error in '\\\\notamacro x'.*notamacro"):
        typeset('<span class="arithmatex">\\(\\notamacro x\\)</span>')


def test_the_stylesheet_covers_the_characters_typeset() -> None:
    typeset('<span class="arithmatex">\\(\\Omega\\)</span>')
    assert "mjx-c3A9" in math.renderer.stylesheet()  # Ω is U+03A9
