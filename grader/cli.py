"""The grader's command line: one for learners, one for instructors, one for maintainers.

Run from the course's folder:

    .venv/bin/python -m grader                       # grade every exercise, then the next one to do
    .venv/bin/python -m grader --only e03_masks      # one exercise (repeatable)
    .venv/bin/python -m grader --hints e03_masks     # that exercise's hints, in order
    .venv/bin/python -m grader --watch               # grade again whenever you save
    .venv/bin/python -m grader --lang zh             # in Chinese (en, zh, it; default: your locale)
    .venv/bin/python -m grader report --json grades.json --gradescope results.json   # instructors
    .venv/bin/python -m grader report --impl reference                               # the model answers
    .venv/bin/python -m grader dev check             # maintainers: prove every exercise (grader.dev)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from grader.course import Course, Exercise
from grader.records import Result
from grader.report import Strings, gradescope, language_from_locale, table
from grader.run import grade_all


def _common(parser: argparse.ArgumentParser, course: Course) -> None:
    parser.add_argument("--only", action="append", metavar="ID", help="grade only this exercise (repeatable)")
    parser.add_argument(
        "--lang",
        metavar="LANG",
        default=None,
        help=f"language of the report and hints: {', '.join(course.languages)} (default: from your locale, else en)",
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds allowed per exercise (default 60)")
    # For the project's own tests and for busy machines, not for learners' eyes.
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help=argparse.SUPPRESS)
    parser.add_argument("--course-dir", type=Path, default=Path.cwd(), help=argparse.SUPPRESS)


def learner_parser(course: Course) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m grader",
        description="Grade your exercises.",
        epilog="Instructors: python -m grader report --help. Maintainers: python -m grader dev --help.",
    )
    _common(parser, course)
    parser.add_argument("--hints", metavar="ID", help="print an exercise's hints and stop")
    parser.add_argument("--watch", action="store_true", help="grade again whenever a file under exercises/ changes")
    return parser


def report_parser(course: Course) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m grader report", description="Grade and write machine-readable results (for instructors)."
    )
    _common(parser, course)
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the results as JSON")
    parser.add_argument("--gradescope", type=Path, metavar="FILE", help="write Gradescope's results.json")
    parser.add_argument(
        "--impl",
        default="exercises",
        help="what to grade: exercises (the learners' files, default), reference, or variant:NAME",
    )
    return parser


def _course(argv: list[str]) -> Course:
    """The course folder: --course-dir if given (before parsing, to know its languages), else here."""
    for i, word in enumerate(argv):
        if word == "--course-dir" and i + 1 < len(argv):
            return Course(Path(argv[i + 1]).resolve())
        if word.startswith("--course-dir="):
            return Course(Path(word.split("=", 1)[1]).resolve())
    return Course(Path.cwd())


def _check(parser: argparse.ArgumentParser, args: argparse.Namespace, course: Course) -> tuple[str, list[Exercise]]:
    if not (course.exercises_dir / "order.toml").is_file():
        parser.error(
            f"no exercises here ({course.exercises_dir / 'order.toml'} is missing): "
            "run the grader from the course's folder"
        )
    language = args.lang or language_from_locale(course)
    if language not in course.languages:
        parser.error(f"unknown language {language!r}; choose from: {', '.join(course.languages)}")
    exercises = course.exercises()
    known = [e.id for e in exercises]
    for wanted in (args.only or []) + ([args.hints] if getattr(args, "hints", None) else []):
        if wanted not in known:
            parser.error(f"unknown exercise {wanted!r}; choose from: {', '.join(known)}")
    if args.timeout <= 0 or args.jobs < 1:
        parser.error("--timeout must be positive and --jobs at least 1")
    return language, [e for e in exercises if not args.only or e.id in args.only]


def watch(run: Callable[[], object], folder: Path, waiting: str, interval: float = 1.0) -> None:
    def stamp() -> dict[Path, float]:
        return {p: p.stat().st_mtime for p in folder.rglob("*.py")}

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


def _grade(
    course: Course,
    exercises: list[Exercise],
    impl: str,
    language: str,
    args: argparse.Namespace,
    after: Callable[[list[Result], float, Strings], None] | None = None,
) -> list[Result]:
    strings = Strings(course, language)
    start = time.perf_counter()
    results = grade_all(course, exercises, impl, language, args.timeout, args.jobs)
    print(table(results, exercises, strings), flush=True)
    if after is not None:
        after(results, time.perf_counter() - start, strings)
    return results


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["dev"]:
        from grader import dev

        return dev.main(argv[1:])
    course = _course(argv)
    if argv[:1] == ["report"]:
        parser = report_parser(course)
        args = parser.parse_args(argv[1:])
        course = Course(args.course_dir.resolve())
        language, exercises = _check(parser, args, course)
        if args.impl not in ("exercises", "reference") and not args.impl.startswith("variant:"):
            parser.error("--impl must be exercises, reference or variant:NAME")

        def write(results: list[Result], seconds: float, strings: Strings) -> None:
            if args.json:
                args.json.write_text(
                    json.dumps(
                        {"impl": args.impl, "exercises": [r.to_json() for r in results]}, indent=1, ensure_ascii=False
                    )
                )
            if args.gradescope:
                args.gradescope.write_text(
                    json.dumps(gradescope(results, seconds, strings), indent=1, ensure_ascii=False)
                )

        _grade(course, exercises, args.impl, language, args, write)
        return 0

    parser = learner_parser(course)
    args = parser.parse_args(argv)
    course = Course(args.course_dir.resolve())
    language, exercises = _check(parser, args, course)
    if args.hints:
        for number, hint in enumerate(course.exercise(args.hints).texts(language).hints, start=1):
            print(f"{number}. {hint}")
        return 0
    if args.watch:
        watch(
            lambda: _grade(course, exercises, "exercises", language, args),
            course.exercises_dir,
            Strings(course, language)("watch.waiting"),
        )
    else:
        _grade(course, exercises, "exercises", language, args)
    return 0
