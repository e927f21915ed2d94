"""Decode roofline: the tokens/s bound at batch 1, bandwidth / (weights + KV cache), vs context length."""

from __future__ import annotations

import matplotlib.pyplot as plt
import torch

from llmtriad.gpt import GPT, GPTConfig
from llmtriad.kv_cache import StaticKVCache
from llmtriad.memory import GIB, PRESETS, kv_cache_bytes, preset_cache_bytes
from scripts.figures.common import (Labels, device_info, device_label, device_name, labels, median_seconds,
                                    number, style)

# The formula lines are the same everywhere; only a GPU adds a measured series.
MEASURED_ON: tuple[str, ...] = ("cuda",)  # measured on a GPU; on a CPU, only the formula

CONTEXTS = [1024 * 2**i for i in range(8)]  # 1k .. 128k tokens
CHECKS = {"8k": 8192, "128k": 131_072}
# bf16 weights: 2 bytes per parameter; parameter counts from arXiv:2407.21783.
MODELS = {
    "llama-3-8b": {"params": 8.03e9},
    "llama-3-70b": {"params": 70.6e9},
}
# Peak memory bandwidth from NVIDIA's H100 and H200 specification pages; TB/s = 10**12 bytes/s.
GPUS = {
    "h100": {"name": "H100 SXM", "bytes_per_s": 3.35e12},
    "h200": {"name": "H200", "bytes_per_s": 4.8e12},
}
BF16_BYTES = 2

# Okabe-Ito colours per model, a line style and a marker per GPU: readable without colour.
MODEL_LOOK = {"llama-3-8b": "#0072B2", "llama-3-70b": "#D55E00"}
GPU_LOOK = {"h100": ("-", "o"), "h200": ((0, (5, 2)), "s")}
MEASURED_LOOK = "#009E73"

# The labels: table [decode_roofline] of locales/figures/LANGUAGE.toml.


def bound_tokens_per_s(bandwidth: float, weight_bytes: float, kv_bytes: float) -> float:
    """Batch 1: each step reads every weight and the whole cache once, so it cannot beat this."""
    return bandwidth / (weight_bytes + kv_bytes)


def _formula() -> dict:
    models = {}
    for key, spec in MODELS.items():
        weight_bytes = spec["params"] * BF16_BYTES
        kv = [preset_cache_bytes(PRESETS[key], c, bits=16) for c in CONTEXTS]
        models[key] = {
            "name": PRESETS[key].name,
            "params": spec["params"],
            "weight_bytes": weight_bytes,
            "kv_bytes": kv,
            "tokens_per_s": {
                gpu: [round(bound_tokens_per_s(g["bytes_per_s"], weight_bytes, b), 3) for b in kv]
                for gpu, g in GPUS.items()
            },
            # The numbers the KV-cache page quotes: 8B at 8k ~196 / 280, at 128k ~101 / 144.
            "checks": {
                gpu: {label: round(bound_tokens_per_s(g["bytes_per_s"], weight_bytes,
                                                      preset_cache_bytes(PRESETS[key], c, bits=16)), 1)
                      for label, c in CHECKS.items()}
                for gpu, g in GPUS.items()
            },
        }
    return models


def _copy_bandwidth(device: torch.device, nbytes: int, repeats: int) -> float:
    """Bytes read plus written per second by a device-to-device copy: what the memory really delivers."""
    src = torch.empty(nbytes, dtype=torch.uint8, device=device)
    dst = torch.empty_like(src)
    seconds = median_seconds(lambda: dst.copy_(src), device, repeats=repeats, warmup=3)
    return 2 * nbytes / seconds


def _measure(device: torch.device, contexts: list[int], config: GPTConfig, copy_bytes: int, repeats: int) -> dict:
    """Time one decoding step of llmtriad's GPT at each context, and its own roofline on this device."""
    bandwidth = _copy_bandwidth(device, copy_bytes, repeats)
    with torch.device(device):
        model = GPT(config).to(torch.bfloat16).eval()
    head_dim = config.n_embd // config.n_head
    max_len = max(contexts) + 1
    # A static cache is written in place: a step reads the cache once and copies nothing else
    # (the growing KVCache would also rewrite the whole cache at every step).
    caches = [StaticKVCache(1, config.kv_heads, max_len, head_dim, dtype=torch.bfloat16, device=device)
              for _ in model.blocks]
    token = torch.zeros(1, 1, dtype=torch.long, device=device)
    # Bytes a step reads: every parameter but the position table, of which it reads one row.
    # (named_parameters lists the tied embedding / head matrix once.)
    params = sum(p.numel() for name, p in model.named_parameters() if name != "pos_emb.weight") + config.n_embd
    weight_bytes = params * BF16_BYTES
    seconds, kv = [], []
    for context in contexts:
        def step(context: int = context) -> None:
            for cache in caches:
                cache.pos = context  # pretend `context` tokens are cached; their values do not change the cost
            with torch.inference_mode():
                model(token, caches)

        seconds.append(median_seconds(step, device, repeats=repeats, warmup=5))
        # The step attends to the cached tokens plus the new one.
        kv.append(kv_cache_bytes(config.n_layer, config.kv_heads, head_dim, context + 1, bits=16))
    del caches, model
    if device.type == "cuda":
        torch.cuda.empty_cache()
    return {
        "device": device_name(device),
        "device_info": device_info(device),
        "torch": torch.__version__,
        "config": {"n_layer": config.n_layer, "n_head": config.n_head, "n_kv_head": config.kv_heads,
                   "n_embd": config.n_embd, "vocab_size": config.vocab_size, "dtype": "bfloat16"},
        "copy_bytes": copy_bytes,
        "copy_bandwidth_bytes_per_s": round(bandwidth, -6),
        "repeats": repeats,
        "weight_bytes_per_step": weight_bytes,
        "contexts": contexts,
        "kv_bytes": kv,
        "step_seconds": [round(s, 7) for s in seconds],
        "tokens_per_s": [round(1 / s, 2) for s in seconds],
        "bound_tokens_per_s": [round(bound_tokens_per_s(bandwidth, weight_bytes, b), 2) for b in kv],
    }


def compute(device: torch.device, quick: bool) -> dict:
    """The formula lines always; on a GPU also a measured decode against that GPU's own bound."""
    data = {
        "contexts": CONTEXTS,
        "checks_at": CHECKS,
        "gpus": GPUS,
        "models": _formula(),
        "precision": "formula lines: Python arithmetic on integers (correctly rounded IEEE, the same on "
                     "every machine), rounded to 3 decimals (1 in checks); measured: as measured",
        "formula": "tokens/s <= bandwidth / (weight bytes + KV bytes), batch 1, bf16 weights and cache",
        "sources": "bandwidth: NVIDIA H100 and H200 spec pages; parameters: arXiv:2407.21783; "
                   "KV bytes: llmtriad.memory (bits=16)",
        "measured": None,
    }
    if device.type == "cuda":
        # Wide enough that the weight and cache reads are not lost in launch overhead.
        contexts = [256, 2048, 16_384] if quick else [256, 1024, 4096, 16_384, 65_536]
        config = GPTConfig(vocab_size=256, block_size=max(contexts) + 1, n_layer=12, n_head=16, n_embd=1024)
        data["measured"] = _measure(device, contexts, config, copy_bytes=2**28 if quick else 2**30,
                                    repeats=10 if quick else 30)
    return data


def _tokens(context: int, language: str) -> str:
    """A context length as a tick label: 256, 1k, 128k."""
    return number(context // 1024, "d", language) + "k" if context >= 1024 else number(context, "d", language)


def _formula_panel(ax: plt.Axes, data: dict, t: Labels) -> None:
    contexts = data["contexts"]
    # The JSON sorts its keys: take the models and checks in the order of MODELS and CHECKS,
    # so that the figure redrawn from its JSON (make_figures --redraw) is the one first drawn.
    models = {key: data["models"][key] for key in MODELS}
    checks_at = {label: data["checks_at"][label] for label in CHECKS}
    for key, model in models.items():
        hypothetical = key == "llama-3-70b"
        for gpu, spec in data["gpus"].items():
            dash, marker = GPU_LOOK[gpu]
            ax.plot(contexts, model["tokens_per_s"][gpu], color=MODEL_LOOK[key], linestyle=dash, marker=marker,
                    markersize=5, linewidth=1.2 if hypothetical else 2,
                    markerfacecolor="white" if hypothetical else MODEL_LOOK[key],
                    label=t.format("entry", model=model["name"], gpu=spec["name"], bw=spec["bytes_per_s"] / 1e12)
                    + (t["hypothetical"] if hypothetical else ""))
    # The numbers the text quotes, next to their points.
    focus = data["models"]["llama-3-8b"]
    for label, context in checks_at.items():
        for gpu, offset in (("h100", -12), ("h200", 7)):
            value = focus["checks"][gpu][label]
            ax.annotate(number(value, ".0f", t.language), (context, value), xytext=(0, offset),
                        textcoords="offset points", ha="center", fontsize=8.5, color=MODEL_LOOK["llama-3-8b"],
                        fontweight="bold")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xticks(contexts, [_tokens(c, t.language) for c in contexts])
    ticks = [10, 20, 50, 100, 200, 500]
    ax.set_yticks(ticks, [number(tick, "d", t.language) for tick in ticks])
    ax.minorticks_off()
    ax.set_ylim(10, 500)
    ax.set_xlim(contexts[0] / 1.15, contexts[-1] * 1.15)
    ax.set_xlabel(t["context"])
    ax.set_ylabel(t["tps"])
    ax.grid(True, color="#eeeeee", linewidth=0.8)
    ax.set_axisbelow(True)
    # The band between the 8B and the 70B lines is empty: the legend goes there.
    ax.legend(loc="center left", bbox_to_anchor=(0.0, 0.47), fontsize=8, frameon=True, framealpha=0.95,
              handlelength=3)
    weights_gib = data["models"]["llama-3-70b"]["weight_bytes"] / GIB
    ax.text(0.02, 0.03, t.format("note70", w=weights_gib), transform=ax.transAxes, fontsize=7.5,
            color="#444444", va="bottom",
            bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "#dddddd"})


def _percent(p: float, language: str) -> str:
    """Two significant digits, never in exponent form: 0.13%, 5.3%, 45%."""
    spec = ".0f" if p >= 10 else ".1f" if p >= 1 else ".2f"
    return number(p, spec, language) + "%"


def _measured_panel(ax: plt.Axes, measured: dict, t: Labels) -> None:
    contexts = measured["contexts"]
    bw = measured["copy_bandwidth_bytes_per_s"] / 1e12
    ax.plot(contexts, measured["bound_tokens_per_s"], color="#333333", linestyle=(0, (5, 2)), linewidth=1.6,
            label=t.format("bound", bw=bw))
    ax.plot(contexts, measured["tokens_per_s"], color=MEASURED_LOOK, marker="D", linewidth=2, markersize=6,
            label=t["measured"])
    for context, got, bound in zip(contexts, measured["tokens_per_s"], measured["bound_tokens_per_s"]):
        ax.annotate(_percent(100 * got / bound, t.language), (context, got), xytext=(0, -14),
                    textcoords="offset points", ha="center", fontsize=8, color=MEASURED_LOOK)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xticks(contexts, [_tokens(c, t.language) for c in contexts])
    ax.minorticks_off()
    low = min(measured["tokens_per_s"]) / 3
    high = max(measured["bound_tokens_per_s"]) * 3
    ax.set_ylim(low, high)
    ax.set_xlim(contexts[0] / 1.4, contexts[-1] * 1.4)
    ax.set_xlabel(t["context"])
    ax.set_ylabel(t["tps_plain"])
    ax.grid(True, which="major", color="#eeeeee", linewidth=0.8)
    ax.set_axisbelow(True)
    cfg = measured["config"]
    device = device_label(measured["device_info"], t.language)
    ax.set_title(t.format("measured_title", device=device, layers=cfg["n_layer"], d=cfg["n_embd"]), fontsize=9)
    ax.legend(loc="upper right", fontsize=8, frameon=True, framealpha=0.95, handlelength=3,
              title=t["percent_note"], title_fontsize=7.5)


def draw(data: dict, language: str) -> plt.Figure:
    t = labels(__name__, language)
    measured = data["measured"]
    with plt.rc_context(style(language)):
        if measured is None:
            fig, ax = plt.subplots(figsize=(8.5, 5.4), layout="constrained")
            _formula_panel(ax, data, t)
            ax.set_title(t["title"], fontsize=10)
        else:
            fig, (ax, right) = plt.subplots(1, 2, figsize=(11, 5.6), layout="constrained",
                                            gridspec_kw={"width_ratios": [1.35, 1]})
            _formula_panel(ax, data, t)
            _measured_panel(right, measured, t)
            fig.suptitle(t["title"], fontsize=10)
    return fig
