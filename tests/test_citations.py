"""One citation convention on every page, in every language.

A work is cited by its first author and the year of its first arXiv version,
which the arXiv id encodes (1810.04805 is 2018), and linked as
"[arXiv 1810.04805](https://arxiv.org/abs/1810.04805)". Works with no arXiv
version (GPT-2's report) give the year of their publication.

The References page (references.md) lists every work the site cites, by topic,
each line naming the chapters that cite it: every arXiv id on any page, and
every other link in a page's References section, must have a line there, and
each line's chapters must be exactly the pages that mention its work.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import LANGUAGES, ROOT, page_paths

ARXIV_LINK = re.compile(r"\[arXiv[^\]]*?(\d{4}\.\d{4,5})\]\(([^)]*)\)")
# "- Devlin et al., *BERT: ...*, 2018. [arXiv 1810.04805](...)", possibly over several lines.
ENTRY = re.compile(r"^- ([A-Z][\w-]+)[^\n]*(?:\n  [^\n]*)*", re.MULTILINE)
IN_TEXT = re.compile(r"\b([A-Z][\w-]+) et al\.,? \(?(\d{4})\)?")
REFERENCES = "references.md"  # the site's whole bibliography: every section of it is references
# Pages that cite nothing: contributing.md names BERT only to show the convention.
NOT_CHAPTERS = {REFERENCES, "contributing.md"}
ARXIV_ID = re.compile(r"arxiv\.org/abs/(\d{4}\.\d{4,5})")
EXTERNAL_LINK = re.compile(r"\]\((https?://[^)\s]+)\)|<(https?://[^>\s]+)>")
CHAPTER_LINK = re.compile(r"\]\(((?!https?:)[^)#\s]+\.(?:md|ipynb))(?:#[^)]*)?\)")
ITEM = re.compile(r"^- [^\n]*(?:\n  [^\n]*)*", re.MULTILINE)  # a list item, possibly over several lines


def arxiv_year(identifier: str) -> int:
    return 2000 + int(identifier[:2])


def markdown_pages() -> list[tuple[str, str]]:
    return [(language, source) for language in LANGUAGES for source in page_paths(language) if source.endswith(".md")]


@pytest.mark.parametrize("language, source", markdown_pages())
def test_arxiv_links_are_written_one_way(language: str, source: str) -> None:
    text = (ROOT / "docs" / language / source).read_text(encoding="utf-8")
    for match in ARXIV_LINK.finditer(text):
        identifier, url = match.groups()
        assert match.group(0).startswith(f"[arXiv {identifier}]"), f"{language}/{source}: write {match.group(0)!r} as [arXiv {identifier}](...)"
        assert url == f"https://arxiv.org/abs/{identifier}", f"{language}/{source}: {match.group(0)} links elsewhere"


def references_part(source: str, text: str) -> str:
    """Where a page lists its references: its last section, or all of the References page."""
    return text if source == REFERENCES else text.split("\n## ")[-1]


def reference_years(text: str, source: str = "") -> dict[str, int]:
    """First author -> year, for the entries of the page's References list that have an arXiv id."""
    references = references_part(source, text)
    years = {}
    for entry in ENTRY.finditer(references):
        link = ARXIV_LINK.search(entry.group(0))
        if link:
            years[entry.group(1)] = arxiv_year(link.group(1))
    return years


@pytest.mark.parametrize("language, source", markdown_pages())
def test_reference_years_are_those_of_the_arxiv_id(language: str, source: str) -> None:
    text = (ROOT / "docs" / language / source).read_text(encoding="utf-8")
    references = references_part(source, text)
    for entry in ENTRY.finditer(references):
        link = ARXIV_LINK.search(entry.group(0))
        years = re.findall(r"\b(?:19|20)\d{2}\b", entry.group(0)[: link.start()] if link else "")
        if link:
            assert years and int(years[-1]) == arxiv_year(link.group(1)), (
                f"{language}/{source}: the entry for arXiv {link.group(1)} must give the year "
                f"{arxiv_year(link.group(1))}: {entry.group(0)[:120]!r}")


@pytest.mark.parametrize("language, source", markdown_pages())
def test_in_text_citations_agree_with_the_references(language: str, source: str) -> None:
    text = (ROOT / "docs" / language / source).read_text(encoding="utf-8")
    years = reference_years(text, source)
    wrong = [f"{m.group(0)} (References: {years[m.group(1)]})" for m in IN_TEXT.finditer(text)
             if m.group(1) in years and int(m.group(2)) != years[m.group(1)]]
    assert not wrong, f"{language}/{source}: {wrong}"


def test_the_checks_see_the_references() -> None:
    text = (ROOT / "docs/en/triad/encoder-only.md").read_text(encoding="utf-8")
    assert reference_years(text)["Devlin"] == 2018
    assert "Devlin et al., 2018" in text


# --- The References page -----------------------------------------------------------


def readable_text(path: Path) -> str:
    """A page's Markdown; for a notebook, its Markdown cells."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        text = "\n".join("".join(c["source"]) for c in json.loads(text)["cells"] if c["cell_type"] == "markdown")
    return text


def chapters(docs: Path) -> dict[str, str]:
    """Source path -> readable text of every page that can cite a work."""
    return {p.relative_to(docs).as_posix(): readable_text(p) for p in sorted(docs.rglob("*"))
            if p.suffix in {".md", ".ipynb"} and p.relative_to(docs).as_posix() not in NOT_CHAPTERS}


def external_links(text: str) -> list[str]:
    return [a or b for a, b in EXTERNAL_LINK.findall(text) if not ARXIV_ID.search(a or b)]


def mentions(docs: Path) -> dict[str, set[str]]:
    """arXiv id or external link -> the pages that mention it anywhere."""
    found: dict[str, set[str]] = {}
    for source, text in chapters(docs).items():
        for key in {*ARXIV_ID.findall(text), *external_links(text)}:
            found.setdefault(key, set()).add(source)
    return found


def required(docs: Path) -> dict[str, set[str]]:
    """What the References page must list: every arXiv id on a page, and every other link in a page's References
    section (its last section, when that section lists works with an arXiv id), with the pages citing it."""
    needed: dict[str, set[str]] = {}
    for source, text in chapters(docs).items():
        section = text.split("\n## ")[-1]
        listed = external_links(section) if ARXIV_LINK.search(section) else []
        for key in {*ARXIV_ID.findall(text), *listed}:
            needed.setdefault(key, set()).add(source)
    return needed


def reference_lines(docs: Path) -> list[tuple[str | None, set[str], str]]:
    """(work, chapters named, line) for each line of the References page; the work is its first arXiv id or,
    lacking one, its first external link (None for a report with no link)."""
    lines = []
    for item in ITEM.finditer((docs / REFERENCES).read_text(encoding="utf-8")):
        text = item.group(0)
        arxiv, links = ARXIV_ID.search(text), external_links(text)
        key = arxiv.group(1) if arxiv else links[0] if links else None
        lines.append((key, set(CHAPTER_LINK.findall(text)), text))
    return lines


def missing_references(docs: Path) -> list[str]:
    listed = {key for _, _, text in reference_lines(docs) for key in [*ARXIV_ID.findall(text), *external_links(text)]}
    return [f"{key} (cited by {', '.join(sorted(pages))})" for key, pages in sorted(required(docs).items())
            if key not in listed]


def wrong_chapters(docs: Path) -> list[str]:
    cited = mentions(docs)
    problems = []
    for key, named, text in reference_lines(docs):
        if key is not None and named != cited.get(key, set()):
            problems.append(f"{key}: the line names {sorted(named) or 'no chapter'}, but "
                            f"{sorted(cited.get(key, set())) or 'no page'} cites it ({text[:70]!r}...)")
    return problems


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_cited_work_is_on_the_references_page(language: str) -> None:
    missing = missing_references(ROOT / "docs" / language)
    assert not missing, (f"docs/{language}/{REFERENCES} lacks these works; give each a line under its topic, with "
                         "the chapters that cite it:\n  " + "\n  ".join(missing))


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_reference_names_the_chapters_that_cite_it(language: str) -> None:
    problems = wrong_chapters(ROOT / "docs" / language)
    assert not problems, (f"docs/{language}/{REFERENCES}: make each line's chapter links the pages that cite "
                          "the work:\n  " + "\n  ".join(problems))


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_work_has_one_line(language: str) -> None:
    keys = [key for key, _, _ in reference_lines(ROOT / "docs" / language) if key is not None]
    assert sorted(k for k in set(keys) if keys.count(k) > 1) == [], f"docs/{language}/{REFERENCES}: a work listed twice"


def test_the_references_checks_can_fail(tmp_path: Path) -> None:
    docs = shutil.copytree(ROOT / "docs/en", tmp_path / "en")
    assert missing_references(docs) == [] and wrong_chapters(docs) == []
    page = docs / REFERENCES
    text = page.read_text(encoding="utf-8")
    vaswani = next(line for line in text.splitlines() if "arXiv 1706.03762" in line)
    page.write_text(text.replace(vaswani + "\n", ""), encoding="utf-8")
    assert [m.split()[0] for m in missing_references(docs)] == ["1706.03762"]
    # A line that forgets a chapter, and a page that cites a work without a line.
    page.write_text(text.replace(", [Attention masks](masks.md)", "", 1), encoding="utf-8")
    assert [p.split(":")[0] for p in wrong_chapters(docs)] == ["1706.03762"]
    page.write_text(text, encoding="utf-8")
    (docs / "masks.md").write_text((docs / "masks.md").read_text(encoding="utf-8")
                                   + "\n- Someone et al., *New*, 2026. [arXiv 2601.00001](https://arxiv.org/abs/2601.00001)\n",
                                   encoding="utf-8")
    assert [m.split()[0] for m in missing_references(docs)] == ["2601.00001"]
