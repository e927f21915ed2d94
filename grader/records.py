"""What a graded test and a graded exercise can come out as, shared by the plugin and the runner.

The pytest plugin (grader.plugin) writes one TestRecord per test to a JSON
file; the runner (grader.run) reads them back and decides each exercise's
ExerciseStatus from their statuses alone, never from message text.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path


class TestStatus(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_STARTED = "not started"  # the learner's own stub raised NotImplementedError
    IMPORT_FAILED = "failed to import"  # the implementation under test could not be imported
    ERROR = "error"  # anything else went wrong outside the test itself


class ExerciseStatus(StrEnum):
    DONE = "done"
    IN_PROGRESS = "in progress"
    NOT_STARTED = "not started"
    IMPORT_FAILED = "failed to import"
    TIMED_OUT = "timed out"
    CRASHED = "crashed"


@dataclass
class TestRecord:
    nodeid: str
    name: str  # the test's name, parameters included: test_x[3]
    status: TestStatus
    hint: str = ""
    message: str = ""


@dataclass
class Result:
    """One exercise's grade."""

    id: str
    title: str
    points: float
    max_points: int
    status: ExerciseStatus
    message: str = ""
    tests: list[TestRecord] = field(default_factory=list)

    def first_failure(self) -> TestRecord | None:
        return next((t for t in self.tests if t.status in (TestStatus.FAILED, TestStatus.ERROR)), None)

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def write_records(path: Path, records: list[TestRecord], exitstatus: int) -> None:
    path.write_text(json.dumps({"exitstatus": exitstatus, "tests": [asdict(r) for r in records]}, indent=1))


def read_records(path: Path) -> list[TestRecord]:
    raw = json.loads(path.read_text())["tests"]
    return [TestRecord(**{**r, "status": TestStatus(r["status"])}) for r in raw]
