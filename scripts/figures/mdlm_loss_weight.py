"""MDLM's 1/t loss weight, and what it does to the variance of the per-sequence loss estimate."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch

from llmtriad.diffusion import forward_mask, sample_times
from scripts.figures.common import Labels, labels, style

MEASURED_ON: tuple[str, ...] = ()  # deterministic: the same bytes on every machine

EPS = 1e-3  # LLaDA's lower bound on t
LENGTH = 64  # L, positions per sequence
DRAWS = 100_000  # Monte-Carlo draws of (t, mask)
T_GRID, PER_T = 16, 2000  # middle panel: 16 log-spaced values of t, 2000 draws of the mask at each
SEED = 0
CE_LOW, CE_HIGH = 0.5, 3.0  # range of the toy model's per-token cross-entropy
Y_MAX = 8.0  # the middle panel stops here: its widest bands reach ~18

# The labels: table [mdlm_loss_weight] of locales/figures/LANGUAGE.toml.

WEIGHTED, UNWEIGHTED, TRUTH = "#d55e00", "#0072b2", "black"  # Okabe-Ito orange and blue


def compute(device: torch.device, quick: bool) -> dict:
    """Monte-Carlo estimates of the toy loss; t and the masks come from llmtriad.diffusion."""
    generator = torch.Generator().manual_seed(SEED)
    uniform = torch.rand(LENGTH, generator=generator, dtype=torch.float64)  # (L,)
    ce = CE_LOW + (CE_HIGH - CE_LOW) * uniform  # (L,) the toy model's cross-entropy per position
    truth = ce.sum() / LENGTH

    t = sample_times(DRAWS, generator, eps=EPS)  # (N,)
    mask_id = 1
    xt = forward_mask(torch.zeros(DRAWS, LENGTH, dtype=torch.long), t, mask_id, generator)  # (N, L)
    masked = (xt == mask_id).double()  # (N, L)
    t = t.double()
    masked_ce = (masked * ce).sum(dim=1)  # (N,) sum of c over the masked positions
    count = masked.sum(dim=1)  # (N,)
    # MDLM / LLaDA: divide by t, and by all L positions (not by the masked count).
    weighted = masked_ce / (t * LENGTH)  # (N,)
    has_mask = count > 0  # the unweighted mean needs at least one masked token
    unweighted = masked_ce[has_mask] / count[has_mask]  # (N',)

    def r(value: float | torch.Tensor) -> float:
        # Six significant digits: the float64 sums behind these numbers carry a relative
        # rounding error below DRAWS * eps = 2e-11, which changes with the CPU's kernels.
        return float(f"{float(value):.6g}")

    def percentiles(values: torch.Tensor) -> dict[str, float]:
        levels = (1, 25, 50, 75, 99)
        return {str(q): r(x) for q, x in zip(levels, np.percentile(values.numpy(), levels))}

    # How much of the weighted estimate's variance comes from the draws with t < 0.1.
    squared = (weighted - weighted.mean()) ** 2
    share_small_t = squared[t < 0.1].sum() / squared.sum()
    grid = np.geomspace(EPS, 1.0, 200)
    # The same two estimates at fixed values of t, PER_T masks each: how the spread grows as t falls.
    by_t: dict = {"t": [], "weighted": [], "unweighted": []}
    for fixed in np.geomspace(EPS, 1.0, T_GRID):
        t_fixed = torch.full((PER_T,), float(fixed), dtype=torch.float64)
        x = forward_mask(torch.zeros(PER_T, LENGTH, dtype=torch.long), t_fixed, mask_id, generator)
        hits = (x == mask_id).double()  # (PER_T, L)
        sums, counts = (hits * ce).sum(dim=1), hits.sum(dim=1)  # (PER_T,), (PER_T,)
        estimates = {"weighted": sums / (t_fixed * LENGTH), "unweighted": (sums / counts)[counts > 0]}
        by_t["t"].append(r(fixed))
        for key, values in estimates.items():
            by_t[key].append([r(q) for q in np.percentile(values.numpy(), (5, 50, 95))])
    return {
        "seed": SEED,
        "precision": "6 significant digits: sums and percentiles of at most 1e5 float64 terms, whose "
                     "relative rounding error (below 1e5 * eps = 2e-11) depends on the CPU's kernels",
        "eps": EPS, "length": LENGTH, "draws": DRAWS,
        "ce": [r(v) for v in ce.tolist()],
        "truth": r(truth),
        "weighted": {"mean": r(weighted.mean()), "var": r(weighted.var()), "max": r(weighted.max()),
                     "percentiles": percentiles(weighted),
                     "var_share_from_t_below_0.1": r(share_small_t)},
        "unweighted": {"mean": r(unweighted.mean()), "var": r(unweighted.var()),
                       "percentiles": percentiles(unweighted),
                       "draws_without_mask": int((~has_mask).sum())},
        "weight_curve": {"t": [r(v) for v in grid], "weight": [r(1 / v) for v in grid]},
        "by_t": by_t, "per_t": PER_T,
    }


def _weight_panel(ax: plt.Axes, data: dict, t: Labels) -> None:
    curve = data["weight_curve"]
    ax.plot(curve["t"], curve["weight"], color=WEIGHTED, linewidth=2)
    ax.set_yscale("log")
    ax.axvspan(data["eps"], 0.1, color="#bdbdbd", alpha=0.35, linewidth=0)
    share = 100 * data["weighted"]["var_share_from_t_below_0.1"]
    ax.text(0.12, 60, t.format("tail", share=share), fontsize=8.5, va="center")
    ax.plot([data["eps"]], [1 / data["eps"]], marker="o", color=WEIGHTED)
    ax.annotate(t["eps"], (data["eps"], 1 / data["eps"]), xytext=(0.12, 700), fontsize=8.5,
                va="center", arrowprops={"arrowstyle": "->", "color": "#424242"})
    ax.set_xlim(0, 1)
    ax.set_xlabel(t["t"])
    ax.set_ylabel(t["weight"])
    ax.set_title(t["weight_title"], fontsize=10)


def _by_t_panel(ax: plt.Axes, data: dict, t: Labels) -> None:
    by_t = data["by_t"]
    styles = {"weighted": (WEIGHTED, "-", "o", "//"), "unweighted": (UNWEIGHTED, "--", "s", "")}
    for key, (colour, line, marker, hatch) in styles.items():
        low, median, high = zip(*by_t[key])  # 5th, 50th and 95th percentiles at each t
        ax.fill_between(by_t["t"], low, high, color=colour, alpha=0.25, hatch=hatch,
                        edgecolor=colour, linewidth=0)
        ax.plot(by_t["t"], median, color=colour, linestyle=line, marker=marker, markersize=3.5,
                linewidth=1.6, label=t[key])
    ax.text(by_t["t"][0] * 1.3, 0.25, t["no_mask"], fontsize=8, color=WEIGHTED, va="bottom")
    ax.axhline(data["truth"], color=TRUTH, linestyle=":", linewidth=1.5)
    ax.set_xscale("log")
    ax.set_ylim(0, Y_MAX)
    ax.set_xlabel(t["t_log"])
    ax.set_ylabel(t.format("clipped", m=Y_MAX))
    ax.set_title(t.format("by_t_title", k=data["per_t"]), fontsize=10)
    ax.legend(fontsize=8.5, loc="upper right", frameon=False)


def _box_panel(ax: plt.Axes, data: dict, t: Labels) -> None:
    stats = []
    for key, label in (("weighted", t["weighted"]), ("unweighted", t["unweighted"])):
        q = data[key]["percentiles"]
        stats.append({"label": label,
                      "whislo": q["1"], "q1": q["25"], "med": q["50"], "q3": q["75"], "whishi": q["99"],
                      "mean": data[key]["mean"], "fliers": []})
    parts = ax.bxp(stats, showmeans=True, widths=0.5, patch_artist=True,
                   meanprops={"marker": "D", "markerfacecolor": "white", "markeredgecolor": "black"},
                   medianprops={"color": "black"})
    for box, color, hatch, key in zip(parts["boxes"], (WEIGHTED, UNWEIGHTED), ("//", ""),
                                      ("weighted", "unweighted")):
        box.set(facecolor=color, alpha=0.45, hatch=hatch, edgecolor=color,
                label=t[key] + t["sep"] + t.format("stats", v=data[key]["var"]))
    ax.axhline(data["truth"], color=TRUTH, linestyle=":", linewidth=1.5,
               label=t.format("truth", x=data["truth"]))
    ax.set_ylim(-0.2, 1.3 * data["weighted"]["percentiles"]["99"])  # room for the legend on top
    ax.set_ylabel(t["estimate"])
    ax.tick_params(axis="x", labelsize=8.5)
    ax.set_title(t.format("box_title", n=data["draws"]), fontsize=10)
    ax.legend(fontsize=8.5, loc="upper right", frameon=False)
    ax.text(0.98, 0.02, t["box_note"], transform=ax.transAxes, ha="right", va="bottom", fontsize=8,
            color="#424242")


def draw(data: dict, language: str) -> plt.Figure:
    t = labels(__name__, language)
    with plt.rc_context(style(language)):
        fig, axes = plt.subplots(1, 3, figsize=(11, 4.5), layout="constrained")
        _weight_panel(axes[0], data, t)
        _by_t_panel(axes[1], data, t)
        _box_panel(axes[2], data, t)
        fig.suptitle(t["title"], fontsize=11.5, fontweight="bold", x=0.01, ha="left")
        caption = "\n".join((t["subtitle"], t["estimates"], t["note"]))
        fig.supxlabel(caption, fontsize=8.5, x=0.01, ha="left", color="#424242")
    return fig
