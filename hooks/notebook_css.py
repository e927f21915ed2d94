"""Give notebook pages only the JupyterLab styles they use, in one shared file.

mkdocs-jupyter inlines JupyterLab's whole stylesheet, 575 kB, into every
notebook page, though a static notebook uses a few dozen of its classes.
This hook takes that stylesheet out of each notebook page, links
assets/stylesheets/notebook.css in its place, and writes that file after
the build: JupyterLab's rules, less those that name a class no notebook page
of the site has, and less the custom properties no kept rule reads. The
stylesheet is parsed with tinycss2. If mkdocs-jupyter stops inlining the
stylesheet the way this hook expects, the build fails.
"""

from __future__ import annotations

import importlib.resources
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import tinycss2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

STYLESHEET = "assets/stylesheets/notebook.css"
CLASS_ATTRIBUTE = re.compile(r'class="([^"]*)"')
CLASS_SELECTOR = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
NEGATION = re.compile(r":not\([^()]*\)")  # a class named inside :not() need not be on the page
VARIABLE_USE = re.compile(r"var\(\s*(--[\w-]+)")

used_classes: set[str] = set()
read_variables: set[str] = set()  # custom properties the pages themselves read (inline styles, theme CSS)


@cache
def jupyterlab_css() -> str:
    assets = importlib.resources.files("mkdocs_jupyter") / "templates" / "mkdocs_html" / "assets"
    return (assets / "index.css").read_text(encoding="utf-8")


def inlined_block() -> str:
    """The element nbconvert's include_css writes into the page for that stylesheet."""
    return '<style type="text/css">\n' + jupyterlab_css() + "</style>"


def keep_selector(selector: str) -> bool:
    """Whether a selector can match on a notebook page: every class it needs is used there.

    `:root` after another selector never matches; JupyterLab writes its icons' variables
    (80 kB of data URLs) under `.jupyter-wrapper :root`.
    """
    if re.search(r"\S\s*:root", selector):
        return False
    return set(CLASS_SELECTOR.findall(NEGATION.sub("", selector))) <= used_classes


def top_level_selectors(prelude: list) -> list[str]:  # type: ignore[type-arg]  # tinycss2's nodes are untyped
    """A rule's selectors: its prelude split at the commas outside brackets, as in :is(h1, h2)."""
    selectors: list[list] = [[]]  # type: ignore[type-arg]
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            selectors.append([])
        else:
            selectors[-1].append(token)
    return [tinycss2.serialize(tokens).strip() for tokens in selectors]


@dataclass
class Rule:
    """A style rule that may match, with its declarations as (name, value) pairs."""

    selectors: str
    declarations: list[tuple[str, str]]


@dataclass
class Group:
    """@media or @supports, around the rules that were kept inside it."""

    prelude: str
    rules: list[Rule | Group | str]


def matching_rules(rules: list) -> list[Rule | Group | str]:  # type: ignore[type-arg]
    kept: list[Rule | Group | str] = []
    for rule in rules:
        if rule.type == "qualified-rule":
            wanted = [s for s in top_level_selectors(rule.prelude) if keep_selector(s)]
            if wanted:
                declarations = tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)
                kept.append(Rule(", ".join(wanted), [
                    (d.name, tinycss2.serialize(d.value).strip() + (" !important" if d.important else ""))
                    for d in declarations if d.type == "declaration"
                ]))
        elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports") and rule.content:
            inner = matching_rules(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True))
            if inner:
                kept.append(Group(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}", inner))
        elif rule.type == "at-rule":  # @charset, @font-face, @keyframes ...
            kept.append(tinycss2.serialize([rule]).strip())
    return kept


def walk(rules: list[Rule | Group | str]) -> Iterator[Rule]:
    for rule in rules:
        if isinstance(rule, Group):
            yield from walk(rule.rules)
        elif isinstance(rule, Rule):
            yield rule


def drop_unread_variables(rules: list[Rule | Group | str]) -> None:
    """Remove the custom properties (--name: value) that nothing reads: no var() in a kept rule,
    nor in what the notebook pages keep inline (the light or dark theme's variables)."""
    while True:
        read = set(read_variables)
        for rule in walk(rules):
            for _, value in rule.declarations:
                read.update(VARIABLE_USE.findall(value))
        dropped = False
        for rule in walk(rules):
            kept = [(name, value) for name, value in rule.declarations if not name.startswith("--") or name in read]
            dropped |= len(kept) < len(rule.declarations)
            rule.declarations = kept
        if not dropped:
            return


def serialize(rules: list[Rule | Group | str]) -> str:
    out = []
    for rule in rules:
        if isinstance(rule, Group):
            inner = serialize(rule.rules)
            if inner:
                out.append(f"{rule.prelude}{{\n{inner}\n}}")
        elif isinstance(rule, Rule):
            if rule.declarations:
                out.append(f"{rule.selectors}{{{';'.join(f'{n}:{v}' for n, v in rule.declarations)}}}")
        else:
            out.append(rule)
    return "\n".join(out)


def pruned_stylesheet() -> str:
    rules = matching_rules(tinycss2.parse_stylesheet(jupyterlab_css(), skip_comments=True, skip_whitespace=True))
    drop_unread_variables(rules)
    return serialize(rules) + "\n"


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if not page.file.src_uri.endswith(".ipynb"):
        return html
    block = inlined_block()
    if block not in html:
        raise PluginError(f"{page.file.src_uri}: JupyterLab's stylesheet is no longer inlined as "
                          "hooks/notebook_css.py expects; update the hook for this mkdocs-jupyter.")
    for classes in CLASS_ATTRIBUTE.findall(html):
        used_classes.update(classes.split())
    read_variables.update(VARIABLE_USE.findall(html))
    link = f'<link rel="stylesheet" href="{get_relative_url(STYLESHEET, page.url)}">'
    return html.replace(block, link)


def on_post_build(config: MkDocsConfig) -> None:
    target = Path(config.site_dir) / STYLESHEET
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(pruned_stylesheet(), encoding="utf-8")
