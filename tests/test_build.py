"""The strict build: what it produces, and what makes it fail."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from scripts import languages, site
from tests.conftest import LANGUAGES, PROJECT_PARTS, ROOT, copy_project, make_quick, page_paths, page_url

# Tags and CSS through which a page makes the browser fetch something from
# another host. (<link rel="canonical"> names an address but fetches nothing.)
FETCHING = re.compile(
    r"""<(?:script|img|iframe|source|audio|video)\b[^>]*\bsrc=["'](?:https?:)?//"""
    r"""|<link\b(?![^>]*rel=["']canonical)[^>]*\bhref=["'](?:https?:)?//"""
    r"""|url\(\s*["']?(?:https?:)?//|@import\s+["']?(?:https?:)?//""",
    re.IGNORECASE,
)


def language_dir(built_site: Path, language: str) -> Path:
    return built_site / languages.site_folder(language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_is_built_in_its_language(built_site: Path, language: str) -> None:
    for source in page_paths(language):
        html = (language_dir(built_site, language) / page_url(source) / "index.html").read_text()
        assert f'<html lang="{language}"' in html, f"{language}/{source} is not marked as {language}"


def test_no_page_loads_anything_from_another_host(built_site: Path) -> None:
    offenders = [
        f"{path.relative_to(built_site)}: {match.group(0)}"
        for path in built_site.rglob("*")
        if path.suffix in {".html", ".css"}
        for match in FETCHING.finditer(path.read_text(errors="replace"))
    ]
    assert offenders == []


class _Links(HTMLParser):
    """The href of every <a> and every id of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("href"):
            self.hrefs.append(found["href"] or "")
        if found.get("id"):
            self.ids.add(found["id"] or "")


def _parse(page: Path) -> _Links:
    links = _Links()
    links.feed(page.read_text(encoding="utf-8"))
    return links


def test_every_link_between_pages_leads_somewhere(built_site: Path) -> None:
    # MkDocs checks the links it converts; a notebook's Markdown links pass through
    # nbconvert untouched, so a `../page.md` there would only break in the reader's browser.
    pages = {page: _parse(page) for page in built_site.rglob("*.html")}
    broken = []
    for page, links in pages.items():
        for href in links.hrefs:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith(("#", "mailto:")) or not parts.path:
                continue
            # The 404 page links from the site's root (it is served at any depth).
            base = built_site if parts.path.startswith("/") else page.parent
            target = (base / unquote(parts.path).lstrip("/")).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(built_site)}: {href} (no such file)")
            elif parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else _parse(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{page.relative_to(built_site)}: {href} (no such anchor)")
    assert not broken, "links that lead nowhere:\n" + "\n".join(broken)


@pytest.mark.parametrize("language", LANGUAGES)
def test_notebooks_render_as_pages_with_outputs(built_site: Path, language: str) -> None:
    html = (language_dir(built_site, language) / "notebooks/first-attention/index.html").read_text()
    assert '"cells"' not in html, "the notebook came out as raw JSON"
    assert "<title>None" not in html
    assert "jp-OutputArea-output" in html, "the notebook's outputs are missing"
    assert "row sums: [1. 1. 1.]" in html, "the executed cell's output is missing"
    assert "Load mathjax" not in html, "nbconvert's CDN MathJax loader was not removed"
    assert "--md-red-50:" not in html, "JupyterLab's whole stylesheet is still inlined in the page"
    assert '<link rel="stylesheet" href="../../assets/stylesheets/notebook.css">' in html
    shared = language_dir(built_site, language) / "assets/stylesheets/notebook.css"
    assert ".jupyter-wrapper .jp-InputPrompt" in shared.read_text() and shared.stat().st_size < 60_000


def test_each_language_keeps_its_own_notebook(built_site: Path) -> None:
    titles = {
        language: re.search(r"<title>(.*?)</title>", (language_dir(built_site, language)
                  / "notebooks/first-attention/index.html").read_text()).group(1)
        for language in LANGUAGES
    }
    assert len(set(titles.values())) == len(LANGUAGES), f"notebook pages share a title: {titles}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_figures_are_published_in_the_page_language(built_site: Path, language: str) -> None:
    published = language_dir(built_site, language) / "figures" / "learning-path.svg"
    assert published.read_bytes() == (ROOT / "figures" / f"learning-path.{language}.svg").read_bytes()


@pytest.mark.parametrize("language", LANGUAGES)
def test_math_is_typeset_at_build_time(built_site: Path, language: str) -> None:
    root = language_dir(built_site, language)
    for page in ("attention/index.html", "notebooks/first-attention/index.html"):
        html = (root / page).read_text()
        assert "<mjx-container" in html, f"{page}: no typeset formula"
        assert re.search(r'<(span|div) class="arithmatex">\\[(\[]', html) is None, f"{page}: TeX left as text"
        depth = "../" * page.count("/")
        assert f'<link rel="stylesheet" href="{depth}assets/mathjax/chtml.css">' in html, page
        assert "tex-chtml" not in html and "math.js" not in html, f"{page}: loads MathJax in the browser"
    css = (root / "assets/mathjax/chtml.css").read_text()
    fonts = set(re.findall(r'url\("woff-v2/([^"]+)"\)', css))
    assert fonts, "the math stylesheet names no font"
    assert fonts <= {p.name for p in (root / "assets/mathjax/woff-v2").glob("*.woff")}, "a math font is missing"
    assert "mjx-c" in css
    # A page without math carries no math stylesheet.
    assert "chtml.css" not in (root / "glossary/index.html").read_text()


def test_chinese_search_index_is_segmented_and_chinese_only(built_site: Path) -> None:
    index = json.loads((built_site / "zh" / "search" / "search_index.json").read_text())
    text = " ".join(doc["text"] for doc in index["docs"])
    assert "\u200b" in text, "Chinese text was not segmented into words (is jieba installed?)"
    english = json.loads((built_site / "search" / "search_index.json").read_text())
    english_titles = {doc["title"] for doc in english["docs"] if doc["location"] == ""}
    assert not english_titles & {doc["title"] for doc in index["docs"]}, "the Chinese index holds English pages"


def test_language_switcher_links_to_the_same_page(built_site: Path) -> None:
    html = (built_site / "zh" / "notebooks/first-attention/index.html").read_text()
    links = dict(re.findall(r'<a href="([^"]+)" hreflang="(\w+)" class="md-select__link"', html))
    assert {v: k for k, v in links.items()} == {
        "en": "../../../notebooks/first-attention/",
        "zh": "../../../zh/notebooks/first-attention/",
        "it": "../../../it/notebooks/first-attention/",
    }


def test_404_page_uses_absolute_links(built_site: Path) -> None:
    html = (built_site / "404.html").read_text()
    assert 'href="/assets/stylesheets/' in html, "assets on the 404 page must not be relative"
    for home in ('href="/"', 'href="/zh/"', 'href="/it/"'):
        assert home in html


# --- What fails the build -----------------------------------------------------


def build_fails(project: Path, language: str, expected: str) -> None:
    with pytest.raises(site.BuildError) as failure:
        site.build_language(language, project / "site", root=project)
    assert expected in str(failure.value)


@pytest.fixture(scope="module")
def broken_italian_build(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One Italian build of a copy broken four ways at once (a strict build reports every warning
    before it stops): a broken link, a broken anchor, a missing figure, and a figure whose Italian
    copy is missing. Its log, which must hold the four reports."""
    project = make_quick(copy_project(PROJECT_PARTS, tmp_path_factory.mktemp("broken")))
    page = project / "docs/it/contributing.md"
    page.write_text(page.read_text() + "\n[link](no-such-page.md)\n\n[link](index.md#no-such-heading)\n"
                    "\n![figure](figures/no-such-figure.svg)\n")
    (project / "figures/learning-path.it.svg").unlink()
    with pytest.raises(site.BuildError) as failure:
        site.build_language("it", project / "site", root=project)
    return str(failure.value)


def test_the_broken_copy_reports_its_four_faults_and_nothing_else(broken_italian_build: str) -> None:
    # The copy builds cleanly but for what was broken on purpose, so the checks below mean something.
    faults = ("no-such-page.md", "#no-such-heading", "no-such-figure.svg", "figures/learning-path.svg")
    warnings = [line for line in broken_italian_build.splitlines() if "WARNING" in line]
    others = [line for line in warnings if not any(fault in line for fault in faults)]
    assert warnings and not others, f"warnings that were not planted: {others}"


def test_a_broken_link_fails_the_build(broken_italian_build: str) -> None:
    assert "no-such-page.md" in broken_italian_build


def test_a_broken_anchor_fails_the_build(broken_italian_build: str) -> None:
    assert "no-such-heading" in broken_italian_build


def test_a_missing_figure_fails_the_build(broken_italian_build: str) -> None:
    assert "no-such-figure.svg" in broken_italian_build


def test_a_figure_missing_in_one_language_fails_that_build(broken_italian_build: str) -> None:
    assert "learning-path.svg" in broken_italian_build


def test_a_page_missing_in_one_language_fails_every_build(quick_project_copy: Path) -> None:
    (quick_project_copy / "docs/it/contributing.md").unlink()
    build_fails(quick_project_copy, "en", "docs/it/contributing.md is missing")


def test_a_failing_notebook_cell_fails_the_build(project_copy: Path) -> None:
    path = project_copy / "docs/zh/notebooks/first-attention.ipynb"
    notebook = json.loads(path.read_text())
    notebook["cells"].append({"cell_type": "code", "metadata": {}, "execution_count": None,
                              "outputs": [], "source": "raise RuntimeError('cell failed on purpose')"})
    path.write_text(json.dumps(notebook))
    # Only the broken notebook needs running: the others would take most of the build's time.
    config = project_copy / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    others = [f'"*/{p.name}"' for p in path.parent.glob("*.ipynb") if p != path]
    config.write_text(text.replace("    execute: true\n", f"    execute: true\n    execute_ignore: [{', '.join(others)}]\n"),
                      encoding="utf-8")
    build_fails(project_copy, "zh", "cell failed on purpose")


@pytest.mark.parametrize("language", LANGUAGES)
def test_notebook_math_uses_dollar_delimiters(language: str) -> None:
    # Notebook Markdown treats "\(" as an escaped "(", so \(x\) would come out as (x).
    for source in page_paths(language):
        if source.endswith(".ipynb"):
            cells = json.loads((ROOT / "docs" / language / source).read_text())["cells"]
            for cell in cells:
                text = "".join(cell["source"])
                if cell["cell_type"] == "markdown":
                    assert not re.search(r"\\\(|\\\[", text), f"{language}/{source}: write math as $...$"


@pytest.mark.parametrize("language", LANGUAGES)
def test_measured_on_names_the_machine_in_the_page_language(built_site: Path, language: str) -> None:
    from scripts.figures.common import device_label

    info = json.loads((ROOT / "figures/kv-decoding-time.json").read_text(encoding="utf-8"))["device_info"]
    html = (language_dir(built_site, language) / "kv-cache/index.html").read_text(encoding="utf-8")
    assert device_label(info, language) in html and "[[measured-on" not in html


@pytest.mark.parametrize("language, notice", [("en", "Text CC BY 4.0"), ("zh", "文字采用 CC BY 4.0"),
                                              ("it", "Testi CC BY 4.0")])
def test_the_footer_speaks_the_page_language(built_site: Path, language: str, notice: str) -> None:
    assert notice in (language_dir(built_site, language) / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("language", LANGUAGES)
def test_only_images_of_the_figures_are_published(built_site: Path, language: str) -> None:
    # figures/ also holds the figures page (figures/index.html); the numbers stay in the repository.
    folder = language_dir(built_site, language) / "figures"
    assert sorted(p.suffix for p in folder.iterdir() if p.is_file()) and not list(folder.glob("*.json")), (
        "the site publishes the figures' JSON or the manifest")
