"""One term per concept: the glossary's variants to avoid appear nowhere a reader reads.

locales/glossary/<lang>.toml gives, per concept, the term each language uses,
a one-line definition in that language, and the variants it must not use.
This test searches the prose of every page (code and inline code aside: code
stays in English), the figure labels, the exercise texts and the definitions
of that language for them, and checks that the glossary page shows every term
and every definition (hooks/glossary.py renders it).
"""

from __future__ import annotations

import html
import importlib.util
import json
import re
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest
from mkdocs.exceptions import PluginError

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
            *sorted((ROOT / "locales" / "widgets").glob(f"{language}.toml")),
            *sorted((ROOT / "exercises").glob(f"e*/README.{language}.md")),
            *sorted((ROOT / "exercises").glob(f"e*/texts.{language}.toml"))]


def load_hook() -> ModuleType:
    """hooks/glossary.py, loaded the way MkDocs loads a hook."""
    spec = importlib.util.spec_from_file_location("glossary_hook", ROOT / "hooks/glossary.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


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


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_concept_has_a_term_and_a_definition(language: str) -> None:
    concepts = set(GLOSSARY["en"]["terms"])
    glossary = GLOSSARY[language]
    for table in ("terms", "definitions"):
        entries = glossary.get(table, {})
        missing = sorted(c for c in concepts if not str(entries.get(c, "")).strip())
        assert not missing, f"locales/glossary/{language}.toml [{table}]: nothing for {missing}"
        unknown = sorted(set(entries) - concepts)
        assert not unknown, f"locales/glossary/{language}.toml [{table}]: unknown concepts {unknown}"
    assert glossary.get("page", {}).get("definition"), f"locales/glossary/{language}.toml [page]: no `definition`"


def test_every_concept_is_in_one_topic() -> None:
    listed = [c for members in GLOSSARY["en"]["topics"].values() for c in members]
    assert sorted(listed) == sorted(GLOSSARY["en"]["terms"]), "locales/glossary/en.toml [topics]: each concept once"


def test_the_hook_reads_the_glossary_it_is_given() -> None:
    hook = load_hook()
    glossaries = hook.load()
    assert glossaries.concepts == list(GLOSSARY["en"]["terms"])
    assert list(glossaries.topics) == list(GLOSSARY["en"]["topics"])
    page = "".join(f"## {topic}\n\n<!-- glossary: {topic} -->\n\n" for topic in glossaries.topics)
    rendered = hook.render(page, "it", "docs/it/glossary.md", glossaries)
    assert "<!--" not in rendered and "| English | 中文 | Italiano | Definizione |" in rendered
    assert GLOSSARY["it"]["definitions"]["kv_cache"] in rendered


@pytest.mark.parametrize("page, error", [
    ("<!-- glossary: nonsense -->\n", "unknown glossary marker"),
    ("<!-- glossary: attention -->\n", "shows every topic once"),
    ("Text <!-- glossary -->\n", None),  # not a marker: inside a paragraph it is left alone
    ("  <!-- glossary -->\n", "is not a glossary marker"),
    ("<!-- glossary --> and more\n", "is not a glossary marker"),
])
def test_the_hook_fails_on_what_it_does_not_understand(page: str, error: str | None) -> None:
    hook = load_hook()
    if error is None:
        assert hook.render(page, "en", "x.md") == page
        return
    with pytest.raises(PluginError, match=error):
        hook.render(page, "en", "x.md")


def test_the_hook_rejects_a_glossary_that_lacks_a_definition(tmp_path: Path) -> None:
    hook = load_hook()
    locales = tmp_path / "locales"
    (locales / "glossary").mkdir(parents=True)
    (locales / "languages.toml").write_text((ROOT / "locales/languages.toml").read_text(encoding="utf-8"))
    for language in LANGUAGES:
        text = (ROOT / f"locales/glossary/{language}.toml").read_text(encoding="utf-8")
        if language == "it":
            line = f'kv_cache = "{GLOSSARY["it"]["definitions"]["kv_cache"]}"\n'
            assert text.count(line) == 1
            text = text.replace(line, "")
        (locales / "glossary" / f"{language}.toml").write_text(text, encoding="utf-8")
    with pytest.raises(PluginError, match=r"it\.toml \[definitions\]: missing \['kv_cache'\]"):
        hook.load(locales)


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_variant_to_avoid_is_used(language: str) -> None:
    avoid = GLOSSARY[language].get("avoid", {})
    texts = {str(path.relative_to(ROOT)): prose(path) for path in readable_files(language)}
    definitions = "\n".join(GLOSSARY[language]["definitions"].values())
    texts[f"locales/glossary/{language}.toml [definitions]"] = CODE.sub(" ", definitions)
    offences = [f"{where}: {variant!r} (use {GLOSSARY[language]['terms'][concept]!r})"
                for where, text in texts.items() for concept, variants in avoid.items()
                for variant in variants if found(variant, text)]
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


def visible_text(page_html: str) -> str:
    """What a reader sees of a built page: no tags, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", page_html))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_glossary_page_shows_every_term_and_definition(built_site: Path, language: str) -> None:
    page = built_site / languages.site_folder(language) / "glossary/index.html"
    text = visible_text(page.read_text(encoding="utf-8"))
    missing = [t for lang in LANGUAGES for t in GLOSSARY[lang]["terms"].values() if t not in text]
    missing += [d for d in GLOSSARY[language]["definitions"].values() if d.replace("`", "") not in text]
    assert not missing, f"{language}/glossary: the page lacks {missing[:5]}"
