"""Benchmark the site: cold strict build time, built size, and page weight.

    .venv/bin/python -m scripts.bench_site
    .venv/bin/python -m scripts.bench_site --pages "" zh/ contributing/
    .venv/bin/python -m scripts.bench_site --site-dir site    # weigh a site built before; no build timing

Page weight is what Chromium downloads for a first visit to a page (empty
cache), scrolled to its end so that every image loads: every response body,
as served (uncompressed) and gzip-compressed, which is roughly what GitHub
Pages sends over the wire. Without --pages, every page of every language is
weighed, and the pages are grouped by class (home, math: a page with
formulas, notebook, other) and language, with the median and the largest.
Targets for the finished course: a cold build under 20 s on a 2-core
machine; a math page's first visit at most 800 KiB (250 KiB gzipped) at the
median, and every page at most 1.2 MiB (400 KiB gzipped). This prints
numbers; it asserts nothing.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

if not __package__:  # run as a file (python scripts/bench_site.py): make the `scripts` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts import notebooks, site

BUILD_TARGET_S = 20.0
KIB = 1024
MATH_MEDIAN_TARGET = (800 * KIB, 250 * KIB)  # served, gzipped
PAGE_MAX_TARGET = (1200 * KIB, 400 * KIB)
KINDS = {
    "document": "HTML", "stylesheet": "CSS", "script": "JS", "font": "fonts",
    "image": "images", "fetch": "data", "xhr": "data",
}


def measure_build(site_dir: Path) -> float:
    """A cold build, as from a fresh clone: no site, nothing in build/ (notebooks run by an earlier
    build); the committed notebook outputs are used while they are current (scripts/notebooks.py)."""
    shutil.rmtree(site_dir, ignore_errors=True)
    shutil.rmtree(notebooks.outputs_dir(site.ROOT), ignore_errors=True)
    shutil.rmtree(site.ROOT / "build" / "notebooks", ignore_errors=True)
    start = time.perf_counter()
    site.build(list(site.LANGUAGES), site_dir)
    return time.perf_counter() - start


def folder_size(path: Path) -> tuple[int, int]:
    files = [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def page_weight(browser: object, url: str) -> tuple[dict[str, list[int]], bool]:
    """Bytes per kind of resource for a first visit, [served, gzipped]; and whether the page has math."""
    context = browser.new_context()  # type: ignore[attr-defined]  # a fresh, empty cache
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(url, wait_until="networkidle")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_timeout(500)  # lazy images and MathJax's fonts
    page.wait_for_load_state("networkidle")
    has_math = page.evaluate("() => document.querySelector('.arithmatex, mjx-container') !== null")
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for response in responses:
        try:
            body = response.body()
        except Exception:  # a redirect or an aborted request has no body
            continue
        kind = KINDS.get(response.request.resource_type, "other")
        totals[kind][0] += len(body)
        totals[kind][1] += len(gzip.compress(body, compresslevel=6))
    context.close()
    return dict(totals), has_math


def page_class(path: str, has_math: bool) -> str:
    stem = path.split("/", 1)[1] if path.split("/", 1)[0] in ("zh", "it") else path
    if stem == "":
        return "home"
    if stem.startswith("notebooks/"):
        return "notebook"
    return "math" if has_math else "other"


def all_pages(site_dir: Path) -> list[str]:
    """Every page the built site serves, as URL paths below its root ("" is the English home page)."""
    folders = sorted(p.parent.relative_to(site_dir).as_posix() for p in site_dir.rglob("index.html")
                     if "assets" not in p.parts and "search" not in p.parts)
    return ["" if folder == "." else folder + "/" for folder in folders]


def kib(n: float) -> str:
    return f"{n / KIB:,.0f} KiB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench_site", description=__doc__.split("\n")[0])
    parser.add_argument("--pages", nargs="*", default=None,
                        help="pages to weigh, relative to the site root ('' is the English home page); default: all")
    parser.add_argument("--site-dir", type=Path, default=None,
                        help="weigh this built site instead of timing a cold build")
    args = parser.parse_args(argv)
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium")

    with tempfile.TemporaryDirectory() as tmp:
        if args.site_dir is None:
            site_dir = Path(tmp) / "site"
            seconds = measure_build(site_dir)
            print(f"\ncold strict build, {len(site.LANGUAGES)} languages: {seconds:.1f} s "
                  f"(target < {BUILD_TARGET_S:.0f} s; {os.cpu_count()} CPUs)")
        elif not (args.site_dir / "index.html").is_file():
            parser.error(f"{args.site_dir} holds no built site (index.html); build it: make site")
        else:
            site_dir = args.site_dir
        size, count = folder_size(site_dir)
        print(f"built site: {size / 1e6:.1f} MB in {count} files")
        for language in site.LANGUAGES:
            if language != "en":
                lang_size, _ = folder_size(site_dir / language)
                print(f"  {language}/: {lang_size / 1e6:.1f} MB")

        if not chromium:
            print("page weight: skipped, no Chromium (make browser)")
            return 0
        from playwright.sync_api import sync_playwright

        server = site.make_server(site_dir, port=0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        os.environ["SITE_QUIET"] = "1"
        groups: dict[tuple[str, str], list[tuple[int, int, str]]] = defaultdict(list)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium,
                                                 args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            for path in all_pages(site_dir) if args.pages is None else args.pages:
                weights, has_math = page_weight(browser, base + path)
                served = sum(v[0] for v in weights.values())
                zipped = sum(v[1] for v in weights.values())
                language = path.split("/", 1)[0] if path.split("/", 1)[0] in ("zh", "it") else "en"
                groups[(page_class(path, has_math), language)].append((served, zipped, path))
                detail = ", ".join(f"{kind} {kib(v[0])}" for kind, v in sorted(weights.items()))
                print(f"/{path}: {kib(served)} served, {kib(zipped)} gzipped [{detail}]")
            browser.close()
        server.shutdown()

        print("\nby class and language: median (largest), served / gzipped")
        for (kind, language), pages in sorted(groups.items()):
            served = statistics.median(p[0] for p in pages)
            zipped = statistics.median(p[1] for p in pages)
            top = max(pages)
            print(f"  {kind:<9} {language}  {len(pages):>2} pages  {kib(served)} / {kib(zipped)}  "
                  f"(largest /{top[2]}: {kib(top[0])} / {kib(top[1])})")
        every = [p for pages in groups.values() for p in pages]
        math = [p for (kind, _), pages in groups.items() if kind == "math" for p in pages]
        if math:
            print(f"math pages, median: {kib(statistics.median(p[0] for p in math))} / "
                  f"{kib(statistics.median(p[1] for p in math))} (target {kib(MATH_MEDIAN_TARGET[0])} / "
                  f"{kib(MATH_MEDIAN_TARGET[1])})")
        top, top_zipped = max(every), max(every, key=lambda p: p[1])
        print(f"largest page: /{top[2]}, {kib(top[0])} served (target {kib(PAGE_MAX_TARGET[0])}); "
              f"/{top_zipped[2]}, {kib(top_zipped[1])} gzipped (target {kib(PAGE_MAX_TARGET[1])})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
