"""Singular-value spectra of random attention matrices, bidirectional vs causal, across logit scales."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch

from llmtriad.rank import singular_values
from scripts.figures.common import Labels, labels, number, style

MEASURED_ON: tuple[str, ...] = ()  # deterministic: the same bytes on every machine

N, D, SEED = 256, 16, 0
TOL = 1e-3  # a singular value is significant above TOL times the largest (llmtriad/rank.py)
STRICT_TOL = 1e-6  # the stricter line the module's docstring also quotes
SCALES = [0.05, 0.3, 1.0, 3.0]  # the spectra drawn
SWEEP = [0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 3.0, 5.0]  # the counts panel
# What float64 can promise. A backward-stable SVD returns every singular value to
# within about n * eps * sigma_1 (Weyl's inequality), here 256 * 2.2e-16 = 5.7e-14 of
# the largest: below that, the digits change with the CPU's kernels and the thread count.
NOISE = N * float(torch.finfo(torch.float64).eps)
# So the JSON keeps two significant digits of sigma_i / sigma_1, and only down to
# FLOOR, five orders of magnitude above the noise. A stored value can then change on
# another machine only if the exact one lies within NOISE of a rounding boundary: a
# chance of about 2 * NOISE / 1e-9 = 1e-4 for a value at the floor, less above it.
DIGITS, FLOOR = 2, 1e-8

# Okabe-Ito colours, one per scale, with a marker each so the scales differ without colour too.
LOOK = {0.05: ("#0072B2", "o"), 0.3: ("#009E73", "s"), 1.0: ("#E69F00", "^"), 3.0: ("#D55E00", "D")}
KINDS = {"bidirectional": "-", "causal": (0, (4, 2))}

# The labels: table [rank_spectra] of locales/figures/LANGUAGE.toml.


def _normalised(scale: float, causal: bool) -> torch.Tensor:
    sv = singular_values(N, D, scale, causal, seed=SEED)  # (N,), descending, float64
    return sv / sv[0]


def _count(normalised: torch.Tensor, tol: float) -> int:
    # Stable: a count changes only if a singular value lies within NOISE of tol.
    return int((normalised > tol).sum().item())


def _kept(normalised: torch.Tensor) -> list[float | None]:
    """What the JSON stores of a spectrum: DIGITS significant digits, None below FLOOR."""
    return [float(f"{x:.{DIGITS}g}") if x >= FLOOR else None for x in normalised.tolist()]


def compute(device: torch.device, quick: bool) -> dict:
    """Spectra and counts on the CPU in float64 with a fixed seed, kept only to the digits
    float64 guarantees: the same bytes on every machine, whatever `quick`."""
    spectra = {}
    for scale in SCALES:
        entry = {}
        for kind in KINDS:
            s = _normalised(scale, kind == "causal")
            entry[kind] = {
                "normalised": _kept(s),
                "significant": _count(s, TOL),
                "significant_strict": _count(s, STRICT_TOL),
            }
        spectra[f"{scale:g}"] = entry
    sweep = {kind: [_count(_normalised(scale, kind == "causal"), TOL) for scale in SWEEP] for kind in KINDS}
    return {
        "n": N, "d": D, "seed": SEED, "dtype": "float64",
        "setup": "Q, K ~ N(0, 1) of shape (n, d), Q multiplied by the scale; A = softmax(Q K^T / sqrt(d)) "
                 "(causal: masked before the softmax); llmtriad.rank.singular_values",
        "precision": f"normalised: sigma_i / sigma_1 to {DIGITS} significant digits, null below {FLOOR:g}. "
                     f"float64 resolves a singular value only to about n * eps * sigma_1 = {NOISE:.1e} sigma_1; "
                     "digits below that are rounding noise that differs between CPUs and thread counts, and "
                     f"{DIGITS} digits above {FLOOR:g} stay clear of it. Counts use thresholds far above the noise.",
        "digits": DIGITS, "floor": FLOOR,
        "tolerance": TOL, "strict_tolerance": STRICT_TOL,
        "scales": [f"{s:g}" for s in SCALES],
        "spectra": spectra,
        "sweep_scales": SWEEP,
        "sweep_significant": sweep,
    }


def _spectra(ax: plt.Axes, data: dict, t: Labels) -> None:
    index = np.arange(1, data["n"] + 1)
    for scale in data["scales"]:
        colour, marker = LOOK[float(scale)]
        for kind, dash in KINDS.items():
            # None (below the floor) becomes NaN: the curve stops where the kept digits stop.
            values = np.array(data["spectra"][scale][kind]["normalised"], dtype=float)
            count = data["spectra"][scale][kind]["significant"]
            ax.plot(index, values, color=colour, linestyle=dash, linewidth=1.6,
                    marker=marker, markevery=(0 if kind == "bidirectional" else 16, 32), markersize=4.5,
                    markerfacecolor=colour if kind == "bidirectional" else "white",
                    label=t.format("entry", scale=float(scale), kind=t[kind], count=count))
    d1 = data["d"] + 1
    ax.axvline(d1, color="#555555", linewidth=1, linestyle=(0, (1, 2)), zorder=0)
    ax.text(d1 + 3, 1e-6, t["d1"], fontsize=9, color="#333333")
    # The curves crowd every spot near the threshold line, so the legend names it.
    ax.axhline(data["tolerance"], color="#333333", linewidth=1, linestyle=(0, (6, 2, 1, 2)), zorder=0,
               label=t["tol"])
    # Below the floor nothing is kept (see "precision" in the JSON): a grey band, not curves.
    bottom = data["floor"] / 10
    ax.axhspan(bottom, data["floor"], color="#eeeeee", zorder=0)
    ax.text(4, data["floor"] / 1.6, t["floor"], fontsize=8, color="#666666", va="top")
    ax.set_yscale("log")
    ax.set_ylim(bottom, 2)
    ax.set_xlim(0, data["n"] + 2)
    ax.set_xticks([1, 17, 64, 128, 192, 256])
    ax.set_yticks([1e-8, 1e-6, 1e-4, 1e-2, 1])
    ax.set_xlabel(t["index"])
    ax.set_ylabel(t["sv"])
    # Bidirectional entries fill the first column, causal the second: one row per scale.
    handles, labels = ax.get_legend_handles_labels()
    order = [*range(0, 8, 2), 8, *range(1, 8, 2)]
    ax.legend([handles[i] for i in order], [labels[i] for i in order], title=t["legend"], title_fontsize=8,
              fontsize=8, ncol=2, loc="lower left", bbox_to_anchor=(0.0, 0.125), frameon=True, framealpha=0.95,
              handlelength=3)


def _counts(ax: plt.Axes, data: dict, t: Labels) -> None:
    scales = data["sweep_scales"]
    for kind, dash in KINDS.items():
        ax.plot(scales, data["sweep_significant"][kind], color="#333333", linestyle=dash, linewidth=1.6,
                marker="o", markersize=5, markerfacecolor="#333333" if kind == "bidirectional" else "white",
                label=t[kind])
    ax.axhline(data["n"], color="#999999", linewidth=1, linestyle=(0, (2, 2)), zorder=0)
    ax.text(scales[0], data["n"] + 3, t["full"], fontsize=8, color="#555555", va="bottom")
    ax.axhline(data["d"] + 1, color="#555555", linewidth=1, linestyle=(0, (1, 2)), zorder=0)
    ax.text(scales[-1], data["d"] + 1 + 5, t["d1"], fontsize=9, color="#333333", ha="right")
    ax.set_xscale("log")
    ax.set_xticks(scales, [number(s, "g", t.language) for s in scales], fontsize=8)
    ax.minorticks_off()
    ax.set_ylim(0, 285)
    ax.set_yticks([0, 17, 64, 128, 192, 256])
    ax.set_xlabel(t["scale"])
    ax.set_ylabel(t["count"])
    ax.set_title(t["counts_title"], fontsize=10)
    ax.legend(fontsize=8, loc="center right", frameon=True, framealpha=0.95, handlelength=3)


def draw(data: dict, language: str) -> plt.Figure:
    t = labels(__name__, language)
    with plt.rc_context(style(language)):
        fig, (left, right) = plt.subplots(1, 2, figsize=(11, 5.4), layout="constrained",
                                          gridspec_kw={"width_ratios": [1.7, 1]})
        _spectra(left, data, t)
        left.set_title(t["title"], fontsize=10)
        _counts(right, data, t)
        fig.suptitle(t["takeaway"], fontsize=10, color="#333333")
    return fig
