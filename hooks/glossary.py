"""The glossary table of the contributing page, rendered from locales/glossary/.

A page that contains the line `<!-- glossary -->` gets, in its place, one row
per concept: its term in each language, and, on a translated page, the
variants that language must not use (which tests/test_glossary.py looks for).
The glossary files are the one source of truth; the page never copies them.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

MARKER = "<!-- glossary -->"
LOCALES = Path(__file__).resolve().parent.parent / "locales"


def _read(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def table(page_language: str) -> str:
    languages = _read(LOCALES / "languages.toml")
    codes = list(languages["languages"])
    glossaries = {code: _read(LOCALES / "glossary" / f"{code}.toml") for code in codes}
    english = glossaries[languages["source"]]["terms"]
    for code, glossary in glossaries.items():
        if set(glossary["terms"]) != set(english):
            raise PluginError(f"locales/glossary/{code}.toml does not list the same concepts as the English one")
    avoid = glossaries[page_language].get("avoid", {})
    heading = glossaries[page_language].get("page", {}).get("avoid")
    header = [languages["languages"][code]["name"] for code in codes] + ([heading] if heading else [])
    rows = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for concept in english:
        cells = [glossaries[code]["terms"][concept] for code in codes]
        if heading:
            cells.append(", ".join(avoid.get(concept, [])) or "–")
        rows.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(rows)


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if MARKER not in markdown:
        return markdown
    return markdown.replace(MARKER, table(config.theme["language"]))
