"""What every figure script shares: labels and numbers per language, fonts, atomic writes, timing, devices."""

from __future__ import annotations

import functools
import io
import json
import numbers
import os
import platform
import re
import statistics
import string
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no window

import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402
from matplotlib.axis import Axis  # noqa: E402
from matplotlib.ticker import ScalarFormatter  # noqa: E402

from scripts import languages  # noqa: E402

LANGUAGES = languages.LANGUAGES

# DejaVu Sans ships with matplotlib, so Latin text looks the same everywhere;
# Chinese needs Noto Sans CJK SC (Debian: fonts-noto-cjk), with DejaVu as the
# fallback for Latin letters and digits inside Chinese labels.
FONTS = {
    "en": ["DejaVu Sans"],
    "it": ["DejaVu Sans"],
    "zh": ["Noto Sans CJK SC", "DejaVu Sans"],
}

# Byte-for-byte reproducible SVG: glyphs as paths (no font needed to view),
# a fixed id salt, no date in the metadata, and ids renumbered (save_svg).
STYLE = {
    "svg.fonttype": "path",
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


# --- Labels and numbers in each language -----------------------------------------

# Every figure's labels, one file per language: locales/figures/en.toml and its translations.
LOCALES = Path(__file__).resolve().parents[2] / "locales" / "figures"

# How each language writes 12345.6: its decimal mark and its thousands separator.
NUMBER_MARKS = {"en": (".", ","), "zh": (".", ","), "it": (",", ".")}


def _marks(text: str, language: str) -> str:
    """Python writes numbers with "." and "," the English way: swap in `language`'s marks."""
    decimal, thousands = NUMBER_MARKS[language]
    return text.translate({ord("."): decimal, ord(","): thousands})


def number(value: float, spec: str, language: str) -> str:
    """`value` formatted as format(value, spec) does, in `language`'s convention.

    number(12345.6, ",.2f", "en") is "12,345.60"; in "it" it is "12.345,60".
    """
    return _marks(format(value, spec), language)


def math_number(value: float, spec: str, language: str) -> str:
    """number() for use inside $...$. Mathtext, like TeX, puts a space after a comma; "{,}" does not."""
    return number(value, spec, language).replace(",", "{,}")


class _NumberFormatter(string.Formatter):
    """str.format, but int and float fields are written by number(); other fields as they are."""

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language

    def format_field(self, value: object, format_spec: str) -> str:
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            return number(value, format_spec, self.language)
        return super().format_field(value, format_spec)


class Labels(Mapping[str, "str | list[str] | Labels"]):
    """One figure's labels in one language: labels["title"], labels.format("speedup", ratio=12.3, n=1024).

    A nested table comes back as Labels too. A missing label raises KeyError
    naming the file and the table: nothing falls back to another language.
    """

    def __init__(self, table: dict[str, object], language: str, name: str = "labels") -> None:
        self._table = table
        self.language = language
        self.name = name  # the table's name in the file, for error messages: "kv_memory_models.bits"

    def __getitem__(self, key: str) -> str | list[str] | Labels:
        if key not in self._table:
            raise KeyError(f"locales/figures/{self.language}.toml: [{self.name}] has no label {key!r}")
        value = self._table[key]
        if isinstance(value, dict):
            return Labels(value, self.language, f"{self.name}.{key}")
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def format(self, key: str, **fields: object) -> str:
        """The label `key` with its {placeholders} filled in, numbers in this language's convention."""
        return _NumberFormatter(self.language).format(self[key], **fields)


@functools.cache
def _labels_file(language: str) -> dict[str, object]:
    # Read once per process, however many figures are drawn in this language.
    if language not in LANGUAGES:
        raise KeyError(f"no labels in {language!r}: the languages are {', '.join(LANGUAGES)}")
    with open(LOCALES / f"{language}.toml", "rb") as file:
        return tomllib.load(file)


def labels(figure: str, language: str) -> Labels:
    """One figure's labels in one language: its table in locales/figures/LANGUAGE.toml.

    `figure` is the figure's module, by name ("rank_spectra") or by __name__
    ("scripts.figures.rank_spectra"); "device" is the table device_label() reads.
    """
    name = figure.rpartition(".")[2]
    table = _labels_file(language).get(name)
    if not isinstance(table, dict):
        raise KeyError(f"locales/figures/{language}.toml has no table [{name}]")
    return Labels(table, language, name)


class LocalisedScalarFormatter(ScalarFormatter):
    """Matplotlib's default tick labels (ScalarFormatter), with the numbers in one language's convention."""

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language

    def __call__(self, x: float, pos: int | None = None) -> str:
        return _marks(super().__call__(x, pos), self.language)

    def get_offset(self) -> str:
        return _marks(super().get_offset(), self.language)


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


def save_svg(figure: plt.Figure, path: Path) -> None:
    # The SVG settings must hold while saving, not only while drawing: ids
    # are salted at save time (a random salt would change every file).
    buffer = io.StringIO()
    with plt.rc_context({k: v for k, v in STYLE.items() if k.startswith("svg.")}):
        figure.savefig(buffer, format="svg", metadata=SVG_METADATA, bbox_inches="tight")
    plt.close(figure)
    svg = renumber_ids(buffer.getvalue())
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


def device_label(info: dict[str, object], language: str) -> str:
    """The machine that device_info() describes, named in `language`: "CPU（x86_64，2 核）" in Chinese."""
    if info["kind"] == "cuda":
        return str(info["name"])  # a GPU's product name is a proper noun: the same in every language
    return labels("device", language).format("cpu", machine=info["machine"], cores=info["cores"])


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
