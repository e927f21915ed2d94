"""Bytes held by the tiny GPT's KV cache while generating, measured vs the formula (MHA/GQA/MQA)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import torch
from matplotlib.lines import Line2D

from llmtriad.gpt import GPT, GPTConfig
from llmtriad.kv_cache import KVCache, StaticKVCache
from llmtriad.memory import kv_cache_bytes
from scripts.figures.common import device_info, device_label, device_name, labels, style

MEASURED_ON: tuple[str, ...] = ("cpu", "cuda")  # timings or memory readings of this machine

MIB = 2**20
PROMPT = 16  # tokens prefilled before decoding starts
BITS = 32  # float32 cache
MODEL = {"n_layer": 4, "n_head": 4, "n_embd": 128, "vocab_size": 256}
KV_HEADS = {"mha": 4, "gqa": 2, "mqa": 1}

# The labels: table [kv_memory_measured] of locales/figures/LANGUAGE.toml.

# Okabe-Ito colours, each with its own marker, so the three are told apart without colour too.
LOOK = {
    "mha": {"color": "#d55e00", "marker": "o"},
    "gqa": {"color": "#0072b2", "marker": "s"},
    "mqa": {"color": "#009e73", "marker": "^"},
}


def _checkpoints(device: torch.device, quick: bool) -> list[int]:
    if device.type == "cuda":
        top = 1024 if quick else 4096
    else:
        top = 256 if quick else 1024
    return [top * k // 8 for k in range(1, 9)]


def _cache_nbytes(caches: list[KVCache] | list[StaticKVCache]) -> int:
    """What the cache tensors hold, summed over layers."""
    return sum(cache.keys.nbytes + cache.values.nbytes for cache in caches)


def _allocator_bytes(caches: list[KVCache], device: torch.device) -> int:
    """Bytes the CUDA allocator gets back when the cache tensors are released.

    The tensors go to the CPU and back, so the generation carries on with the
    same cache; only memory_allocated() is read around the release.
    """
    torch.cuda.synchronize(device)
    before = torch.cuda.memory_allocated(device)
    parked = [(cache.keys.cpu(), cache.values.cpu()) for cache in caches]
    for cache in caches:
        cache.keys = cache.values = None
    released = before - torch.cuda.memory_allocated(device)
    for cache, (keys, values) in zip(caches, parked):
        cache.keys, cache.values = keys.to(device), values.to(device)
    return released


def _generate(model: GPT, prompt: torch.Tensor, checkpoints: list[int],
              device: torch.device) -> dict:
    """Greedy decoding with KVCache, as GPT.generate does, reading the cache at each checkpoint."""
    caches = [KVCache() for _ in model.blocks]
    readings: dict[str, list[int]] = {"measured_bytes": []}
    if device.type == "cuda":
        readings |= {"allocator_bytes": [], "step_peak_bytes": []}
    logits = model(prompt, caches)  # prefill
    for target in checkpoints:
        while caches[0].length < target:
            next_token = logits[:, -1].argmax(dim=-1, keepdim=True)  # (1, 1)
            del logits  # hold only the cache between steps
            if device.type == "cuda" and caches[0].length == target - 1:
                # The last step before the checkpoint: how high does memory go while
                # the cache grows from target - 1 to target tokens?
                torch.cuda.synchronize(device)
                torch.cuda.reset_peak_memory_stats(device)
                start = torch.cuda.memory_allocated(device) - _cache_nbytes(caches)
                logits = model(next_token, caches)
                torch.cuda.synchronize(device)
                readings["step_peak_bytes"].append(torch.cuda.max_memory_allocated(device) - start)
            else:
                logits = model(next_token, caches)
        readings["measured_bytes"].append(_cache_nbytes(caches))
        if device.type == "cuda":
            readings["allocator_bytes"].append(_allocator_bytes(caches, device))
    return readings


def _fill(data: dict, checkpoints: list[int], prompt: torch.Tensor, device: torch.device) -> None:
    """Run each configuration and store its readings in data["configs"]."""
    block_size, head_dim = data["model"]["block_size"], data["model"]["head_dim"]
    with torch.inference_mode():
        for name, kv_heads in KV_HEADS.items():
            torch.manual_seed(0)
            config = GPTConfig(**MODEL, block_size=block_size, n_kv_head=kv_heads)
            model = GPT(config).to(device).eval()
            readings = _generate(model, prompt, checkpoints, device)
            formula = [kv_cache_bytes(MODEL["n_layer"], kv_heads, head_dim, n, batch=1, bits=BITS)
                       for n in checkpoints]
            data["configs"][name] = {"n_kv_head": kv_heads, "formula_bytes": formula, **readings,
                                     "matches_formula": readings["measured_bytes"] == formula}
            if name == "mha":
                # A StaticKVCache is as big on its first token as on its last.
                static = [StaticKVCache(1, kv_heads, block_size, head_dim, device=device)
                          for _ in model.blocks]
                model(prompt, static)
                data["static_mha"] = {"max_len": block_size, "bytes": _cache_nbytes(static),
                                      "filled_tokens": static[0].length}
            del model


def compute(device: torch.device, quick: bool) -> dict:
    """Generate with MHA, GQA and MQA versions of the tiny GPT, reading the cache as it grows."""
    checkpoints = _checkpoints(device, quick)
    block_size = checkpoints[-1]
    head_dim = MODEL["n_embd"] // MODEL["n_head"]
    generator = torch.Generator().manual_seed(0)
    prompt = torch.randint(MODEL["vocab_size"], (1, PROMPT), generator=generator).to(device)
    data: dict = {
        "model": {**MODEL, "block_size": block_size, "head_dim": head_dim},
        "dtype": "float32", "batch": 1, "prompt_tokens": PROMPT, "tokens": checkpoints,
        "device": device_name(device), "device_info": device_info(device), "torch": torch.__version__,
        "configs": {},
    }
    # Only sizes are read here, not times: one thread is enough for these tiny
    # steps, and it does not stall when another process holds the other core.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        _fill(data, checkpoints, prompt, device)
    finally:
        torch.set_num_threads(threads)
    return data


def draw(data: dict, language: str) -> plt.Figure:
    t = labels(__name__, language)
    tokens = data["tokens"]
    # MHA, GQA, MQA, as in KV_HEADS (the JSON sorts its keys; make_figures --redraw draws from it).
    configs = {name: data["configs"][name] for name in KV_HEADS}
    on_gpu = "allocator_bytes" in configs["mha"]
    model = data["model"]
    with plt.rc_context(style(language)):
        fig, ax = plt.subplots(figsize=(8.8, 6.4), layout="constrained")
        xs = [0, *tokens]
        for name, config in configs.items():
            look = LOOK[name]
            ax.plot(xs, [0, *(b / MIB for b in config["formula_bytes"])], color=look["color"],
                    linewidth=1.6, zorder=2)
            ax.plot(tokens, [b / MIB for b in config["measured_bytes"]], linestyle="none",
                    markersize=6, zorder=3, **look)
            if on_gpu:
                ax.plot(tokens, [b / MIB for b in config["allocator_bytes"]], linestyle="none",
                        marker=look["marker"], markersize=11, markerfacecolor="none",
                        markeredgecolor=look["color"], markeredgewidth=1.2, zorder=3)
            # Name each line at its end, with the bytes one token adds.
            per_token_kib = config["formula_bytes"][-1] / tokens[-1] / 1024
            ax.annotate(f"{t[name]}\n{t.format('per_token', kib=per_token_kib)}",
                        xy=(tokens[-1], config["formula_bytes"][-1] / MIB), xytext=(12, 0),
                        textcoords="offset points", va="center", fontsize=9, color=look["color"])
        if on_gpu:
            mha = configs["mha"]
            ax.plot(tokens, [b / MIB for b in mha["step_peak_bytes"]], color="#555555",
                    linestyle=":", marker="x", markersize=6, linewidth=1.2, zorder=2)
        static = data["static_mha"]
        ax.axhline(static["bytes"] / MIB, color="#888888", linestyle="--", linewidth=1.2, zorder=1)
        ax.annotate(t.format("static", max_len=static["max_len"]), xy=(0, static["bytes"] / MIB),
                    xytext=(6, 4), textcoords="offset points", va="bottom", fontsize=8.5,
                    color="#666666")
        ax.set_xlim(0, tokens[-1] * 1.02)
        plotted = [b for config in configs.values() for key, values in config.items()
                   if key.endswith("_bytes") for b in values]
        highest = max(static["bytes"], *plotted)
        ax.set_ylim(0, highest / MIB * 1.14)  # room above the top line for its label
        ax.set_xticks(xs)
        ax.grid(True, color="#e6e6e6", linewidth=0.8)
        ax.set_xlabel(t["xlabel"])
        ax.set_ylabel(t["ylabel"])
        # One legend for the kinds of mark; the colours are named at the line ends.
        handles = [Line2D([], [], color="#444444", linewidth=1.6, label=t["formula"]),
                   Line2D([], [], color="#444444", marker="o", linestyle="none",
                          label=t["measured"])]
        if on_gpu:
            handles += [Line2D([], [], color="#444444", marker="o", markersize=11,
                               markerfacecolor="none", linestyle="none", label=t["allocator"]),
                        Line2D([], [], color="#555555", linestyle=":", marker="x", label=t["peak"])]
        exact = all(config["matches_formula"] for config in configs.values())
        # Below the axes, so that it never hides a line, whatever the device measured.
        legend = fig.legend(handles=handles, loc="outside lower center", fontsize=8.5,
                            frameon=False, title=t["exact"] if exact else None, title_fontsize=8.5)
        legend.get_title().set_fontweight("bold")
        fig.suptitle(t["title"], fontsize=11.5, x=0.02, ha="left")
        ax.set_title(t.format("subtitle", layers=model["n_layer"], heads=model["n_head"],
                              head_dim=model["head_dim"], device=device_label(data["device_info"], language)),
                     loc="left", fontsize=8.5, color="#555555")
    return fig
