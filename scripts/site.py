"""Build the three-language site strictly, and serve it the way GitHub Pages does.

    .venv/bin/python -m scripts.site build                    # all three languages into site/
    .venv/bin/python -m scripts.site build --lang zh --site-dir /tmp/zh-site
    .venv/bin/python -m scripts.site serve --port 8000        # build, then serve at 127.0.0.1:8000
    .venv/bin/python -m scripts.site serve --no-build         # serve what site/ holds

Each language is one MkDocs build (mkdocs.yml, mkdocs.zh.yml, mkdocs.it.yml).
Notebooks whose committed outputs are out of date run first, once for the
three languages, two at a time (scripts/notebooks.py); the builds then run
side by side into a scratch folder and are assembled, English at the root and
the others in zh/ and it/. Each build is a process forked from one that has
imported the libraries every build needs (scripts/site_preload.py), so that
they are loaded once, not three times. A build fails on any warning,
MkDocs' own (`--strict`) or any other line that says WARNING, such as one
from the kernel that runs the notebooks.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

if not __package__:  # run as a file (python scripts/site.py): make the `scripts` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts import languages, notebooks
from scripts.languages import config_file

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = {language: config_file(language) for language in languages.LANGUAGES}  # language -> its config


class BuildError(RuntimeError):
    """A language's build failed or printed a warning."""


def build_env() -> dict[str, str]:
    env = dict(os.environ)
    # Material 9.8 prints a notice about MkDocs 2 on every build.
    env["NO_MKDOCS_2_WARNING"] = "1"
    # Run notebooks with this Python's kernel, not one registered elsewhere.
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    return env


def mkdocs_arguments(language: str, site_dir: Path, root: Path) -> list[str]:
    target = site_dir if language == "en" else site_dir / language
    return ["build", "--strict", "--config-file", str(root / LANGUAGES[language]), "--site-dir", str(target)]


def check_log(language: str, returncode: int | None, log: str) -> str:
    warnings = [line for line in log.splitlines() if "WARNING" in line]
    if returncode != 0 or warnings:
        raise BuildError(f"The {language} build failed:\n{log}")
    return log


def _build_in_new_process(language: str, site_dir: Path, root: Path) -> str:
    command = [sys.executable, "-m", "mkdocs", *mkdocs_arguments(language, site_dir, root)]
    result = subprocess.run(command, cwd=root, env=build_env(), capture_output=True, text=True)
    return check_log(language, result.returncode, result.stdout + result.stderr)


def _forked_build(arguments: list[str], root: Path, env: dict[str, str], log: Path) -> None:
    """A forked build: MkDocs' command line, with this process's output going to `log`."""
    os.environ.clear()
    os.environ.update(env)  # the caller's, not the fork server's (started with an earlier one)
    os.chdir(root)
    output = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(output, 1)
    os.dup2(output, 2)
    from mkdocs.__main__ import cli

    try:
        cli.main(args=arguments, prog_name="mkdocs")  # exits with MkDocs' status
    finally:
        sys.stdout.flush()
        sys.stderr.flush()


def build_languages(site_dirs: dict[str, Path], root: Path = ROOT) -> dict[str, str]:
    """Build each language strictly into its folder under its `site_dirs` entry, side by side; their logs.

    Each build is forked from a fork server that imported scripts/site_preload.py, and
    that server lives as long as this process, so later builds start at once. A fork
    server, not this process: forking a process that runs threads (a test runner, a
    browser driver) can leave a child waiting forever on a lock. Where there is no fork
    server (Windows), each build is a new process. The first failure raises BuildError
    with its log.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        with ThreadPoolExecutor(max_workers=len(site_dirs)) as pool:
            futures = {lang: pool.submit(_build_in_new_process, lang, path, root) for lang, path in site_dirs.items()}
            return {lang: future.result() for lang, future in futures.items()}
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["scripts.site_preload"])
    with tempfile.TemporaryDirectory(prefix="mkdocs-logs-") as logs:
        builds = {}
        for language, path in site_dirs.items():
            log = Path(logs) / f"{language}.log"
            arguments = mkdocs_arguments(language, path, root)
            process = context.Process(target=_forked_build, args=(arguments, root, build_env(), log))
            process.start()
            builds[language] = (process, log)
        for process, _ in builds.values():
            process.join()
        return {language: check_log(language, process.exitcode, log.read_text(encoding="utf-8", errors="replace"))
                for language, (process, log) in builds.items()}


def build_language(language: str, site_dir: Path, root: Path = ROOT) -> str:
    """Build one language strictly into its folder under `site_dir`; return the log."""
    return build_languages({language: site_dir}, root)[language]


def build(languages: list[str], site_dir: Path, root: Path = ROOT) -> None:
    """Build the languages side by side, then assemble them: English at the root, the others below."""
    unknown = sorted(set(languages) - set(LANGUAGES))
    if unknown:
        raise SystemExit(f"Unknown language(s) {unknown}; choose from {sorted(LANGUAGES)}.")
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    print("Running the notebooks ...", flush=True)
    os.environ.update(build_env())  # the kernels start from this process: the same environment as a build
    try:
        notebooks.execute_all(sorted((root / "docs" / "en" / "notebooks").glob("*.ipynb")), root)
    except notebooks.NotebookError as error:
        raise BuildError(str(error)) from None
    with tempfile.TemporaryDirectory(dir=site_dir.parent, prefix=".site-") as tmp:
        staging = Path(tmp)
        print(f"Building {', '.join(languages)} ...", flush=True)
        build_languages({language: staging / language for language in languages}, root)
        # Only now replace what was built before: a failed build leaves the old site whole.
        if "en" in languages:
            for kept in set(LANGUAGES) - set(languages):  # languages not rebuilt this time
                if (site_dir / kept).is_dir():
                    (site_dir / kept).rename(staging / "en" / kept)
            shutil.rmtree(site_dir, ignore_errors=True)
            (staging / "en").rename(site_dir)
        for language in languages:
            if language != "en":
                shutil.rmtree(site_dir / language, ignore_errors=True)
                site_dir.mkdir(exist_ok=True)
                (staging / language / language).rename(site_dir / language)
    print(f"Built {', '.join(languages)} into {site_dir}")


class PagesHandler(http.server.SimpleHTTPRequestHandler):
    """Serve a folder like GitHub Pages: a missing path gets the root 404.html."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.exists():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib name)
        if os.environ.get("SITE_QUIET") != "1":
            super().log_message(format, *args)


def make_server(site_dir: Path, port: int, host: str = "127.0.0.1") -> http.server.ThreadingHTTPServer:
    handler = functools.partial(PagesHandler, directory=str(site_dir))
    return http.server.ThreadingHTTPServer((host, port), handler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.site", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    build_cmd = sub.add_parser("build", help="strict build of every language")
    serve_cmd = sub.add_parser("serve", help="build, then serve on 127.0.0.1")
    for cmd in (build_cmd, serve_cmd):
        cmd.add_argument("--lang", default=",".join(LANGUAGES), help="comma-separated, default: all")
        cmd.add_argument("--site-dir", type=Path, default=ROOT / "site")
    serve_cmd.add_argument("--port", type=int, default=8000)
    serve_cmd.add_argument("--no-build", action="store_true", help="serve what is already built")
    args = parser.parse_args(argv)

    try:
        if not (args.command == "serve" and args.no_build):
            build(args.lang.split(","), args.site_dir)
    except BuildError as error:
        print(error, file=sys.stderr)
        return 1
    if args.command == "serve":
        try:
            server = make_server(args.site_dir, args.port)
        except OSError as error:
            print(f"Cannot serve on 127.0.0.1:{args.port}: {error}. Try --port.", file=sys.stderr)
            return 1
        print(f"Serving {args.site_dir} at http://127.0.0.1:{args.port}/ (Ctrl+C stops)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
