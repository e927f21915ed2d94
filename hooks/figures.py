"""Publish the top-level figures/ folder into each language's site.

Figures live in one tree beside the docs, not inside each language's docs.
A figure that carries text has one file per language, `NAME.LANG.EXT`
(for example `mask-gallery.zh.svg`); a build publishes its own language's
file as `figures/NAME.EXT`, so every language's page refers to the same
path. Only images are published: the numbers (NAME.json) and the manifest
stay in the repository. A page naming a figure that does not exist fails the
strict build through MkDocs' own link validation.

A caption can say where a measured figure was measured without copying it
by hand: `[[measured-on:MODULE]]` in a page becomes the device, named in the
page's language, and the PyTorch version that the figure's JSON and
figures/manifest.json record.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from scripts import languages
from scripts.figures.labels import device_label, labels

FIGURES_DIR = Path(__file__).resolve().parent.parent / "figures"
IMAGES = {".svg", ".png"}  # what pages show; the JSON numbers and the manifest stay in the repository
MEASURED_ON = re.compile(r"\[\[measured-on:([\w-]+)\]\]")


def published_name(path: Path, language: str, languages: set[str]) -> str | None:
    """The name `path` has in `language`'s site, or None if it belongs to another language."""
    parts = path.name.split(".")
    if len(parts) >= 3 and parts[-2] in languages:
        if parts[-2] != language:
            return None
        return ".".join(parts[:-2] + parts[-1:])
    return path.name


def on_files(files: Files, config: MkDocsConfig) -> Files:
    language = config.theme["language"]
    codes = set(languages.LANGUAGES)
    sources: dict[str, Path] = {}
    for path in sorted(FIGURES_DIR.rglob("*")):
        if not path.is_file() or path.suffix not in IMAGES:
            continue
        name = published_name(path, language, codes)
        if name is None:
            continue
        uri = "figures/" + path.parent.relative_to(FIGURES_DIR).joinpath(name).as_posix()
        if uri in sources:
            raise PluginError(f"{path} and {sources[uri]} would both be published as {uri}.")
        sources[uri] = path
        files.append(File.generated(config, uri, abs_src_path=str(path)))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    def measured_on(match: re.Match[str]) -> str:
        manifest = json.loads((FIGURES_DIR / "manifest.json").read_text(encoding="utf-8"))
        entry = manifest.get(match.group(1))
        if entry is None:
            raise PluginError(f"{page.file.src_uri}: {match.group(0)} names no figure in figures/manifest.json")
        if not entry["measured"]:
            raise PluginError(f"{page.file.src_uri}: {match.group(1)} is deterministic; it was measured nowhere")
        data = json.loads((FIGURES_DIR / entry["files"][0]).read_text(encoding="utf-8"))  # NAME.json
        language = config.theme["language"]
        return labels("device", language).format("measured_on", device=device_label(data["device_info"], language),
                                                 torch=entry["torch"])

    return MEASURED_ON.sub(measured_on, markdown)
