"""The course's languages: the one list every tool reads (locales/languages.toml).

English is the source; each other language translates it. A language's site
is built from docs/<lang>/ with mkdocs.yml (English) or mkdocs.<lang>.yml, and
published at the site's root (English) or in <lang>/.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_TABLE = tomllib.loads((ROOT / "locales" / "languages.toml").read_text(encoding="utf-8"))

SOURCE: str = _TABLE["source"]
LANGUAGES: tuple[str, ...] = tuple(_TABLE["languages"])  # the source first, then the switcher's order
TRANSLATIONS: tuple[str, ...] = tuple(code for code in LANGUAGES if code != SOURCE)
NAMES: dict[str, str] = {code: entry["name"] for code, entry in _TABLE["languages"].items()}
DECIMAL: dict[str, str] = {code: entry["decimal"] for code, entry in _TABLE["languages"].items()}
THOUSANDS: dict[str, str] = {code: entry["thousands"] for code, entry in _TABLE["languages"].items()}


def config_file(language: str) -> str:
    """The MkDocs configuration that builds one language."""
    return "mkdocs.yml" if language == SOURCE else f"mkdocs.{language}.yml"


def site_folder(language: str) -> str:
    """Where a language's site lives under the site root: "" for English, "zh/" for Chinese."""
    return "" if language == SOURCE else f"{language}/"
