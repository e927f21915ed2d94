"""Train every architecture on the same data, then measure each on held-out prompts.

The metrics (the chapter defines each one):

* nll: -log p(answer | prompt) on held-out examples, in nats per answer token.
  Exact for the autoregressive models; for the diffusion models the mean of
  `nll_samples` Monte-Carlo draws of the negative-ELBO upper bound
  (llmtriad.diffusion.nll_estimates), with its standard error.
* exact_match: the fraction of held-out prompts whose greedy answer is right
  in every token. Autoregressive models decode greedily with their KV cache;
  diffusion models unmask one token per network call (low-confidence
  remasking), and the masked diffusion model also two per call
  (`exact_match_parallel`).
* tokens_per_s: decoding speed at batch 1, prompts answered one at a time;
  nfe_per_token: network evaluations (passes through the final layer norm)
  per generated token.
* params, train_flops_per_token: the weights (tied ones once), and the
  matrix-multiplication FLOPs of one training step, forward and backward,
  counted by torch.utils.flop_counter, per token of the sequences.
* epochs: passes over the training set.

Every random number of a run comes from its seed: the weights, the order of
the batches, the masks and noise times, the likelihood draws. The data have
their own seed, the same for all runs.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

import torch
from torch import Tensor, nn
from torch.utils.flop_counter import FlopCounterMode

from llmtriad.bakeoff.architectures import ARCHITECTURES, Architecture, Size
from llmtriad.bakeoff.tasks import ANSWER_LEN, SEQ_LEN, TASKS, Data, Split, make_data


@dataclass(frozen=True)
class Settings:
    size: Size
    steps: int  # optimiser steps per model
    batch_size: int
    lr: float
    train_per_task: int
    test_per_task: int
    num_facts: int
    fact_repeats: int
    nll_samples: int  # K, the Monte-Carlo draws per held-out example for the diffusion bounds
    speed_prompts: int  # prompts answered one at a time for the decoding speed


PRESETS = {
    # Under a minute for the six architectures on a 2-core CPU: checks that everything runs.
    "quick": Settings(
        Size(n_embd=32, n_head=2, n_layer=2),
        steps=60,
        batch_size=32,
        lr=3e-3,
        train_per_task=200,
        test_per_task=16,
        num_facts=40,
        fact_repeats=2,
        nll_samples=2,
        speed_prompts=4,
    ),
    # The committed run: about ten minutes on a 2-core CPU.
    "cpu": Settings(
        Size(n_embd=64, n_head=4, n_layer=4),
        steps=1200,
        batch_size=64,
        lr=4e-3,
        train_per_task=2000,
        test_per_task=200,
        num_facts=100,
        fact_repeats=12,
        nll_samples=8,
        speed_prompts=16,
    ),
    # A GPU trains a larger model for longer on more data.
    "cuda": Settings(
        Size(n_embd=256, n_head=8, n_layer=8),
        steps=6000,
        batch_size=256,
        lr=1e-3,
        train_per_task=20000,
        test_per_task=500,
        num_facts=1000,
        fact_repeats=8,
        nll_samples=32,
        speed_prompts=32,
    ),
}


def lr_factor(step: int, steps: int) -> float:
    """Linear warm-up over the first 5% of the steps, then a cosine decay to a tenth."""
    warmup = max(1, steps // 20)
    if step < warmup:
        return (step + 1) / warmup
    progress = (step - warmup) / max(1, steps - warmup)
    return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress))


def make_optimizer(model: nn.Module, architecture: Architecture, lr: float) -> torch.optim.AdamW:
    # Weight decay, where there is any, on the matrices only (not on biases and norms), as in GPT-2.
    matrices = [p for p in model.parameters() if p.dim() >= 2]
    others = [p for p in model.parameters() if p.dim() < 2]
    groups = [{"params": matrices, "weight_decay": architecture.weight_decay}, {"params": others, "weight_decay": 0.0}]
    return torch.optim.AdamW(groups, lr=lr, betas=(0.9, 0.95))


def train(
    architecture: Architecture,
    data: Split,
    settings: Settings,
    seed: int,
    device: torch.device,
    on_step: Callable[[float], None] | None = None,
) -> tuple[nn.Module, dict[str, float]]:
    """Train one model; return it and its training record (final loss, seconds, epochs)."""
    torch.manual_seed(seed)  # the weights, and dropout
    model = architecture.build(settings.size).to(device)
    generator = torch.Generator().manual_seed(seed)  # the batches, masks and noise times
    optimizer = make_optimizer(model, architecture, settings.lr)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: lr_factor(step, settings.steps))
    order, position, losses = torch.randperm(len(data), generator=generator), 0, []
    model.train()
    start = time.perf_counter()
    for _ in range(settings.steps):
        if position + settings.batch_size > len(data):  # a new epoch, in a new order
            order, position = torch.randperm(len(data), generator=generator), 0
        rows = order[position : position + settings.batch_size]
        position += settings.batch_size
        loss = architecture.loss(model, data.prompts[rows].to(device), data.answers[rows].to(device), generator)
        optimizer.zero_grad(set_to_none=True)
        torch.autograd.backward(loss)
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        losses.append(loss.item())
        if on_step is not None:
            on_step(losses[-1])
    seconds = time.perf_counter() - start
    tail = losses[-max(1, len(losses) // 10) :]
    return model, {
        "final_loss": sum(tail) / len(tail),
        "train_seconds": seconds,
        "epochs": settings.steps * settings.batch_size / len(data),
    }


def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())  # a tied weight is one parameter, counted once


def train_flops_per_token(architecture: Architecture, settings: Settings, data: Split) -> float:
    """Matrix-multiplication FLOPs of one training step, forward and backward, per token of the batch."""
    torch.manual_seed(0)
    model = architecture.build(settings.size)
    batch = min(settings.batch_size, len(data))
    with FlopCounterMode(display=False) as counter:
        loss = architecture.loss(model, data.prompts[:batch], data.answers[:batch], torch.Generator().manual_seed(0))
        torch.autograd.backward(loss)  # loss.backward(), in the form mypy --strict can check
    flops: int = counter.get_total_flops()
    return flops / (batch * SEQ_LEN)


@torch.no_grad()
def decoding_speed(architecture: Architecture, model: nn.Module, prompts: Tensor) -> dict[str, float]:
    """Answer the prompts one at a time (batch 1): tokens per second and network calls per token."""
    architecture.generate(model, prompts[:1])  # warm-up, not timed
    calls = [0]
    # Every model here ends its network with ln_f: one call of it is one network evaluation.
    final_norm: nn.Module = model.get_submodule("ln_f")
    hook = final_norm.register_forward_hook(lambda *_: calls.__setitem__(0, calls[0] + 1))
    start = time.perf_counter()
    for prompt in prompts:
        architecture.generate(model, prompt.unsqueeze(0))
    seconds = time.perf_counter() - start
    hook.remove()
    tokens = len(prompts) * ANSWER_LEN
    return {"tokens_per_s": tokens / seconds, "nfe_per_token": calls[0] / tokens}


@torch.no_grad()
def evaluate(
    architecture: Architecture, model: nn.Module, test: Split, settings: Settings, seed: int, device: torch.device
) -> dict[str, object]:
    model.eval()
    generator = torch.Generator().manual_seed(seed)
    nll, nll_stderr, exact, exact_parallel = {}, {}, {}, {}
    for task in TASKS:
        split = test.of(task).to(device)
        if len(split) == 0:
            continue
        estimate = architecture.answer_nll(model, split.prompts, split.answers, settings.nll_samples, generator)
        tokens = len(split) * ANSWER_LEN
        nll[task] = estimate.value.sum().item() / tokens  # nats per answer token
        nll_stderr[task] = estimate.stderr.pow(2).sum().sqrt().item() / tokens
        right = architecture.generate(model, split.prompts) == split.answers  # (N, A)
        exact[task] = right.all(dim=1).float().mean().item()
        if architecture.scored_in_parallel:
            parallel = architecture.generate(model, split.prompts, steps=ANSWER_LEN // 2) == split.answers
            exact_parallel[task] = parallel.all(dim=1).float().mean().item()
    speed_prompts = test.prompts[torch.randperm(len(test), generator=generator)[: settings.speed_prompts]].to(device)
    metrics: dict[str, object] = {
        "nll": nll,
        "nll_stderr": nll_stderr,
        "exact_match": exact,
        **decoding_speed(architecture, model, speed_prompts),
    }
    if exact_parallel:
        metrics["exact_match_parallel"] = exact_parallel
    return metrics


def summarise(runs: list[dict[str, object]]) -> dict[str, object]:
    """Mean and standard deviation over the seeds of every number in the runs (per task where per task)."""

    def over_seeds(values: list[float]) -> dict[str, float]:
        return {"mean": statistics.fmean(values), "std": statistics.stdev(values) if len(values) > 1 else 0.0}

    summary: dict[str, object] = {}
    for key, first in runs[0].items():
        if key == "seed":
            continue
        if isinstance(first, dict):
            summary[key] = {task: over_seeds([run[key][task] for run in runs]) for task in first}  # type: ignore[index]
        else:
            summary[key] = over_seeds([float(run[key]) for run in runs])  # type: ignore[arg-type]
    return summary


Progress = Callable[[str, int, int], Callable[[float], None]]  # (architecture, seed, steps) -> on_step


def run(
    names: list[str], seeds: int, settings: Settings, device: torch.device, progress: Progress | None = None
) -> dict[str, object]:
    """Train and evaluate every named architecture with seeds 0 .. seeds - 1: the bake-off's results."""
    unknown = [name for name in names if name not in ARCHITECTURES]
    if unknown:
        raise ValueError(f"unknown architecture(s) {', '.join(unknown)}; valid: {', '.join(ARCHITECTURES)}")
    if seeds < 1:
        raise ValueError(f"seeds must be >= 1, got {seeds}")
    data: Data = make_data(settings.train_per_task, settings.test_per_task, settings.num_facts, settings.fact_repeats)
    architectures: dict[str, object] = {}
    for name in names:
        architecture = ARCHITECTURES[name]
        runs = []
        for seed in range(seeds):
            on_step = progress(name, seed, settings.steps) if progress else None
            model, record = train(architecture, data.train, settings, seed, device, on_step)
            runs.append({"seed": seed, **record, **evaluate(architecture, model, data.test, settings, seed, device)})
        architectures[name] = {
            "params": count_params(architecture.build(settings.size)),
            "train_flops_per_token": train_flops_per_token(architecture, settings, data.train),
            "nll_kind": "exact" if architecture.nll_is_exact else "upper bound (negative ELBO)",
            "uses_kv_cache": architecture.uses_cache,
            "runs": runs,
            "summary": summarise(runs),
        }
    return {
        "settings": asdict(settings),
        "seeds": seeds,
        "tasks": list(TASKS),
        "train_examples": len(data.train),
        "test_examples": {task: len(data.test.of(task)) for task in TASKS},
        "architectures": architectures,
    }
