"""Causal masks when L != S: top-left (is_causal=True) vs bottom-right (causal_lower_right)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch, Rectangle
from torch.nn.attention.bias import causal_lower_right

from llmtriad import masks
from scripts.figures.common import Labels, labels, number, style

MEASURED_ON: tuple[str, ...] = ()  # deterministic: the same bytes on every machine

# (L queries, S keys): a chunk of queries after a cached past, and one decoding step.
CASES = {"chunk": (3, 6), "decode": (1, 5)}
ALIGNS = ("top_left", "bottom_right")
# The labels: table [causal_alignment] of locales/figures/LANGUAGE.toml.

CMAP = ListedColormap(["#eef0f8", "#3f51b5"])
BUG = "#d55e00"  # Okabe-Ito vermilion: stands out from the blue for every colour vision
OK = "#009e73"  # Okabe-Ito bluish green


def _pytorch_pattern(query_len: int, key_len: int, align: str) -> list[list[int]]:
    """Which keys PyTorch's own attention lets each query see, read off its output.

    Equal scores give each visible key the same weight, and identity values
    turn the output rows into those weights: nonzero exactly where visible.
    """
    q = torch.zeros(1, 1, query_len, 4)
    k = torch.zeros(1, 1, key_len, 4)
    v = torch.eye(key_len).view(1, 1, key_len, key_len)
    if align == "top_left":
        out = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    else:
        bias = causal_lower_right(query_len, key_len)
        out = F.scaled_dot_product_attention(q, k, v, attn_mask=bias)
    return (out[0, 0] > 0).int().tolist()


def compute(device: torch.device, quick: bool) -> dict:
    """Both alignments for each case, from llmtriad.masks, checked against PyTorch's attention."""
    data: dict = {"precision": "exact: 0/1 masks from integer index comparisons"}
    for case, (query_len, key_len) in CASES.items():
        data[case] = {"L": query_len, "S": key_len}
        for align in ALIGNS:
            rows = masks.causal_mask(query_len, key_len, align=align).int().tolist()
            # The figure claims which PyTorch call gives which mask: make sure it is true.
            assert rows == _pytorch_pattern(query_len, key_len, align), (case, align)
            data[case][align] = rows
    data["checked_against"] = {
        "top_left": "F.scaled_dot_product_attention(is_causal=True)",
        "bottom_right": "F.scaled_dot_product_attention(attn_mask=causal_lower_right(L, S))",
    }
    return data


def _panel(ax: plt.Axes, rows: list[list[int]], reference: list[list[int]],
           t: Labels) -> None:
    """One mask; cells that the bottom-right mask shows but this one hides get a hatch."""
    matrix = np.array(rows)
    n_rows, n_cols = matrix.shape
    ax.imshow(matrix, cmap=CMAP, vmin=0, vmax=1, aspect="auto")
    for i in range(n_rows):
        for j in range(n_cols):
            if reference[i][j] and not rows[i][j]:
                ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor="none", edgecolor=BUG,
                                       hatch="///", linewidth=0))
    ax.set_xlabel(t["key"], fontsize=9)
    ax.set_ylabel(t["query"], fontsize=9)
    ax.set_xticks(range(n_cols), [number(j, "d", t.language) for j in range(n_cols)], fontsize=8)
    ax.set_yticks(range(n_rows), [number(i, "d", t.language) for i in range(n_rows)], fontsize=8)
    ax.set_xticks(np.arange(-0.5, n_cols), minor=True)
    ax.set_yticks(np.arange(-0.5, n_rows), minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    for side in ax.spines.values():
        side.set_visible(False)


def draw(data: dict, language: str) -> plt.Figure:
    t = labels(__name__, language)
    with plt.rc_context(style(language)):
        fig = plt.figure(figsize=(10, 6.2), layout="constrained")
        # Row heights chosen so that the cells of both rows come out about square.
        rows = fig.subfigures(2, 1, height_ratios=[3.3, 2.1], hspace=0.03)
        for subfig, case in zip(rows, CASES):
            subfig.suptitle(t[case], fontsize=10, fontweight="bold")
            axes = subfig.subplots(1, 2)
            reference = data[case]["bottom_right"]
            for ax, align in zip(axes, ALIGNS):
                _panel(ax, data[case][align], reference, t)
                ax.set_title(f"{t[align]}\n{t[align + '_api']}", fontsize=9)
            if case == "decode":
                # Below each one-row mask, say what the single new query ends up seeing.
                for ax, key, colour in ((axes[0], "bug", BUG), (axes[1], "ok", OK)):
                    ax.annotate(t[key], xy=(0.5, 0), xycoords="axes fraction", xytext=(0, -33),
                                textcoords="offset points", ha="center", va="top", fontsize=9.5,
                                fontweight="bold", color=colour)
        handles = [Patch(facecolor=CMAP(1.0), label=t["visible"]),
                   Patch(facecolor="white", edgecolor=BUG, hatch="///", label=t["hidden"])]
        fig.legend(handles=handles, loc="lower center", ncol=2, fontsize=8.5, frameon=False,
                   bbox_to_anchor=(0.5, -0.07))
        fig.suptitle(t["suptitle"], fontsize=11)
    return fig
