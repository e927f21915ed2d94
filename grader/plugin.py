"""The pytest plugin that grades the exercises (loaded by exercises/conftest.py).

In the order pytest uses them:

* options: `--impl` chooses what the tests exercise, `exercises` (the
  learner's files, the default), `reference` (the course's model answer in
  llmtriad/) or `variant:NAME` (tests/exercise_variants/<id>/NAME.py, which
  test the tests); `--hide-reference` makes `import llmtriad` fail, so that a
  variant cannot lean on the model answer; `--lang` chooses the language of
  the hints and the summary; `--grade-json FILE` writes one record per test
  for the grader (grader.run), which runs each exercise in its own process;
* fixture `solution`: the chosen implementation of the test's exercise; every
  function it hands out checks that it leaves its tensor arguments untouched;
* each test's status is decided here, once (grader.records.TestStatus): a
  NotImplementedError raised from the learner's own file is "not started",
  reported as a skip without a traceback; an implementation that cannot be
  imported is "failed to import";
* the hint of a failing test comes from exercises/<id>/texts.<lang>.toml;
* at the end, one line per exercise: tests passed, or "not started".
"""

from __future__ import annotations

import functools
import importlib
import importlib.abc
import sys
import types
from collections.abc import Callable, Generator, Sequence
from pathlib import Path
from typing import Any

import pytest
import torch

from grader.course import Course, Exercise
from grader.records import TestRecord, TestStatus, write_records

HIDDEN_PACKAGE = "llmtriad"


# --- Options --------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("grader", "grading the course's exercises")
    group.addoption("--lang", default=None, help="language of the hints and the summary: en, zh or it (default: en)")
    group.addoption("--impl", default="exercises", help="what to test: exercises (default), reference, variant:NAME")
    group.addoption("--hide-reference", action="store_true", help="make `import llmtriad` fail (for variants)")
    group.addoption("--grade-json", metavar="FILE", default=None, help="write one JSON record per test to FILE")


class _Refuse(importlib.abc.MetaPathFinder):
    """Refuses to import the model answers, wherever they are on sys.path."""

    def find_spec(self, name: str, path: Sequence[str] | None, target: types.ModuleType | None = None) -> None:
        if name == HIDDEN_PACKAGE or name.startswith(HIDDEN_PACKAGE + "."):
            raise ImportError(f"{name} is hidden in this run (--hide-reference)")
        return None


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--hide-reference"):
        sys.meta_path.insert(0, _Refuse())
        for name in [n for n in sys.modules if n == HIDDEN_PACKAGE or n.startswith(HIDDEN_PACKAGE + ".")]:
            del sys.modules[name]  # imported before this plugin loaded: forget it
    impl = config.getoption("--impl")
    if impl not in ("exercises", "reference") and not impl.startswith("variant:"):
        raise pytest.UsageError(f"--impl must be exercises, reference or variant:NAME, not {impl!r}")


@functools.cache
def _exercise(path: Path) -> Exercise:
    """The exercise a test file belongs to: exercises/<id>/test_*.py."""
    return Course(path.parent.parent.parent).exercise(path.parent.name)


@functools.cache
def _test_hints(path: Path, language: str) -> dict[str, str]:
    return _exercise(path).texts(language).tests


def _language(config: pytest.Config, course: Course) -> str:
    language = config.getoption("--lang") or course.source_language
    if language not in course.languages:
        raise pytest.UsageError(f"--lang must be one of {', '.join(course.languages)}, not {language!r}")
    return str(language)


# --- Loading the implementation -------------------------------------------------


class SolutionImportError(Exception):
    """The implementation under test could not be imported."""


def module_name(exercise: Exercise, impl: str) -> str:
    if impl == "exercises":
        return f"exercises.{exercise.id}.{exercise.module}"
    if impl == "reference":
        return exercise.reference
    return f"tests.exercise_variants.{exercise.id}.{impl.removeprefix('variant:')}"


def _same(a: torch.Tensor, b: torch.Tensor) -> bool:
    """Equal values, NaN included (a NaN in the input is not a modification)."""
    if a.is_floating_point() or a.is_complex():
        return torch.equal(a.isnan(), b.isnan()) and torch.equal(a.nan_to_num(0.0), b.nan_to_num(0.0))
    return torch.equal(a, b)


def _unchanged_inputs(function: Callable[..., Any], name: str) -> Callable[..., Any]:
    """Wrap `function` so that modifying a tensor argument in place fails the test."""

    @functools.wraps(function)
    def checked(*args: Any, **kwargs: Any) -> Any:
        named = [(f"argument {i + 1}", a) for i, a in enumerate(args)] + list(kwargs.items())
        before = [(label, t, t.clone()) for label, t in named if isinstance(t, torch.Tensor)]
        result = function(*args, **kwargs)
        for label, tensor, copy in before:
            assert _same(tensor, copy), f"{name}() modified its input ({label}) in place; work on a copy instead"
        return result

    return checked


class Solution(types.SimpleNamespace):
    """The functions and classes of one implementation, functions wrapped by _unchanged_inputs."""


_module_file_key = pytest.StashKey[str | None]()


@pytest.fixture
def solution(request: pytest.FixtureRequest) -> Solution:
    name = module_name(_exercise(request.path), request.config.getoption("--impl"))
    try:
        module = importlib.import_module(name)
    except (Exception, SystemExit) as error:  # a learner's file can fail in any way, even exit
        raise SolutionImportError(f"cannot import {name}: {type(error).__name__}: {error}") from error
    request.node.stash[_module_file_key] = getattr(module, "__file__", None)
    public = {k: v for k, v in vars(module).items() if not k.startswith("_")}
    return Solution(
        **{k: _unchanged_inputs(v, k) if isinstance(v, types.FunctionType) else v for k, v in public.items()}
    )


# --- Statuses and hints ---------------------------------------------------------


def _raised_by_stub(excinfo: pytest.ExceptionInfo[BaseException], module_file: str | None) -> bool:
    """True when a NotImplementedError came straight from the implementation's own file."""
    if module_file is None or not excinfo.errisinstance(NotImplementedError):
        return False
    return Path(str(excinfo.traceback[-1].path)) == Path(module_file)


_status_key = pytest.StashKey[TestStatus]()
_message_key = pytest.StashKey[str]()


def _short_message(report: pytest.TestReport) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    return (crash.message if crash is not None else str(report.longrepr))[:2000]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report: pytest.TestReport = yield
    excinfo = call.excinfo
    if call.when == "setup" and excinfo is not None and excinfo.errisinstance(SolutionImportError):
        item.stash[_status_key] = TestStatus.IMPORT_FAILED
    elif call.when == "call":
        if excinfo is not None and _raised_by_stub(excinfo, item.stash.get(_module_file_key, None)):
            report.outcome = "skipped"
            report.longrepr = (str(item.path), item.location[1] or 0, f"{TestStatus.NOT_STARTED}: {excinfo.value}")
            item.stash[_status_key] = TestStatus.NOT_STARTED
        else:
            item.stash[_status_key] = TestStatus(report.outcome) if report.outcome != "skipped" else TestStatus.ERROR
    elif report.failed:
        item.stash.setdefault(_status_key, TestStatus.ERROR)
    if report.failed:
        item.stash.setdefault(_message_key, _short_message(report))  # the first failure explains the test
        if hint := _hint(item):
            report.sections.append(("Hint", hint))
    if call.when == "teardown" or (report.failed and call.when == "setup"):
        _record(item, report)
    return report


def _hint(item: pytest.Item) -> str:
    """The hint of a test (its function's name, parameters aside) in the chosen language."""
    language = _language(item.config, Course(item.path.parent.parent.parent))
    return _test_hints(item.path, language).get(getattr(item, "originalname", item.name), "")


# --- Records and the summary ----------------------------------------------------

_records: list[TestRecord] = []


def _record(item: pytest.Item, report: pytest.TestReport) -> None:
    """One record per test, written once: after its teardown, or when its setup failed."""
    if any(r.nodeid == item.nodeid for r in _records):
        return
    status = item.stash.get(_status_key, TestStatus.ERROR)
    message = "" if status == TestStatus.PASSED else item.stash.get(_message_key, "")
    _records.append(TestRecord(item.nodeid, item.name, status, _hint(item), message))


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """One line per exercise: how many of its tests pass, or that it is not started."""
    by_exercise: dict[Path, list[TestStatus]] = {}
    for record in _records:
        by_exercise.setdefault(Path(config.rootpath, record.nodeid.split("::")[0]).parent, []).append(record.status)
    if not by_exercise:
        return
    course = Course(next(iter(by_exercise)).parent.parent)
    language = _language(config, course)
    strings = course.messages(language)["summary"]
    readme = "README.md" if language == course.source_language else f"README.{language}.md"
    terminalreporter.section(strings["title"])
    for folder, statuses in by_exercise.items():
        if statuses.count(TestStatus.NOT_STARTED) == len(statuses):
            line = strings["not_started"].format(count=len(statuses), id=folder.name, readme=readme)
        else:
            line = strings["passed"].format(passed=statuses.count(TestStatus.PASSED), count=len(statuses))
        terminalreporter.write_line(f"{folder.name:<28} {line}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    path = session.config.getoption("--grade-json")
    if path:
        write_records(Path(path), _records, int(exitstatus))
