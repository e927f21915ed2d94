"""Benchmark the site: cold strict build time, built size, and page weight.

    .venv/bin/python -m scripts.bench_site
    .venv/bin/python -m scripts.bench_site --pages "" zh/ contributing/

Page weight is what Chromium downloads for a first visit to a page (empty
cache): every response body, grouped by kind, as served (uncompressed) and
gzip-compressed, which is roughly what GitHub Pages sends over the wire.
Targets for the finished course: a full build under 20 s on a 2-core
machine, and a text page under 500 KB on first visit. This prints numbers;
it asserts nothing.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
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
PAGE_TARGET_KB = 500.0
KINDS = {
    "document": "HTML", "stylesheet": "CSS", "script": "JS", "font": "fonts",
    "image": "images", "fetch": "data", "xhr": "data",
}


def measure_build(site_dir: Path) -> float:
    """A cold build: no site, and no notebook outputs kept from an earlier build (scripts/notebooks.py)."""
    shutil.rmtree(site_dir, ignore_errors=True)
    shutil.rmtree(notebooks.outputs_dir(site.ROOT), ignore_errors=True)
    start = time.perf_counter()
    site.build(list(site.LANGUAGES), site_dir)
    return time.perf_counter() - start


def folder_size(path: Path) -> tuple[int, int]:
    files = [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def page_weight(url: str, chromium: str) -> dict[str, list[int]]:
    """Bytes per kind of resource for a first visit: [served, gzipped]."""
    from playwright.sync_api import sync_playwright

    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page()
        responses = []
        page.on("response", lambda response: responses.append(response))
        page.goto(url, wait_until="networkidle")
        page.wait_for_timeout(500)  # let MathJax fetch its fonts
        for response in responses:
            body = response.body()
            kind = KINDS.get(response.request.resource_type, "other")
            totals[kind][0] += len(body)
            totals[kind][1] += len(gzip.compress(body, compresslevel=6))
        browser.close()
    return dict(totals)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench_site", description=__doc__.split("\n")[0])
    parser.add_argument("--pages", nargs="*", default=["", "zh/", "it/", "contributing/"],
                        help="pages to weigh, relative to the site root ('' is the English home page)")
    args = parser.parse_args(argv)
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium")

    with tempfile.TemporaryDirectory() as tmp:
        site_dir = Path(tmp) / "site"
        seconds = measure_build(site_dir)
        size, count = folder_size(site_dir)
        print(f"\ncold strict build, {len(site.LANGUAGES)} languages: {seconds:.1f} s "
              f"(target < {BUILD_TARGET_S:.0f} s; {os.cpu_count()} CPUs)")
        print(f"built site: {size / 1e6:.1f} MB in {count} files")
        for language in site.LANGUAGES:
            if language != "en":
                lang_size, _ = folder_size(site_dir / language)
                print(f"  {language}/: {lang_size / 1e6:.1f} MB")

        if not chromium:
            print("page weight: skipped, no Chromium (make browser)")
            return 0
        server = site.make_server(site_dir, port=0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        os.environ["SITE_QUIET"] = "1"
        for path in args.pages:
            weights = page_weight(base + path, chromium)
            served = sum(v[0] for v in weights.values())
            zipped = sum(v[1] for v in weights.values())
            detail = ", ".join(f"{kind} {v[0] / 1e3:.0f}" for kind, v in sorted(weights.items()))
            print(f"first visit to /{path}: {served / 1e3:.0f} KB served, {zipped / 1e3:.0f} KB gzipped "
                  f"(target < {PAGE_TARGET_KB:.0f} KB for a text page) [{detail} KB]")
        server.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
