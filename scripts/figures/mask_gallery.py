"""Mask gallery: bidirectional, causal, prefix LM, sliding window, cross-attention, block diffusion."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.colors import ListedColormap

from llmtriad import masks
from scripts.figures.common import labels, number, style

MEASURED_ON: tuple[str, ...] = ()  # deterministic: the same bytes on every machine

# The labels: table [mask_gallery] of locales/figures/LANGUAGE.toml.

CMAP = ListedColormap(["#eef0f8", "#3f51b5"])


def compute(device: torch.device, quick: bool) -> dict:
    """Each mask as a list of 0/1 rows, built by the course's own code."""
    block = masks.block_diffusion_mask(6, 2)
    as_rows = lambda m: m.int().tolist()  # noqa: E731
    return {
        "precision": "exact: 0/1 masks from integer index comparisons",
        "bidirectional": as_rows(masks.bidirectional_mask(6)),
        "causal": as_rows(masks.causal_mask(6)),
        "prefix": as_rows(masks.prefix_lm_mask(5, 2)),
        "window": as_rows(masks.sliding_window_mask(8, 3)),
        "cross": as_rows(masks.cross_attention_mask(torch.tensor([3]), torch.tensor([4]), 3, 6)[0]),
        "block": as_rows(block),
    }


def _panel(ax: plt.Axes, rows: list[list[int]], title: str, xlabel: str, ylabel: str, language: str,
           ticks: list[str] | None = None) -> None:
    matrix = np.array(rows)
    n_rows, n_cols = matrix.shape
    ax.imshow(matrix, cmap=CMAP, vmin=0, vmax=1)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(xlabel, fontsize=9)
    ax.set_ylabel(ylabel, fontsize=9)
    ax.set_xticks(range(n_cols), ticks or [number(j, "d", language) for j in range(n_cols)], fontsize=7)
    ax.set_yticks(range(n_rows), ticks or [number(i, "d", language) for i in range(n_rows)], fontsize=7)
    ax.set_xticks(np.arange(-0.5, matrix.shape[1]), minor=True)
    ax.set_yticks(np.arange(-0.5, matrix.shape[0]), minor=True)
    ax.grid(which="minor", color="white", linewidth=1)
    ax.tick_params(which="minor", length=0)
    for side in ax.spines.values():
        side.set_visible(False)


def draw(data: dict, language: str) -> plt.Figure:
    t = labels(__name__, language)
    with plt.rc_context(style(language)):
        fig, axes = plt.subplots(2, 3, figsize=(11, 7.6), layout="constrained")
        _panel(axes[0, 0], data["bidirectional"], t["bidirectional"], t["key"], t["query"], language)
        _panel(axes[0, 1], data["causal"], t["causal"], t["key"], t["query"], language)
        _panel(axes[0, 2], data["prefix"], t["prefix"], t["key"], t["query"], language, list("ABCDE"))
        _panel(axes[1, 0], data["window"], t["window"], t["key"], t["query"], language)
        _panel(axes[1, 1], data["cross"], t["cross"], t["encoder"], t["decoder"], language)
        block = axes[1, 2]
        positions = [number(i, "d", language) for i in range(6)]
        _panel(block, data["block"], t["block"], t["key"], t["query"], language,
               [f"$x_t^{{{i}}}$" for i in positions] + [f"$x_0^{{{i}}}$" for i in positions])
        for position in (5.5,):  # the border between the noisy and the clean half
            block.axhline(position, color="#ff7043", linewidth=1.5)
            block.axvline(position, color="#ff7043", linewidth=1.5)
        fig.suptitle(t["legend"], fontsize=9, x=0.99, ha="right")
    return fig
