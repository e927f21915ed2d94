"""What the grader prints and writes: the score table in the learner's language, JSON, Gradescope."""

from __future__ import annotations

import os
import unicodedata
from typing import Any

from grader.course import Course, Exercise
from grader.records import ExerciseStatus, Result

COURSE_URL = os.environ.get("COURSE_URL", "http://127.0.0.1:8000/")
STATUS_KEYS = {
    ExerciseStatus.DONE: "done",
    ExerciseStatus.IN_PROGRESS: "in_progress",
    ExerciseStatus.NOT_STARTED: "not_started",
    ExerciseStatus.IMPORT_FAILED: "import_failed",
    ExerciseStatus.TIMED_OUT: "timed_out",
    ExerciseStatus.CRASHED: "crashed",
}


def language_from_locale(course: Course, environ: dict[str, str] | None = None) -> str:
    """The course language of the learner's locale (LC_ALL, LC_MESSAGES, LANG: "zh_CN.UTF-8" is zh)."""
    environ = dict(os.environ) if environ is None else environ
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable, "")
        if value:
            code = value.split(".")[0].split("_")[0].lower()
            return code if code in course.languages else course.source_language
    return course.source_language


class Strings:
    """The grader's messages in one language (locales/grader/<lang>.toml)."""

    def __init__(self, course: Course, language: str) -> None:
        self.course, self.language = course, language
        self._table: dict[str, Any] = course.messages(language)

    def __call__(self, key: str, **values: object) -> str:
        section, name = key.split(".")
        return str(self._table[section][name]).format(**values)

    def status(self, status: ExerciseStatus) -> str:
        return self(f"status.{STATUS_KEYS[status]}")

    def number(self, value: float) -> str:
        """A score as this language writes it: 4.4, or 4,4 in Italian."""
        return f"{value:g}".replace(".", self.course.decimal_separator(self.language))


def section_url(course: Course, section: str, language: str) -> str:
    """ "masks.md#causal" as the address of that section in one language's build."""
    page, _, anchor = section.partition("#")
    path = page.removesuffix(".md")
    path = "" if path == "index" else path.removesuffix("/index") + "/"
    prefix = "" if language == course.source_language else f"{language}/"
    return f"{COURSE_URL}{prefix}{path}" + (f"#{anchor}" if anchor else "")


def _width(text: str) -> int:
    """Columns a terminal gives text: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _left(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _right(text: str, width: int) -> str:
    return " " * max(0, width - _width(text)) + text


def _labelled(label: str, value: str) -> str:
    """ "file: x" in English and Italian, "文件：x" in Chinese (a full-width colon carries its own space)."""
    return f"  {label}{'' if label.endswith('：') else ' '}{value}"


def table(results: list[Result], exercises: list[Exercise], s: Strings) -> str:
    """The score table, then the next exercise to do, with its first failing test's hint."""
    lines = [f"{_left(s('table.exercise'), 28)}{_right(s('table.points'), 12)}  {s('table.status')}", "-" * 56]
    for r in results:
        passed = sum(t.status == "passed" for t in r.tests)
        count = (
            s("table.tests", passed=passed, count=len(r.tests))
            if r.tests and r.status == ExerciseStatus.IN_PROGRESS
            else ""
        )
        if count and not count.startswith("（"):  # full-width brackets bring their own space
            count = " " + count
        lines.append(f"{r.id:<28}{s.number(r.points):>7}/{r.max_points:<4}  {s.status(r.status)}{count}")
    total, best = sum(r.points for r in results), sum(r.max_points for r in results)
    lines += ["-" * 56, f"{_left(s('table.total'), 28)}{s.number(total):>7}/{best:<4}"]

    todo = next((r for r in results if r.status != ExerciseStatus.DONE), None)
    if todo is None:
        lines.append("\n" + s("table.all_done"))
        return "\n".join(lines)
    exercise = next(e for e in exercises if e.id == todo.id)
    readme = exercise.readme(s.language, s.course.source_language).relative_to(s.course.root).as_posix()
    lines.append("\n" + s("table.next", id=todo.id, title=todo.title, status=s.status(todo.status)))
    lines.append(_labelled(s("table.file"), exercise.stub.relative_to(s.course.root).as_posix()))
    lines.append(_labelled(s("table.instructions"), readme))
    failure = todo.first_failure()
    if todo.message:
        lines.append("  " + todo.message.replace("\n", "\n  "))
    elif failure is not None:
        lines.append(_labelled(s("table.first_failure"), failure.name))
        lines.append(_labelled(s("table.what_happened"), failure.message.splitlines()[0] if failure.message else "?"))
        if failure.hint:
            lines.append(_labelled(s("table.hint"), failure.hint))
    elif todo.status == ExerciseStatus.NOT_STARTED:
        lines.append(_labelled(s("table.to_start"), exercise.texts(s.language).hints[0]))
    lines.append(_labelled(s("table.read"), section_url(s.course, exercise.section, s.language)))
    language = "" if s.language == s.course.source_language else f" --lang {s.language}"
    lines.append(_labelled(s("table.more_hints"), f".venv/bin/python -m grader --hints {todo.id}{language}"))
    return "\n".join(lines)


def gradescope(results: list[Result], seconds: float, s: Strings) -> dict[str, Any]:
    """Gradescope's results.json: one test entry per exercise."""

    def output(r: Result) -> str:
        failed = [
            f"\n- {t.name}: {t.status}" + (f" ({s('table.hint')} {t.hint})" if t.status == "failed" and t.hint else "")
            for t in r.tests
        ]
        return s.status(r.status) + (f"\n{r.message}" if r.message else "") + "".join(failed)

    return {
        "score": sum(r.points for r in results),
        "execution_time": round(seconds, 1),
        "tests": [
            {
                "name": f"{r.id}: {r.title}",
                "number": str(i + 1),
                "score": r.points,
                "max_score": r.max_points,
                "status": "passed" if r.status == ExerciseStatus.DONE else "failed",
                "output": output(r),
            }
            for i, r in enumerate(results)
        ],
    }
