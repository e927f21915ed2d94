"""The course as the grader sees it: its languages, and its exercises in order.

A course folder holds

    locales/languages.toml          the languages (the one list every tool reads)
    locales/grader/<lang>.toml      the grader's messages in each language
    exercises/order.toml            the exercises' ids, in the order a learner does them
    exercises/<id>/exercise.toml    what the grader needs to know about one exercise
    exercises/<id>/texts.<lang>.toml    its title and hints in each language
    exercises/<id>/README[.<lang>].md   its instructions

Adding an exercise is adding its folder and its id to order.toml.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any


def read_toml(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Texts:
    """What a learner reads about one exercise, in one language."""

    title: str
    hints: list[str]  # numbered like the README's steps, from a nudge to nearly the answer
    tests: dict[str, str]  # test function -> the hint shown when it fails


@dataclass(frozen=True)
class Exercise:
    id: str
    folder: Path
    module: str  # the file to complete: <module>.py, tested by test_<module>.py
    reference: str  # the model answer's module (never the tests' oracle)
    points: int
    section: str  # the page and section that teach it, e.g. "masks.md#causal"

    @property
    def stub(self) -> Path:
        return self.folder / f"{self.module}.py"

    @property
    def tests(self) -> Path:
        return self.folder / f"test_{self.module}.py"

    def texts(self, language: str) -> Texts:
        raw = read_toml(self.folder / f"texts.{language}.toml")
        return Texts(raw["title"], list(raw["hints"]), dict(raw.get("tests", {})))

    def readme(self, language: str, source_language: str) -> Path:
        return self.folder / ("README.md" if language == source_language else f"README.{language}.md")


@dataclass(frozen=True)
class Course:
    root: Path

    @property
    def exercises_dir(self) -> Path:
        return self.root / "exercises"

    @cached_property
    def _languages(self) -> dict[str, Any]:
        return read_toml(self.root / "locales" / "languages.toml")

    @property
    def languages(self) -> list[str]:
        return list(self._languages["languages"])

    @property
    def source_language(self) -> str:
        return str(self._languages["source"])

    def decimal_separator(self, language: str) -> str:
        return str(self._languages["languages"][language]["decimal"])

    def messages(self, language: str) -> dict[str, Any]:
        return read_toml(self.root / "locales" / "grader" / f"{language}.toml")

    def order(self) -> list[str]:
        return list(read_toml(self.exercises_dir / "order.toml")["order"])

    def exercise(self, exercise_id: str) -> Exercise:
        folder = self.exercises_dir / exercise_id
        meta = read_toml(folder / "exercise.toml")
        return Exercise(exercise_id, folder, meta["module"], meta["reference"], int(meta["points"]), meta["section"])

    def exercises(self) -> list[Exercise]:
        return [self.exercise(exercise_id) for exercise_id in self.order()]
