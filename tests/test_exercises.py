"""Test the tests: every exercise's tests are right, and the exercises are well formed.

* every test passes on the reference (llmtriad/) and on an alternative
  correct solution (a "wheat"), the latter with llmtriad hidden;
* no test passes on the untouched stubs: each reports "not started";
* each plausible buggy solution (a "chaff", one misconception each) is caught
  by the test it names, and that test has a hint.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import LANGUAGES, ROOT

EXERCISES_DIR = ROOT / "exercises"
VARIANTS_DIR = ROOT / "tests" / "exercise_variants"
MANIFEST = tomllib.loads((EXERCISES_DIR / "manifest.toml").read_text(encoding="utf-8"))
ENTRIES = {entry["id"]: entry for entry in MANIFEST["exercise"]}
IDS = list(ENTRIES)


def variants(exercise: str, kind: str) -> list[str]:
    return sorted(p.stem for p in (VARIANTS_DIR / exercise).glob(f"{kind}_*.py"))


CHAFFS = [(exercise, chaff) for exercise in IDS for chaff in variants(exercise, "chaff")]
WHEATS = sorted({w for exercise in IDS for w in variants(exercise, "wheat")})


def run_tests(impl: str, exercises: list[str], tmp: Path, hide_reference: bool = False) -> dict[str, dict[str, dict]]:
    """Run the exercises' tests on one implementation; records by exercise, then by test name."""
    report = tmp / f"{impl.replace(':', '_')}.json"
    env = None
    if hide_reference:
        # A package named llmtriad that refuses to import, ahead of the real one.
        fake = tmp / "hidden" / "llmtriad"
        fake.mkdir(parents=True, exist_ok=True)
        (fake / "__init__.py").write_text("raise ImportError('llmtriad is hidden in this run')\n")
        env = {**__import__("os").environ, "PYTHONPATH": str(fake.parent)}
    command = [sys.executable, "-m", "pytest", *[str(EXERCISES_DIR / e) for e in exercises],
               "--impl", impl, "--grade-json", str(report), "-q", "-p", "no:cacheprovider"]
    subprocess.run(command, cwd=ROOT, env=env, capture_output=True, timeout=900)
    records: dict[str, dict[str, dict]] = {}
    for record in json.loads(report.read_text())["tests"]:
        exercise = record["nodeid"].split("/")[1]
        records.setdefault(exercise, {})[record["name"]] = record
    return records


@pytest.fixture(scope="session")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, dict[str, dict]]]:
    """Every implementation's records, by implementation; the pytest runs go two at a time."""
    tmp = tmp_path_factory.mktemp("exercise-runs")
    jobs = {"reference": (IDS, False), "exercises": (IDS, False)}
    for wheat in WHEATS:
        jobs[f"variant:{wheat}"] = ([e for e in IDS if wheat in variants(e, "wheat")], True)
    for chaff in sorted({c for _, c in CHAFFS}):
        jobs[f"variant:{chaff}"] = ([e for e, c in CHAFFS if c == chaff], False)
    with ThreadPoolExecutor(max_workers=2) as pool:
        done = pool.map(lambda item: run_tests(item[0], item[1][0], tmp, hide_reference=item[1][1]), jobs.items())
        return dict(zip(jobs, done))


def failures(records: dict[str, dict]) -> str:
    return "\n".join(f"  {name}: {r['status']}: {r['message'][:300]}" for name, r in records.items()
                     if r["status"] != "passed")


@pytest.mark.parametrize("exercise", IDS)
def test_every_test_passes_on_the_reference(runs, exercise: str) -> None:
    records = runs["reference"].get(exercise, {})
    assert records, f"{exercise}: no test ran"
    assert all(r["status"] == "passed" for r in records.values()), f"{exercise} on the reference:\n{failures(records)}"


@pytest.mark.parametrize("exercise", IDS)
def test_every_test_reports_not_started_on_the_stub(runs, exercise: str) -> None:
    records = runs["exercises"].get(exercise, {})
    assert records, f"{exercise}: no test ran"
    wrong = {name: r["status"] for name, r in records.items() if r["status"] != "not started"}
    assert not wrong, f"{exercise}: on the untouched stub these tests did not report 'not started': {wrong}"


@pytest.mark.parametrize("exercise", IDS)
def test_every_test_has_a_hint(runs, exercise: str) -> None:
    missing = [name for name, r in runs["reference"].get(exercise, {}).items() if not r["hint"].strip()]
    assert not missing, f"{exercise}: add @pytest.mark.hint(...) to {missing}"


@pytest.mark.parametrize("exercise", IDS)
def test_wheats_pass_without_the_reference_package(runs, exercise: str) -> None:
    assert variants(exercise, "wheat"), f"{exercise}: add tests/exercise_variants/{exercise}/wheat_1.py"
    for wheat in variants(exercise, "wheat"):
        records = runs[f"variant:{wheat}"].get(exercise, {})
        assert records and all(r["status"] == "passed" for r in records.values()), (
            f"{exercise}/{wheat} is a correct solution, but:\n{failures(records)}")


@pytest.mark.parametrize("exercise", IDS)
def test_at_least_three_chaffs(exercise: str) -> None:
    assert len(variants(exercise, "chaff")) >= 3, f"{exercise}: write at least three chaffs"


def chaff_module(exercise: str, chaff: str) -> tuple[str, str]:
    text = (VARIANTS_DIR / exercise / f"{chaff}.py").read_text()
    caught_by = re.search(r'^CAUGHT_BY = "(\w+)"', text, re.MULTILINE)
    docstring = re.match(r'\s*"""(.+?)"""', text, re.DOTALL)
    assert caught_by and docstring, f"{exercise}/{chaff}: needs a docstring naming the misconception and CAUGHT_BY"
    return caught_by.group(1), docstring.group(1)


@pytest.mark.parametrize("exercise, chaff", CHAFFS)
def test_chaff_is_caught_by_its_named_test(runs, exercise: str, chaff: str) -> None:
    caught_by, misconception = chaff_module(exercise, chaff)
    records = runs[f"variant:{chaff}"].get(exercise, {})
    # A parametrised test's records are named caught_by[params]; one failing case catches the chaff.
    named = [r for name, r in records.items() if name == caught_by or name.startswith(caught_by + "[")]
    assert named, f"{exercise}/{chaff}: no test named {caught_by}"
    assert any(r["status"] == "failed" for r in named), (
        f"{exercise}/{chaff} ({misconception.strip()}) was not caught by {caught_by}: "
        f"{sorted({r['status'] for r in named})}")
    assert all(r["hint"].strip() for r in named), f"{exercise}: {caught_by} needs a hint explaining: {misconception.strip()}"


# --- The exercises are well formed ---------------------------------------------


def test_manifest_ids_are_unique_and_ordered() -> None:
    ids = [entry["id"] for entry in MANIFEST["exercise"]]
    assert len(ids) == len(set(ids)) >= 12
    assert ids == sorted(ids), "exercises are numbered in the order a learner does them"


@pytest.mark.parametrize("exercise", IDS)
def test_manifest_entry_is_complete(exercise: str) -> None:
    entry = ENTRIES[exercise]
    assert (EXERCISES_DIR / exercise / f"{entry['module']}.py").is_file()
    assert (EXERCISES_DIR / exercise / f"test_{entry['module']}.py").is_file()
    assert (EXERCISES_DIR / exercise / "README.md").read_text().startswith(f"# {exercise}: ")
    assert entry["points"] > 0
    __import__(entry["reference"])


def texts(exercise: str, language: str) -> dict:
    return tomllib.loads((EXERCISES_DIR / exercise / f"texts.{language}.toml").read_text(encoding="utf-8"))


def functions_under_test(exercise: str) -> set[str]:
    source = (EXERCISES_DIR / exercise / f"test_{ENTRIES[exercise]['module']}.py").read_text()
    return set(re.findall(r"^def (test_\w+)\(", source, re.MULTILINE))


@pytest.mark.parametrize("exercise", IDS)
def test_every_test_has_one_hint_and_no_hint_is_stale(exercise: str) -> None:
    english = texts(exercise, "en")
    assert english["title"].strip() and english["hints"] and all(h.strip() for h in english["hints"])
    hinted, tests = set(english.get("tests", {})), functions_under_test(exercise)
    assert hinted == tests, (f"exercises/{exercise}/texts.en.toml [tests]: add hints for {sorted(tests - hinted)}, "
                             f"remove those of tests that no longer exist: {sorted(hinted - tests)}")


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
@pytest.mark.parametrize("exercise", IDS)
def test_exercise_texts_exist_in_every_language(exercise: str, language: str) -> None:
    english, translated = texts(exercise, "en"), texts(exercise, language)
    where = f"exercises/{exercise}/texts.{language}.toml"
    assert translated["title"].strip(), f"{where}: no title"
    assert len(translated["hints"]) == len(english["hints"]), f"{where}: {len(english['hints'])} hints, as in English"
    assert set(translated.get("tests", {})) == set(english.get("tests", {})), f"{where}: not the same tests as English"
    assert all(v.strip() for v in [*translated["hints"], *translated["tests"].values()]), f"{where}: an empty hint"
    readme = EXERCISES_DIR / exercise / f"README.{language}.md"
    assert readme.is_file(), f"exercises/{exercise}/README.{language}.md is missing"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("exercise", IDS)
def test_the_section_that_teaches_it_exists(exercise: str, language: str) -> None:
    page, _, anchor = ENTRIES[exercise]["section"].partition("#")
    text = (ROOT / "docs" / language / page).read_text(encoding="utf-8")
    assert f"{{#{anchor}}}" in text, (
        f"manifest.toml: {exercise}'s section {page}#{anchor} has no heading with {{#{anchor}}} in docs/{language}/{page}")


@pytest.mark.parametrize("exercise", IDS)
def test_stub_spells_the_task_id_one_way(exercise: str) -> None:
    stub = (EXERCISES_DIR / exercise / f"{ENTRIES[exercise]['module']}.py").read_text()
    assert f"TODO({exercise})" in stub
    assert f'NotImplementedError("{exercise}: ' in stub
    assert f'pytest.mark.exercise("{exercise}")' in (
        EXERCISES_DIR / exercise / f"test_{ENTRIES[exercise]['module']}.py").read_text()


def test_tests_and_variants_never_import_the_reference() -> None:
    offenders = [p.relative_to(ROOT).as_posix()
                 for p in [*EXERCISES_DIR.rglob("*.py"), *VARIANTS_DIR.rglob("*.py")]
                 if re.search(r"^\s*(from|import)\s+llmtriad\b", p.read_text(), re.MULTILINE)]
    assert offenders == []


@pytest.mark.parametrize("language", ["en", "zh", "it"])
def test_every_exercise_has_a_section_on_the_exercises_page(language: str) -> None:
    page = (ROOT / "docs" / language / "exercises.md").read_text()
    missing = [e for e in IDS if f"{{#{e}}}" not in page]
    assert not missing, f"docs/{language}/exercises.md has no heading with id for {missing}"
