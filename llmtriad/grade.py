"""Grade the exercises: each in its own process, with a timeout, into a score table.

    .venv/bin/python -m llmtriad.grade                     # your solutions, every exercise
    .venv/bin/python -m llmtriad.grade --only e03_masks    # one exercise (repeatable)
    .venv/bin/python -m llmtriad.grade --hints e03_masks   # that exercise's hints, in order
    .venv/bin/python -m llmtriad.grade --watch             # regrade whenever you save
    .venv/bin/python -m llmtriad.grade --impl reference    # the model answers (all should be done)
    .venv/bin/python -m llmtriad.grade --json out.json --gradescope results.json
    .venv/bin/python -m llmtriad.grade --lang zh           # in Chinese (en, zh, it; default: your locale)

Each exercise runs as `pytest exercises/<id>` in a child process, so a file
that does not import, loops forever, exits, crashes the interpreter or prints
without end costs that exercise its points and nothing else.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
import tomllib
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COURSE_URL = os.environ.get("COURSE_URL", "http://127.0.0.1:8000/")
OUTPUT_TAIL = 3000  # characters of a crashed run's output worth showing
LOCALES = ROOT / "locales"
LANGUAGES = tomllib.loads((LOCALES / "languages.toml").read_text(encoding="utf-8"))
SOURCE_LANGUAGE = LANGUAGES["source"]

DONE, IN_PROGRESS, NOT_STARTED = "done", "in progress", "not started"
IMPORT_FAILED, TIMED_OUT, CRASHED = "failed to import", "timed out", "crashed"
STATUS_KEYS = {DONE: "done", IN_PROGRESS: "in_progress", NOT_STARTED: "not_started",
               IMPORT_FAILED: "import_failed", TIMED_OUT: "timed_out", CRASHED: "crashed"}


def language_from_locale(environ: dict[str, str] = os.environ) -> str:  # noqa: B006 (read only)
    """The course language of the learner's locale (LC_ALL, LC_MESSAGES, LANG: "zh_CN.UTF-8" is zh), else English."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable, "")
        if value:
            code = value.split(".")[0].split("_")[0].lower()
            return code if code in LANGUAGES["languages"] else SOURCE_LANGUAGE
    return SOURCE_LANGUAGE


class Strings:
    """The grader's messages in one language (locales/grader/<lang>.toml)."""

    def __init__(self, language: str) -> None:
        self.language = language
        self._table = tomllib.loads((LOCALES / "grader" / f"{language}.toml").read_text(encoding="utf-8"))

    def __call__(self, key: str, **values: object) -> str:
        section, name = key.split(".")
        return self._table[section][name].format(**values)

    def number(self, value: float) -> str:
        """A score as this language writes it: 4.4, or 4,4 in Italian."""
        return f"{value:g}".replace(".", LANGUAGES["languages"][self.language]["decimal"])

    def status(self, status: str) -> str:
        return self(f"status.{STATUS_KEYS[status]}")


def exercise_texts(exercises_dir: Path, exercise: str, language: str) -> dict:
    """An exercise's title and hints in one language (exercises/<id>/texts.<lang>.toml)."""
    return tomllib.loads((exercises_dir / exercise / f"texts.{language}.toml").read_text(encoding="utf-8"))


def readme(exercise: str, language: str) -> str:
    return f"exercises/{exercise}/README.md" if language == SOURCE_LANGUAGE else f"exercises/{exercise}/README.{language}.md"


def section_url(section: str, language: str) -> str:
    """"masks.md#causal" as the address of that section in one language's build."""
    page, _, anchor = section.partition("#")
    path = page.removesuffix(".md")
    path = "" if path == "index" else path.removesuffix("/index") + "/"
    prefix = "" if language == SOURCE_LANGUAGE else f"{language}/"
    return f"{COURSE_URL}{prefix}{path}" + (f"#{anchor}" if anchor else "")


@dataclass
class Result:
    """One exercise's grade."""

    id: str
    title: str
    points: float
    max_points: int
    status: str
    message: str = ""
    tests: list[dict[str, str]] = field(default_factory=list)

    def first_failure(self) -> dict[str, str] | None:
        return next((t for t in self.tests if t["status"] in ("failed", "error")), None)


def load_manifest(exercises_dir: Path) -> list[dict]:
    manifest = tomllib.loads((exercises_dir / "manifest.toml").read_text(encoding="utf-8"))
    if manifest.get("format_version") != 1:
        raise SystemExit(f"{exercises_dir / 'manifest.toml'}: unsupported format_version")
    return manifest["exercise"]


def pytest_args(entry: dict, exercises_dir: Path, impl: str, report: Path, language: str) -> list[str]:
    return [str(exercises_dir / entry["id"]), "--impl", impl, "--lang", language, "--grade-json", str(report),
            "-q", "--tb=short", "--show-capture=no", "-p", "no:cacheprovider"]


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


class Child:
    """One exercise being graded in its own process: forked where possible, else a new interpreter."""

    def __init__(self, entry: dict, exercises_dir: Path, impl: str, timeout: float, strings: Strings) -> None:
        self.entry = entry
        self.tmp = tempfile.TemporaryDirectory()
        self.report = Path(self.tmp.name) / "report.json"
        self.output = Path(self.tmp.name) / "output.txt"
        self.deadline = time.monotonic() + timeout
        self.timeout = timeout
        self.strings = strings
        args = pytest_args(entry, exercises_dir, impl, self.report, strings.language)
        if FORK is not None:
            self.process = FORK.Process(target=_forked_pytest, args=(args, exercises_dir.parent, self.output))
            self.process.start()
        else:
            with self.output.open("wb") as sink:
                self.process = subprocess.Popen([sys.executable, "-m", "pytest", *args], cwd=exercises_dir.parent,
                                                stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    def exit_code(self) -> int | None:
        """The child's exit code, or None while it runs."""
        return self.process.exitcode if FORK is not None else self.process.poll()

    def kill(self) -> None:
        self.process.kill()
        self.process.join() if FORK is not None else self.process.wait()

    def result(self) -> Result:
        """Turn what the finished (or overdue) child left behind into a Result."""
        code = self.exit_code()
        try:
            if code is None:
                self.kill()
                return grade(self.entry, TIMED_OUT, self.strings("message.timed_out", seconds=f"{self.timeout:g}"))
            if not self.report.exists():
                return grade(self.entry, CRASHED, self.strings("message.crashed", code=code) + "\n" + _tail(self.output))
            return classify(self.entry, json.loads(self.report.read_text())["tests"], self.strings)
        finally:
            self.tmp.cleanup()


def _fork_context() -> "multiprocessing.context.BaseContext | None":
    """Forking lets every child start with torch and pytest already imported (about 2 s saved each)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    # The modules the exercises' tests need, imported once here, before any fork.
    import pytest  # noqa: F401
    import torch  # noqa: F401
    import torch.nn.attention.flex_attention  # noqa: F401

    return multiprocessing.get_context("fork")


FORK = None  # set by grade_all


def _tail(path: Path) -> str:
    with path.open("rb") as f:
        f.seek(max(0, path.stat().st_size - OUTPUT_TAIL))
        return f.read().decode("utf-8", errors="replace").strip()


def classify(entry: dict, tests: list[dict[str, str]], strings: Strings) -> Result:
    statuses = [t["status"] for t in tests]
    import_errors = [t for t in tests if t["status"] == "error" and "cannot import" in t["message"]]
    if not tests:
        return grade(entry, CRASHED, strings("message.no_test"))
    if import_errors:
        return grade(entry, IMPORT_FAILED, import_errors[0]["message"], tests)
    passed = statuses.count("passed")
    if passed == len(tests):
        status = DONE
    elif statuses.count(NOT_STARTED) == len(tests):
        status = NOT_STARTED
    else:
        status = IN_PROGRESS
    return grade(entry, status, "", tests, passed / len(tests))


def grade(entry: dict, status: str, message: str, tests: list | None = None, fraction: float = 0.0) -> Result:
    return Result(entry["id"], entry["texts"]["title"], round(entry["points"] * fraction, 1), entry["points"],
                  status, message, tests or [])


def grade_all(entries: list[dict], exercises_dir: Path, impl: str, timeout: float, jobs: int,
              strings: Strings) -> list[Result]:
    """Grade every entry, `jobs` at a time, each in its own process with its own deadline."""
    global FORK
    FORK = _fork_context()
    pending, running, results = list(entries), [], {}
    while pending or running:
        while pending and len(running) < jobs:
            running.append(Child(pending.pop(0), exercises_dir, impl, timeout, strings))
        time.sleep(0.05)
        for child in list(running):
            if child.exit_code() is not None or time.monotonic() > child.deadline:
                results[child.entry["id"]] = child.result()
                running.remove(child)
    return [results[entry["id"]] for entry in entries]


# --- Reports ------------------------------------------------------------------


def _width(text: str) -> int:
    """Columns a terminal gives text: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _left(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _right(text: str, width: int) -> str:
    return " " * max(0, width - _width(text)) + text


def _labelled(label: str, value: str) -> str:
    """"file: x" in English and Italian, "文件：x" in Chinese (a full-width colon carries its own space)."""
    return f"  {label}{'' if label.endswith('：') else ' '}{value}"


def table(results: list[Result], entries: list[dict], strings: Strings) -> str:
    s = strings
    lines = [f"{_left(s('table.exercise'), 28)}{_right(s('table.points'), 12)}  {s('table.status')}", "-" * 56]
    for r in results:
        passed = sum(t["status"] == "passed" for t in r.tests)
        count = s("table.tests", passed=passed, count=len(r.tests)) if r.tests and r.status == IN_PROGRESS else ""
        if count and not count.startswith("（"):  # full-width brackets bring their own space
            count = " " + count
        lines.append(f"{r.id:<28}{s.number(r.points):>7}/{r.max_points:<4}  {s.status(r.status)}{count}")
    total, best = sum(r.points for r in results), sum(r.max_points for r in results)
    lines += ["-" * 56, f"{_left(s('table.total'), 28)}{s.number(total):>7}/{best:<4}"]

    todo = next((r for r in results if r.status != DONE), None)
    if todo is None:
        lines.append("\n" + s("table.all_done"))
        return "\n".join(lines)
    entry = next(e for e in entries if e["id"] == todo.id)
    lines.append("\n" + s("table.next", id=todo.id, title=todo.title, status=s.status(todo.status)))
    lines.append(_labelled(s('table.file'), f"exercises/{todo.id}/{entry['module']}.py"))
    lines.append(_labelled(s('table.instructions'), readme(todo.id, s.language)))
    failure = todo.first_failure()
    if todo.message:
        lines.append("  " + todo.message.replace("\n", "\n  "))
    elif failure is not None:
        lines.append(_labelled(s('table.first_failure'), failure['name']))
        lines.append(_labelled(s('table.what_happened'),
                                failure['message'].splitlines()[0] if failure['message'] else '?'))
        if failure["hint"]:
            lines.append(_labelled(s('table.hint'), failure['hint']))
    elif todo.status == NOT_STARTED and entry["texts"]["hints"]:
        lines.append(_labelled(s('table.to_start'), entry['texts']['hints'][0]))
    lines.append(_labelled(s('table.read'), section_url(entry['section'], s.language)))
    language = "" if s.language == SOURCE_LANGUAGE else f" --lang {s.language}"
    lines.append(_labelled(s('table.more_hints'), f".venv/bin/python -m llmtriad.grade --hints {todo.id}{language}"))
    return "\n".join(lines)


def gradescope(results: list[Result], seconds: float, strings: Strings) -> dict:
    """Gradescope's results.json: one test entry per exercise."""
    return {
        "score": sum(r.points for r in results),
        "execution_time": round(seconds, 1),
        "tests": [
            {
                "name": f"{r.id}: {r.title}",
                "number": str(i + 1),
                "score": r.points,
                "max_score": r.max_points,
                "status": "passed" if r.status == DONE else "failed",
                "output": strings.status(r.status) + (f"\n{r.message}" if r.message else "") + "".join(
                    f"\n- {t['name']}: {t['status']}" + (f" (hint: {t['hint']})" if t["status"] == "failed" and t["hint"] else "")
                    for t in r.tests),
            }
            for i, r in enumerate(results)
        ],
    }


# --- Command line ---------------------------------------------------------------


def watch(run: "callable", exercises_dir: Path, waiting: str, interval: float = 1.0) -> None:
    def stamp() -> dict[Path, float]:
        return {p: p.stat().st_mtime for p in exercises_dir.rglob("*.py")}

    seen = stamp()
    run()
    print("\n" + waiting, flush=True)
    try:
        while True:
            time.sleep(interval)
            now = stamp()
            if now != seen:
                seen = now
                print("\n" * 2, flush=True)
                run()
                print("\n" + waiting, flush=True)
    except KeyboardInterrupt:
        print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m llmtriad.grade", description=__doc__.split("\n")[0])
    parser.add_argument("--impl", default="exercises",
                        help="what to grade: exercises (your files, default), reference, or variant:NAME")
    parser.add_argument("--only", action="append", metavar="ID", help="grade only this exercise (repeatable)")
    parser.add_argument("--hints", metavar="ID", help="print an exercise's hints and stop")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the results as JSON")
    parser.add_argument("--gradescope", type=Path, metavar="FILE", help="write Gradescope's results.json")
    parser.add_argument("--watch", action="store_true", help="regrade whenever a file under exercises/ changes")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds allowed per exercise (default 60)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="exercises graded at once")
    parser.add_argument("--lang", default=None, metavar="LANG",
                        help=f"language of the report and hints: {', '.join(LANGUAGES['languages'])} "
                             "(default: from your locale, else en)")
    parser.add_argument("--exercises-dir", type=Path, default=ROOT / "exercises", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    language = args.lang or language_from_locale()
    if language not in LANGUAGES["languages"]:
        parser.error(f"unknown language {language!r}; choose from: {', '.join(LANGUAGES['languages'])}")
    strings = Strings(language)
    exercises_dir = args.exercises_dir.resolve()
    entries = load_manifest(exercises_dir)
    for entry in entries:
        entry["texts"] = exercise_texts(exercises_dir, entry["id"], language)
    known = [e["id"] for e in entries]
    for wanted in (args.only or []) + ([args.hints] if args.hints else []):
        if wanted not in known:
            parser.error(f"unknown exercise {wanted!r}; choose from: {', '.join(known)}")
    if args.impl not in ("exercises", "reference") and not args.impl.startswith("variant:"):
        parser.error("--impl must be exercises, reference or variant:NAME")
    if args.timeout <= 0 or args.jobs < 1:
        parser.error("--timeout must be positive and --jobs at least 1")
    if args.hints:
        entry = next(e for e in entries if e["id"] == args.hints)
        for number, hint in enumerate(entry["texts"]["hints"], start=1):
            print(f"{number}. {hint}")
        return 0
    if args.only:
        entries = [e for e in entries if e["id"] in args.only]

    def run() -> list[Result]:
        start = time.perf_counter()
        results = grade_all(entries, exercises_dir, args.impl, args.timeout, args.jobs, strings)
        seconds = time.perf_counter() - start
        print(table(results, entries, strings), flush=True)
        if args.json:
            args.json.write_text(json.dumps({"impl": args.impl, "exercises": [asdict(r) for r in results]}, indent=1))
        if args.gradescope:
            args.gradescope.write_text(json.dumps(gradescope(results, seconds, strings), indent=1))
        return results

    if args.watch:
        watch(run, exercises_dir, strings("watch.waiting"))
    else:
        run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
