"""Figure labels and numbers in each language: cheap to import (no matplotlib, no torch),
so that the site's hooks can name a machine in a caption's language too.

Every figure's labels are in locales/figures/<lang>.toml, one table per figure
module; every number drawn as text goes through number() or Labels.format().
"""

from __future__ import annotations

import functools
import numbers
import string
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path

from scripts import languages

LANGUAGES = languages.LANGUAGES


# --- Labels and numbers in each language -----------------------------------------

# Every figure's labels, one file per language: locales/figures/en.toml and its translations.
LOCALES = Path(__file__).resolve().parents[2] / "locales" / "figures"

def marks(text: str, language: str) -> str:
    """Python writes numbers with "." and "," the English way: swap in `language`'s marks
    (locales/languages.toml: 12345.6 is 12.345,6 in Italian)."""
    decimal, thousands = languages.DECIMAL[language], languages.THOUSANDS[language]
    return text.translate({ord("."): decimal, ord(","): thousands})


def number(value: float, spec: str, language: str) -> str:
    """`value` formatted as format(value, spec) does, in `language`'s convention.

    number(12345.6, ",.2f", "en") is "12,345.60"; in "it" it is "12.345,60".
    """
    return marks(format(value, spec), language)


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


def device_label(info: dict[str, object], language: str) -> str:
    """The machine that device_info() describes, named in `language`: "CPU（x86_64，2 核）" in Chinese."""
    if info["kind"] == "cuda":
        return str(info["name"])  # a GPU's product name is a proper noun: the same in every language
    return labels("device", language).format("cpu", machine=info["machine"], cores=info["cores"])
