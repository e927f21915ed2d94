"""Notebook pages: each notebook runs once for the three languages, and loads nothing from other hosts.

Execution. mkdocs-jupyter would execute every language's copy of a notebook,
three runs of the same code. This hook takes its `execute` and
`execute_ignore` options over, turns the plugin's own execution off, and
points each notebook page at its language's notebook with the outputs filled
in from one shared run (scripts/notebooks.py). With `execute: false` the
notebooks are shown as they are stored, without outputs.

Other hosts. nbconvert's HTML template (used by mkdocs-jupyter) loads
MathJax 2 from a CDN on every notebook page. This hook removes that block;
the site's own MathJax 3 typesets notebook math at build time instead (hooks/math.py). If
the block ever changes shape so that a remote script remains, the build fails.

Running. Below its title, each notebook page links its notebook for download
(mkdocs-jupyter's include_source publishes it, with outputs) and, on the
published site, to Google Colab. The Pages workflow tells the build its
repository and commit (SITE_REPOSITORY, SITE_COMMIT: extra.repository and
extra.commit) and pushes the site's notebooks to the repository's `colab`
branch, which the Colab link opens. The downloaded notebook then begins with
a setup cell that installs llmtriad from that commit where it is missing;
the page itself does not show that cell (mkdocs-jupyter's remove_tag_config).
In-browser Python (Pyodide, JupyterLite) was not an option: it has no PyTorch.
"""

from __future__ import annotations

import html
import re
import tomllib
from pathlib import Path, PurePath

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from scripts import notebooks
from scripts.languages import site_folder

LOCALES = Path(__file__).resolve().parent.parent / "locales" / "widgets"
COLAB = "https://colab.research.google.com/github"
COLAB_BRANCH = "colab"
CDN_MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.DOTALL)
REMOTE_SCRIPT = re.compile(r"<script[^>]+src=[\"']https?://", re.IGNORECASE)

_execution = {"execute": False, "ignore": []}  # mkdocs-jupyter's options, taken over in on_config


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    plugin = config.plugins["mkdocs-jupyter"]
    _execution["execute"] = plugin.config["execute"]
    _execution["ignore"] = list(plugin.config["execute_ignore"])
    plugin.config["execute"] = False  # the outputs come from scripts/notebooks.py instead
    return config


def run_text(language: str) -> dict[str, str]:
    with open(LOCALES / f"{language}.toml", "rb") as file:
        return dict(tomllib.load(file)["notebook"])


def setup_cell(config: MkDocsConfig) -> str | None:
    """The first cell of a downloaded notebook: install llmtriad, from the commit the site was built from,
    where it is missing. None when the build does not know its repository (a local build)."""
    repository, commit = config.extra.get("repository"), config.extra.get("commit")
    if not (repository and commit):
        return None
    comment = run_text(config.theme["language"])["setup_comment"]
    return (f"# {comment}\n"
            "import importlib.util\n\n"
            'if importlib.util.find_spec("llmtriad") is None:\n'
            f'    %pip install --quiet "llmtriad @ git+https://github.com/{repository}@{commit}"')


def run_bar(page: Page, config: MkDocsConfig) -> str:
    """Links above a notebook: download it; open it in Colab, from the repository's colab branch
    (the Pages workflow publishes the site's notebooks there), when the repository is known."""
    language = config.theme["language"]
    text = run_text(language)
    name = PurePath(page.file.src_uri).name
    links = [f'<a class="md-button" href="{name}" download>{html.escape(text["download"], quote=False)}</a>']
    repository = config.extra.get("repository")
    if repository and config.extra.get("commit"):
        path = f"{site_folder(language)}{page.url}{name}"
        links.insert(0, f'<a class="md-button md-button--primary" '
                        f'href="{COLAB}/{repository}/blob/{COLAB_BRANCH}/{path}">{html.escape(text["colab"], quote=False)}</a>')
        note = text["colab_note"]
    else:
        note = text["local_note"]
    return (f'<div class="notebook-run" role="group" aria-label="{html.escape(text["label"])}">'
            f'{"".join(links)}<p>{html.escape(note, quote=False)}</p></div>')


def on_files(files: Files, config: MkDocsConfig) -> Files:
    if not _execution["execute"]:
        return files
    root = Path(config.config_file_path).parent
    language = config.theme["language"]
    setup = setup_cell(config)
    for file in files:
        if not file.src_uri.endswith(".ipynb") or file.abs_src_path is None:
            continue
        source = Path(file.abs_src_path)
        if any(PurePath(source).match(pattern) for pattern in _execution["ignore"]):
            continue
        try:
            file.abs_src_path = str(notebooks.with_outputs(source, language, root, setup))
        except notebooks.NotebookError as error:
            raise PluginError(str(error)) from None
    return files


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if not page.file.src_uri.endswith(".ipynb"):
        return html
    html = CDN_MATHJAX.sub("", html)
    if REMOTE_SCRIPT.search(html):
        raise PluginError(f"{page.file.src_uri}: the notebook page still loads a script from another host.")
    title_end = html.find("</h1>")
    at = title_end + len("</h1>") if title_end >= 0 else 0
    return html[:at] + run_bar(page, config) + html[at:]
