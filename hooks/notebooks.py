"""Keep notebook pages free of requests to other hosts.

nbconvert's HTML template (used by mkdocs-jupyter) loads MathJax 2 from a
CDN on every notebook page. This hook removes that block; the site's own
MathJax 3 (hooks/mathjax.py) renders notebook math instead. If the block
ever changes shape so that a remote script remains, the build fails.
"""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

CDN_MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.DOTALL)
REMOTE_SCRIPT = re.compile(r"<script[^>]+src=[\"']https?://", re.IGNORECASE)


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if not page.file.src_uri.endswith(".ipynb"):
        return html
    html = CDN_MATHJAX.sub("", html)
    if REMOTE_SCRIPT.search(html):
        raise PluginError(f"{page.file.src_uri}: the notebook page still loads a script from another host.")
    return html
