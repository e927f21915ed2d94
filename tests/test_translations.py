"""Every page in every language, with the same structure, up to date with English."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import polib
import pytest
from mkdocs.config import load_config

from scripts import languages, translations
from tests.conftest import LANGUAGES, ROOT, page_paths

TRANSLATED = list(languages.TRANSLATIONS)


def nav_files(language: str) -> list[str]:
    def walk(items: list) -> list[str]:
        files = []
        for item in items:
            value = next(iter(item.values())) if isinstance(item, dict) else item
            files += walk(value) if isinstance(value, list) else [value]
        return files

    config = load_config(str(ROOT / languages.config_file(language)))  # MkDocs' own reading, INHERIT included
    return walk(config["nav"])


@pytest.mark.parametrize("language", TRANSLATED)
def test_same_pages_as_english(language: str) -> None:
    assert page_paths(language) == page_paths("en")


@pytest.mark.parametrize("language", TRANSLATED)
def test_same_navigation_as_english(language: str) -> None:
    assert nav_files(language) == nav_files("en")


def test_every_page_is_in_the_navigation() -> None:
    assert sorted(nav_files("en")) == page_paths("en")


def test_no_translation_is_stale() -> None:
    stale = translations.stale_pages()
    assert not stale, "Review these translations, then stamp them (make translations):\n" + "\n".join(
        item.describe(ROOT) for item in stale
    )


def test_a_changed_english_page_makes_its_translations_stale(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    assert translations.stale_pages(tmp_path) == []
    english = tmp_path / "docs/en/contributing.md"
    english.write_text(english.read_text() + "\nA new paragraph.\n")
    stale = translations.stale_pages(tmp_path)
    assert sorted(s.page.relative_to(tmp_path).as_posix() for s in stale) == [
        "docs/it/contributing.md", "docs/zh/contributing.md"]
    translations.stamp([tmp_path / "docs/zh/contributing.md"], root=tmp_path)
    assert [s.page.name for s in translations.stale_pages(tmp_path)] == ["contributing.md"]


def test_blob_id_is_what_git_computes() -> None:
    # `printf 'hello\n' | git hash-object --stdin`
    assert translations.blob_id(b"hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"


# --- Same structure in every language --------------------------------------------

FENCE = re.compile(r"^```", re.MULTILINE)
HEADING = re.compile(r"^(#{1,6}) ", re.MULTILINE)
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)")
LINK_TARGET = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)")
MATH = re.compile(r"\\\(|\\\[|\$\$")


def strip_code(text: str) -> str:
    return re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)


def markdown_shape(text: str) -> dict[str, object]:
    prose = strip_code(text)
    return {
        "code blocks": len(FENCE.findall(text)) // 2,
        "heading levels": [len(h) for h in HEADING.findall(prose)],
        "images": IMAGE.findall(prose),
        "link targets": [t.split("#")[0] for t in LINK_TARGET.findall(prose)],
        "math": len(MATH.findall(prose)),
        "quizzes": prose.count("<quiz>"),
    }


def markdown_pages() -> list[str]:
    return [p for p in page_paths("en") if p.endswith(".md")]


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("page", markdown_pages())
def test_markdown_page_has_the_english_structure(language: str, page: str) -> None:
    english = markdown_shape((ROOT / "docs/en" / page).read_text())
    translated = markdown_shape((ROOT / "docs" / language / page).read_text())
    assert translated == english


def quiz_keys(text: str) -> list[list[bool]]:
    """For each quiz on a page, which answers are marked correct."""
    return [
        [mark.lower() == "x" for mark in re.findall(r"^[-*] \[([ xX]?)\]", quiz, re.MULTILINE)]
        for quiz in re.findall(r"<quiz>(.*?)</quiz>", text, re.DOTALL)
    ]


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("page", markdown_pages())
def test_quizzes_have_the_english_answer_key(language: str, page: str) -> None:
    english = quiz_keys((ROOT / "docs/en" / page).read_text())
    assert quiz_keys((ROOT / "docs" / language / page).read_text()) == english


def test_quiz_keys_are_read_from_the_marks() -> None:
    text = "<quiz>\nQ?\n- [ ] a\n  > no\n- [x] b\n</quiz>\n<quiz>\nR?\n- [X] c\n- [ ] d\n</quiz>"
    assert quiz_keys(text) == [[False, True], [True, False]]


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("page", [p for p in page_paths("en") if p.endswith(".ipynb")])
def test_notebook_has_the_english_cells_and_code(language: str, page: str) -> None:
    def cells(path: Path) -> list[tuple[str, str]]:
        notebook = json.loads(path.read_text())
        return [
            (cell["cell_type"], "".join(cell["source"]) if cell["cell_type"] == "code" else "")
            for cell in notebook["cells"]
        ]

    assert cells(ROOT / "docs" / language / page) == cells(ROOT / "docs/en" / page)


def test_italian_quiz_strings_cover_the_plugin() -> None:
    import mkdocs_quiz

    template = Path(mkdocs_quiz.__file__).parent / "locales" / "mkdocs_quiz.pot"
    wanted = {entry.msgid for entry in polib.pofile(str(template))}
    ours = {entry.msgid for entry in polib.pofile(str(ROOT / "locales/mkdocs-quiz.it.po")) if entry.msgstr}
    assert wanted - ours == set(), "mkdocs-quiz has strings with no Italian translation"
