"""What every figure script shares: labels and numbers per language, fonts, atomic writes, timing, devices."""

from __future__ import annotations

import io
import json
import os
import platform
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no window

import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402
from matplotlib.axis import Axis  # noqa: E402
from matplotlib.ticker import ScalarFormatter  # noqa: E402

from scripts import languages  # noqa: E402
from scripts.figures.labels import LOCALES, Labels, device_label, labels, marks, math_number, number  # noqa: E402, F401

LANGUAGES = languages.LANGUAGES

# The fonts the labels are measured and laid out with. DejaVu Sans ships with
# matplotlib; Chinese needs Noto Sans CJK SC (Debian: fonts-noto-cjk), with
# DejaVu as the fallback for Latin letters and digits inside Chinese labels.
FONTS = {
    "en": ["DejaVu Sans"],
    "it": ["DejaVu Sans"],
    "zh": ["Noto Sans CJK SC", "DejaVu Sans"],
}

# Byte-for-byte reproducible SVG: a fixed id salt, no date in the metadata, and
# ids renumbered (save_svg). Text stays text, drawn in the reader's fonts: as
# glyph outlines, the labels were most of a figure's weight (a Chinese diagram
# 287 kB instead of 60 kB), and a page's figures most of the page's.
STYLE = {
    "svg.fonttype": "none",
    "svg.hashsalt": "llmtriad",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.dpi": 100,
    "font.size": 10,
}
SVG_METADATA = {"Date": None, "Creator": None}


def style(language: str) -> dict[str, object]:
    """Matplotlib settings for one language's copy of a figure."""
    return {**STYLE, "font.family": FONTS[language]}


class LocalisedScalarFormatter(ScalarFormatter):
    """Matplotlib's default tick labels (ScalarFormatter), with the numbers in one language's convention."""

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language

    def __call__(self, x: float, pos: int | None = None) -> str:
        return marks(super().__call__(x, pos), self.language)

    def get_offset(self) -> str:
        return marks(super().get_offset(), self.language)


def localise_axes(figure: plt.Figure, language: str) -> None:
    """Give every axis whose tick labels matplotlib writes itself (ScalarFormatter) the localised formatter.

    Axes whose labels a figure chose (fixed labels, its own FuncFormatter,
    powers of ten on a log scale) are left as they are. The figures keep
    matplotlib's default formatter settings, so the new formatter writes the
    same text as the one it replaces, apart from the marks.
    """
    for axis in figure.findobj(Axis):  # every Axes', subfigures' and colorbars' too
        if type(axis.get_major_formatter()) is ScalarFormatter:
            axis.set_major_formatter(LocalisedScalarFormatter(language))
        if type(axis.get_minor_formatter()) is ScalarFormatter:
            axis.set_minor_formatter(LocalisedScalarFormatter(language))


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Write through a temporary file in the same folder, then rename: never a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o644)  # mkstemp makes files private; figures are ordinary files
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


# Matplotlib names clip paths, markers and hatches by a hash of their full-precision
# coordinates ("p4c405f1834"). The coordinates it prints are rounded, but the hash is
# not: one ULP of difference in a layout computation on another CPU changes the id.
_HASHED_ID = re.compile(r'id="((?:image|C[0-9a-f]+_[0-9a-f]+_|[mph])[0-9a-f]{10})"')


def renumber_ids(svg: str) -> str:
    """Replace matplotlib's hashed ids by sequential ones, in order of definition."""
    ids = {old: f"id{n}" for n, old in enumerate(dict.fromkeys(_HASHED_ID.findall(svg)), start=1)}
    if not ids:
        return svg
    reference = re.compile(r'(?<=id=")(%s)(?=")|(?<=#)(%s)(?=[")])' % (("|".join(ids),) * 2))
    return reference.sub(lambda m: ids[m.group(1) or m.group(2)], svg)


_FONT_FAMILY = re.compile(r"(font-family: [^;\"]+)")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")
_PATH_DATA = re.compile(r' d="([^"]*)"')


def _short_number(match: re.Match[str]) -> str:
    text = f"{round(float(match.group()), 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def compact_paths(svg: str) -> str:
    """Write path data in as few bytes as it needs: a hundredth of a pixel, no spaces around commands.

    Matplotlib writes six significant digits and a newline after every command;
    the glyph outlines of the Chinese labels and the hatches are mostly such data.
    """
    def compact(match: re.Match[str]) -> str:
        data = re.sub(r"\s+", " ", _NUMBER.sub(_short_number, match.group(1))).strip()
        data = re.sub(r" ?([A-Za-z]) ?", r"\1", data).replace(" -", "-")
        return f' d="{data}"'

    return _PATH_DATA.sub(compact, svg)


def save_svg(figure: plt.Figure, path: Path) -> None:
    # The SVG settings must hold while saving, not only while drawing: ids
    # are salted at save time (a random salt would change every file).
    buffer = io.StringIO()
    with plt.rc_context({k: v for k, v in STYLE.items() if k.startswith("svg.")}):
        figure.savefig(buffer, format="svg", metadata=SVG_METADATA, bbox_inches="tight")
    plt.close(figure)
    svg = compact_paths(renumber_ids(buffer.getvalue()))
    svg = _FONT_FAMILY.sub(r"\1, sans-serif", svg)  # where the reader lacks the fonts above
    write_atomically(path, lambda tmp: tmp.write_text(svg, encoding="utf-8"))


def save_json(data: object, path: Path) -> None:
    text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    write_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def device_name(device: torch.device) -> str:
    """A short description of the machine a measurement ran on, in English (the manifest records it)."""
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    return f"CPU ({platform.machine()}, {os.cpu_count()} cores)"


def device_info(device: torch.device) -> dict[str, object]:
    """What a label needs to name the machine in any language: a measured figure keeps it in its JSON."""
    if device.type == "cuda":
        return {"kind": "cuda", "name": torch.cuda.get_device_name(device)}
    return {"kind": "cpu", "machine": platform.machine(), "cores": os.cpu_count()}


def median_seconds(fn: Callable[[], object], device: torch.device, repeats: int = 5, warmup: int = 2) -> float:
    """Median wall time of fn(): warm-up runs first; on a GPU, CUDA events around synchronised runs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        if device.type == "cuda":
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            torch.cuda.synchronize(device)
            start.record()
            fn()
            end.record()
            torch.cuda.synchronize(device)
            times.append(start.elapsed_time(end) / 1000)
        else:
            begin = time.perf_counter()
            fn()
            times.append(time.perf_counter() - begin)
    return statistics.median(times)
