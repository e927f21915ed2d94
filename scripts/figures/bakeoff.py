"""The architecture bake-off: exact match and held-out NLL per task, six models, mean over seeds (measured)."""

from __future__ import annotations

import time

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.ticker import FuncFormatter

from llmtriad.bakeoff.architectures import ARCHITECTURES
from llmtriad.bakeoff.experiment import PRESETS, Progress, run
from scripts.figures.common import device_info, device_label, device_name, labels, style

MEASURED_ON: tuple[str, ...] = ("cpu", "cuda")  # trained models: their numbers belong to the machine and seeds

# The labels: table [bakeoff] of locales/figures/LANGUAGE.toml.

SEEDS = 3
# Okabe-Ito colours, one per architecture; the diffusion bounds are hatched.
COLOURS = {"causal": "#0072b2", "causal-regularised": "#56b4e9", "prefix": "#009e73", "encoder-decoder": "#e69f00",
           "diffusion": "#d55e00", "block-diffusion": "#cc79a7"}


def preset(device: torch.device, quick: bool) -> str:
    return "quick" if quick else ("cuda" if device.type == "cuda" else "cpu")


def compute(device: torch.device, quick: bool, seeds: int = SEEDS, names: list[str] | None = None,
            progress: Progress | None = None) -> dict:
    """Train and evaluate the architectures (all by default), seeds 0 .. seeds - 1, on `device`."""
    name = preset(device, quick)
    start = time.perf_counter()
    results = run(names or list(ARCHITECTURES), seeds, PRESETS[name], device, progress)
    return {
        "preset": name,
        **results,
        "wall_seconds": round(time.perf_counter() - start, 1),
        "device": device_name(device),
        "device_info": device_info(device),
        "threads": torch.get_num_threads() if device.type == "cpu" else None,
        "torch": torch.__version__,
    }


def _bars(ax: plt.Axes, data: dict, metric: str, language: str) -> None:
    """Grouped bars: one group per task, one bar per architecture, mean over seeds with the spread."""
    t = labels(__name__, language)
    tasks = data["tasks"]
    names = [name for name in ARCHITECTURES if name in data["architectures"]]  # the JSON's keys are sorted
    width = 0.8 / len(names)
    x = np.arange(len(tasks))
    for k, name in enumerate(names):
        summary = data["architectures"][name]["summary"][metric]
        means = [summary[task]["mean"] if task in summary else np.nan for task in tasks]
        spreads = [summary[task]["std"] if task in summary else 0.0 for task in tasks]
        bound = metric == "nll" and data["architectures"][name]["nll_kind"] != "exact"
        ax.bar(x - 0.4 + (k + 0.5) * width, means, width, yerr=spreads, color=COLOURS[name],
               hatch="///" if bound else None, edgecolor="white", linewidth=0.5,
               error_kw={"elinewidth": 0.8, "capsize": 1.5, "ecolor": "#333333"},
               label=t["arch"][name])
    ax.set_xticks(x, [t["task"][task] for task in tasks])
    ax.grid(True, axis="y", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)


def draw(data: dict, language: str) -> plt.Figure:
    t = labels(__name__, language)
    with plt.rc_context(style(language)):
        fig, (top, bottom) = plt.subplots(2, 1, figsize=(9.5, 7.6), layout="constrained")
        _bars(top, data, "exact_match", language)
        top.set_ylim(0, 1.05)
        top.yaxis.set_major_formatter(FuncFormatter(lambda v, _: t.format("percent", value=100 * v)))
        top.set_ylabel(t["exact_ylabel"])
        top.set_title(t["exact_title"], fontsize=11, loc="left")
        top.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, fontsize=8.5, frameon=False)
        _bars(bottom, data, "nll", language)
        bottom.set_ylabel(t["nll_ylabel"])
        bottom.set_title(t["nll_title"], fontsize=11, loc="left")
        settings = data["settings"]
        fig.text(0.5, 0.0, t.format("subtitle", seeds=data["seeds"], layers=settings["size"]["n_layer"],
                                    width=settings["size"]["n_embd"], steps=settings["steps"],
                                    device=device_label(data["device_info"], language)),
                 ha="center", va="top", fontsize=8.5, color="#555555")
    return fig
