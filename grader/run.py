"""Grading each exercise in its own process, with a timeout.

Each exercise runs as `pytest exercises/<id>` in a child process, so a file
that does not import, loops forever, exits, crashes the interpreter or prints
without end costs that exercise its points and nothing else. The children are
forked where the platform allows it (each then starts with torch and pytest
already imported, about 2 s saved per exercise) and started as new
interpreters elsewhere: the launcher is chosen once, in `launcher()`.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from grader.course import Course, Exercise
from grader.records import ExerciseStatus, Result, TestRecord, TestStatus, read_records

OUTPUT_TAIL = 3000  # characters of a crashed run's output worth showing


class Process(Protocol):
    def exit_code(self) -> int | None: ...
    def kill(self) -> None: ...


def _forked_pytest(args: list[str], cwd: Path, output: Path) -> None:
    """The body of a forked child: pytest on one exercise, its output to a file."""
    devnull = os.open(os.devnull, os.O_RDONLY)
    sink = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(devnull, 0)  # a learner's input() gets end-of-file instead of waiting
    os.dup2(sink, 1)
    os.dup2(sink, 2)
    os.chdir(cwd)
    import pytest

    code = pytest.main(args)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(int(code))


class Forked:
    def __init__(self, context: multiprocessing.context.BaseContext, args: list[str], cwd: Path, output: Path) -> None:
        self.process = context.Process(target=_forked_pytest, args=(args, cwd, output))  # type: ignore[attr-defined]
        self.process.start()

    def exit_code(self) -> int | None:
        code: int | None = self.process.exitcode
        return code

    def kill(self) -> None:
        self.process.kill()
        self.process.join()


class Spawned:
    def __init__(self, args: list[str], cwd: Path, output: Path) -> None:
        with output.open("wb") as sink:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "pytest", *args],
                cwd=cwd,
                stdout=sink,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )

    def exit_code(self) -> int | None:
        return self.process.poll()

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()


Launcher = Callable[[list[str], Path, Path], Process]


def launcher() -> Launcher:
    """Fork where possible, with what every exercise's tests import already loaded; else a new interpreter."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return Spawned
    import pytest  # noqa: F401
    import torch
    import torch.nn.attention.flex_attention  # noqa: F401

    context = multiprocessing.get_context("fork")
    return lambda args, cwd, output: Forked(context, args, cwd, output)


def pytest_args(exercise: Exercise, impl: str, language: str, report: Path) -> list[str]:
    return [
        str(exercise.folder),
        "--impl",
        impl,
        "--lang",
        language,
        "--grade-json",
        str(report),
        "-q",
        "--tb=short",
        "--show-capture=no",
        "-p",
        "no:cacheprovider",
    ]


def _tail(path: Path) -> str:
    with path.open("rb") as f:
        f.seek(max(0, path.stat().st_size - OUTPUT_TAIL))
        return f.read().decode("utf-8", errors="replace").strip()


def grade(
    exercise: Exercise,
    title: str,
    status: ExerciseStatus,
    message: str = "",
    tests: list[TestRecord] | None = None,
    fraction: float = 0.0,
) -> Result:
    return Result(
        exercise.id, title, round(exercise.points * fraction, 1), exercise.points, status, message, tests or []
    )


def classify(exercise: Exercise, title: str, tests: list[TestRecord], no_test: str) -> Result:
    """An exercise's status from its tests' statuses."""
    statuses = [t.status for t in tests]
    if not tests:
        return grade(exercise, title, ExerciseStatus.CRASHED, no_test)
    if TestStatus.IMPORT_FAILED in statuses:
        failed = next(t for t in tests if t.status == TestStatus.IMPORT_FAILED)
        return grade(exercise, title, ExerciseStatus.IMPORT_FAILED, failed.message, tests)
    passed = statuses.count(TestStatus.PASSED)
    if passed == len(tests):
        status = ExerciseStatus.DONE
    elif statuses.count(TestStatus.NOT_STARTED) == len(tests):
        status = ExerciseStatus.NOT_STARTED
    else:
        status = ExerciseStatus.IN_PROGRESS
    return grade(exercise, title, status, "", tests, passed / len(tests))


class Child:
    """One exercise being graded in its own process."""

    def __init__(
        self,
        exercise: Exercise,
        start: Launcher,
        course: Course,
        impl: str,
        language: str,
        timeout: float,
        messages: dict[str, str],
    ) -> None:
        self.exercise, self.timeout, self.messages = exercise, timeout, messages
        self.title = exercise.texts(language).title
        self.tmp = tempfile.TemporaryDirectory()
        self.report = Path(self.tmp.name) / "report.json"
        self.output = Path(self.tmp.name) / "output.txt"
        self.deadline = time.monotonic() + timeout
        self.process = start(pytest_args(exercise, impl, language, self.report), course.root, self.output)

    def finished(self) -> bool:
        return self.process.exit_code() is not None or time.monotonic() > self.deadline

    def result(self) -> Result:
        """Turn what the finished (or overdue) child left behind into a Result."""
        code = self.process.exit_code()
        try:
            if code is None:
                self.process.kill()
                return grade(
                    self.exercise,
                    self.title,
                    ExerciseStatus.TIMED_OUT,
                    self.messages["timed_out"].format(seconds=f"{self.timeout:g}"),
                )
            if not self.report.exists():
                return grade(
                    self.exercise,
                    self.title,
                    ExerciseStatus.CRASHED,
                    self.messages["crashed"].format(code=code) + "\n" + _tail(self.output),
                )
            return classify(self.exercise, self.title, read_records(self.report), self.messages["no_test"])
        finally:
            self.tmp.cleanup()


def grade_all(
    course: Course, exercises: list[Exercise], impl: str, language: str, timeout: float, jobs: int
) -> list[Result]:
    """Grade every exercise, `jobs` at a time, each in its own process with its own deadline."""
    start, messages = launcher(), course.messages(language)["message"]
    pending, running, results = list(exercises), list[Child](), dict[str, Result]()
    while pending or running:
        while pending and len(running) < jobs:
            running.append(Child(pending.pop(0), start, course, impl, language, timeout, messages))
        time.sleep(0.05)
        for child in list(running):
            if child.finished():
                results[child.exercise.id] = child.result()
                running.remove(child)
    return [results[exercise.id] for exercise in exercises]
