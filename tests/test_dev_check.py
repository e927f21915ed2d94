"""`python -m grader dev check` passes on the course, and finds what it must find.

The check itself is grader/dev.py: every exercise's folder, texts, section,
signatures and variants, and the runs that prove its tests (model answer,
untouched file, wheats with the model answers hidden, chaffs caught). Here it
runs once on the course, then on copies broken on purpose.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, copy_project


def dev_check(course: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", "dev", "check", "--course-dir", str(course), *options],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)


def test_every_exercise_checks_out() -> None:
    completed = dev_check(ROOT)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "All 17 exercises check out." in completed.stdout


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A copy of what dev check reads, to break."""
    copy_project(["exercises", "locales", "docs"], tmp_path)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "__init__.py").write_text("")
    shutil.copytree(ROOT / "tests" / "exercise_variants", tmp_path / "tests" / "exercise_variants",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def test_a_test_without_a_hint_is_reported_with_the_fix(course: Path) -> None:
    texts = course / "exercises/e03_masks/texts.en.toml"
    lines = texts.read_text().splitlines(keepends=True)
    texts.write_text("".join(line for line in lines if not line.startswith("test_true_means_may_attend =")))
    completed = dev_check(course, "--only", "e03_masks", "--no-run")
    assert completed.returncode == 1
    assert "e03_masks: the test test_true_means_may_attend has no hint" in completed.stdout
    assert "fix: add `test_true_means_may_attend = \"...\"` to the [tests] table" in completed.stdout


def test_a_missing_chaff_and_a_changed_signature_are_reported(course: Path) -> None:
    (course / "tests/exercise_variants/e04_sliding_window/chaff_1.py").unlink()
    stub = course / "exercises/e04_sliding_window/sliding_window.py"
    stub.write_text(stub.read_text().replace("def sliding_window_mask(length: int, window: int)",
                                             "def sliding_window_mask(length: int, width: int)"))
    completed = dev_check(course, "--only", "e04_sliding_window", "--no-run")
    assert completed.returncode == 1
    assert "2 chaffs in tests/exercise_variants/e04_sliding_window/, at least 3 needed" in completed.stdout
    assert "sliding_window_mask(length, width) in the stub, but sliding_window_mask(length, window) in llmtriad.masks" in completed.stdout


def test_an_uncaught_chaff_and_a_wheat_that_leans_on_the_reference_are_reported(course: Path) -> None:
    variants = course / "tests/exercise_variants/e03_masks"
    for genuine in variants.glob("chaff_*.py"):  # only the planted variants need running
        genuine.unlink()
    # "Chaff" that is in fact right: no test can catch it.
    (variants / "chaff_9.py").write_text('"""Misconception: none, this one is correct."""\n\n'
                                         "from tests.exercise_variants.e03_masks.wheat_1 import *  # noqa: F403\n\n"
                                         'CAUGHT_BY = "test_true_means_may_attend"\n')
    # A "wheat" that only works because it imports the model answer: hiding llmtriad must break it.
    (variants / "wheat_9.py").write_text("from llmtriad.masks import *  # noqa: F403\n")
    completed = dev_check(course, "--only", "e03_masks")
    assert completed.returncode == 1
    assert "the chaff chaff_9 passes test_true_means_may_attend: the misconception goes uncaught" in completed.stdout
    assert "the correct solution wheat_9 fails with llmtriad hidden" in completed.stdout
    assert "tests/exercise_variants/e03_masks/wheat_9.py imports llmtriad" in completed.stdout


def test_an_exercise_missing_from_the_order_is_reported(course: Path) -> None:
    order = course / "exercises/order.toml"
    order.write_text(order.read_text().replace('    "e14_attention_rank",\n', ""))
    completed = dev_check(course, "--no-run")
    assert "e14_attention_rank: has a folder but is not listed in exercises/order.toml" in completed.stdout
