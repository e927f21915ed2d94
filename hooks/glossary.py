"""The course's glossary, rendered from locales/glossary/ into the pages that ask for it.

Two markers, each alone on its line:

* `<!-- glossary -->` (the contributing page): one row per concept, its term in
  every language and, on a translated page, the variants that language must not
  use (which tests/test_glossary.py looks for);
* `<!-- glossary: TOPIC -->` (the glossary page): the concepts of one topic of
  `[topics]` in en.toml, their terms in every language and their definition in
  the page's language. A page that shows topics shows every topic, once.

Any other `<!-- glossary... -->` line stops the build, and so does a glossary
file that lacks a concept's term or definition, names an unknown concept, or
has a table this hook does not know. The glossary files are the one source of
truth; the pages never copy them.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

LOCALES = Path(__file__).resolve().parent.parent / "locales"
MARKER = re.compile(r"^<!--\s*glossary\b(?P<rest>.*?)-->[ \t]*$", re.MULTILINE)
LOOKS_LIKE_A_MARKER = re.compile(r"^[ \t]*<!--\s*glossary.*$", re.MULTILINE)
TOPIC = re.compile(r"^:\s*(?P<topic>[a-z_]+)\s*$")
# The tables a glossary file may have: the source language's also has [topics].
TABLES = {"translation_of", "terms", "definitions", "avoid", "page"}
SOURCE_TABLES = TABLES | {"topics"}
PAGE_KEYS = {"avoid", "definition"}


@dataclass(frozen=True)
class Glossary:
    """One language's glossary file, checked."""

    code: str
    name: str
    terms: dict[str, str]
    definitions: dict[str, str]
    avoid: dict[str, list[str]]
    page: dict[str, str]


@dataclass(frozen=True)
class Glossaries:
    source: str
    languages: dict[str, Glossary]  # in the order of locales/languages.toml
    topics: dict[str, list[str]]  # topic -> its concepts, in order

    @property
    def concepts(self) -> list[str]:
        return list(self.languages[self.source].terms)


def _read(path: Path) -> dict[str, object]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise PluginError(f"{path}: {error}") from error


def _strings(where: str, table: object) -> dict[str, str]:
    if not isinstance(table, dict) or not all(isinstance(v, str) and v.strip() for v in table.values()):
        raise PluginError(f"{where}: every value must be a non-empty string")
    return dict(table)


def _lists(where: str, table: object) -> dict[str, list[str]]:
    if not isinstance(table, dict) or not all(
            isinstance(v, list) and all(isinstance(s, str) and s.strip() for s in v) for v in table.values()):
        raise PluginError(f"{where}: every value must be a list of non-empty strings")
    return dict(table)


def load(locales: Path = LOCALES) -> Glossaries:
    """Read and check every language's glossary file."""
    languages = _read(locales / "languages.toml")
    source = languages["source"]
    names = languages["languages"]
    assert isinstance(source, str) and isinstance(names, dict)
    glossaries: dict[str, Glossary] = {}
    topics: dict[str, list[str]] = {}
    for code, entry in names.items():
        where = f"locales/glossary/{code}.toml"
        data = _read(locales / "glossary" / f"{code}.toml")
        unknown = set(data) - (SOURCE_TABLES if code == source else TABLES)
        if unknown:
            raise PluginError(f"{where}: unknown table(s) {sorted(unknown)}; known: {sorted(TABLES)}"
                              + (" and [topics]" if code == source else " ([topics] only in the source language)"))
        page = _strings(f"{where} [page]", data.get("page", {}))
        if set(page) - PAGE_KEYS:
            raise PluginError(f"{where} [page]: unknown key(s) {sorted(set(page) - PAGE_KEYS)}")
        glossaries[code] = Glossary(code, entry["name"], _strings(f"{where} [terms]", data.get("terms")),
                                    _strings(f"{where} [definitions]", data.get("definitions", {})),
                                    _lists(f"{where} [avoid]", data.get("avoid", {})), page)
        if code == source:
            topics = _lists(f"{where} [topics]", data.get("topics", {}))

    concepts = list(glossaries[source].terms)
    for code, glossary in glossaries.items():
        where = f"locales/glossary/{code}.toml"
        for table, keys in (("terms", glossary.terms), ("definitions", glossary.definitions)):
            missing, extra = set(concepts) - set(keys), set(keys) - set(concepts)
            if missing or extra:
                raise PluginError(f"{where} [{table}]: missing {sorted(missing)}, unknown {sorted(extra)} "
                                  f"(every concept of locales/glossary/{source}.toml needs a term and a definition)")
        if set(glossary.avoid) - set(concepts):
            raise PluginError(f"{where} [avoid]: unknown concept(s) {sorted(set(glossary.avoid) - set(concepts))}")
        if "definition" not in glossary.page:
            raise PluginError(f"{where} [page]: no `definition` (the heading of the definitions column)")
    listed = [concept for members in topics.values() for concept in members]
    twice = sorted({c for c in listed if listed.count(c) > 1})
    if twice or set(listed) != set(concepts):
        raise PluginError(f"locales/glossary/{source}.toml [topics]: every concept must be in exactly one topic "
                          f"(twice: {twice}, in none: {sorted(set(concepts) - set(listed))}, "
                          f"unknown: {sorted(set(listed) - set(concepts))})")
    return Glossaries(source, glossaries, topics)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def terms_table(glossaries: Glossaries, language: str) -> str:
    """Every concept's term in every language, and the page language's variants to avoid."""
    own = glossaries.languages[language]
    heading = own.page.get("avoid")
    header = [g.name for g in glossaries.languages.values()] + ([heading] if heading else [])
    rows = []
    for concept in glossaries.concepts:
        row = [g.terms[concept] for g in glossaries.languages.values()]
        if heading:
            row.append(", ".join(own.avoid.get(concept, [])) or "–")
        rows.append(row)
    return _table(header, rows)


def topic_table(glossaries: Glossaries, language: str, topic: str) -> str:
    """The concepts of one topic: their terms in every language, their definition in the page's."""
    own = glossaries.languages[language]
    header = [g.name for g in glossaries.languages.values()] + [own.page["definition"]]
    rows = [[g.terms[c] for g in glossaries.languages.values()] + [own.definitions[c]]
            for c in glossaries.topics[topic]]
    return _table(header, rows)


def render(markdown: str, language: str, where: str, glossaries: Glossaries | None = None) -> str:
    """Replace every glossary marker of a page; raise PluginError on one this hook does not know."""
    lines = LOOKS_LIKE_A_MARKER.findall(markdown)
    if not lines:
        return markdown
    malformed = [line for line in lines if not MARKER.fullmatch(line)]
    if malformed:
        raise PluginError(f"{where}: {malformed[0]!r} is not a glossary marker; write `<!-- glossary -->` or "
                          "`<!-- glossary: TOPIC -->` alone on its line")
    glossaries = glossaries or load()
    if language not in glossaries.languages:
        raise PluginError(f"{where}: no glossary for the language {language!r}")
    shown: list[str] = []

    def replace(match: re.Match[str]) -> str:
        rest = match.group("rest").strip()
        if not rest:
            return terms_table(glossaries, language)
        topic = TOPIC.match(rest)
        if topic is None or topic.group("topic") not in glossaries.topics:
            raise PluginError(f"{where}: unknown glossary marker {match.group(0)!r}; use `<!-- glossary -->` or "
                              f"`<!-- glossary: TOPIC -->` with TOPIC one of {', '.join(glossaries.topics)}")
        shown.append(topic.group("topic"))
        return topic_table(glossaries, language, topic.group("topic"))

    rendered = MARKER.sub(replace, markdown)
    if shown and sorted(shown) != sorted(glossaries.topics):
        twice = sorted({t for t in shown if shown.count(t) > 1})
        raise PluginError(f"{where}: a glossary page shows every topic once (missing: "
                          f"{sorted(set(glossaries.topics) - set(shown))}, twice: {twice})")
    return rendered


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    return render(markdown, config.theme["language"], f"docs/{config.theme['language']}/{page.file.src_uri}")
