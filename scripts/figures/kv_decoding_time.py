"""Time per generated token vs context length, tiny GPT with and without the KV cache (measured)."""

from __future__ import annotations

from collections.abc import Callable

import matplotlib.pyplot as plt
import torch
from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, NullFormatter, NullLocator

from llmtriad.gpt import GPT, GPTConfig
from llmtriad.kv_cache import KVCache
from scripts.figures.common import (device_info, device_label, device_name, labels, median_seconds, number,
                                    style)

MEASURED_ON: tuple[str, ...] = ("cpu", "cuda")  # timings or memory readings of this machine

# The labels: table [kv_decoding_time] of locales/figures/LANGUAGE.toml.

ROUNDS = 3
UNCACHED = {"color": "#d55e00", "marker": "o", "linestyle": "-"}  # Okabe-Ito vermilion
CACHED = {"color": "#0072b2", "marker": "s", "linestyle": "--"}  # Okabe-Ito blue


def _setup(device: torch.device, quick: bool) -> tuple[dict, list[int], int]:
    """Model size, context lengths and repeats: small enough for a 2-core CPU, bigger on a GPU."""
    if device.type == "cuda":
        config = {"n_layer": 8, "n_head": 8, "n_embd": 512, "block_size": 4096, "vocab_size": 256}
        lengths = [64, 128, 256, 512, 1024, 2048, 4096]
        repeats = 10
        if quick:
            lengths, repeats = lengths[:-2], 5
            config["block_size"] = lengths[-1]
        return config, lengths, repeats
    config = {"n_layer": 4, "n_head": 4, "n_embd": 128, "block_size": 1024, "vocab_size": 256}
    lengths = [32, 64, 128, 256, 512, 1024]
    repeats = 7
    if quick:
        lengths, repeats = [32, 64, 128, 256], 3
        config["block_size"] = lengths[-1]
    return config, lengths, repeats


def _cached_step(model: GPT, sequence: torch.Tensor) -> Callable[[], torch.Tensor]:
    """A cached decoding step at context len(sequence): prefill all but the last token, feed it.

    KVCache.update concatenates into new tensors and never writes into the
    old ones, so putting the prefilled tensors back before each call keeps
    the cached length at n - 1 however often the step runs.
    """
    caches = [KVCache() for _ in model.blocks]
    model(sequence[:, :-1], caches)  # prefill: not timed
    prefilled = [(cache.keys, cache.values) for cache in caches]
    new_token = sequence[:, -1:]

    def step() -> torch.Tensor:
        for cache, (keys, values) in zip(caches, prefilled):
            cache.keys, cache.values = keys, values
        return model(new_token, caches)

    return step


def _measure(model: GPT, tokens: torch.Tensor, lengths: list[int], repeats: int,
             device: torch.device) -> dict[str, list[float]]:
    """Seconds per decoding step at each context length, without and with the cache."""
    best = {"uncached": [float("inf")] * len(lengths), "cached": [float("inf")] * len(lengths)}
    with torch.inference_mode():
        # Without a cache, producing the next token is a forward pass over all n tokens.
        steps = {"uncached": [lambda s=tokens[:, :n]: model(s) for n in lengths],
                 "cached": [_cached_step(model, tokens[:, :n]) for n in lengths]}
        # Several sweeps over all lengths, keeping each point's fastest median: a
        # burst of load from another process then spoils one sweep, not one point.
        for _ in range(ROUNDS):
            for index in range(len(lengths)):
                for way in ("uncached", "cached"):
                    seconds = median_seconds(steps[way][index], device, repeats=repeats, warmup=2)
                    best[way][index] = min(best[way][index], seconds)
    return best


def compute(device: torch.device, quick: bool) -> dict:
    """Time of one decoding step at each context length, both ways."""
    config, lengths, repeats = _setup(device, quick)
    torch.manual_seed(0)  # the weights do not change the timing, but keep them fixed anyway
    model = GPT(GPTConfig(**config)).to(device).eval()
    generator = torch.Generator().manual_seed(0)
    tokens = torch.randint(config["vocab_size"], (1, lengths[-1]), generator=generator).to(device)
    # On a CPU, one thread: with two or more, a step this small stalls whenever
    # another process takes a core, and the medians stop meaning anything.
    threads = torch.get_num_threads()
    if device.type == "cpu":
        torch.set_num_threads(1)
    try:
        best = _measure(model, tokens, lengths, repeats, device)
    finally:
        torch.set_num_threads(threads)
    return {
        "model": config,
        "dtype": "float32",
        "batch": 1,
        "context_lengths": lengths,
        "uncached_ms": [round(s * 1000, 4) for s in best["uncached"]],
        "cached_ms": [round(s * 1000, 4) for s in best["cached"]],
        "repeats": repeats,
        "rounds": ROUNDS,
        "warmup": 2,
        "statistic": f"fastest of {ROUNDS} medians of {repeats} runs each",
        "device": device_name(device),
        "device_info": device_info(device),
        "threads": 1 if device.type == "cpu" else None,
        "torch": torch.__version__,
    }


def draw(data: dict, language: str) -> plt.Figure:
    t = labels(__name__, language)
    lengths = data["context_lengths"]
    model = data["model"]
    with plt.rc_context(style(language)):
        fig, ax = plt.subplots(figsize=(8.5, 5.2), layout="constrained")
        ax.plot(lengths, data["uncached_ms"], label=t["uncached"], linewidth=2, markersize=7,
                **UNCACHED)
        ax.plot(lengths, data["cached_ms"], label=t["cached"], linewidth=2, markersize=7, **CACHED)
        # Log-log: the uncached step grows linearly and then faster; the cached one barely moves.
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.xaxis.set_major_locator(FixedLocator(lengths))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.set_xticks(lengths, [number(n, "d", language) for n in lengths])
        # Plain numbers (0.5, 1, 2, 5, ...) read better than powers of ten at this range.
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: number(value, "g", language)))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.grid(True, which="major", color="#dddddd", linewidth=0.8)
        ax.set_xlabel(t["xlabel"])
        ax.set_ylabel(t["ylabel"])
        ax.legend(loc="upper left", fontsize=9, frameon=False)
        # The gap at the longest context, between the two markers.
        n, slow, fast = lengths[-1], data["uncached_ms"][-1], data["cached_ms"][-1]
        ax.annotate("", xy=(n, fast), xytext=(n, slow),
                    arrowprops={"arrowstyle": "<->", "color": "#555555", "linewidth": 1.2})
        ax.text(n / 1.12, (slow * fast) ** 0.5, t.format("speedup", ratio=slow / fast, n=n),
                ha="right", va="center", fontsize=9.5, color="#333333")
        ax.set_title(t["title"], fontsize=11.5, loc="left")
        # On a CPU the step ran on one thread (see compute); say so next to the device.
        where = device_label(data["device_info"], language)
        if data["threads"] is not None:
            where = t.format("one_thread", device=where)
        subtitle = t.format("model", layers=model["n_layer"], heads=model["n_head"],
                            width=model["n_embd"], repeats=data["repeats"],
                            rounds=data["rounds"], device=where)
        fig.text(0.5, 0.0, subtitle,
                 ha="center", va="top", fontsize=8.5, color="#555555")
    return fig
