"""`python -m grader dev check`: prove that every exercise and its tests are right.

For each exercise in exercises/order.toml, and for the order itself:

* its folder is complete: exercise.toml, the file to complete with its task id
  spelled one way (`TODO(<id>)`, `NotImplementedError("<id>: ...")`), its
  tests, README.md with one numbered step per hint, and the title, hints and
  per-test hints of texts.<lang>.toml in every language, each test with a hint;
* the chapter section that teaches it exists in every language;
* the file to complete has the same functions and classes, with the same
  signatures, as the model answer in llmtriad/;
* the maintainers' variants (tests/exercise_variants/<id>/) are there: at
  least one "wheat" (another correct solution) and three "chaffs" (one
  misconception each, naming the test that must catch it);
* and, running the tests: every test passes on the model answer; every test
  reports "not started" on the untouched file; every wheat passes with the
  model answers hidden; every chaff fails its named test, which has a hint.

Every problem comes with what to do about it. Exit status 1 if there is any.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import inspect
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.course import Course, Exercise
from grader.records import TestRecord, TestStatus, read_records

MIN_CHAFFS = 3


@dataclass(frozen=True)
class Problem:
    exercise: str
    what: str
    fix: str

    def __str__(self) -> str:
        return f"{self.exercise}: {self.what}\n    fix: {self.fix}"


def variants_dir(course: Course, exercise: Exercise) -> Path:
    return course.root / "tests" / "exercise_variants" / exercise.id


def variants(course: Course, exercise: Exercise, kind: str) -> list[str]:
    return sorted(p.stem for p in variants_dir(course, exercise).glob(f"{kind}_*.py"))


# --- What can be checked by reading -------------------------------------------


def check_order(course: Course) -> list[Problem]:
    listed = course.order()
    folders = sorted(p.name for p in course.exercises_dir.iterdir() if p.is_dir() and re.match(r"e\d\d_", p.name))
    problems = [
        Problem(
            i,
            "is listed in exercises/order.toml but has no folder",
            f"create exercises/{i}/, or remove {i!r} from order.toml",
        )
        for i in listed
        if i not in folders
    ]
    problems += [
        Problem(
            f,
            "has a folder but is not listed in exercises/order.toml",
            f"add {f!r} to the order list in exercises/order.toml",
        )
        for f in folders
        if f not in listed
    ]
    if len(set(listed)) != len(listed):
        problems.append(Problem("order.toml", "lists an exercise twice", "keep each id once"))
    if listed != sorted(listed):
        problems.append(
            Problem(
                "order.toml",
                "is not in the order of the exercises' numbers",
                "number the folders in the order a learner does them (e01_, e02_, ...)",
            )
        )
    return problems


def readme_steps(readme: Path) -> int:
    """How many numbered steps the README's Instructions section has."""
    text = readme.read_text(encoding="utf-8")
    instructions = text.split("## Instructions", 1)[-1].split("\n## ", 1)[0]
    return len(re.findall(r"^\d+\. ", instructions, re.MULTILINE))


def test_functions(exercise: Exercise) -> set[str]:
    tree = ast.parse(exercise.tests.read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}


def check_folder(course: Course, exercise: Exercise) -> list[Problem]:
    e, where = exercise.id, f"exercises/{exercise.id}"
    problems = []
    for path in (exercise.folder / "exercise.toml", exercise.stub, exercise.tests, exercise.folder / "README.md"):
        if not path.is_file():
            problems.append(
                Problem(e, f"{path.relative_to(course.root)} is missing", "create it (see another exercise)")
            )
    if problems:
        return problems
    stub = exercise.stub.read_text(encoding="utf-8")
    if f"TODO({e})" not in stub:
        problems.append(
            Problem(
                e,
                f"{where}/{exercise.module}.py has no `TODO({e})`",
                f"mark each place to fill in with `# TODO({e}): ...`",
            )
        )
    if f'NotImplementedError("{e}: ' not in stub:
        problems.append(
            Problem(
                e,
                f'{where}/{exercise.module}.py raises no `NotImplementedError("{e}: ...")`',
                f'make each function to write raise NotImplementedError("{e}: <what is missing>")',
            )
        )
    if not (exercise.folder / "README.md").read_text(encoding="utf-8").startswith(f"# {e}: "):
        problems.append(Problem(e, f"{where}/README.md does not start with `# {e}: `", f"title it `# {e}: <title>`"))
    if exercise.points <= 0:
        problems.append(
            Problem(e, f"{where}/exercise.toml gives {exercise.points} points", "give it a positive number")
        )
    return problems + check_texts(course, exercise) + check_section(course, exercise)


def check_texts(course: Course, exercise: Exercise) -> list[Problem]:
    e, where = exercise.id, f"exercises/{exercise.id}"
    problems = []
    english = exercise.texts(course.source_language)
    if not english.title.strip() or not english.hints or not all(h.strip() for h in english.hints):
        problems.append(Problem(e, f"{where}/texts.en.toml needs a title and non-empty hints", "write them"))
    steps = readme_steps(exercise.folder / "README.md")
    if steps != len(english.hints):
        problems.append(
            Problem(
                e,
                f"README.md has {steps} numbered steps but texts.en.toml has {len(english.hints)} hints",
                "give each step its hint, in the same order",
            )
        )
    tests, hinted = test_functions(exercise), set(english.tests)
    for missing in sorted(tests - hinted):
        problems.append(
            Problem(
                e,
                f"the test {missing} has no hint",
                f'add `{missing} = "..."` to the [tests] table of {where}/texts.<lang>.toml, '
                "saying what the usual mistake behind its failure is",
            )
        )
    for stale in sorted(hinted - tests):
        problems.append(
            Problem(
                e,
                f"texts.en.toml has a hint for {stale}, which is not a test",
                f"remove it from [tests] in every {where}/texts.<lang>.toml",
            )
        )
    for language in course.languages:
        if language == course.source_language:
            continue
        path = exercise.folder / f"texts.{language}.toml"
        readme = exercise.readme(language, course.source_language)
        if not readme.is_file():
            problems.append(
                Problem(
                    e,
                    f"{readme.relative_to(course.root)} is missing",
                    "translate README.md (scripts/translations.py stamps it)",
                )
            )
        if not path.is_file():
            problems.append(Problem(e, f"{where}/texts.{language}.toml is missing", "translate texts.en.toml"))
            continue
        translated = exercise.texts(language)
        if len(translated.hints) != len(english.hints) or set(translated.tests) != hinted:
            problems.append(
                Problem(
                    e,
                    f"{where}/texts.{language}.toml does not have the hints and tests of the English",
                    "translate the hints and [tests] entries it lacks, drop those English dropped",
                )
            )
    return problems


def check_section(course: Course, exercise: Exercise) -> list[Problem]:
    page, _, anchor = exercise.section.partition("#")
    problems = []
    for language in course.languages:
        listing = course.root / "docs" / language / "exercises.md"
        if f"{{#{exercise.id}}}" not in listing.read_text(encoding="utf-8"):
            problems.append(
                Problem(
                    exercise.id,
                    f"docs/{language}/exercises.md has no section for it",
                    f"add a heading `### {exercise.id}: <title> {{#{exercise.id}}}` there",
                )
            )
        path = course.root / "docs" / language / page
        if not path.is_file() or f"{{#{anchor}}}" not in path.read_text(encoding="utf-8"):
            problems.append(
                Problem(
                    exercise.id,
                    f"the section {exercise.section} is not in docs/{language}/{page}",
                    f"give the heading that teaches it the id {{#{anchor}}} in every language, "
                    "or fix `section` in exercise.toml",
                )
            )
    return problems


def _to_write(module: Any) -> dict[str, Any]:
    """The functions and classes a learner completes in a stub: those that raise NotImplementedError
    (helpers the stub gives, already written, do not count)."""
    return {
        name: value
        for name, value in vars(module).items()
        if not name.startswith("_")
        and (inspect.isfunction(value) or inspect.isclass(value))
        and value.__module__ == module.__name__
        and "NotImplementedError(" in inspect.getsource(value)
    }


def _signature(function: Any) -> str:
    """Parameter names, kinds and defaults: what a caller relies on (annotations may be spelled differently)."""
    signature = inspect.signature(function)
    plain = [p.replace(annotation=inspect.Parameter.empty) for p in signature.parameters.values()]
    return str(signature.replace(parameters=plain, return_annotation=inspect.Signature.empty))


def _signatures(thing: Any) -> dict[str, str]:
    if inspect.isfunction(thing):
        return {"": _signature(thing)}
    return {
        name: _signature(member)
        for name, member in vars(thing).items()
        if inspect.isfunction(member) and (not name.startswith("_") or name == "__init__")
    }


def check_signatures(course: Course, exercise: Exercise) -> list[Problem]:
    """The file to complete and the model answer offer the same things, called the same way."""
    e = exercise.id
    sys.path.insert(0, str(course.root))
    try:
        stub = importlib.import_module(f"exercises.{e}.{exercise.module}")
        reference = importlib.import_module(exercise.reference)
    except Exception as error:
        return [Problem(e, f"cannot import the stub or {exercise.reference}: {error}", "fix the import error")]
    finally:
        sys.path.remove(str(course.root))
    problems = []
    theirs = vars(reference)
    for name, value in _to_write(stub).items():
        if name not in theirs:
            problems.append(
                Problem(
                    e,
                    f"{exercise.module}.py defines {name}, which {exercise.reference} lacks",
                    f"name it as in {exercise.reference}, or add it there",
                )
            )
            continue
        ours, reference_signatures = _signatures(value), _signatures(theirs[name])
        for member, signature in ours.items():
            if reference_signatures.get(member) != signature:
                label = f"{name}.{member}" if member else name
                problems.append(
                    Problem(
                        e,
                        f"{label}{signature} in the stub, but {label}"
                        f"{reference_signatures.get(member, ' (missing)')} in {exercise.reference}",
                        "make the two signatures the same",
                    )
                )
    return problems


def check_variants(course: Course, exercise: Exercise) -> list[Problem]:
    e, folder = exercise.id, variants_dir(course, exercise)
    where = folder.relative_to(course.root)
    problems = []
    if not variants(course, exercise, "wheat"):
        problems.append(Problem(e, f"no wheat in {where}/", f"write {where}/wheat_1.py, another correct solution"))
    chaffs = variants(course, exercise, "chaff")
    if len(chaffs) < MIN_CHAFFS:
        problems.append(
            Problem(
                e,
                f"{len(chaffs)} chaffs in {where}/, at least {MIN_CHAFFS} needed",
                "write chaff_N.py files, each one plausible misconception with its docstring "
                'and CAUGHT_BY = "<the test that must catch it>"',
            )
        )
    for chaff in chaffs:
        if chaff_target(course, exercise, chaff) is None:
            problems.append(
                Problem(
                    e,
                    f'{where}/{chaff}.py lacks a docstring or `CAUGHT_BY = "test_..."`',
                    "say the misconception in the docstring, and which test catches it",
                )
            )
    sources = [exercise.tests, exercise.stub, *folder.glob("*.py")]
    for path in sources:
        if re.search(r"^\s*(from|import)\s+llmtriad\b", path.read_text(encoding="utf-8"), re.MULTILINE):
            problems.append(
                Problem(
                    e,
                    f"{path.relative_to(course.root)} imports llmtriad",
                    "tests and variants never use the model answer: write the oracle independently",
                )
            )
    return problems


def chaff_target(course: Course, exercise: Exercise, chaff: str) -> str | None:
    text = (variants_dir(course, exercise) / f"{chaff}.py").read_text(encoding="utf-8")
    caught_by = re.search(r'^CAUGHT_BY = "(\w+)"', text, re.MULTILINE)
    docstring = re.match(r'\s*"""(.+?)"""', text, re.DOTALL)
    return caught_by.group(1) if caught_by and docstring else None


# --- What needs the tests to run ----------------------------------------------


@dataclass(frozen=True)
class Run:
    impl: str
    exercises: tuple[str, ...]
    hide_reference: bool = False


def run_tests(course: Course, run: Run) -> dict[str, dict[str, TestRecord]]:
    """One implementation's test records, by exercise and then by test name."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        command = [
            sys.executable,
            "-m",
            "pytest",
            *[str(course.exercises_dir / e) for e in run.exercises],
            "--impl",
            run.impl,
            "--grade-json",
            str(report),
            "-q",
            "-p",
            "no:cacheprovider",
        ]
        if run.hide_reference:
            command.append("--hide-reference")
        subprocess.run(command, cwd=course.root, capture_output=True, timeout=900)
        records = read_records(report) if report.exists() else []
    by_exercise: dict[str, dict[str, TestRecord]] = {}
    for record in records:
        exercise = next((part for part in Path(record.nodeid.split("::")[0]).parts if part in run.exercises), "?")
        by_exercise.setdefault(exercise, {})[record.name] = record
    return by_exercise


def _failures(records: dict[str, TestRecord]) -> str:
    return "; ".join(f"{name}: {r.status}: {r.message[:200]}" for name, r in records.items() if r.status != "passed")


def check_runs(course: Course, exercises: list[Exercise], jobs: int = 2) -> list[Problem]:
    ids = tuple(e.id for e in exercises)
    runs = [Run("reference", ids), Run("exercises", ids)]
    wheats = sorted({w for e in exercises for w in variants(course, e, "wheat")})
    chaffs = sorted({c for e in exercises for c in variants(course, e, "chaff")})
    runs += [
        Run(f"variant:{w}", tuple(e.id for e in exercises if w in variants(course, e, "wheat")), True) for w in wheats
    ]
    runs += [Run(f"variant:{c}", tuple(e.id for e in exercises if c in variants(course, e, "chaff"))) for c in chaffs]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = dict(zip((r.impl for r in runs), pool.map(lambda r: run_tests(course, r), runs), strict=True))

    problems = []
    for exercise in exercises:
        e = exercise.id
        reference = results["reference"].get(e, {})
        if not reference or any(r.status != TestStatus.PASSED for r in reference.values()):
            problems.append(
                Problem(
                    e,
                    f"the model answer {exercise.reference} fails: {_failures(reference) or 'no test ran'}",
                    "fix the test or the model answer (run: pytest exercises/" + e + " --impl reference)",
                )
            )
        stub = results["exercises"].get(e, {})
        started = {n: r.status for n, r in stub.items() if r.status != TestStatus.NOT_STARTED}
        if not stub or started:
            problems.append(
                Problem(
                    e,
                    f"on the untouched {exercise.module}.py these tests did not report "
                    f"'not started': {started or 'no test ran'}",
                    "each function to write must raise NotImplementedError before doing anything",
                )
            )
        for wheat in variants(course, exercise, "wheat"):
            records = results[f"variant:{wheat}"].get(e, {})
            if not records or any(r.status != TestStatus.PASSED for r in records.values()):
                problems.append(
                    Problem(
                        e,
                        f"the correct solution {wheat} fails with llmtriad hidden: "
                        f"{_failures(records) or 'no test ran'}",
                        "a test asks for more than the instructions say, or the wheat leans on "
                        "llmtriad: fix whichever is wrong",
                    )
                )
        for chaff in variants(course, exercise, "chaff"):
            target = chaff_target(course, exercise, chaff)
            if target is None:
                continue
            records = results[f"variant:{chaff}"].get(e, {})
            named = [r for name, r in records.items() if name == target or name.startswith(target + "[")]
            if not named:
                problems.append(
                    Problem(
                        e,
                        f"{chaff} names CAUGHT_BY = {target!r}, which is not a test",
                        "name the test that catches this misconception",
                    )
                )
            elif not any(r.status == TestStatus.FAILED for r in named):
                problems.append(
                    Problem(
                        e,
                        f"the chaff {chaff} passes {target}: the misconception goes uncaught",
                        f"make {target} (or a new test) fail on it, with a hint that names the mistake",
                    )
                )
            elif not all(r.hint.strip() for r in named):
                problems.append(
                    Problem(
                        e,
                        f"{target}, which catches {chaff}, has no hint",
                        f"add a hint for {target} to texts.<lang>.toml",
                    )
                )
    return problems


def check(course: Course, only: Iterable[str] | None = None, run: bool = True) -> list[Problem]:
    problems = check_order(course)
    wanted = set(only or [])
    exercises = [e for e in course.exercises() if not wanted or e.id in wanted]
    for exercise in exercises:
        found = check_folder(course, exercise)
        problems += found
        if not any("is missing" in p.what for p in found):
            problems += check_signatures(course, exercise) + check_variants(course, exercise)
    if run:
        problems += check_runs(course, exercises)
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader dev", description="Maintainers' commands.")
    sub = parser.add_subparsers(dest="command", required=True)
    check_cmd = sub.add_parser("check", help="prove every exercise and its tests")
    check_cmd.add_argument("--only", action="append", metavar="ID", help="check only this exercise (repeatable)")
    check_cmd.add_argument("--no-run", action="store_true", help="only what can be checked without running tests")
    check_cmd.add_argument("--course-dir", type=Path, default=Path.cwd(), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    course = Course(args.course_dir.resolve())
    unknown = [i for i in args.only or [] if i not in course.order()]
    if unknown:
        parser.error(f"unknown exercise(s) {', '.join(unknown)}; choose from: {', '.join(course.order())}")
    problems = check(course, args.only, run=not args.no_run)
    for problem in problems:
        print(problem)
    count = len(course.order()) if not args.only else len(args.only)
    print(f"{len(problems)} problem(s)." if problems else f"All {count} exercises check out.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
