"""KV-cache memory of real models vs context length (16-bit), and 16/8/4-bit caches at 128k tokens."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch

from llmtriad.memory import GIB, PRESETS, preset_cache_bytes
from scripts.figures.common import Labels, labels, number, style

MEASURED_ON: tuple[str, ...] = ()  # deterministic: the same bytes on every machine

# Powers of two from 1k to 128k tokens, plus the 100k the course quotes.
CONTEXTS = sorted([1024 * 2**i for i in range(8)] + [100_000])
MARKS = {"8k": 8192, "100k": 100_000, "128k": 131_072}
MODELS = ["gpt2-small", "llama-2-7b", "llama-3-8b", "llama-3-8b-mqa", "mistral-7b", "llama-3-70b", "deepseek-v3"]
BITS = [16, 8, 4]
FOCUS = "llama-3-8b"  # the model whose numbers the text quotes
# Llama 3 8B has 8.03e9 parameters (arXiv:2407.21783); bf16 stores 2 bytes each.
FOCUS_WEIGHT_BYTES = 8.03e9 * 2
GPUS_GIB = {"consumer": 24, "h100": 80}

# Okabe-Ito colours (distinguishable with the common colour-vision deficiencies),
# plus a marker and a dash pattern per model, so the lines survive greyscale too.
LOOK = {
    "gpt2-small": ("#E69F00", "o", (0, (1, 1.5))),
    "llama-2-7b": ("#D55E00", "s", "-"),
    "llama-3-8b": ("#0072B2", "D", "-"),
    "llama-3-8b-mqa": ("#56B4E9", "v", (0, (5, 2))),
    "mistral-7b": ("#009E73", "^", "-"),
    "llama-3-70b": ("#CC79A7", "P", (0, (5, 2, 1, 2))),
    "deepseek-v3": ("#000000", "X", (0, (3, 1.5))),
}
# Hatches tell the bars apart without colour; dots ("...") would cost 150 kB of curves.
BAR_LOOK = {16: ("#0072B2", ""), 8: ("#56B4E9", "///"), 4: ("#F0E442", "\\\\\\")}

# The labels: table [kv_memory_models] of locales/figures/LANGUAGE.toml.


def _gib(nbytes: float) -> float:
    return round(nbytes / GIB, 6)


def compute(device: torch.device, quick: bool) -> dict:
    """Closed-form cache sizes from llmtriad.memory: no randomness, no timing, so `quick` changes nothing."""
    models = []
    for key in MODELS:
        shape = PRESETS[key]
        size = lambda tokens, bits=16: preset_cache_bytes(shape, tokens, bits=bits)  # noqa: E731
        models.append({
            "key": key,
            "name": shape.name,
            "source": shape.source,
            "bytes_per_token_16bit": size(1),
            "window": shape.window,
            "gib_16bit": [_gib(size(t)) for t in CONTEXTS],
            # The numbers a caption quotes: 16-bit at 8k, 100k, 128k; 16/8/4-bit at 128k.
            "gib_at": {label: _gib(size(t)) for label, t in MARKS.items()},
            "gib_128k_by_bits": {str(b): _gib(size(MARKS["128k"], b)) for b in BITS},
        })
    focus = PRESETS[FOCUS]
    return {
        "contexts": CONTEXTS,
        "marks": MARKS,
        "batch": 1,
        "unit": "GiB = 2**30 bytes",
        "precision": "exact: integer byte counts; GiB values are Python divisions by 2**30 (correctly "
                     "rounded IEEE arithmetic, the same on every machine) rounded to 6 decimals",
        "models": models,
        "focus": FOCUS,
        "focus_weights_gib": _gib(FOCUS_WEIGHT_BYTES),
        "focus_weights_source": "8.03e9 parameters x 2 bytes (bf16), arXiv:2407.21783",
        "focus_weights_plus_kv_gib": [_gib(FOCUS_WEIGHT_BYTES + preset_cache_bytes(focus, t)) for t in CONTEXTS],
        "gpus_gib": GPUS_GIB,
        "note": "int8/int4 sizes ignore the scales and zero points real KV quantisation stores",
    }


def _lines(ax: plt.Axes, data: dict, t: Labels) -> None:
    contexts = data["contexts"]
    # Markers on the powers of two only; 100k is a point of the line, not a sample.
    every = [i for i, c in enumerate(contexts) if c != data["marks"]["100k"]]
    for model in data["models"]:
        colour, marker, dash = LOOK[model["key"]]
        ax.plot(contexts, model["gib_16bit"], color=colour, marker=marker, linestyle=dash, markevery=every,
                markersize=5, linewidth=1.8, label=t["models"][model["key"]])
    ax.plot(contexts, data["focus_weights_plus_kv_gib"], color="#777777", linestyle="-", linewidth=1.2,
            label=t["weights"])
    for key in ("consumer", "h100"):
        ax.axhline(data["gpus_gib"][key], color="#999999", linewidth=1, linestyle=(0, (2, 2)), zorder=0)
        ax.text(contexts[0] * 1.05, data["gpus_gib"][key] * 1.08, t[key], fontsize=8, color="#555555", va="bottom")
    focus = next(m for m in data["models"] if m["key"] == data["focus"])
    for label in ("8k", "100k"):
        x = data["marks"][label]
        ax.axvline(x, color="#bbbbbb", linewidth=1, zorder=0)
        ax.text(x, 300, label, ha="center", va="bottom", fontsize=9, color="#555555")
        value = focus["gib_at"][label]
        colour = LOOK[data["focus"]][0]
        ax.plot([x], [value], marker="o", markersize=8, markerfacecolor="none", markeredgecolor=colour,
                markeredgewidth=1.5)
        # A white box keeps the number readable where other models' lines pass behind it.
        ax.annotate(number(value, ".1f", t.language) + " GiB", (x, value), xytext=(-10, 12),
                    textcoords="offset points", ha="right", fontsize=9, color=colour, fontweight="bold",
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.9},
                    arrowprops={"arrowstyle": "-", "color": colour, "linewidth": 0.8})
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ticks = [1024, 4096, 8192, 16384, 32768, 65536, 131072]
    ax.set_xticks(ticks, [number(c // 1024, "d", t.language) + "k" for c in ticks])
    ax.minorticks_off()
    ax.set_xlim(contexts[0] / 1.1, contexts[-1] * 1.1)
    ax.set_ylim(0.01, 300)
    gib_ticks = [0.01, 0.1, 1, 10, 100]
    ax.set_yticks(gib_ticks, [number(tick, "g", t.language) for tick in gib_ticks])
    ax.set_xlabel(t["context"])
    ax.set_ylabel(t["gib"])
    ax.set_title(t["title_lines"], fontsize=10, pad=18)
    ax.grid(True, which="major", color="#eeeeee", linewidth=0.8)
    ax.set_axisbelow(True)


def _bars(ax: plt.Axes, data: dict, t: Labels) -> None:
    models = data["models"]
    y = np.arange(len(models))
    height = 0.26
    for offset, bits in zip((-height, 0.0, height), BITS):
        colour, hatch = BAR_LOOK[bits]
        values = [m["gib_128k_by_bits"][str(bits)] for m in models]
        ax.barh(y + offset, values, height=height, color=colour, hatch=hatch, edgecolor="#333333",
                linewidth=0.6, label=t["bits"][str(bits)])
    for i, model in enumerate(models):
        value = model["gib_128k_by_bits"]["16"]
        ax.text(value * 1.15, i - height, number(value, ".3g", t.language), va="center", fontsize=7.5)
    for key in ("consumer", "h100"):
        gib = data["gpus_gib"][key]
        ax.axvline(gib, color="#999999", linewidth=1, linestyle=(0, (2, 2)), zorder=0)
        ax.text(gib * 1.06, len(models) - 0.55, number(gib, "", t.language) + " GiB", rotation=90, ha="left",
                va="bottom", fontsize=7.5, color="#555555")
    names = [t["short"].get(m["key"], m["name"]) for m in models]
    ax.set_yticks(y, names, fontsize=9)
    ax.invert_yaxis()  # the same order as the legend on the left, top to bottom
    ax.set_xscale("log")
    ax.set_xlim(0.08, 300)
    gib_ticks = [0.1, 1, 10, 100]
    ax.set_xticks(gib_ticks, [number(tick, "g", t.language) for tick in gib_ticks])
    ax.minorticks_off()
    ax.set_xlabel(t["gib_bars"])
    ax.set_title(t["title_bars"], fontsize=10, pad=18)
    ax.legend(loc="center right", fontsize=8, frameon=True, framealpha=0.95)
    ax.text(0.99, -0.16, t["note"], transform=ax.transAxes, ha="right", va="top", fontsize=7.5, color="#555555")


def draw(data: dict, language: str) -> plt.Figure:
    t = labels(__name__, language)
    with plt.rc_context(style(language)):
        fig, (left, right) = plt.subplots(1, 2, figsize=(11, 6.2), layout="constrained",
                                          gridspec_kw={"width_ratios": [1.55, 1]})
        _lines(left, data, t)
        _bars(right, data, t)
        fig.legend(*left.get_legend_handles_labels(), loc="outside lower center", ncol=3, fontsize=8,
                   frameon=False, handlelength=3.2)
    return fig
