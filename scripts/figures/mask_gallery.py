"""Mask gallery: bidirectional, causal, prefix LM, sliding window, cross-attention, block diffusion."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.colors import ListedColormap

from llmtriad import masks
from scripts.figures.common import style

NAME = "mask-gallery"
MEASURED = False

TEXT = {
    "en": {
        "bidirectional": "Bidirectional (encoder)",
        "causal": "Causal (decoder)",
        "prefix": "Prefix LM: A B | C D E",
        "window": "Sliding window, W = 3",
        "cross": "Cross-attention, source of 4 + 2 padding",
        "block": "Block diffusion (BD3-LM), n = 6, block 2",
        "query": "query", "key": "key", "decoder": "decoder query", "encoder": "encoder key",
        "legend": "dark: may attend",
    },
    "zh": {
        "bidirectional": "双向（编码器）",
        "causal": "因果（解码器）",
        "prefix": "前缀语言模型：A B | C D E",
        "window": "滑动窗口，W = 3",
        "cross": "交叉注意力：4 个源词元 + 2 个填充",
        "block": "块扩散（BD3-LM），n = 6，块大小 2",
        "query": "查询", "key": "键", "decoder": "解码器查询", "encoder": "编码器键",
        "legend": "深色：可以关注",
    },
    "it": {
        "bidirectional": "Bidirezionale (encoder)",
        "causal": "Causale (decoder)",
        "prefix": "Prefix LM: A B | C D E",
        "window": "Finestra scorrevole, W = 3",
        "cross": "Cross-attention, 4 token + 2 di padding",
        "block": "Block diffusion (BD3-LM), n = 6, blocchi da 2",
        "query": "query", "key": "key", "decoder": "query del decoder", "encoder": "key dell'encoder",
        "legend": "scuro: può prestare attenzione",
    },
}

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


def _panel(ax: plt.Axes, rows: list[list[int]], title: str, xlabel: str, ylabel: str,
           ticks: list[str] | None = None) -> None:
    matrix = np.array(rows)
    ax.imshow(matrix, cmap=CMAP, vmin=0, vmax=1)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(xlabel, fontsize=9)
    ax.set_ylabel(ylabel, fontsize=9)
    ax.set_xticks(range(matrix.shape[1]), ticks or range(matrix.shape[1]), fontsize=7)
    ax.set_yticks(range(matrix.shape[0]), ticks or range(matrix.shape[0]), fontsize=7)
    ax.set_xticks(np.arange(-0.5, matrix.shape[1]), minor=True)
    ax.set_yticks(np.arange(-0.5, matrix.shape[0]), minor=True)
    ax.grid(which="minor", color="white", linewidth=1)
    ax.tick_params(which="minor", length=0)
    for side in ax.spines.values():
        side.set_visible(False)


def draw(data: dict, language: str) -> plt.Figure:
    t = TEXT[language]
    with plt.rc_context(style(language)):
        fig, axes = plt.subplots(2, 3, figsize=(11, 7.6), layout="constrained")
        _panel(axes[0, 0], data["bidirectional"], t["bidirectional"], t["key"], t["query"])
        _panel(axes[0, 1], data["causal"], t["causal"], t["key"], t["query"])
        _panel(axes[0, 2], data["prefix"], t["prefix"], t["key"], t["query"], list("ABCDE"))
        _panel(axes[1, 0], data["window"], t["window"], t["key"], t["query"])
        _panel(axes[1, 1], data["cross"], t["cross"], t["encoder"], t["decoder"])
        block = axes[1, 2]
        _panel(block, data["block"], t["block"], t["key"], t["query"],
               [f"$x_t^{{{i}}}$" for i in range(6)] + [f"$x_0^{{{i}}}$" for i in range(6)])
        for position in (5.5,):  # the border between the noisy and the clean half
            block.axhline(position, color="#ff7043", linewidth=1.5)
            block.axvline(position, color="#ff7043", linewidth=1.5)
        fig.suptitle(t["legend"], fontsize=9, x=0.99, ha="right")
    return fig
