"""The grader: scores, reports, and learner code that misbehaves in every way we could think of."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import tomllib
from pathlib import Path

import pytest

from grader import report as grade_report
from grader.course import Course
from grader.records import ExerciseStatus, Result, TestRecord, TestStatus
from tests.conftest import ROOT

# Each broken version of e01_attention's file, and the status the grader must give it.
BROKEN = {
    "syntax_error": ("def scaled_dot_product_attention(q, k, v, mask=None, scale=None)\n    return q\n",
                     ExerciseStatus.IMPORT_FAILED, "SyntaxError"),
    "import_error": ("import no_such_module_for_the_course\n", ExerciseStatus.IMPORT_FAILED, "ModuleNotFoundError"),
    "exit_on_import": ("import sys\nsys.exit(1)\n", ExerciseStatus.IMPORT_FAILED, "SystemExit"),
    "exit_in_call": ("import sys\ndef scaled_dot_product_attention(*args, **kwargs):\n    sys.exit(3)\n",
                     ExerciseStatus.IN_PROGRESS, "SystemExit"),
    "hard_crash": ("import os\ndef scaled_dot_product_attention(*args, **kwargs):\n    os._exit(1)\n",
                   ExerciseStatus.CRASHED, "exit code"),
    "segfault": ("import ctypes\ndef scaled_dot_product_attention(*args, **kwargs):\n    ctypes.string_at(0)\n",
                 ExerciseStatus.CRASHED, "exit code"),
    "wrong_shape": ("def scaled_dot_product_attention(q, k, v, mask=None, scale=None):\n    return q[..., :1]\n",
                    ExerciseStatus.IN_PROGRESS, "shape"),
    "wrong_dtype": ("def scaled_dot_product_attention(q, k, v, mask=None, scale=None):\n"
                    "    return (q[..., :1] * 0 + v.mean(-2, keepdim=True)).double()\n", ExerciseStatus.IN_PROGRESS, "dtype"),
    "nan": ("import torch\ndef scaled_dot_product_attention(q, k, v, mask=None, scale=None):\n"
            "    return torch.full(q.shape[:-1] + v.shape[-1:], float('nan'))\n", ExerciseStatus.IN_PROGRESS, "NaN"),
    "huge_output": ("import torch.nn.functional as F\ndef scaled_dot_product_attention(q, k, v, mask=None, scale=None):\n"
                    "    print('x' * 2_000_000)\n    return q\n", ExerciseStatus.IN_PROGRESS, ""),
    "mutates_input": ("def scaled_dot_product_attention(q, k, v, mask=None, scale=None):\n"
                      "    q.mul_(0)\n    return q\n", ExerciseStatus.IN_PROGRESS, "modified its input"),
}


# The grader speaks the learner's locale; these tests read its English.
ENGLISH = {**os.environ, "LC_ALL": "C.UTF-8"}

ENDLESS_LOOP = "def scaled_dot_product_attention(*args, **kwargs):\n    while True:\n        pass\n"


def broken_tree(root: Path, broken: dict[str, str]) -> Path:
    """A copy of the course's exercises with one copy of e01 per broken file, plus an untouched e02;
    returns the copy's course folder."""
    exercises = root / "exercises"
    shutil.copytree(ROOT / "exercises", exercises, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "locales", root / "locales")  # the grader's and the hints' languages
    order = []
    for name, code in broken.items():
        folder = exercises / f"broken_{name}"
        shutil.copytree(exercises / "e01_attention", folder)
        (folder / "attention.py").write_text(code)
        order.append(f"broken_{name}")
    order.append("e02_multi_head")
    (exercises / "order.toml").write_text(f"order = {json.dumps(order)}\n")
    return root


def result(raw: dict) -> Result:
    tests = [TestRecord(**{**t, "status": TestStatus(t["status"])}) for t in raw["tests"]]
    return Result(**{**raw, "status": ExerciseStatus(raw["status"]), "tests": tests})


def grade_tree(course: Path, *options: str) -> dict[str, Result]:
    report = course / "grades.json"
    subprocess.run([sys.executable, "-m", "grader", "report", "--course-dir", str(course), "--json", str(report),
                    *options], cwd=ROOT, env=ENGLISH, check=True, capture_output=True, timeout=600)
    return {r["id"]: result(r) for r in json.loads(report.read_text())["exercises"]}


@pytest.fixture(scope="module")
def broken_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Result]:
    """Grade, once, a copy of the exercises in which e01 is broken in each way."""
    course = broken_tree(tmp_path_factory.mktemp("broken"), {name: code for name, (code, _, _) in BROKEN.items()})
    return grade_tree(course)


def test_an_endless_loop_times_out(tmp_path: Path) -> None:
    course = broken_tree(tmp_path, {"endless_loop": ENDLESS_LOOP})
    result = grade_tree(course, "--only", "broken_endless_loop", "--timeout", "5")["broken_endless_loop"]
    assert (result.status, result.points) == (ExerciseStatus.TIMED_OUT, 0)
    assert "endless loop" in result.message


@pytest.mark.parametrize("name", BROKEN)
def test_broken_learner_code_gets_a_clear_status(broken_results, name: str) -> None:
    _, status, words = BROKEN[name]
    result = broken_results[f"broken_{name}"]
    assert result.status == status
    assert result.points == 0
    explanation = result.message + " ".join(t.message for t in result.tests)
    assert words in explanation, f"{name}: the message does not say {words!r}: {explanation[:500]}"


def test_other_exercises_are_still_graded(broken_results) -> None:
    assert broken_results["e02_multi_head"].status == ExerciseStatus.NOT_STARTED


def test_reference_scores_full_marks_with_json_and_gradescope(tmp_path: Path) -> None:
    out, scope = tmp_path / "grades.json", tmp_path / "results.json"
    completed = subprocess.run(
        [sys.executable, "-m", "grader", "report", "--impl", "reference", "--only", "e01_attention",
         "--only", "e02_multi_head", "--json", str(out), "--gradescope", str(scope)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env=ENGLISH)
    assert completed.returncode == 0, completed.stderr
    assert "Every exercise is done." in completed.stdout
    results = json.loads(out.read_text())["exercises"]
    assert [(r["id"], r["status"], r["points"], r["max_points"]) for r in results] == [
        ("e01_attention", "done", 10, 10), ("e02_multi_head", "done", 10, 10)]
    assert all(t["status"] == "passed" for r in results for t in r["tests"])
    gradescope = json.loads(scope.read_text())
    assert gradescope["score"] == 20
    assert [(t["score"], t["max_score"], t["status"]) for t in gradescope["tests"]] == [(10, 10, "passed")] * 2


def test_untouched_stubs_point_to_the_first_exercise() -> None:
    completed = subprocess.run([sys.executable, "-m", "grader", "--only", "e01_attention"],
                               cwd=ROOT, capture_output=True, text=True, timeout=300, env=ENGLISH)
    assert completed.returncode == 0
    assert "not started" in completed.stdout
    assert "Next: e01_attention" in completed.stdout
    assert "http://127.0.0.1:8000/attention/#the-formula" in completed.stdout, "the link to the chapter"


@pytest.mark.parametrize("language, status, link", [
    ("zh", "未开始", "http://127.0.0.1:8000/zh/attention/#the-formula"),
    ("it", "non iniziato", "http://127.0.0.1:8000/it/attention/#the-formula"),
])
def test_the_report_speaks_the_chosen_language(language: str, status: str, link: str) -> None:
    texts = tomllib.loads((ROOT / f"exercises/e01_attention/texts.{language}.toml").read_text())
    for how, env in ((["--lang", language], ENGLISH),
                     ([], {**ENGLISH, "LC_ALL": "", "LC_MESSAGES": "", "LANG": f"{language}_XX.UTF-8"})):
        completed = subprocess.run([sys.executable, "-m", "grader", "--only", "e01_attention", *how],
                                   cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
        assert completed.returncode == 0, completed.stderr
        assert status in completed.stdout and link in completed.stdout, completed.stdout
        assert texts["title"] in completed.stdout and texts["hints"][0] in completed.stdout
        assert f"README.{language}.md" in completed.stdout


def test_a_failing_test_shows_its_hint_in_the_chosen_language(tmp_path: Path) -> None:
    course = broken_tree(tmp_path, {"wrong_shape": BROKEN["wrong_shape"][0]})
    report = tmp_path / "grades.json"
    subprocess.run([sys.executable, "-m", "grader", "report", "--course-dir", str(course), "--json", str(report),
                    "--only", "broken_wrong_shape", "--lang", "it"], cwd=ROOT, env=ENGLISH, check=True,
                   capture_output=True, timeout=300)
    tests = json.loads(report.read_text())["exercises"][0]["tests"]
    italian = tomllib.loads((ROOT / "exercises/e01_attention/texts.it.toml").read_text())["tests"]
    failed = [t for t in tests if t["status"] == "failed"]
    assert failed and all(t["hint"] == italian[t["name"].split("[")[0]] for t in failed)


@pytest.mark.parametrize("arguments, complaint", [
    (["--only", "e99_nothing"], "unknown exercise 'e99_nothing'"),
    (["report", "--impl", "mine"], "--impl must be"),
    (["--impl", "reference"], "unrecognized arguments: --impl"),  # instructors only: grader report
    (["--timeout", "0"], "--timeout must be positive"),
    (["--hints", "nope"], "unknown exercise 'nope'"),
    (["--lang", "fr"], "unknown language 'fr'; choose from: en, zh, it"),
])
def test_bad_arguments_are_refused_clearly(arguments: list[str], complaint: str) -> None:
    completed = subprocess.run([sys.executable, "-m", "grader", *arguments],
                               cwd=ROOT, capture_output=True, text=True, timeout=60, env=ENGLISH)
    assert completed.returncode == 2
    assert complaint in completed.stderr


def test_hints_are_listed_in_order() -> None:
    completed = subprocess.run([sys.executable, "-m", "grader", "--hints", "e01_attention"],
                               cwd=ROOT, capture_output=True, text=True, timeout=60, env=ENGLISH)
    hints = tomllib.loads((ROOT / "exercises/e01_attention/texts.en.toml").read_text())["hints"]
    assert completed.stdout.splitlines() == [f"{i}. {h}" for i, h in enumerate(hints, start=1)]


def test_watch_regrades_when_a_file_is_saved(tmp_path: Path) -> None:
    course = broken_tree(tmp_path, {})
    child = subprocess.Popen(
        [sys.executable, "-m", "grader", "--course-dir", str(course), "--only", "e02_multi_head",
         "--watch"], cwd=ROOT, env=ENGLISH, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    watchdog = threading.Timer(120, child.kill)  # a hung grader ends the test instead of CI
    watchdog.start()
    try:
        lines = []

        def read_until(text: str) -> None:
            for line in child.stdout:
                lines.append(line)
                if text in line:
                    return
            raise AssertionError("the grader stopped early:\n" + "".join(lines))

        read_until("Watching for changes")
        stub = course / "exercises" / "e02_multi_head" / "multi_head.py"
        stub.write_text(stub.read_text() + "\n# saved again\n")
        read_until("Watching for changes")
        assert "".join(lines).count("e02_multi_head") >= 4, "the exercise was not graded twice"
    finally:
        watchdog.cancel()
        child.terminate()
        child.wait(timeout=30)


@pytest.mark.parametrize("language, written", [("en", "4.4"), ("zh", "4.4"), ("it", "4,4")])
def test_scores_are_written_the_way_the_language_writes_numbers(language: str, written: str) -> None:
    assert grade_report.Strings(Course(ROOT), language).number(4.4) == written
    assert grade_report.Strings(Course(ROOT), language).number(10) == "10"
