"""Every command that the README, the site's pages, the Makefile or a docstring shows works as written.

The commands are collected from those files, not listed by hand, so a new one
cannot slip past: `test_every_documented_command_is_checked` fails until it is
given a check below. A command is checked in one of two ways:

* Run: executed exactly as written (in a scratch copy of the project when it
  writes files), and it must exit with status 0. Commands that differ only in
  an exercise id are run once; for the others the id must exist.
* Covered: too slow or too long-running for the suite (a full build, a server,
  a benchmark, the test suite itself), so `make -n` must expand it (the target
  exists and its variables parse), its Python entry point must answer --help,
  and a named test must exercise the same code with the same options.
"""

from __future__ import annotations

import functools
import json
import re
import shlex
import subprocess
import sys
import tempfile
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT, copy_project

EXERCISE_IDS = tomllib.loads((ROOT / "exercises/order.toml").read_text())["order"]
EXERCISE_ID = re.compile(r"\be\d\d_[a-z0-9_]+")
PROGRAM = re.compile(r"^(make( |$)|\.venv/bin/)")
SCRIPTS = ["make_figures", "site", "notebooks", "translations", "bench_figures", "bench_site", "bench_grade", "bakeoff"]


# --- Where commands are shown ---------------------------------------------------


def _commands_in_markdown(text: str) -> list[str]:
    shell_blocks = re.findall(r"^```(?:sh|bash|console)\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
    lines = [line for block in shell_blocks for line in block.splitlines()]
    return lines + re.findall(r"`([^`\n]+)`", text)


def _commands_in_notebook(text: str) -> list[str]:
    cells = json.loads(text)["cells"]
    return [c for cell in cells if cell["cell_type"] == "markdown" for c in _commands_in_markdown("".join(cell["source"]))]


def _commands_in_python(text: str) -> list[str]:
    # Usage lines in docstrings are indented by four spaces.
    return re.findall(r"^ {4}(\S.*)$", text, re.MULTILINE)


def _commands_in_makefile(text: str) -> list[str]:
    # The help lines at the top: "#   make grade   grade your exercises (make grade args=...)".
    return (re.findall(r"^#\s+(make [\w-]+)", text, re.MULTILINE)
            + re.findall(r'\((make [\w-]+ args="[^"]*")', text))


def documented_commands() -> dict[str, list[str]]:
    """Each command, normalised (no trailing comment, single spaces), and the files that show it."""
    readers = {".md": _commands_in_markdown, ".ipynb": _commands_in_notebook, ".py": _commands_in_python}
    files = [ROOT / "README.md", ROOT / "Makefile",
             *sorted((ROOT / "docs").rglob("*.md")), *sorted((ROOT / "docs").rglob("*.ipynb")),
             *sorted((ROOT / "exercises").rglob("*.md")), *sorted((ROOT / "exercises").rglob("*.py")),
             *sorted((ROOT / "llmtriad").rglob("*.py")), *sorted((ROOT / "grader").rglob("*.py")),
             *sorted((ROOT / "scripts").rglob("*.py"))]
    found: dict[str, list[str]] = {}
    for path in files:
        read = _commands_in_makefile if path.name == "Makefile" else readers[path.suffix]
        for raw in read(path.read_text(encoding="utf-8")):
            command = " ".join(re.sub(r"\s+#\s.*$", "", raw).split())
            if PROGRAM.match(command) and command not in {".venv/bin/python", ".venv/bin/pytest"}:
                found.setdefault(command, []).append(path.relative_to(ROOT).as_posix())
    return found


COMMANDS = documented_commands()


def shape(command: str) -> str:
    return EXERCISE_ID.sub("{id}", command)


# --- How each is checked --------------------------------------------------------


@dataclass(frozen=True)
class Run:
    in_copy: bool = False  # it writes files: run it in a scratch copy of the project


@dataclass(frozen=True)
class Covered:
    by: str  # the test that runs the same code with the same options, as path::name


CHECKS: dict[str, Run | Covered] = {
    # Learners
    "make": Run(),
    # make -n grade is `python -m grader`; grading all fourteen exercises again would add 20 s.
    "make grade": Covered("tests/test_grader.py::test_untouched_stubs_point_to_the_first_exercise"),
    ".venv/bin/python -m grader": Covered("tests/test_grader.py::test_untouched_stubs_point_to_the_first_exercise"),
    ".venv/bin/python -m grader --only {id}": Run(),
    ".venv/bin/python -m grader --hints {id}": Run(),
    ".venv/bin/pytest exercises/{id}": Run(),
    "make grade lang=zh": Covered("tests/test_grader.py::test_the_report_speaks_the_chosen_language"),
    "make grade lang=it": Covered("tests/test_grader.py::test_the_report_speaks_the_chosen_language"),
    ".venv/bin/python -m grader --lang zh": Covered(
        "tests/test_grader.py::test_the_report_speaks_the_chosen_language"),
    'make grade args="--watch"': Covered("tests/test_grader.py::test_watch_regrades_when_a_file_is_saved"),
    ".venv/bin/python -m grader --watch": Covered("tests/test_grader.py::test_watch_regrades_when_a_file_is_saved"),
    # Instructors
    ".venv/bin/python -m grader report --impl reference": Covered(
        "tests/test_grader.py::test_reference_scores_full_marks_with_json_and_gradescope"),
    ".venv/bin/python -m grader report --json grades.json": Covered(
        "tests/test_grader.py::test_reference_scores_full_marks_with_json_and_gradescope"),
    ".venv/bin/python -m grader report --json grades.json --gradescope results.json": Covered(
        "tests/test_grader.py::test_reference_scores_full_marks_with_json_and_gradescope"),
    # Maintainers
    "make dev-check": Covered("tests/test_dev_check.py::test_every_exercise_checks_out"),
    ".venv/bin/python -m grader dev check": Covered("tests/test_dev_check.py::test_every_exercise_checks_out"),
    # Authors and translators
    "make serve": Covered("tests/test_browser.py::test_page_loads_cleanly"),
    "make serve TORCH=cuda": Covered("tests/test_browser.py::test_page_loads_cleanly"),
    "make site": Covered("tests/test_build.py::test_every_page_is_built_in_its_language"),
    "make live lang=zh": Covered("tests/test_build.py::test_the_broken_copy_reports_its_four_faults_and_nothing_else"),
    "make test": Covered(".ci/run, which runs exactly this"),
    "make test-fast": Covered(".ci/run, which runs a superset"),
    "make lint": Covered(".ci/run, whose make test runs it first"),
    "make translations": Run(),
    ".venv/bin/python -m scripts.translations status": Run(),
    ".venv/bin/python -m scripts.translations stamp docs/zh/index.md docs/it/index.md": Run(in_copy=True),
    ".venv/bin/python -m scripts.translations stamp docs/zh/kv-cache.md docs/it/kv-cache.md": Run(in_copy=True),
    ".venv/bin/python -m scripts.translations stamp docs/zh/kv-cache.md": Run(in_copy=True),
    ".venv/bin/python -m scripts.site build": Covered("tests/test_build.py::test_every_page_is_built_in_its_language"),
    ".venv/bin/python -m scripts.site build --lang zh --site-dir /tmp/zh-site": Covered(
        "tests/test_build.py::test_the_broken_copy_reports_its_four_faults_and_nothing_else"),
    ".venv/bin/python -m scripts.site serve --port 8000": Covered("tests/test_browser.py::test_page_loads_cleanly"),
    ".venv/bin/python -m scripts.site serve --no-build": Covered("tests/test_browser.py::test_page_loads_cleanly"),
    # Figures
    "make figures": Covered("tests/test_figures.py::test_deterministic_figure_matches_a_fresh_run"),
    'make figures args="--list"': Run(),
    # The contributing page's example of a new figure, which does not exist yet.
    'make figures args="--only attention_heatmap"': Covered(
        "tests/test_figures.py::test_deterministic_figure_matches_a_fresh_run"),
    'make figures args="--only decode_roofline"': Covered(
        "tests/test_figures.py::test_deterministic_figure_matches_a_fresh_run"),
    'make figures args="--only kv_decoding_time --device cpu"': Covered(
        "tests/test_figures.py::test_deterministic_figure_matches_a_fresh_run"),
    'make figures args="--only kv_decoding_time kv_memory_measured decode_roofline"': Covered(
        "tests/test_figures.py::test_deterministic_figure_matches_a_fresh_run"),
    'make figures args="--only mask_gallery --device cpu"': Run(in_copy=True),
    ".venv/bin/python -m scripts.make_figures": Covered(
        "tests/test_figures.py::test_deterministic_figure_matches_a_fresh_run"),
    ".venv/bin/python -m scripts.make_figures --only mask_gallery": Run(in_copy=True),
    ".venv/bin/python -m scripts.make_figures --device cpu --lang en,zh --quick": Covered(
        "tests/test_figures.py::test_deterministic_figure_matches_a_fresh_run"),
    ".venv/bin/python -m scripts.make_figures --list": Run(),
    ".venv/bin/python -m scripts.make_figures --redraw --only kv_decoding_time": Run(in_copy=True),
    ".venv/bin/python scripts/make_figures.py": Covered(
        "tests/test_commands.py::test_script_runs_as_a_file_and_as_a_module"),
    # The bake-off: the default run takes ten minutes; the quick run is the figure pipeline's.
    "make bakeoff": Covered("tests/test_figures.py::test_the_bakeoff_quick_run_writes_well_formed_results"),
    'make bakeoff args="--quick"': Covered(
        "tests/test_figures.py::test_the_bakeoff_quick_run_writes_well_formed_results"),
    ".venv/bin/python -m scripts.bakeoff --device cuda": Covered(
        "tests/test_bakeoff.py::test_bad_seeds_and_a_missing_gpu_are_refused"),
    ".venv/bin/python -m scripts.bakeoff --only prefix diffusion --seeds 3": Covered(
        "tests/test_bakeoff.py::test_only_refuses_to_mix_results_of_other_settings"),
    ".venv/bin/python -m scripts.bakeoff --only causal diffusion --seeds 5 --out /tmp/bakeoff": Covered(
        "tests/test_bakeoff.py::test_only_refuses_to_mix_results_of_other_settings"),
    ".venv/bin/python -m scripts.bakeoff --list": Run(),
    # Notebooks: refreshing runs every stale notebook; the check only reads.
    "make notebooks": Covered(
        "tests/test_notebooks.py::test_outputs_made_from_other_code_are_stale_and_the_build_runs_the_notebook"),
    ".venv/bin/python -m scripts.notebooks": Covered(
        "tests/test_notebooks.py::test_outputs_made_from_other_code_are_stale_and_the_build_runs_the_notebook"),
    ".venv/bin/python -m scripts.notebooks --check": Run(),
    # Benchmarks: they print numbers and take minutes.
    "make bench-site": Covered("tests/test_commands.py::test_script_runs_as_a_file_and_as_a_module"),
    "make bench-grade": Covered("tests/test_commands.py::test_script_runs_as_a_file_and_as_a_module"),
    "make bench-figures": Covered("tests/test_commands.py::test_script_runs_as_a_file_and_as_a_module"),
    ".venv/bin/python -m scripts.bench_site": Covered("tests/test_commands.py::test_script_runs_as_a_file_and_as_a_module"),
    '.venv/bin/python -m scripts.bench_site --pages "" zh/ contributing/': Covered(
        "tests/test_commands.py::test_script_runs_as_a_file_and_as_a_module"),
    ".venv/bin/python -m scripts.bench_site --site-dir site": Covered(
        "tests/test_commands.py::test_script_runs_as_a_file_and_as_a_module"),
    ".venv/bin/python -m scripts.bench_grade": Covered("tests/test_commands.py::test_script_runs_as_a_file_and_as_a_module"),
    ".venv/bin/python -m scripts.bench_grade --repeat 3": Covered(
        "tests/test_commands.py::test_script_runs_as_a_file_and_as_a_module"),
    ".venv/bin/python -m scripts.bench_figures": Covered(
        "tests/test_commands.py::test_script_runs_as_a_file_and_as_a_module"),
}

# The project files a command run in a scratch copy may read or write.
COPIED = ["Makefile", "pyproject.toml", "docs", "figures", "scripts", "exercises", "locales"]


def execute(command: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run a documented command with this environment's Python standing in for .venv/bin/."""
    words = shlex.split(command)
    venv = Path(sys.executable).parent
    if words[0].startswith(".venv/bin/"):
        words[0] = str(venv / words[0].removeprefix(".venv/bin/"))
    else:  # make: point it at this environment, whichever folder it is in, and never reinstall it
        # (a stamp older than an edited install script would make `make` reinstall this
        # environment from a scratch copy that has no llmtriad/ to install).
        stamp = Path(tempfile.mkdtemp(prefix="stamp-")) / ".installed"
        stamp.touch()
        words += [f"PY={sys.executable}", f"STAMP={stamp}"]
    return subprocess.run(words, cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, subprocess.CompletedProcess]:
    """The first command of each shape to run, run two at a time; by shape."""
    first: dict[str, str] = {}
    for command in COMMANDS:
        if isinstance(CHECKS.get(shape(command)), Run):
            first.setdefault(shape(command), command)

    def run(command: str) -> subprocess.CompletedProcess:
        if CHECKS[shape(command)].in_copy:
            return execute(command, copy_project(COPIED, tmp_path_factory.mktemp("project")))
        return execute(command)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(first, pool.map(run, first.values())))


# --- The tests ------------------------------------------------------------------


def test_commands_are_found() -> None:
    # The collection itself can break (a new file layout, a new fence style).
    assert "make test" in COMMANDS and "make serve" in COMMANDS
    assert any(c.startswith(".venv/bin/python -m scripts.make_figures") for c in COMMANDS)
    assert len(COMMANDS) > 30


@pytest.mark.parametrize("command", COMMANDS)
def test_every_documented_command_is_checked(command: str) -> None:
    assert shape(command) in CHECKS, (
        f"{command!r} (shown in {', '.join(sorted(set(COMMANDS[command])))}) has no check: add it to CHECKS "
        "in tests/test_commands.py, as Run() or as Covered(by a test that runs the same thing)")


def test_no_check_is_left_without_its_command() -> None:
    shown = {shape(c) for c in COMMANDS}
    assert sorted(set(CHECKS) - shown) == [], "these checks match no documented command: remove them"


@pytest.mark.parametrize("command", [c for c in COMMANDS if isinstance(CHECKS.get(shape(c)), Run)])
def test_documented_command_runs(runs: dict[str, subprocess.CompletedProcess], command: str) -> None:
    unknown = [i for i in EXERCISE_ID.findall(command) if i not in EXERCISE_IDS]
    assert not unknown, f"{command!r} names exercises that do not exist: {unknown}"
    completed = runs[shape(command)]  # this command, or the one of its shape that ran
    assert completed.returncode == 0, (
        f"{command!r} (shown in {', '.join(sorted(set(COMMANDS[command])))}) exited with "
        f"{completed.returncode}:\n{completed.stdout[-2000:]}\n{completed.stderr[-2000:]}")


@pytest.mark.parametrize("command", [c for c in COMMANDS if isinstance(CHECKS.get(shape(c)), Covered)])
def test_covered_command_expands_and_its_test_exists(command: str) -> None:
    by = CHECKS[shape(command)].by
    if "::" in by:
        path, name = by.split("::")
        assert re.search(rf"^def {name}\(", (ROOT / path).read_text(), re.MULTILINE), f"{by} does not exist"
    words = shlex.split(command)
    if words[0] == "make":
        dry = subprocess.run(["make", "-n", *words[1:]], cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert dry.returncode == 0, f"`make -n {' '.join(words[1:])}` failed: {dry.stderr}"
        entry_points = [("-m", m) for m in re.findall(r"python -m ([\w.]+)", dry.stdout)]
    elif "-m" in words:
        entry_points = [("-m", words[words.index("-m") + 1])]
    else:  # a script run as a file
        entry_points = [(words[1],)]
    for how in entry_points:
        if how[-1] not in {"pytest", "venv", "pip", "ipykernel", "mkdocs"}:
            assert answers_help(*how), f"python {' '.join(how)} --help failed"


@functools.cache
def answers_help(*how: str) -> bool:
    completed = subprocess.run([sys.executable, *how, "--help"], cwd=ROOT, capture_output=True, text=True,
                               timeout=120)
    return completed.returncode == 0 and "usage:" in completed.stdout


@pytest.mark.parametrize("script", SCRIPTS)
def test_script_runs_as_a_file_and_as_a_module(script: str) -> None:
    # `python scripts/make_figures.py` and `python -m scripts.make_figures` both work.
    assert answers_help(f"scripts/{script}.py"), f"python scripts/{script}.py --help failed"
    assert answers_help("-m", f"scripts.{script}"), f"python -m scripts.{script} --help failed"
