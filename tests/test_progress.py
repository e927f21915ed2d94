"""The progress page, in Chromium: pages visited, quiz results and grades, kept in the browser."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from grader.records import ExerciseStatus, Result
from scripts import languages
from tests.conftest import LANGUAGES, ROOT

pytestmark = pytest.mark.browser

PROGRESS = "[data-course-widget='progress']"


def texts(language: str) -> dict[str, str]:
    return tomllib.loads((ROOT / "locales" / "widgets" / f"{language}.toml").read_text(encoding="utf-8"))["progress"]


def grade_report(path: Path) -> Path:
    """A report as the grader writes it (grader/cli.py: {"impl", "exercises": [Result.to_json()]})."""
    results = [Result("e01_attention", "Scaled dot-product attention", 5.0, 5, ExerciseStatus.DONE),
               Result("e03_masks", "Masks", 1.5, 4, ExerciseStatus.IN_PROGRESS)]
    path.write_text(json.dumps({"impl": "exercises", "exercises": [r.to_json() for r in results]}), encoding="utf-8")
    return path


@pytest.mark.parametrize("language", LANGUAGES)
def test_progress_is_kept_in_the_browser(browser: Browser, site_url: str, language: str, tmp_path: Path) -> None:
    root = site_url + languages.site_folder(language)
    t = texts(language)
    context = browser.new_context()  # a fresh profile: nothing kept yet
    page = context.new_page()
    page.goto(root + "attention/", wait_until="load")
    # Answer the first question of the masks chapter, rightly.
    page.goto(root + "masks/", wait_until="load")
    right = page.locator("#quiz-0 input[data-correct='true']").first
    page.locator(f"#quiz-0 label[for='{right.get_attribute('id')}']").click()
    page.locator("#quiz-0 .quiz-feedback-item.correct").wait_for(state="visible")
    total = page.locator(".quiz").count()

    page.goto(root + "progress/", wait_until="load")
    page.wait_for_selector(f"{PROGRESS}[data-ready='true']")
    prefix = "/" + languages.site_folder(language)
    assert page.get_attribute(f"tr[data-path='{prefix}attention/']", "data-visited") == "true"
    assert page.get_attribute(f"tr[data-path='{prefix}kv-cache/']", "data-visited") == "false"
    masks_row = page.locator(f"tr[data-path='{prefix}masks/'] td").nth(2).inner_text()
    assert masks_row == t["quiz_score"].format(correct=1, total=total, answered=1)
    assert page.locator(PROGRESS).inner_text().count(t["grades_none"]) == 1

    # A file that is not a report is refused with a message; the grader's report is kept.
    (tmp_path / "notes.txt").write_text("not json", encoding="utf-8")
    page.set_input_files("#progress-grades", tmp_path / "notes.txt")
    page.wait_for_function("([selector, text]) => document.querySelector(selector).textContent === text",
                           arg=[f"{PROGRESS} .course-widget__message", t["grades_not_json"]])
    page.set_input_files("#progress-grades", grade_report(tmp_path / "grades.json"))
    page.wait_for_selector("tr[data-exercise='e03_masks']")
    assert page.locator("tr[data-exercise='e03_masks'] td").nth(1).inner_text() == t["points_of"].format(
        points=1.5 if language == "en" else ("1,5" if language == "it" else "1.5"), max=4)

    # All of it survives a reload.
    page.reload(wait_until="load")
    page.wait_for_selector("tr[data-exercise='e01_attention']")
    assert page.get_attribute(f"tr[data-path='{prefix}masks/']", "data-visited") == "true"
    context.close()
