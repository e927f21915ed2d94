"""Diffusion LM sampling: the step at which each answer position is unmasked, global vs block by block."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.image import AxesImage
from torch import Tensor

from llmtriad.diffusion import ModelFn, unmasking_steps
from scripts.figures.common import labels, number, style

MEASURED_ON: tuple[str, ...] = ()  # deterministic: the same bytes on every machine

PROMPT_LEN, ANSWER_LEN, STEPS, BLOCK_LEN = 4, 32, 16, 8
VOCAB = 16
MASK_ID = VOCAB  # outside the model's output range, so it is never predicted
SEED = 0
NEIGHBOUR_BIAS = 0.15  # small next to the U(0, 1) scores

# The labels: table [diffusion_sampling] of locales/figures/LANGUAGE.toml.


def synthetic_model(length: int) -> tuple[torch.Generator, ModelFn, Tensor]:
    """A stand-in for a trained model: fixed random scores, plus a small bonus next to known tokens.

    Each position gets a fixed score in [0, 1) and a fixed predicted token; a
    position whose neighbour is already unmasked gains NEIGHBOUR_BIAS per such
    neighbour (a real model is usually surer of a token next to known context).
    The confidence the sampler sees is the softmax maximum, which grows with the score.
    """
    generator = torch.Generator().manual_seed(SEED)
    score = torch.rand(length, generator=generator)  # (L,)
    token = torch.randint(0, VOCAB, (length,), generator=generator)  # (L,)

    def model_fn(x: Tensor) -> Tensor:
        known = (x != MASK_ID).float()  # (B, L)
        left = torch.nn.functional.pad(known[:, :-1], (1, 0))  # (B, L): neighbour i - 1 known
        right = torch.nn.functional.pad(known[:, 1:], (0, 1))  # (B, L): neighbour i + 1 known
        confidence = score + NEIGHBOUR_BIAS * (left + right)  # (B, L)
        logits = torch.zeros(*x.shape, VOCAB)  # (B, L, V)
        # Only the predicted token gets a positive logit: its softmax probability grows
        # with the score.
        logits.scatter_(2, token.expand_as(x).unsqueeze(-1), 4.0 * confidence.unsqueeze(-1))
        return logits

    return generator, model_fn, score


def smallest_gap(score: Tensor) -> float:
    """How close two positions' confidences can come, whatever their known neighbours (0, 1 or 2)."""
    shifts = NEIGHBOUR_BIAS * torch.arange(-2, 3, dtype=torch.float64)  # (5,)
    gaps = (score.double()[:, None, None] - score.double()[None, :, None] + shifts).abs()  # (L, L, 5)
    gaps[torch.arange(len(score)), torch.arange(len(score))] = float("inf")  # a position vs itself
    return float(gaps.min())


def compute(device: torch.device, quick: bool) -> dict:
    """The step at which each answer position is unmasked, by llmtriad's sampler, for both schedules."""
    generator, model_fn, score = synthetic_model(PROMPT_LEN + ANSWER_LEN)
    gap = smallest_gap(score)
    # The steps follow the order of float32 confidences: keep that order far from rounding.
    assert gap > 1e-4, f"two confidences differ by only {gap:.1e}: choose another SEED"
    prompt = torch.randint(0, VOCAB, (1, PROMPT_LEN), generator=generator)  # (1, P)
    _, global_steps = unmasking_steps(model_fn, prompt, ANSWER_LEN, STEPS, MASK_ID)
    _, block_steps = unmasking_steps(model_fn, prompt, ANSWER_LEN, STEPS, MASK_ID,
                                     block_len=BLOCK_LEN)
    return {
        "seed": SEED,
        "precision": f"exact: integer steps. They follow the order of the confidences, no two of which "
                     f"come closer than {gap:.1e}, {gap / torch.finfo(torch.float32).eps:.0f} times float32's "
                     "epsilon",
        "prompt_len": PROMPT_LEN, "answer_len": ANSWER_LEN, "steps": STEPS,
        "block_len": BLOCK_LEN, "neighbour_bias": NEIGHBOUR_BIAS,
        "global": global_steps[0].tolist(), "blocks": block_steps[0].tolist(),
    }


def _row(ax: plt.Axes, steps: list[int], title: str, xlabel: str, last: int,
         pad: float, language: str) -> AxesImage:
    matrix = np.array([steps])
    image = ax.imshow(matrix, cmap="viridis", vmin=0, vmax=last, aspect="equal")
    for i, step in enumerate(steps):
        # Numbers in the cells, so the figure does not depend on reading colours.
        ax.text(i, 0, number(step, "d", language), ha="center", va="center", fontsize=8,
                color="black" if step > 0.6 * last else "white")
    ax.set_title(title, fontsize=10, loc="left", pad=pad)
    ax.set_xlabel(xlabel, fontsize=9)
    ax.set_xticks(range(0, len(steps), 4))
    ax.tick_params(axis="x", labelsize=8)
    ax.set_yticks([])
    ax.set_xticks(np.arange(-0.5, len(steps)), minor=True)
    ax.grid(which="minor", axis="x", color="white", linewidth=1)
    ax.tick_params(which="minor", length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    return image


def draw(data: dict, language: str) -> plt.Figure:
    t = labels(__name__, language)
    last, block_len, n = data["steps"] - 1, data["block_len"], data["answer_len"]
    with plt.rc_context(style(language)):
        fig, axes = plt.subplots(2, 1, figsize=(11, 3.5), layout="constrained")
        _row(axes[0], data["global"], t["global"], t["position"], last, pad=6, language=language)
        # More room above the second row: the block labels sit between it and its title.
        blocks_title = t.format("blocks", b=block_len)
        image = _row(axes[1], data["blocks"], blocks_title, t["position"], last, pad=16, language=language)
        for edge in range(block_len, n, block_len):
            axes[1].axvline(edge - 0.5, color="#d84315", linewidth=2.5)
        for i in range(n // block_len):
            axes[1].text((i + 0.5) * block_len - 0.5, -0.6, t.format("block", i=i + 1), ha="center",
                         va="bottom", fontsize=8.5, color="#d84315")
        bar = fig.colorbar(image, ax=axes, shrink=0.9, pad=0.01, aspect=15,
                           ticks=range(0, last + 1, 3))
        bar.set_label(t["step"], fontsize=9)
        bar.ax.tick_params(labelsize=8)
        subtitle = t.format("subtitle", n=n, s=data["steps"], k=n // data["steps"])
        fig.suptitle(t["title"] + "\n" + subtitle, fontsize=10, x=0.01, ha="left")
    return fig
