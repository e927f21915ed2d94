"""The built site in a real browser: Debian's Chromium driven by Playwright.

Every page in every language is loaded from a local server with the network
to any other host cut off. These tests never skip: without Chromium they fail
and say how to install it (`make browser`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Request, Route

from hooks import notebook_css
from hooks import notebooks as notebook_hook
from scripts import languages
from tests.conftest import LANGUAGES, page_paths, page_url

pytestmark = pytest.mark.browser

RAW_TEX = r"\\\(|\\\[|\$\$"


@dataclass
class Visit:
    """What one page did while it loaded."""

    page: Page
    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return self.errors + [f"request to another host: {url}" for url in self.foreign]


def open_page(context: BrowserContext, site_url: str, path: str, expect_status: int = 200,
              wait_until: str = "load") -> Visit:
    """Open a page of the site, recording console errors, failed requests and foreign hosts.

    wait_until="commit" returns as soon as the server has answered, so that several
    pages can load at once; the caller then waits for each.
    """
    page = context.new_page()
    record = Visit(page)
    local_host = urlsplit(site_url).netloc

    def route(route: Route, request: Request) -> None:
        if urlsplit(request.url).netloc == local_host or request.url.startswith("data:"):
            route.continue_()
        else:
            record.foreign.append(request.url)
            route.abort()

    def console(message) -> None:
        # A page asked to answer 404 logs its own status; anything else counts.
        own_status = expect_status != 200 and message.location.get("url") == site_url + path
        if message.type == "error" and not own_status:
            record.errors.append(f"console: {message.text} ({message.location.get('url')})")

    page.route("**/*", route)
    page.on("console", console)
    page.on("pageerror", lambda e: record.errors.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: record.errors.append(f"failed: {r.url} {r.failure}"))
    response = page.goto(site_url + path, wait_until=wait_until)
    assert response is not None and response.status == expect_status, f"{path}: HTTP {response and response.status}"
    page.on("response", lambda r: r.status >= 400 and record.errors.append(f"HTTP {r.status}: {r.url}"))
    return record


@pytest.fixture
def visit(browser: Browser, site_url: str) -> Iterator:
    """Open pages of the site in one fresh browser context (see open_page)."""
    context = browser.new_context()
    yield lambda path, expect_status=200: open_page(context, site_url, path, expect_status)
    context.close()


def all_pages() -> list[str]:
    return [
        languages.site_folder(language) + page_url(source)
        for language in LANGUAGES
        for source in page_paths(language)
    ]


def wait_for_math(page: Page) -> None:
    """Wait for the math fonts: the formulas come typeset from the build (hooks/math.py)."""
    page.evaluate("() => document.fonts.ready.then(() => true)")


@dataclass
class PageCheck:
    """What the checks of test_page_loads_cleanly found on one page."""

    problems: list[str]
    raw_tex: str | None = None  # the text around TeX that the build left untypeset
    broken_images: list[str] = field(default_factory=list)
    too_wide: list[str] = field(default_factory=list)  # what sticks out of a 390-pixel screen


def check_page(record: Visit) -> PageCheck:
    page = record.page
    # A page has nothing left to fetch once loaded: its math comes typeset and its
    # search index waits for the reader (no "networkidle" wait, half a second a page).
    page.wait_for_load_state("load")
    wait_for_math(page)
    raw_tex = page.evaluate(
        """(pattern) => {
            const article = document.querySelector('article').cloneNode(true);
            article.querySelectorAll('mjx-container, pre, code, script, .quiz').forEach(e => e.remove());
            const match = article.textContent.match(new RegExp(pattern));
            return match ? article.textContent.slice(Math.max(0, match.index - 40), match.index + 40) : null;
        }""",
        RAW_TEX,
    )
    broken = page.evaluate(
        "() => [...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)"
    )
    # On a phone: the page must not scroll sideways, and a formula wider than the column
    # must sit in a box that scrolls, not be cut off.
    too_wide = page.evaluate(
        """() => {
            const wide = [];
            const doc = document.documentElement;
            if (doc.scrollWidth > doc.clientWidth + 1) wide.push(`the page is ${doc.scrollWidth} px wide`);
            for (const math of document.querySelectorAll('mjx-container[display="true"]')) {
                let box = math.parentElement, scrolls = false;
                for (; box && box !== document.body; box = box.parentElement) {
                    if (['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) { scrolls = true; break; }
                }
                if (!scrolls && math.scrollWidth > math.parentElement.clientWidth + 1) {
                    wide.push('a formula is cut: ' + math.textContent.slice(0, 40));
                }
            }
            return wide;
        }"""
    )
    return PageCheck(record.problems(), raw_tex, broken, too_wide)


PAGES_AT_ONCE = 4  # their waits overlap: about twice as fast as one at a time on two cores
PHONE = {"width": 390, "height": 844}  # every page is checked at a phone's width


@pytest.fixture(scope="session")
def page_checks(browser: Browser, site_url: str) -> dict[str, PageCheck]:
    """Every page of every language, loaded a few at a time in one context, and what each did."""
    context = browser.new_context(viewport=PHONE)
    checks: dict[str, PageCheck] = {}
    paths = all_pages()
    for start in range(0, len(paths), PAGES_AT_ONCE):
        loading = [(path, open_page(context, site_url, path, wait_until="commit"))
                   for path in paths[start : start + PAGES_AT_ONCE]]
        for path, record in loading:
            try:
                checks[path] = check_page(record)
            except Exception as error:  # a timeout on one page fails that page's test only
                checks[path] = PageCheck(record.problems() + [f"{type(error).__name__}: {error}"])
            record.page.close()
    context.close()
    return checks


@pytest.mark.parametrize("path", all_pages())
def test_page_loads_cleanly(page_checks: dict[str, PageCheck], path: str) -> None:
    check = page_checks[path]
    assert check.problems == []
    assert check.raw_tex is None, f"raw TeX left on the page: ...{check.raw_tex}..."
    assert check.broken_images == []
    assert check.too_wide == [], f"at {PHONE['width']} px"


@pytest.mark.parametrize("language", LANGUAGES)
def test_quiz_math_is_rendered(visit, language: str) -> None:
    page = visit(languages.site_folder(language)).page
    wait_for_math(page)
    assert page.locator("#quiz-0 .quiz-question mjx-container").count() >= 1


@pytest.mark.parametrize("start, choice, expected", [
    ("notebooks/first-attention/", "中文", "zh/notebooks/first-attention/"),
    ("zh/notebooks/first-attention/", "Italiano", "it/notebooks/first-attention/"),
    ("it/contributing/", "English", "contributing/"),
])
def test_language_switcher_keeps_the_page(visit, site_url: str, start: str, choice: str, expected: str) -> None:
    page = visit(start).page
    page.locator(".md-header__option .md-select").hover()
    page.get_by_role("link", name=choice, exact=True).click()
    page.wait_for_load_state("load")
    assert page.url == site_url + expected


def search(page: Page, query: str) -> list[str]:
    """Type a query into Material's search; return the result links."""
    page.locator("label.md-search__icon").first.click() if page.locator(".md-search__input").is_hidden() else None
    box = page.locator(".md-search__input")
    box.fill(query)
    # Typing CJK sends no keyup, which Material's search listens for.
    box.press("End")
    page.wait_for_selector(".md-search-result__item", timeout=10_000)
    return page.eval_on_selector_all(".md-search-result__item a", "els => els.map(e => e.href)")


def test_search_finds_an_english_term(visit, site_url: str) -> None:
    results = search(visit("").page, "KV-cache")
    assert results and all(not r.startswith((site_url + "zh/", site_url + "it/")) for r in results)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_notebook_pages_look_the_same_with_jupyterlabs_whole_stylesheet(visit, dark: bool) -> None:
    # hooks/notebook_css.py serves only the rules the notebooks use; adding back every rule
    # JupyterLab has must change no pixel of the page's content, the notebook. The header is left
    # out: a hover effect there changes a few pixels from one screenshot to the next.
    page = visit("notebooks/masks-in-practice/").page
    page.set_viewport_size({"width": 1200, "height": 900})
    if dark:
        page.locator("form[data-md-component=palette] label:visible").first.click()
    page.mouse.move(0, 0)
    page.wait_for_timeout(500)  # the palette's transition
    notebook = page.locator("article")
    pruned = notebook.screenshot(animations="disabled")
    page.evaluate("""css => {
        const style = document.createElement('style');
        style.textContent = css;
        document.querySelector('link[href$="notebook.css"]').before(style);  // where mkdocs-jupyter put it
    }""", notebook_css.jupyterlab_css())
    page.wait_for_timeout(100)
    assert notebook.screenshot(animations="disabled") == pruned


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_notebook_page_offers_its_notebook_with_outputs(visit, language: str) -> None:
    page = visit(languages.site_folder(language) + "notebooks/first-attention/").page
    bar = page.get_by_role("group", name=notebook_hook.run_text(language)["label"])
    link = bar.get_by_role("link", name=notebook_hook.run_text(language)["download"])
    assert link.is_visible()
    with page.expect_download() as download:
        link.click()
    notebook = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    outputs = [o for cell in notebook["cells"] if cell["cell_type"] == "code" for o in cell["outputs"]]
    assert any("row sums" in "".join(o.get("text", "")) for o in outputs), "the notebook has no outputs"
    assert bar.get_by_text(notebook_hook.run_text(language)["local_note"]).is_visible()  # no repository here


def test_the_search_index_loads_only_when_the_reader_turns_to_search(visit) -> None:
    page = visit("attention/").page
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    loaded = page.evaluate("() => performance.getEntriesByType('resource').map(entry => entry.name)")
    assert any("bundle" in url for url in loaded), "the page's resources were not recorded"
    assert not any("search_index.json" in url for url in loaded), "the index was loaded with the page"
    with page.expect_request(lambda request: request.url.endswith("/search/search_index.json")):
        page.keyboard.press("/")  # Material's key for search
    assert search(page, "softmax"), "search found nothing once its index had loaded"


def test_search_finds_a_chinese_term_inside_a_word_on_chinese_pages_only(visit, site_url: str) -> None:
    # 掩码 appears on the Chinese pages only inside longer words such as 注意力掩码.
    results = search(visit("zh/").page, "掩码")
    assert results, "no Chinese result"
    assert all(r.startswith(site_url + "zh/") for r in results), f"non-Chinese results: {results}"


@pytest.mark.parametrize("language, retry", [("en", "Try Again"), ("zh", "再试一次"), ("it", "Riprova")])
def test_quiz_explains_each_answer_in_the_page_language(visit, language: str, retry: str) -> None:
    page = visit(languages.site_folder(language)).page

    wrong = page.locator("#quiz-0 input:not([data-correct])").first
    explanation = page.locator(f"#quiz-0 input[id='{wrong.get_attribute('id')}'] ~ .answer-feedback")
    page.locator(f"#quiz-0 label[for='{wrong.get_attribute('id')}']").click()
    verdict = page.locator("#quiz-0 .quiz-feedback-item.incorrect")
    verdict.wait_for(state="visible")
    assert explanation.text_content().strip() in verdict.inner_text()
    assert page.locator("#quiz-0 .quiz-reset-button").text_content().strip() == retry

    right = page.locator("#quiz-1 input[data-correct='true']")
    page.locator(f"#quiz-1 label[for='{right.get_attribute('id')}']").click()
    page.locator("#quiz-1 .quiz-feedback-item.correct").wait_for(state="visible")


@pytest.mark.parametrize("language", LANGUAGES)
def test_missing_page_gets_the_404_page(visit, language: str) -> None:
    prefix = languages.site_folder(language)
    record = visit(prefix + "no/such/page/", expect_status=404)
    page = record.page
    page.wait_for_load_state("networkidle")
    assert record.problems() == []
    assert page.locator(".course-404 a").count() == 3
    assert page.evaluate("() => getComputedStyle(document.querySelector('.md-header')).display") != "none"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("chapter", ["debate/", "diffusion/", "bakeoff/"])
def test_every_quiz_of_the_newest_chapters_accepts_its_right_answer(visit, language: str, chapter: str) -> None:
    page = visit(languages.site_folder(language) + chapter).page
    quizzes = page.locator(".quiz")
    assert quizzes.count() >= 3, f"{language}/{chapter}: {quizzes.count()} quizzes, at least 3 expected"
    for i in range(quizzes.count()):
        right = page.locator(f"#quiz-{i} input[data-correct='true']")
        assert right.count() >= 1, f"{language}/{chapter}: quiz {i} has no right answer"
        page.locator(f"#quiz-{i} label[for='{right.first.get_attribute('id')}']").click()
        page.locator(f"#quiz-{i} .quiz-feedback-item.correct").wait_for(state="visible")
