"""The in-page widgets: a KV-cache memory calculator, an attention-mask explorer, the progress page.

`[[widget:kv-calculator]]`, `[[widget:mask-explorer]]` or `[[widget:progress]]`,
on a line of its own, becomes a <div data-course-widget> that
overrides/assets/javascripts/widgets.js (or progress.js) turns into the widget. The div carries everything the widget needs, so it
works offline and loads nothing more: the model presets, read from
llmtriad.memory.PRESETS, and the widget's text in the page's language, from
locales/widgets/LANG.toml.

The widgets compute what llmtriad computes (the cache-size formulas of
llmtriad.memory, the masks of llmtriad.masks) in the reader's browser;
tests/test_widgets.py checks them against the Python on a table of cases.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import asdict
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from llmtriad.memory import PRESETS

LOCALES = Path(__file__).resolve().parent.parent / "locales" / "widgets"
WIDGET = re.compile(r"^\[\[widget:([\w-]+)\]\]$", re.MULTILINE)
# GPU memory as the vendors state it, in GB (10^9 bytes).
GPUS = [
    {"name": "NVIDIA H100 (80 GB)", "bytes": 80 * 10**9},
    {"name": "NVIDIA H200 (141 GB)", "bytes": 141 * 10**9},
    {"name": "NVIDIA RTX 4090 (24 GB)", "bytes": 24 * 10**9},
]


def widget_data(kind: str, language: str) -> dict[str, object]:
    with open(LOCALES / f"{language}.toml", "rb") as file:
        text = tomllib.load(file)
    if kind not in text:
        raise PluginError(f"locales/widgets/{language}.toml has no table [{kind}]")
    data: dict[str, object] = {"text": {**text["common"], **text[kind]}, "language": language}
    if kind == "kv-calculator":
        data["presets"] = [{"id": key, **asdict(shape)} for key, shape in PRESETS.items()]
        data["gpus"] = GPUS
    return data


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    language = config.theme["language"]

    def widget(match: re.Match[str]) -> str:
        kind = match.group(1)
        if kind not in ("kv-calculator", "mask-explorer", "progress"):
            raise PluginError(f"{page.file.src_uri}: {match.group(0)}: the widgets are kv-calculator, mask-explorer, "
                              "progress")
        # JSON inside <script> is not HTML-decoded: only "</" must not appear in it.
        payload = json.dumps(widget_data(kind, language), ensure_ascii=False).replace("</", "<\\/")
        return (f'<div class="course-widget" data-course-widget="{kind}">'
                f'<script type="application/json">{payload}</script></div>')

    return WIDGET.sub(widget, markdown)
