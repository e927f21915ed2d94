"""The Transformer triad as diagrams: encoder-only (BERT), decoder-only (GPT), encoder-decoder (T5)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import torch
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

from llmtriad import masks
from scripts.figures.common import Labels, labels, style

MEASURED_ON: tuple[str, ...] = ()  # deterministic: the same bytes on every machine

# What each panel holds, bottom to top. A column is one stack of N identical blocks;
# a layer is (kind, mask): the mask glyph drawn beside attention layers.
STRUCTURE = [
    {"key": "encoder_only", "width": 6.1, "columns": [
        {"x": 2.8, "blocks": "encoder_blocks", "input": "bert_in", "input_label": "in_masked",
         "layers": [["attention_bidirectional", "full"], ["ffn", None]],
         "head": "mlm_head", "output": "bert_out", "output_label": "out_bert"}]},
    {"key": "decoder_only", "width": 6.1, "columns": [
        {"x": 2.8, "blocks": "decoder_blocks", "input": "gpt_in", "input_label": "in_plain",
         "layers": [["attention_causal", "causal"], ["ffn", None]],
         "head": "lm_head", "output": "gpt_out", "output_label": "out_gpt"}]},
    {"key": "encoder_decoder", "width": 13.6, "columns": [
        {"x": 2.8, "blocks": "encoder_blocks", "input": "t5_src", "input_label": "in_source",
         "layers": [["attention_bidirectional", "full"], ["ffn", None]],
         "head": "encoder_output", "output": None, "output_label": None},
        {"x": 9.9, "blocks": "decoder_blocks", "label_side": "right",
         "input": "t5_tgt", "input_label": "in_target",
         "layers": [["attention_causal", "causal"], ["cross_attention", "cross"], ["ffn", None]],
         "head": "lm_head", "output": "t5_out", "output_label": "out_t5"}]},
]

# Example tokens; None leaves a position without an output box, and "*" marks the
# highlighted prediction.
TOKENS = {
    "en": {"bert_in": ["[CLS]", "the", "[MASK]", "sat"], "bert_out": ["*class", None, "*cat", None],
           "gpt_in": ["the", "cat", "sat"], "gpt_out": ["cat", "sat", "*down"],
           "t5_src": ["the", "cat", "sleeps"], "t5_tgt": ["<s>", "le", "chat"],
           "t5_out": ["le", "chat", "*dort"]},
    "zh": {"bert_in": ["[CLS]", "那只", "[MASK]", "坐下"], "bert_out": ["*类别", None, "*猫", None],
           "gpt_in": ["猫", "在", "睡"], "gpt_out": ["在", "睡", "*觉"],
           "t5_src": ["the", "cat", "sleeps"], "t5_tgt": ["<s>", "猫", "在"],
           "t5_out": ["猫", "在", "*睡"]},
    "it": {"bert_in": ["[CLS]", "il", "[MASK]", "dorme"], "bert_out": ["*classe", None, "*gatto", None],
           "gpt_in": ["il", "gatto", "dorme"], "gpt_out": ["gatto", "dorme", "*sul"],
           "t5_src": ["the", "cat", "sleeps"], "t5_tgt": ["<s>", "il", "gatto"],
           "t5_out": ["il", "gatto", "*dorme"]},
}

# The labels: table [triad_diagrams] of locales/figures/LANGUAGE.toml.

# Okabe-Ito based fills (light) and edges (dark), one pair per kind of box.
COLOURS = {
    "attention_bidirectional": ("#fde0c5", "#d55e00"),
    "attention_causal": ("#fde0c5", "#d55e00"),
    "cross_attention": ("#f5d3e6", "#cc79a7"),
    "ffn": ("#d0e6f5", "#0072b2"),
    "embed": ("#e0e0e0", "#616161"),
    "head": ("#d4efe6", "#009e73"),
    "token": ("#ffffff", "#616161"),
    "masked": ("#9e9e9e", "#616161"),
    "predicted": ("#fff4c2", "#b8860b"),
}
MASK_ON, MASK_OFF = "#3f51b5", "#eef0f8"

# Heights (data units, y up) of the rows every column shares, and box sizes.
Y_INPUT, Y_EMBED, Y_HEAD, Y_OUTPUT, TOP = 1.0, 2.6, 12.1, 13.6, 15.0
STACK_BOTTOM, STACK_TOP = 3.6, 11.0
BOX_W, LAYER_H, SMALL_H, GLYPH = 3.4, 1.3, 0.95, 0.95
FRAME_LEFT, FRAME_RIGHT = BOX_W / 2 + 0.3, BOX_W / 2 + 0.2 + GLYPH + 0.25  # frame edges around x


def compute(device: torch.device, quick: bool) -> dict:
    """The diagrams' structure, and the 4 x 4 masks of the glyphs from llmtriad.masks."""
    cross = masks.cross_attention_mask(torch.tensor([4]), torch.tensor([4]), 4, 4)[0]
    return {
        "layout": "v1",
        "precision": "exact: 0/1 masks and layout constants written in the script",
        "panels": STRUCTURE,
        "tokens": TOKENS,
        "masks": {"full": masks.bidirectional_mask(4).int().tolist(),
                  "causal": masks.causal_mask(4).int().tolist(),
                  "cross": cross.int().tolist()},
    }


def _box(ax: plt.Axes, x: float, y: float, w: float, h: float, label: str, kind: str,
         fontsize: float = 9, bold: bool = False) -> None:
    face, edge = COLOURS[kind]
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h,
                                boxstyle="round,pad=0,rounding_size=0.18",
                                facecolor=face, edgecolor=edge, linewidth=1.3))
    ax.text(x, y, label, ha="center", va="center", fontsize=fontsize, linespacing=1.15,
            fontweight="bold" if bold else "normal",
            color="white" if kind == "masked" else "#212121")


def _arrow(ax: plt.Axes, start: tuple[float, float], end: tuple[float, float],
           colour: str = "#424242") -> None:
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=11, color=colour,
                                 linewidth=1.3, shrinkA=0, shrinkB=0))


def _glyph(ax: plt.Axes, x: float, y: float, matrix: list[list[int]], size: float = 0.95) -> None:
    """A tiny mask matrix with its left edge at x, centred on y; row 0 (the first query) on top."""
    cell = size / len(matrix)
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            ax.add_patch(Rectangle((x + j * cell, y + size / 2 - (i + 1) * cell), cell, cell,
                                   facecolor=MASK_ON if value else MASK_OFF, edgecolor="white",
                                   linewidth=0.6))


def _tokens(ax: plt.Axes, x: float, y: float, tokens: list[str | None]) -> None:
    """A row of token boxes, 1.3 apart, centred on x."""
    for i, token in enumerate(tokens):
        if token is None:
            continue
        kind = "masked" if token == "[MASK]" else "predicted" if token.startswith("*") else "token"
        _box(ax, x + (i - (len(tokens) - 1) / 2) * 1.3, y, 1.18, 0.72, token.lstrip("*"), kind,
             fontsize=8, bold=kind == "predicted")


def _column(ax: plt.Axes, column: dict, tokens: dict, glyphs: dict, t: Labels) -> dict[str, tuple]:
    """Draw one stack, bottom to top; return the anchor points other arrows connect to."""
    x = column["x"]
    anchors: dict[str, tuple] = {}
    _tokens(ax, x, Y_INPUT, tokens[column["input"]])
    ax.text(x, Y_INPUT - 0.55, t[column["input_label"]], ha="center", va="top", fontsize=8,
            color="#424242")
    _box(ax, x, Y_EMBED, BOX_W, SMALL_H, t["embed"], "embed", fontsize=8)
    _arrow(ax, (x, Y_INPUT + 0.36), (x, Y_EMBED - SMALL_H / 2))

    # The N x frame around one block, its layers spread evenly inside.
    ax.add_patch(FancyBboxPatch((x - FRAME_LEFT, STACK_BOTTOM), FRAME_LEFT + FRAME_RIGHT,
                                STACK_TOP - STACK_BOTTOM, boxstyle="round,pad=0,rounding_size=0.3",
                                facecolor="none",
                                edgecolor="#757575", linewidth=1.2, linestyle="--"))
    # "N x ... blocks" runs up the frame's outer side, as in the original Transformer figure.
    right = column.get("label_side") == "right"
    ax.text(x + FRAME_RIGHT + 0.12 if right else x - FRAME_LEFT - 0.12, (STACK_BOTTOM + STACK_TOP) / 2,
            t[column["blocks"]], ha="left" if right else "right", va="center", rotation=90,
            fontsize=9, fontweight="bold", color="#424242")
    layers = column["layers"]
    gap = (STACK_TOP - STACK_BOTTOM - len(layers) * LAYER_H) / (len(layers) + 1)
    previous = (x, Y_EMBED + SMALL_H / 2)
    for index, (kind, mask) in enumerate(layers):
        y = STACK_BOTTOM + gap * (index + 1) + LAYER_H * (index + 0.5)
        _box(ax, x, y, BOX_W, LAYER_H, t[kind], kind, fontsize=9)
        _arrow(ax, previous, (x, y - LAYER_H / 2))
        previous = (x, y + LAYER_H / 2)
        if mask:
            _glyph(ax, x + BOX_W / 2 + 0.2, y, glyphs[mask], GLYPH)
        anchors[kind] = (x - BOX_W / 2, y)

    head = column["head"]
    _box(ax, x, Y_HEAD, BOX_W, SMALL_H, t[head], "head", fontsize=8)
    _arrow(ax, previous, (x, Y_HEAD - SMALL_H / 2))
    anchors["head"] = (x + BOX_W / 2, Y_HEAD)
    if column["output"]:
        _tokens(ax, x, Y_OUTPUT, tokens[column["output"]])
        _arrow(ax, (x, Y_HEAD + SMALL_H / 2), (x, Y_OUTPUT - 0.36))
        ax.text(x, Y_OUTPUT + 0.5, t[column["output_label"]], ha="center", va="bottom", fontsize=8,
                color="#424242")
    return anchors


def draw(data: dict, language: str) -> plt.Figure:
    t = labels(__name__, language)
    tokens = data["tokens"][language]
    panels = data["panels"]
    with plt.rc_context(style(language)):
        fig, axes = plt.subplots(1, len(panels), figsize=(11, 6.6), layout="constrained",
                                 gridspec_kw={"width_ratios": [p["width"] for p in panels]})
        for ax, panel in zip(axes, panels):
            anchors = [_column(ax, column, tokens, data["masks"], t) for column in panel["columns"]]
            if len(anchors) == 2:
                # Cross-attention reads the encoder's output: out of the encoder, down the gap
                # between the stacks, into the decoder block's cross-attention.
                (ex, ey), (cx, cy) = anchors[0]["head"], anchors[1]["cross_attention"]
                encoder_x, decoder_x = (c["x"] for c in panel["columns"])
                lane = (encoder_x + FRAME_RIGHT + decoder_x - FRAME_LEFT) / 2 + 0.35
                colour = COLOURS["cross_attention"][1]
                ax.plot([ex, lane, lane], [ey, ey, cy], color=colour, linewidth=1.8)
                _arrow(ax, (lane, cy), (cx, cy), colour=colour)
                ax.text(lane - 0.22, (ey + cy) / 2, t["kv"], ha="right", va="center", rotation=90,
                        fontsize=8, color="#8e3b6b", linespacing=1.2)
            ax.set_title(t[panel["key"]], fontsize=11.5, fontweight="bold")
            ax.set_xlim(0, panel["width"])
            ax.set_ylim(0, TOP)
            ax.set_aspect("equal")
            ax.axis("off")
        fig.supxlabel(t["caption"], fontsize=8.5, color="#424242")
    return fig
