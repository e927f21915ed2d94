"""Masked diffusion forward process: one sentence masked at t = 0, 0.25, 0.5, 0.75, 1."""

from __future__ import annotations

import matplotlib.pyplot as plt
import torch
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from llmtriad.diffusion import forward_mask
from scripts.figures.common import labels, math_number, style

MEASURED_ON: tuple[str, ...] = ()  # deterministic: the same bytes on every machine

TIMES = (0.0, 0.25, 0.5, 0.75, 1.0)
POSITIONS = 12  # masks are drawn for 12 positions; each language uses its first len(tokens)
SEED = 0
MASK = "[MASK]"

# Ten tokens in every language, so the same positions are masked everywhere.
SENTENCES = {
    "en": "the cat sleeps all day on the soft red sofa".split(),
    "zh": "那只 猫 整天 都 睡 在 红色 的 沙发 上".split(),
    "it": "il gatto dorme tutto il giorno sul morbido divano rosso".split(),
}

# The labels: table [diffusion_forward] of locales/figures/LANGUAGE.toml.

TOKEN_FACE, TOKEN_EDGE = "#e8eaf6", "#3f51b5"
MASK_FACE, MASK_EDGE = "#9e9e9e", "#616161"


def compute(device: torch.device, quick: bool) -> dict:
    """Which of 12 positions are masked at each t, from llmtriad's forward_mask."""
    x0 = torch.arange(POSITIONS).unsqueeze(0)  # (1, 12): any ids; only the mask pattern is used
    mask_id = POSITIONS
    rows = []
    for t in TIMES:
        # A fresh generator with the same seed for every t makes forward_mask draw the
        # same u per position, so each row is exactly the forward process at its t
        # (independent per-token masking with probability t), and the rows are coupled:
        # masked at t implies masked at every larger t.
        generator = torch.Generator().manual_seed(SEED)
        xt = forward_mask(x0, torch.tensor([t]), mask_id, generator)  # (1, 12)
        rows.append((xt[0] == mask_id).int().tolist())
    return {"seed": SEED,
            "precision": "exact: 0/1 masks; the uniform draws come from PyTorch's CPU generator "
                         "(a seeded Mersenne Twister), the same bits on every machine",
            "times": list(TIMES), "masked": rows, "sentences": SENTENCES}


def _box(ax: plt.Axes, x: float, y: float, label: str, masked: bool, width: float,
         height: float) -> None:
    face, edge = (MASK_FACE, MASK_EDGE) if masked else (TOKEN_FACE, TOKEN_EDGE)
    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                                boxstyle="round,pad=0,rounding_size=0.08",
                                facecolor=face, edgecolor=edge, linewidth=1.2))
    ax.text(x, y, label, ha="center", va="center", fontsize=8.5 if masked else 10,
            color="white" if masked else "#1a237e", fontweight="bold" if masked else "normal")


def draw(data: dict, language: str) -> plt.Figure:
    t = labels(__name__, language)
    tokens = data["sentences"][language]
    n = len(tokens)
    times = data["times"]
    width, height = 0.92, 0.62
    with plt.rc_context(style(language)):
        fig, ax = plt.subplots(figsize=(11, 4.6), layout="constrained")
        for row, (time, masked) in enumerate(zip(times, data["masked"])):
            y = -row
            ax.text(-0.75, y, f"$t = {math_number(time, 'g', language)}$", ha="right", va="center", fontsize=11)
            for i, token in enumerate(tokens):
                _box(ax, i, y, MASK if masked[i] else token, bool(masked[i]), width, height)
            count = sum(masked[:n])
            note = t.format("count", n=count, total=n)
            if count == 0:
                note = t["clean"]
            elif count == n:
                note = t["noise"]
            ax.text(n - 0.35, y, note, ha="left", va="center", fontsize=9, color="#424242")
        # Forward (down) and reverse (up) arrows on the far right.
        right = n + 1.9
        top, bottom = 0.1, -(len(times) - 1) - 0.1
        ax.add_patch(FancyArrowPatch((right, top), (right, bottom), arrowstyle="-|>",
                                     mutation_scale=14, color="#d84315", linewidth=1.6))
        ax.add_patch(FancyArrowPatch((right + 0.55, bottom), (right + 0.55, top), arrowstyle="-|>",
                                     mutation_scale=14, color="#00796b", linewidth=1.6,
                                     linestyle="--"))
        middle = (top + bottom) / 2
        ax.text(right - 0.15, middle, t["forward"], rotation=90, ha="right", va="center",
                fontsize=9, color="#d84315")
        ax.text(right + 0.7, middle, t["reverse"], rotation=90, ha="left", va="center",
                fontsize=9, color="#00796b")
        ax.set_xlim(-1.9, right + 1.2)
        ax.set_ylim(-(len(times) - 1) - 0.5, 0.5)
        ax.set_aspect("equal")
        ax.axis("off")
        fig.suptitle(t["title"], fontsize=11.5, fontweight="bold", x=0.01, ha="left")
        ax.set_title(t["subtitle"], fontsize=9.5, loc="left", color="#424242")
    return fig
