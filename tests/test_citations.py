"""One citation convention on every page, in every language.

A work is cited by its first author and the year of its first arXiv version,
which the arXiv id encodes (1810.04805 is 2018), and linked as
"[arXiv 1810.04805](https://arxiv.org/abs/1810.04805)". Works with no arXiv
version (GPT-2's report) give the year of their publication.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import LANGUAGES, ROOT, page_paths

ARXIV_LINK = re.compile(r"\[arXiv[^\]]*?(\d{4}\.\d{4,5})\]\(([^)]*)\)")
# "- Devlin et al., *BERT: ...*, 2018. [arXiv 1810.04805](...)", possibly over several lines.
ENTRY = re.compile(r"^- ([A-Z][\w-]+)[^\n]*(?:\n  [^\n]*)*", re.MULTILINE)
IN_TEXT = re.compile(r"\b([A-Z][\w-]+) et al\.,? \(?(\d{4})\)?")


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


def reference_years(text: str) -> dict[str, int]:
    """First author -> year, for the entries of the page's References list that have an arXiv id."""
    references = text.split("\n## ")[-1]
    years = {}
    for entry in ENTRY.finditer(references):
        link = ARXIV_LINK.search(entry.group(0))
        if link:
            years[entry.group(1)] = arxiv_year(link.group(1))
    return years


@pytest.mark.parametrize("language, source", markdown_pages())
def test_reference_years_are_those_of_the_arxiv_id(language: str, source: str) -> None:
    text = (ROOT / "docs" / language / source).read_text(encoding="utf-8")
    references = text.split("\n## ")[-1]
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
    years = reference_years(text)
    wrong = [f"{m.group(0)} (References: {years[m.group(1)]})" for m in IN_TEXT.finditer(text)
             if m.group(1) in years and int(m.group(2)) != years[m.group(1)]]
    assert not wrong, f"{language}/{source}: {wrong}"


def test_the_checks_see_the_references() -> None:
    text = (ROOT / "docs/en/triad/encoder-only.md").read_text(encoding="utf-8")
    assert reference_years(text)["Devlin"] == 2018
    assert "Devlin et al., 2018" in text
