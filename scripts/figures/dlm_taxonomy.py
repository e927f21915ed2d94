"""A taxonomy of language models by how they generate text: autoregressive vs diffusion
(continuous, discrete, hybrid), each box with the attention mask its network uses."""

from __future__ import annotations

import matplotlib.pyplot as plt
import torch
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

from llmtriad import masks
from scripts.figures.common import Labels, labels, style

MEASURED_ON: tuple[str, ...] = ()  # deterministic: the same bytes on every machine

# The labels: table [dlm_taxonomy] of locales/figures/LANGUAGE.toml.

GLYPH_N, GLYPH_BLOCK = 6, 2  # the glyphs are 6 x 6 masks; the hybrid one has blocks of 2

# The tree, left to right. Each leaf names its family, the label keys of its
# texts, and the mask glyph its network attends with (None: no glyph).
FAMILIES = [
    {"key": "autoregressive", "leaves": [
        {"key": "decoder_only", "glyph": "causal"},
        {"key": "encoder_decoder", "glyph": "prefix_lm"},
        {"key": "encoder_only", "glyph": "bidirectional"}]},
    {"key": "diffusion", "leaves": [
        {"key": "continuous", "glyph": "bidirectional"},
        {"key": "discrete", "glyph": "bidirectional"},
        {"key": "hybrid", "glyph": "block_causal"}]},
]

# Okabe-Ito based fills (light) and edges (dark).
COLOURS = {
    "root": ("#eeeeee", "#616161"),
    "autoregressive": ("#d0e6f5", "#0072b2"),
    "diffusion": ("#fde0c5", "#d55e00"),
    "hybrid": ("#f5d3e6", "#cc79a7"),
}
MASK_ON, MASK_OFF = "#3f51b5", "#eef0f8"

# Layout in data units (y up).
WIDTH, HEIGHT = 24.0, 13.6
ROOT_Y, FAMILY_Y, LEAF_TOP, LEAF_H = 12.55, 10.3, 8.25, 5.6
LEAF_W, LEAF_GAP, MARGIN = 3.72, 0.3, 0.21
GLYPH = 1.15


def compute(device: torch.device, quick: bool) -> dict:
    """The tree and its 6 x 6 mask glyphs, from llmtriad.masks."""
    n = GLYPH_N
    return {
        "layout": "v1",
        "precision": "exact: 0/1 masks and the tree written in the script",
        "families": FAMILIES,
        "masks": {
            "causal": masks.causal_mask(n).int().tolist(),
            "bidirectional": masks.bidirectional_mask(n).int().tolist(),
            # An encoder-decoder's two attentions fused into one mask (the masks chapter): a prefix LM.
            "prefix_lm": masks.prefix_lm_mask(n, n // 2).int().tolist(),
            # The clean half of the BD3-LM training mask: block-causal over blocks of 2.
            "block_causal": masks.block_diffusion_mask(n, GLYPH_BLOCK)[n:, n:].int().tolist(),
        },
    }


def _box(ax: plt.Axes, x: float, y: float, w: float, h: float, colours: tuple[str, str],
         dashed: bool = False) -> None:
    """A rounded box with its lower-left corner at (x, y)."""
    face, edge = colours
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0,rounding_size=0.25", facecolor=face,
                                edgecolor=edge, linewidth=1.4, linestyle="--" if dashed else "-"))


def _glyph(ax: plt.Axes, x: float, y: float, matrix: list[list[int]]) -> None:
    """A mask drawn with its top-left corner at (x, y); row 0 (the first query) on top."""
    cell = GLYPH / len(matrix)
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            ax.add_patch(Rectangle((x + j * cell, y - (i + 1) * cell), cell, cell,
                                   facecolor=MASK_ON if value else MASK_OFF, edgecolor="white", linewidth=0.5))


def _line(ax: plt.Axes, points: list[tuple[float, float]], colour: str) -> None:
    xs, ys = zip(*points)
    ax.plot(xs, ys, color=colour, linewidth=1.4, solid_capstyle="round")


def _leaf(ax: plt.Axes, x: float, leaf: dict, family: str, data: dict, t: Labels) -> None:
    key = leaf["key"]
    colours = COLOURS["hybrid" if key == "hybrid" else family]
    bottom = LEAF_TOP - LEAF_H
    _box(ax, x, bottom, LEAF_W, LEAF_H, colours, dashed=key == "encoder_only")
    text = t[key]
    centre = x + LEAF_W / 2
    ax.text(centre, LEAF_TOP - 0.3, text["title"], ha="center", va="top", fontsize=9.5, fontweight="bold",
            color="#212121", linespacing=1.15)
    ax.text(x + MARGIN, LEAF_TOP - 1.35, text["how"], ha="left", va="top", fontsize=7.6, color="#212121",
            linespacing=1.22)
    ax.text(x + MARGIN, bottom + GLYPH + 0.55, text["models"], ha="left", va="bottom", fontsize=7.6,
            color="#424242", style="italic", linespacing=1.2)
    if leaf["glyph"]:
        _glyph(ax, centre - GLYPH / 2, bottom + GLYPH + 0.25, data["masks"][leaf["glyph"]])


def draw(data: dict, language: str) -> plt.Figure:
    t = labels(__name__, language)
    families = data["families"]
    with plt.rc_context(style(language)):
        fig, ax = plt.subplots(figsize=(11, 6.4), layout="constrained")
        # The root.
        root_w = 11.0
        _box(ax, WIDTH / 2 - root_w / 2, ROOT_Y - 0.45, root_w, 0.95, COLOURS["root"])
        ax.text(WIDTH / 2, ROOT_Y + 0.02, t["root"], ha="center", va="center", fontsize=10.5, fontweight="bold",
                color="#212121")
        x = (WIDTH - 6 * LEAF_W - 5 * LEAF_GAP) / 2
        for family in families:
            leaves = family["leaves"]
            span = len(leaves) * LEAF_W + (len(leaves) - 1) * LEAF_GAP
            fx, fw = x + 0.6, span - 1.2
            edge = COLOURS[family["key"]][1]
            _box(ax, fx, FAMILY_Y - 0.85, fw, 1.7, COLOURS[family["key"]])
            text = t[family["key"]]
            ax.text(fx + fw / 2, FAMILY_Y + 0.52, text["title"], ha="center", va="center", fontsize=10.5,
                    fontweight="bold", color="#212121")
            ax.text(fx + fw / 2, FAMILY_Y - 0.2, text["how"], ha="center", va="center", fontsize=8,
                    color="#212121", linespacing=1.2)
            # Root -> family, family -> each leaf: elbow connectors.
            middle = (ROOT_Y - 0.45 + FAMILY_Y + 0.85) / 2
            _line(ax, [(WIDTH / 2, ROOT_Y - 0.45), (WIDTH / 2, middle), (fx + fw / 2, middle),
                       (fx + fw / 2, FAMILY_Y + 0.85)], "#616161")
            split = (FAMILY_Y - 0.85 + LEAF_TOP) / 2
            for i, leaf in enumerate(leaves):
                lx = x + i * (LEAF_W + LEAF_GAP)
                _line(ax, [(fx + fw / 2, FAMILY_Y - 0.85), (fx + fw / 2, split), (lx + LEAF_W / 2, split),
                           (lx + LEAF_W / 2, LEAF_TOP)], edge)
                _leaf(ax, lx, leaf, family["key"], data, t)
            x += span + LEAF_GAP
        # Encoder-only -> discrete: the masked LM that became masked diffusion.
        left = (WIDTH - 6 * LEAF_W - 5 * LEAF_GAP) / 2
        start = left + 2 * (LEAF_W + LEAF_GAP) + LEAF_W / 2
        end = left + 4 * (LEAF_W + LEAF_GAP) + LEAF_W / 2
        bottom = LEAF_TOP - LEAF_H
        ax.add_patch(FancyArrowPatch((start, bottom), (end, bottom), connectionstyle="arc3,rad=0.28",
                                     arrowstyle="-|>", mutation_scale=13, color="#616161", linewidth=1.3,
                                     linestyle="--"))
        ax.text((start + end) / 2, bottom - 1.25, t["mlm_link"], ha="center", va="top", fontsize=8,
                color="#424242", linespacing=1.2)
        ax.set_xlim(0, WIDTH)
        ax.set_ylim(LEAF_TOP - LEAF_H - 2.6, HEIGHT)
        ax.set_aspect("equal")
        ax.axis("off")
        fig.supxlabel(t["caption"], fontsize=7.6, color="#424242")
    return fig
