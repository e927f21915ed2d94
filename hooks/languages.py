"""One MkDocs build per language: settings per build, and page-tree parity.

Each language is its own build (mkdocs.yml for English, mkdocs.zh.yml and
mkdocs.it.yml for the others), published in the folder scripts/languages.py
names for it. The languages come from locales/languages.toml, the one list
every tool reads. This hook

* gives templates `extra.alternate`, the language switcher's entries, made
  from that list;
* points `site_url` at this build's folder, so canonical URLs, the sitemap and
  the 404 page use the right address;
* gives templates `extra.site_root`, the path from this build's root to the
  whole site's root, which the language switcher needs;
* fails the build when any language lacks a page that English has (or has a
  page English lacks): nothing falls back to English silently.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from scripts import languages

# Files that are pages (mkdocs-jupyter turns notebooks into pages).
PAGE_SUFFIXES = {".md", ".ipynb"}


def _page_paths(docs_dir: Path) -> set[str]:
    return {
        path.relative_to(docs_dir).as_posix()
        for path in docs_dir.rglob("*")
        if path.suffix in PAGE_SUFFIXES and ".ipynb_checkpoints" not in path.parts
    }


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    language = config.theme["language"]
    if language not in languages.LANGUAGES:
        raise PluginError(f"theme.language is {language!r}, not one of {', '.join(languages.LANGUAGES)} "
                          "(locales/languages.toml)")
    config.extra["alternate"] = [{"name": languages.NAMES[code], "link": languages.site_folder(code), "lang": code}
                                 for code in languages.LANGUAGES]
    folder = languages.site_folder(language)

    root_url = config.site_url or ""
    if not root_url.endswith("/"):
        raise PluginError(f"site_url must end with '/', got {root_url!r}.")
    config.site_url = root_url + folder
    config.extra["site_root"] = "../" * folder.count("/")
    return config


def on_pre_build(config: MkDocsConfig) -> None:
    docs_root = Path(config.docs_dir).parent
    reference = _page_paths(docs_root / languages.SOURCE)
    problems = []
    for language in languages.LANGUAGES:
        pages = _page_paths(docs_root / language)
        problems += [f"docs/{language}/{p} is missing (docs/en/{p} exists)" for p in sorted(reference - pages)]
        problems += [f"docs/{language}/{p} has no English original" for p in sorted(pages - reference)]
    if problems:
        raise PluginError("Every page must exist in every language:\n  " + "\n  ".join(problems))
