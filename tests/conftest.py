"""Shared fixtures: one strict build of the whole site, served like GitHub Pages."""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from scripts import languages, site

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = list(languages.LANGUAGES)
# What a test copy of the project needs in order to build.
PROJECT_PARTS = ["mkdocs.yml", "mkdocs.zh.yml", "mkdocs.it.yml", "docs", "figures",
                 "hooks", "locales", "overrides", "llmtriad", "scripts"]


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole site, built strictly from the working tree (fails on any warning)."""
    site_dir = tmp_path_factory.mktemp("site")
    site.build(LANGUAGES, site_dir)
    return site_dir


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """The built site served on 127.0.0.1 at a free port, 404s answered as GitHub Pages does."""
    server = site.make_server(built_site, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


# Flags for a headless Chromium in a sandbox with no network: no background
# connections to Google's services, no GPU.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions",
]


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Chromium not found: run `make browser` (apt-get install chromium fonts-noto-cjk) "
                    "or set CHROMIUM to its path.", pytrace=False)
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def copy_project(parts: list[str], destination: Path) -> Path:
    """Copy these files and folders of the project (mtimes kept, caches left out) into destination."""
    for part in parts:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, destination / part,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        else:
            shutil.copy2(source, destination / part)
    return destination


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A copy of everything the build reads, to break on purpose."""
    return copy_project(PROJECT_PARTS, tmp_path)


EXEC_FENCE = re.compile(r'^(\s*```+\w+) .*\bexec="on".*$', re.MULTILINE)  # a markdown-exec fence line


@pytest.fixture
def quick_project_copy(project_copy: Path) -> Path:
    """The same copy with its notebooks and exec="on" code blocks rendered but not run (about
    10 s less per build), for the checks that are not about running code."""
    return make_quick(project_copy)


def make_quick(project_copy: Path) -> Path:
    """Make a project copy build without running code: notebooks and exec="on" blocks shown as they are."""
    config = project_copy / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "    execute: true\n" in text, "mkdocs.yml no longer says `execute: true` for mkdocs-jupyter"
    config.write_text(text.replace("    execute: true\n", "    execute: false\n"), encoding="utf-8")
    # Code blocks that run at build time (markdown-exec) are shown, not run. Their other
    # options (source="above" ...) go too: without exec, they would unmake the fence.
    for page in (project_copy / "docs").rglob("*.md"):
        source = page.read_text(encoding="utf-8")
        if ' exec="on"' in source:
            shown = EXEC_FENCE.sub(r"\1", source)
            assert ' exec="on"' not in shown, f"{page}: an exec block whose fence EXEC_FENCE does not recognise"
            page.write_text(shown, encoding="utf-8")
    return project_copy


def page_paths(language: str) -> list[str]:
    """Source paths of every page in one language, relative to its docs folder."""
    docs = ROOT / "docs" / language
    return sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*") if p.suffix in {".md", ".ipynb"})


def page_url(source: str) -> str:
    """The URL path (relative to a language root) that MkDocs gives a page source file."""
    stem = source.rsplit(".", 1)[0]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"
