"""One term per concept: the glossary's variants to avoid appear nowhere a reader reads.

locales/glossary/<lang>.toml gives, per concept, the term each language uses
and the variants it must not use. This test searches the prose of every page
(code and inline code aside: code stays in English), the figure labels and
the exercise texts of that language for them.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from scripts import languages
from tests.conftest import LANGUAGES, ROOT

GLOSSARY = {lang: tomllib.loads((ROOT / f"locales/glossary/{lang}.toml").read_text(encoding="utf-8"))
            for lang in LANGUAGES}
TRANSLATED = list(languages.TRANSLATIONS)
CODE = re.compile(r"^```.*?^```|`[^`\n]+`|\]\([^)]*\)", re.MULTILINE | re.DOTALL)  # code, and link targets


def prose(path: Path) -> str:
    """What a reader reads in a file: no code, no inline code, no link targets."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        text = "\n".join("".join(c["source"]) for c in json.loads(text)["cells"] if c["cell_type"] == "markdown")
    elif path.suffix == ".toml":
        def strings(value: object) -> list[str]:
            if isinstance(value, str):
                return [value]
            items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
            return [s for item in items for s in strings(item)]

        data = tomllib.loads(text)
        data.pop("translation_of", None)
        text = "\n".join(strings(data))
    return CODE.sub(" ", text)


def readable_files(language: str) -> list[Path]:
    return [*sorted((ROOT / "docs" / language).rglob("*.md")), *sorted((ROOT / "docs" / language).rglob("*.ipynb")),
            *sorted((ROOT / "locales" / "figures").glob(f"{language}.toml")),
            *sorted((ROOT / "exercises").glob(f"e*/README.{language}.md")),
            *sorted((ROOT / "exercises").glob(f"e*/texts.{language}.toml"))]


def found(variant: str, text: str) -> bool:
    if variant.isascii():  # a Latin word: whole words only, any case
        return re.search(rf"(?<!\w){re.escape(variant)}(?!\w)", text, re.IGNORECASE) is not None
    return variant in text


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_language_names_every_concept(language: str) -> None:
    english, translated = GLOSSARY["en"]["terms"], GLOSSARY[language]["terms"]
    assert set(translated) == set(english), f"locales/glossary/{language}.toml: not the same concepts as en.toml"
    assert all(term.strip() for term in translated.values())
    assert set(GLOSSARY[language].get("avoid", {})) <= set(english), "a variant to avoid for an unknown concept"


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_variant_to_avoid_is_used(language: str) -> None:
    avoid = GLOSSARY[language].get("avoid", {})
    offences = [f"{path.relative_to(ROOT)}: {variant!r} (use {GLOSSARY[language]['terms'][concept]!r})"
                for path in readable_files(language) for concept, variants in avoid.items()
                for variant in variants if found(variant, prose(path))]
    assert not offences, "\n".join(offences)


def test_the_search_finds_what_it_looks_for(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("Il seme fissa i pesi. `seme` nel codice non conta.\n```\nseme\n```\n", encoding="utf-8")
    assert found("seme", prose(page)) and prose(page).count("seme") == 1
    assert not found("seme", "i semestri") and found("GPU 内存", "占用 GPU 内存")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_contributing_page_shows_the_glossary(built_site: Path, language: str) -> None:
    html = (built_site / languages.site_folder(language) / "contributing/index.html").read_text(encoding="utf-8")
    missing = [t for t in GLOSSARY[language]["terms"].values() if t.replace("&", "&amp;") not in html]
    assert not missing, f"{language}/contributing: the glossary table lacks {missing[:5]}"
