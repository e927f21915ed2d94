"""MDLM's 1/t loss weight, and what it does to the variance of the per-sequence loss estimate."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch

from llmtriad.diffusion import forward_mask, sample_times
from scripts.figures.common import style

NAME = "mdlm-loss-weight"
MEASURED = False

EPS = 1e-3  # LLaDA's lower bound on t
LENGTH = 64  # L, positions per sequence
DRAWS = 100_000  # Monte-Carlo draws of (t, mask)
T_GRID, PER_T = 16, 2000  # middle panel: 16 log-spaced values of t, 2000 draws of the mask at each
SEED = 0
CE_LOW, CE_HIGH = 0.5, 3.0  # range of the toy model's per-token cross-entropy
Y_MAX = 8.0  # the middle panel stops here: its widest bands reach ~18

TEXT = {
    "en": {
        "title": "MDLM's $1/t$ loss weight: an unbiased estimate of the ELBO, but a noisy one at small $t$",
        "subtitle": "Toy model: fixed per-token cross-entropies $c_i$, seeded uniform in [0.5, 3], on $L$ = 64 "
                    "positions; each position masked with probability $t$, $t \\sim U(\\varepsilon, 1)$, "
                    "$\\varepsilon = 10^{-3}$.",
        "note": "Here $c$ does not depend on $t$, so both estimates have the same mean; in a real model it does, "
                "and only the weighted one is the ELBO.",
        "weight_title": "Weight $1/t$ (linear schedule)",
        "t": "masking probability $t$",
        "weight": "weight $1/t$ (log scale)",
        "tail": "$t < 0.1$: 10% of draws,\nweight > 10, {share:.0f}% of the\nweighted estimate's variance",
        "eps": "$t = \\varepsilon$: weight 1000",
        "by_t_title": "At fixed $t$ ({k} draws each): median, 5–95%",
        "t_log": "$t$ (log scale)",
        "estimate": "per-sequence loss estimate",
        "clipped": "per-sequence loss estimate (clipped at {m:g})",
        "weighted": "weighted",
        "unweighted": "unweighted",
        "estimates": "Weighted estimate (MDLM, LLaDA): $\\Sigma\\, c_i\\, /\\, (tL)$ over the masked positions $i$; "
                     "unweighted: the mean of $c_i$ over the masked positions.",
        "box_title": "Spread over {n} draws",
        "box_note": "box: quartiles; whiskers: 1st and 99th\npercentiles; ◇: mean",
        "stats": "variance {v:.3f}", "sep": ", ",
        "no_mask": "median 0: mostly no token masked",
        "truth": "$\\Sigma_i\\, c_i / L$ = {x:.3f}",
    },
    "zh": {
        "title": "MDLM 的 $1/t$ 损失权重：ELBO 的无偏估计，但 $t$ 很小时噪声很大",
        "subtitle": "玩具模型：$L$ = 64 个位置上固定的逐词元交叉熵 $c_i$（固定随机种子，均匀分布于 [0.5, 3]）；"
                    "每个位置以概率 $t$ 被掩码，$t \\sim U(\\varepsilon, 1)$，$\\varepsilon = 10^{-3}$。",
        "note": "这里 $c$ 与 $t$ 无关，所以两种估计的均值相同；真实模型中交叉熵随 $t$ 变化，只有加权估计才是 ELBO。",
        "weight_title": "权重 $1/t$（线性调度）",
        "t": "掩码概率 $t$",
        "weight": "权重 $1/t$（对数坐标）",
        "tail": "$t < 0.1$：占 10% 的抽样，\n权重 > 10，贡献加权估计\n{share:.0f}% 的方差",
        "eps": "$t = \\varepsilon$：权重 1000",
        "by_t_title": "固定 $t$（各 {k} 次抽样）：中位数与 5–95% 区间",
        "t_log": "$t$（对数坐标）",
        "estimate": "单个序列的损失估计",
        "clipped": "单个序列的损失估计（截断于 {m:g}）",
        "weighted": "加权",
        "unweighted": "不加权",
        "estimates": "加权估计（MDLM、LLaDA）：对被掩码的位置 $i$ 求 $\\Sigma\\, c_i\\, /\\, (tL)$；"
                     "不加权估计：被掩码位置上 $c_i$ 的平均值。",
        "box_title": "{n} 次抽样的离散程度",
        "box_note": "箱体：四分位数；须线：第 1 和第 99\n百分位数；◇：均值",
        "stats": "方差 {v:.3f}", "sep": "，",
        "no_mask": "中位数为 0：多数情况下没有词元被掩码",
        "truth": "$\\Sigma_i\\, c_i / L$ = {x:.3f}",
    },
    "it": {
        "title": "Il peso $1/t$ della loss di MDLM: stima non distorta dell'ELBO, ma rumorosa per $t$ piccolo",
        "subtitle": "Modello giocattolo: cross-entropy per token $c_i$ fisse, uniformi in [0.5, 3] con seme fisso, "
                    "su $L$ = 64 posizioni; ogni posizione mascherata con probabilità $t$, "
                    "$t \\sim U(\\varepsilon, 1)$, $\\varepsilon = 10^{-3}$.",
        "note": "Qui $c$ non dipende da $t$, quindi le due stime hanno la stessa media; in un modello vero "
                "ne dipende, e solo quella pesata è l'ELBO.",
        "weight_title": "Peso $1/t$ (schedule lineare)",
        "t": "probabilità di mascheramento $t$",
        "weight": "peso $1/t$ (scala log)",
        "tail": "$t < 0.1$: 10% delle estrazioni,\npeso > 10, {share:.0f}% della\nvarianza della stima pesata",
        "eps": "$t = \\varepsilon$: peso 1000",
        "by_t_title": "A $t$ fisso ({k} estrazioni): mediana, 5–95%",
        "t_log": "$t$ (scala log)",
        "estimate": "stima della loss per sequenza",
        "clipped": "stima della loss per sequenza (troncata a {m:g})",
        "weighted": "pesata",
        "unweighted": "non pesata",
        "estimates": "Stima pesata (MDLM, LLaDA): $\\Sigma\\, c_i\\, /\\, (tL)$ sulle posizioni mascherate $i$; "
                     "non pesata: la media delle $c_i$ sulle posizioni mascherate.",
        "box_title": "Dispersione su {n} estrazioni",
        "box_note": "box: quartili; baffi: 1° e 99°\npercentile; ◇: media",
        "stats": "varianza {v:.3f}", "sep": ", ",
        "no_mask": "mediana 0: di solito nessun token mascherato",
        "truth": "$\\Sigma_i\\, c_i / L$ = {x:.3f}",
    },
}

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


def _weight_panel(ax: plt.Axes, data: dict, t: dict) -> None:
    curve = data["weight_curve"]
    ax.plot(curve["t"], curve["weight"], color=WEIGHTED, linewidth=2)
    ax.set_yscale("log")
    ax.axvspan(data["eps"], 0.1, color="#bdbdbd", alpha=0.35, linewidth=0)
    share = 100 * data["weighted"]["var_share_from_t_below_0.1"]
    ax.text(0.12, 60, t["tail"].format(share=share), fontsize=8.5, va="center")
    ax.plot([data["eps"]], [1 / data["eps"]], marker="o", color=WEIGHTED)
    ax.annotate(t["eps"], (data["eps"], 1 / data["eps"]), xytext=(0.12, 700), fontsize=8.5,
                va="center", arrowprops={"arrowstyle": "->", "color": "#424242"})
    ax.set_xlim(0, 1)
    ax.set_xlabel(t["t"])
    ax.set_ylabel(t["weight"])
    ax.set_title(t["weight_title"], fontsize=10)


def _by_t_panel(ax: plt.Axes, data: dict, t: dict) -> None:
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
    ax.set_ylabel(t["clipped"].format(m=Y_MAX))
    ax.set_title(t["by_t_title"].format(k=f"{data['per_t']:,}".replace(",", " ")), fontsize=10)
    ax.legend(fontsize=8.5, loc="upper right", frameon=False)


def _box_panel(ax: plt.Axes, data: dict, t: dict) -> None:
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
                label=t[key] + t["sep"] + t["stats"].format(v=data[key]["var"]))
    ax.axhline(data["truth"], color=TRUTH, linestyle=":", linewidth=1.5,
               label=t["truth"].format(x=data["truth"]))
    ax.set_ylim(-0.2, 1.3 * data["weighted"]["percentiles"]["99"])  # room for the legend on top
    ax.set_ylabel(t["estimate"])
    ax.tick_params(axis="x", labelsize=8.5)
    ax.set_title(t["box_title"].format(n=f"{data['draws']:,}".replace(",", " ")), fontsize=10)
    ax.legend(fontsize=8.5, loc="upper right", frameon=False)
    ax.text(0.98, 0.02, t["box_note"], transform=ax.transAxes, ha="right", va="bottom", fontsize=8,
            color="#424242")


def draw(data: dict, language: str) -> plt.Figure:
    t = TEXT[language]
    with plt.rc_context(style(language)):
        fig, axes = plt.subplots(1, 3, figsize=(11, 4.5), layout="constrained")
        _weight_panel(axes[0], data, t)
        _by_t_panel(axes[1], data, t)
        _box_panel(axes[2], data, t)
        fig.suptitle(t["title"], fontsize=11.5, fontweight="bold", x=0.01, ha="left")
        caption = "\n".join((t["subtitle"], t["estimates"], t["note"]))
        fig.supxlabel(caption, fontsize=8.5, x=0.01, ha="left", color="#424242")
    return fig
