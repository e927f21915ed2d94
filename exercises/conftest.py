"""Pytest plugin for the exercises: which implementation is graded, and how.

Hooks and fixtures, in the order pytest uses them:

* option `--impl` chooses what the tests exercise: `exercises` (your files,
  the default), `reference` (the course's model answer in llmtriad/), or
  `variant:NAME` (tests/exercise_variants/<exercise>/NAME.py, used to test the
  tests);
* option `--lang` (en, zh, it) chooses the language of the hints and of the
  summary; a test's hint, shown when it fails, is its entry in the
  `[tests]` table of exercises/<id>/texts.<lang>.toml;
* fixture `solution` imports the chosen implementation of this exercise;
  every function it hands out checks that it leaves its tensor arguments
  untouched;
* a NotImplementedError raised from your own file means "not started": the
  test is reported as skipped with that reason, and no traceback;
* at the end, one line per exercise: tests passed, or "not started";
* option `--grade-json FILE` writes one record per test for the grader
  (python -m llmtriad.grade), which runs each exercise in its own process.
"""

from __future__ import annotations

import functools
import importlib
import json
import tomllib
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import torch

EXERCISES_DIR = Path(__file__).resolve().parent
LOCALES = EXERCISES_DIR.parent / "locales"
MANIFEST = tomllib.loads((EXERCISES_DIR / "manifest.toml").read_text(encoding="utf-8"))
EXERCISES = {entry["id"]: entry for entry in MANIFEST["exercise"]}
_LANGUAGE_TABLE = tomllib.loads((LOCALES / "languages.toml").read_text(encoding="utf-8"))
LANGUAGES, SOURCE_LANGUAGE = _LANGUAGE_TABLE["languages"], _LANGUAGE_TABLE["source"]
NOT_STARTED = "not started"


@functools.cache
def _toml(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


# --- Options and markers ------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("exercises", "grading the course's exercises")
    group.addoption("--impl", default="exercises",
                    help="implementation to test: exercises (default), reference, or variant:NAME")
    group.addoption("--lang", default=SOURCE_LANGUAGE, choices=list(LANGUAGES),
                    help=f"language of the hints and the summary (default: {SOURCE_LANGUAGE})")
    group.addoption("--grade-json", metavar="FILE", default=None,
                    help="write one JSON record per test to FILE (used by llmtriad.grade)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "exercise(id): the exercise these tests grade")


# --- Loading the implementation -------------------------------------------------


class SolutionImportError(Exception):
    """The implementation under test could not be imported."""


def module_name(exercise: str, impl: str) -> str:
    entry = EXERCISES[exercise]
    if impl == "exercises":
        return f"exercises.{exercise}.{entry['module']}"
    if impl == "reference":
        return entry["reference"]
    if impl.startswith("variant:"):
        return f"tests.exercise_variants.{exercise}.{impl.removeprefix('variant:')}"
    raise pytest.UsageError(f"--impl must be exercises, reference or variant:NAME, not {impl!r}")


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


@pytest.fixture
def solution(request: pytest.FixtureRequest) -> Solution:
    exercise = request.path.parent.name
    name = module_name(exercise, request.config.getoption("--impl"))
    try:
        module = importlib.import_module(name)
    except (Exception, SystemExit) as error:  # a learner's file can fail in any way, even exit
        raise SolutionImportError(f"cannot import {name}: {type(error).__name__}: {error}") from error
    request.node.stash[_module_file_key] = getattr(module, "__file__", None)
    public = {k: v for k, v in vars(module).items() if not k.startswith("_")}
    return Solution(**{
        k: _unchanged_inputs(v, k) if isinstance(v, types.FunctionType) else v
        for k, v in public.items()
    })


_module_file_key = pytest.StashKey[str | None]()


# --- Reporting ------------------------------------------------------------------


def _raised_by_stub(excinfo: pytest.ExceptionInfo, module_file: str | None) -> bool:
    """True when a NotImplementedError came straight from the implementation's own file."""
    if module_file is None or not excinfo.errisinstance(NotImplementedError):
        return False
    return Path(str(excinfo.traceback[-1].path)) == Path(module_file)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> pytest.TestReport:
    report = yield
    module_file = item.stash.get(_module_file_key, None)
    if call.excinfo is not None and _raised_by_stub(call.excinfo, module_file):
        report.outcome = "skipped"
        report.longrepr = (str(item.path), item.location[1] or 0, f"{NOT_STARTED}: {call.excinfo.value}")
        report.user_properties.append(("status", NOT_STARTED))
    hint = _hint(item)
    if hint:
        report.user_properties.append(("hint", hint))
        if report.failed:
            report.sections.append(("Hint", hint))
    return report


def _hint(item: pytest.Item) -> str:
    """The hint of a test (its function's name, parameters aside) in the chosen language."""
    texts = _toml(item.path.parent / f"texts.{item.config.getoption('--lang')}.toml")
    return texts.get("tests", {}).get(getattr(item, "originalname", item.name), "")


def _short_message(report: pytest.TestReport) -> str:
    if report.passed:
        return ""
    crash = getattr(report.longrepr, "reprcrash", None)
    text = crash.message if crash is not None else str(report.longrepr)
    return text[:2000]


# One record per test, written out by pytest_sessionfinish.
_records: list[dict[str, str]] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    properties = dict(report.user_properties)
    if report.when == "call":
        status = properties.get("status") or report.outcome  # passed, failed, not started
    elif report.failed:
        status = "error"  # the setup failed, for example the import of the solution
    else:
        return
    _records.append({
        "nodeid": report.nodeid,
        "name": report.nodeid.split("::")[-1],
        "status": status,
        "hint": properties.get("hint", ""),
        "message": _short_message(report),
    })


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """One line per exercise: how many of its tests pass, or that it is not started."""
    by_exercise: dict[str, list[str]] = {}
    for record in _records:
        by_exercise.setdefault(record["nodeid"].split("/")[1], []).append(record["status"])
    if not by_exercise:
        return
    language = config.getoption("--lang")
    strings = _toml(LOCALES / "grader" / f"{language}.toml")["summary"]
    readme = "README.md" if language == SOURCE_LANGUAGE else f"README.{language}.md"
    terminalreporter.section(strings["title"])
    for exercise, statuses in by_exercise.items():
        if statuses.count(NOT_STARTED) == len(statuses):
            line = strings["not_started"].format(count=len(statuses), id=exercise, readme=readme)
        else:
            line = strings["passed"].format(passed=statuses.count("passed"), count=len(statuses))
        terminalreporter.write_line(f"{exercise:<28} {line}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    path = session.config.getoption("--grade-json")
    if path:
        Path(path).write_text(json.dumps({"exitstatus": int(exitstatus), "tests": _records}, indent=1))
