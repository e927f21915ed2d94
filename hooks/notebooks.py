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
"""

from __future__ import annotations

import re
from pathlib import Path, PurePath

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from scripts import notebooks

CDN_MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.DOTALL)
REMOTE_SCRIPT = re.compile(r"<script[^>]+src=[\"']https?://", re.IGNORECASE)

_execution = {"execute": False, "ignore": []}  # mkdocs-jupyter's options, taken over in on_config


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    plugin = config.plugins["mkdocs-jupyter"]
    _execution["execute"] = plugin.config["execute"]
    _execution["ignore"] = list(plugin.config["execute_ignore"])
    plugin.config["execute"] = False  # the outputs come from scripts/notebooks.py instead
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    if not _execution["execute"]:
        return files
    root = Path(config.config_file_path).parent
    language = config.theme["language"]
    for file in files:
        if not file.src_uri.endswith(".ipynb") or file.abs_src_path is None:
            continue
        source = Path(file.abs_src_path)
        if any(PurePath(source).match(pattern) for pattern in _execution["ignore"]):
            continue
        try:
            file.abs_src_path = str(notebooks.with_outputs(source, language, root))
        except notebooks.NotebookError as error:
            raise PluginError(str(error)) from None
    return files


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if not page.file.src_uri.endswith(".ipynb"):
        return html
    html = CDN_MATHJAX.sub("", html)
    if REMOTE_SCRIPT.search(html):
        raise PluginError(f"{page.file.src_uri}: the notebook page still loads a script from another host.")
    return html
