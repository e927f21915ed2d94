"""Chapters do not hand out the answers of graded exercises unasked.

Where a page quotes, from llmtriad/, a function or class that an exercise asks
the learner to write, the quote sits in a collapsed block (`??? success "..."`,
pymdownx.details) whose title names the exercise: a reader opens it on purpose.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from grader.course import Course
from grader.dev import _to_write
from tests.conftest import LANGUAGES, ROOT

INCLUDE = re.compile(r'^(?P<indent> *)--8<-- "(?P<file>llmtriad/\w+\.py):(?P<section>[\w-]+)"', re.MULTILINE)


def graded() -> dict[str, str]:
    """Name of every function or class a learner writes -> its exercise's id."""
    import importlib
    import sys

    sys.path.insert(0, str(ROOT))
    names = {}
    for exercise in Course(ROOT).exercises():
        stub = importlib.import_module(f"exercises.{exercise.id}.{exercise.module}")
        names.update({name: exercise.id for name in _to_write(stub)})
    return names


GRADED = graded()


def defined_in(file: str, section: str) -> set[str]:
    """The functions and classes a snippet section shows; a method counts as its class."""
    text = (ROOT / file).read_text(encoding="utf-8")
    before, rest = text.split(f"# --8<-- [start:{section}]", 1)
    body = rest.split(f"# --8<-- [end:{section}]", 1)[0]
    names = set(re.findall(r"^(?:def|class) (\w+)", body, re.MULTILINE))
    if re.search(r"^\s+def \w+", body, re.MULTILINE):  # a method: the class it belongs to
        names.update(re.findall(r"^class (\w+)", before, re.MULTILINE)[-1:])
    return names


def pages() -> list[Path]:
    return sorted(p for language in LANGUAGES for p in (ROOT / "docs" / language).rglob("*.md"))


@pytest.mark.parametrize("page", pages(), ids=lambda p: p.relative_to(ROOT / "docs").as_posix())
def test_graded_answers_are_folded(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    lines = text.splitlines()
    for match in INCLUDE.finditer(text):
        answers = {GRADED[name] for name in defined_in(match["file"], match["section"]) if name in GRADED}
        if not answers:
            continue
        line = text[: match.start()].count("\n")
        opener = next((lines[i] for i in range(line - 1, -1, -1)
                       if lines[i].strip() and len(lines[i]) - len(lines[i].lstrip()) < len(match["indent"])), "")
        where = f"{page.relative_to(ROOT)}:{line + 1} quotes {match['section']}, the answer of {sorted(answers)}"
        assert match["indent"] and opener.startswith("??? "), f"{where}: fold it in a `??? success` block"
        assert all(exercise in opener for exercise in answers), f"{where}: name the exercise in the block's title"


def test_the_check_sees_graded_answers() -> None:
    assert GRADED["causal_mask"] == "e03_masks" and "causal_mask" in defined_in("llmtriad/masks.py", "causal-mask")
    assert "split_heads" in GRADED and "GPT" not in GRADED
    assert defined_in("llmtriad/kv_cache.py", "kvcache-update") == {"KVCache"}
