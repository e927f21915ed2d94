"""Committed figures are exactly what their scripts produce now."""

from __future__ import annotations

import pytest

from scripts.figures import learning_path
from tests.conftest import LANGUAGES, ROOT


@pytest.mark.parametrize("language", LANGUAGES)
def test_learning_path_figure_is_up_to_date(language: str) -> None:
    committed = (ROOT / "figures" / f"learning-path.{language}.svg").read_text(encoding="utf-8")
    assert committed == learning_path.render(learning_path.STEPS[language]), (
        "figures/ is out of date: run python -m scripts.figures.learning_path"
    )


def test_every_language_has_every_step() -> None:
    assert set(learning_path.STEPS) == set(LANGUAGES)
    assert len({len(labels) for labels in learning_path.STEPS.values()}) == 1
