"""The likelihood bound of llmtriad.diffusion (exercise e16) beyond what its exercise grades:
what is and is not a bound, and that it runs on the course's own bidirectional denoiser.

The exercise's tests check the estimator's mean against exact enumerations; these check, on
the reference, the two claims its comments make about single draws and about the expectation.
"""

from __future__ import annotations

import itertools
import math

import torch
import torch.nn.functional as F

from llmtriad import diffusion
from llmtriad.gpt import GPT, GPTConfig

VOCAB, MASK = 4, 4


def pairwise_model(length: int, seed: int):
    """Logits at i: a bias plus one vector per (other position, its token): context-dependent, exactly computable."""
    g = torch.Generator().manual_seed(seed)
    bias = torch.randn(length, VOCAB, generator=g)
    weight = torch.randn(length, length, VOCAB + 1, VOCAB, generator=g)
    weight[torch.arange(length), torch.arange(length)] = 0.0
    return lambda xt: bias + torch.einsum("kjm,ijmv->kiv", F.one_hot(xt, VOCAB + 1).float(), weight)


def every_estimate(model, x: torch.Tensor) -> list[tuple[float, float]]:
    """(probability, value) of the estimate for every (l, masked set)."""
    length, out = len(x), []
    for count in range(1, length + 1):
        for masked in itertools.combinations(range(length), count):
            xt = x.clone()
            xt[list(masked)] = MASK
            nll = F.cross_entropy(model(xt[None])[0].double(), x, reduction="none")
            out.append((1 / (length * math.comb(length, count)), length / count * nll[list(masked)].sum().item()))
    return out


def order_log_probs(model, x: torch.Tensor) -> list[float]:
    """log p_sigma(x) for every order sigma: unmask one position at a time, in that order."""
    out = []
    for order in itertools.permutations(range(len(x))):
        total = 0.0
        for k, i in enumerate(order):
            xt = torch.full_like(x, MASK)
            xt[list(order[:k])] = x[list(order[:k])]
            total += F.log_softmax(model(xt[None])[0, i].double(), -1)[x[i]].item()
        out.append(total)
    return out


def test_the_expectation_is_the_any_order_nll_and_bounds_the_model_nll() -> None:
    model, x = pairwise_model(3, seed=0), torch.tensor([2, 0, 3])
    expectation = sum(p * v for p, v in every_estimate(model, x))
    log_probs = order_log_probs(model, x)
    any_order = -sum(log_probs) / len(log_probs)
    model_nll = -(torch.tensor(log_probs).logsumexp(0).item() - math.log(len(log_probs)))
    assert abs(expectation - any_order) < 1e-9  # the identity the comments state
    assert expectation > model_nll  # Jensen, strictly here: the orders disagree


def test_a_single_estimate_is_not_a_bound() -> None:
    model, x = pairwise_model(3, seed=0), torch.tensor([2, 0, 3])
    log_probs = order_log_probs(model, x)
    model_nll = -(torch.tensor(log_probs).logsumexp(0).item() - math.log(len(log_probs)))
    below = sum(p for p, v in every_estimate(model, x) if v < model_nll)
    assert below > 0.1  # some masks give an estimate below the NLL, with real probability
    estimates = diffusion.nll_estimates(model, x, MASK, 2000, torch.Generator().manual_seed(1))
    assert (estimates.double() < model_nll).any() and estimates.double().mean().item() > model_nll


def test_the_bound_runs_on_the_course_bidirectional_denoiser() -> None:
    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=VOCAB + 1, block_size=8, causal=False)).eval()
    x = torch.tensor([0, 3, 1, 2, 2, 1])
    rng = torch.get_rng_state()
    with torch.no_grad():
        estimates = diffusion.nll_estimates(model, x, MASK, 64, torch.Generator().manual_seed(2))
    assert estimates.shape == (64,) and torch.isfinite(estimates).all() and (estimates > 0).all()
    assert torch.equal(torch.get_rng_state(), rng)  # only the generator was drawn from
