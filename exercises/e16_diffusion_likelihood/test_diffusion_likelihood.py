"""Tests for e16_diffusion_likelihood.

Oracles, all computed here from the definition, never from a solution:

* exact values: a model that ignores its input and predicts the uniform
  distribution gives every estimate exactly L log V;
* exact expectations by enumeration: for L = 3 or 4 there are only 7 or 15
  (l, masked set) pairs, each with probability 1 / (L * C(L, l)), so the
  estimator's mean and standard deviation are sums over them;
* independent closed forms of that expectation: the exact NLL sum for a
  model that ignores its input; -log q(x) for the exact conditionals of a
  known distribution q (the chain rule, in any order); and the exact NLL of a
  context-dependent model, -log of the average over the L! orders of each
  order's probability, which the expectation bounds from above (Jensen).

Statistical tolerance: the mean of K independent draws differs from the
expectation by a standard error sigma / sqrt(K), with sigma from the
enumeration; the tests allow 5 standard errors (a correct solution fails
with probability below 1e-6 for any stream of random numbers, and the seeds
are fixed, so a run is deterministic).
"""

from __future__ import annotations

import itertools
import math

import pytest
import torch
import torch.nn.functional as F

from exercises.checks import assert_mask_equal, assert_tensor_close

VOCAB = 4  # the models predict tokens 0 .. 3
MASK = VOCAB  # and read one more id, the mask
K = 20_000  # draws for the statistical tests: one model call on (K, L), a few milliseconds
Z = 5.0  # standard errors allowed


def generator(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


# --- Small models whose likelihood is known --------------------------------------------


def input_free_model(logits: torch.Tensor):
    """A model that ignores its input: position i always predicts softmax(logits[i])."""
    return lambda xt: logits.expand(xt.shape[0], *logits.shape)


def pairwise_model(length: int, seed: int):
    """A context-dependent model: the logits at i are a bias plus one learned vector per other position's token."""
    g = generator(seed)
    bias = torch.randn(length, VOCAB, generator=g)
    weight = torch.randn(length, length, VOCAB + 1, VOCAB, generator=g)  # (i, j, token at j, logits at i)
    weight[torch.arange(length), torch.arange(length)] = 0.0  # position i does not read itself

    def model(xt: torch.Tensor) -> torch.Tensor:
        seen = F.one_hot(xt, VOCAB + 1).float()  # (K, L, V + 1)
        return bias + torch.einsum("kjm,ijmv->kiv", seen, weight)  # (K, L, V)

    return model


def perfect_denoiser(q: torch.Tensor):
    """The exact conditionals of a distribution q over sequences (q has one axis of size VOCAB per position):
    at every position, the distribution of its token given the unmasked tokens, the masked ones summed out."""
    length = q.dim()
    sequences = torch.tensor(list(itertools.product(range(VOCAB), repeat=length)))  # (N, L), every sequence
    probs = q.reshape(-1)  # (N,), in the same order
    tokens = F.one_hot(sequences, VOCAB).double()  # (N, L, V)

    def model(xt: torch.Tensor) -> torch.Tensor:
        seen = xt != MASK  # (K, L)
        agrees = ((sequences[None] == xt[:, None]) | ~seen[:, None]).all(dim=-1)  # (K, N)
        weight = agrees.double() * probs  # (K, N): q of each sequence that agrees with what is seen
        marginal = torch.einsum("kn,nlv->klv", weight, tokens)  # (K, L, V)
        return (marginal / marginal.sum(-1, keepdim=True)).clamp_min(1e-30).log().float()

    return model


def random_distribution(length: int, seed: int) -> torch.Tensor:
    return torch.softmax(2.0 * torch.randn(VOCAB**length, generator=generator(seed), dtype=torch.float64), 0).reshape(
        (VOCAB,) * length)


def enumerate_estimator(model, x: torch.Tensor) -> tuple[float, float]:
    """The exact mean and standard deviation of one estimate: a sum over every (l, masked set)."""
    length = len(x)
    values = []
    for count in range(1, length + 1):  # l
        for masked in itertools.combinations(range(length), count):
            xt = x.clone()
            xt[list(masked)] = MASK
            nll = F.cross_entropy(model(xt[None])[0].double(), x, reduction="none")  # (L,)
            values.append((1 / (length * math.comb(length, count)), length / count * nll[list(masked)].sum().item()))
    mean = sum(p * v for p, v in values)
    return mean, math.sqrt(sum(p * (v - mean) ** 2 for p, v in values))


def exact_model_nll(model, x: torch.Tensor) -> float:
    """-log p(x) for a model that generates by unmasking one random position at a time: p(x) is the average over
    the L! orders of the product of its predictions, each given the tokens before it in that order."""
    length = len(x)
    log_probs = []
    for order in itertools.permutations(range(length)):
        total = 0.0
        for k, i in enumerate(order):
            xt = torch.full_like(x, MASK)
            xt[list(order[:k])] = x[list(order[:k])]
            total += F.log_softmax(model(xt[None])[0, i].double(), -1)[x[i]].item()
        log_probs.append(total)
    return -(torch.tensor(log_probs).logsumexp(0).item() - math.log(len(log_probs)))


def check_mean(estimates, expected: float, std: float, call: str) -> None:
    __tracebackhide__ = True
    assert isinstance(estimates, torch.Tensor) and estimates.shape == (K,), (
        f"{call} returned {getattr(estimates, 'shape', type(estimates).__name__)}, expected a tensor of shape ({K},)")
    mean, tolerance = estimates.double().mean().item(), Z * std / math.sqrt(K)
    assert abs(mean - expected) < tolerance, (
        f"{call}: the mean of {K} estimates is {mean:.4f}, expected {expected:.4f} within {tolerance:.4f} "
        f"({Z:g} standard errors)")


# --- likelihood_masks ---------------------------------------------------------------


@pytest.mark.parametrize(("length", "num_samples"), [(1, 3), (5, 7), (12, 2)])
def test_likelihood_masks_shape_and_dtype(solution, length: int, num_samples: int) -> None:
    masks = solution.likelihood_masks(length, num_samples, generator(0))
    call = f"likelihood_masks({length}, {num_samples}, generator)"
    assert isinstance(masks, torch.Tensor) and masks.dtype == torch.bool, (
        f"{call} returned {getattr(masks, 'dtype', type(masks).__name__)}, expected a torch.bool tensor")
    assert masks.shape == (num_samples, length), (
        f"{call} returned shape {tuple(masks.shape)}, expected ({num_samples}, {length}): one row per draw")


def test_mask_counts_lie_in_1_to_L(solution) -> None:
    counts = solution.likelihood_masks(5, 3000, generator(1)).sum(dim=1)
    seen = sorted(set(counts.tolist()))
    assert seen == [1, 2, 3, 4, 5], (
        f"likelihood_masks(5, 3000, generator) masked {seen} tokens per row, expected every count in 1 .. 5: "
        "l = 0 would divide by zero, and l = L must be possible")


def test_mask_counts_are_uniform_on_1_to_L(solution) -> None:
    counts = solution.likelihood_masks(5, K, generator(2)).sum(dim=1)
    share = torch.bincount(counts, minlength=6)[1:6].double() / K  # counts 1 .. 5
    # Each share has standard deviation sqrt(0.2 * 0.8 / K) = 0.0028: 0.015 is over 5 of them.
    assert (share - 0.2).abs().max() < 0.015, (
        f"likelihood_masks(5, {K}, generator): the shares of rows with 1, 2, 3, 4, 5 masked tokens are "
        f"{[round(s, 3) for s in share.tolist()]}, expected 0.2 each (l uniform on 1 .. L, drawn per row)")


def test_every_position_is_equally_likely_to_be_masked(solution) -> None:
    masks = solution.likelihood_masks(6, K, generator(3))
    rate = masks.double().mean(dim=0)
    # Averaged over l, a position is masked with probability E[l] / L = 3.5 / 6 (std 0.0035 here).
    assert (rate - 3.5 / 6).abs().max() < 0.018, (
        f"likelihood_masks(6, {K}, generator) masks the positions at rates {[round(r, 3) for r in rate.tolist()]}, "
        f"expected {3.5 / 6:.3f} each")
    single = masks[masks.sum(dim=1) == 1].double().mean(dim=0)  # rows with l = 1 (about 3300; std 0.0065)
    assert (single - 1 / 6).abs().max() < 0.035, (
        f"likelihood_masks(6, {K}, generator): the rows with one masked token mask positions 0 .. 5 at rates "
        f"{[round(r, 3) for r in single.tolist()]}, expected {1 / 6:.3f} each (a random position, not the first)")


def test_likelihood_masks_follow_the_generator(solution) -> None:
    a = solution.likelihood_masks(8, 16, generator(4))
    b = solution.likelihood_masks(8, 16, generator(4))
    c = solution.likelihood_masks(8, 16, generator(5))
    assert_mask_equal(b, a, "likelihood_masks(8, 16, generator seeded 4) called twice")
    assert not torch.equal(a, c), "likelihood_masks with seeds 4 and 5 returned the same masks"


def test_one_generator_gives_fresh_masks_at_each_call(solution) -> None:
    g = generator(6)
    first, second = solution.likelihood_masks(8, 16, g), solution.likelihood_masks(8, 16, g)
    assert not torch.equal(first, second), (
        "two calls of likelihood_masks(8, 16, g) with one generator returned the same masks")


def test_the_global_random_state_is_left_alone(solution) -> None:
    before = torch.get_rng_state()
    solution.likelihood_masks(6, 10, generator(7))
    solution.nll_estimates(input_free_model(torch.zeros(6, VOCAB)), torch.tensor([0, 1, 2, 3, 2, 1]), MASK, 10,
                           generator(8))
    assert torch.equal(torch.get_rng_state(), before), (
        "likelihood_masks and nll_estimates changed PyTorch's global random state: draw from `generator` only")


@pytest.mark.parametrize(("length", "num_samples"), [(0, 5), (3, 0), (-2, 4)])
def test_likelihood_masks_rejects_bad_arguments(solution, length: int, num_samples: int) -> None:
    with pytest.raises(ValueError):
        result = solution.likelihood_masks(length, num_samples, generator(0))
        pytest.fail(f"likelihood_masks({length}, {num_samples}, generator) returned {result} instead of raising "
                    "ValueError")


# --- nll_estimates ------------------------------------------------------------------


def test_nll_estimates_shape_and_dtype(solution) -> None:
    model = pairwise_model(5, seed=9)
    estimates = solution.nll_estimates(model, torch.tensor([3, 1, 0, 2, 2]), MASK, 64, generator(10))
    call = "nll_estimates(model, x of 5 tokens, MASK, 64, generator)"
    assert isinstance(estimates, torch.Tensor) and estimates.shape == (64,), (
        f"{call} returned {getattr(estimates, 'shape', type(estimates).__name__)}, expected shape (64,): "
        "one estimate per draw, not their mean")
    assert estimates.is_floating_point() and torch.isfinite(estimates).all(), (
        f"{call} returned {estimates.dtype} values {estimates[:4].tolist()}..., expected finite floats")
    assert (estimates > 0).all(), f"{call} returned a non-positive estimate {estimates.min().item():.4g}"


def test_uniform_model_gives_exactly_L_log_V(solution) -> None:
    # Every token costs log V whatever is masked, and L / l times l masked tokens is L of them.
    estimates = solution.nll_estimates(input_free_model(torch.zeros(5, VOCAB)), torch.tensor([0, 3, 1, 1, 2]),
                                       MASK, 200, generator(11))
    assert_tensor_close(estimates, torch.full((200,), 5 * math.log(VOCAB)),
                        "nll_estimates(a model predicting the uniform distribution, x of 5 tokens, MASK, 200, "
                        "generator): every estimate, in nats for the whole sequence")


def test_context_free_average_is_the_exact_nll(solution) -> None:
    logits = 2.0 * torch.randn(4, VOCAB, generator=generator(12))
    model, x = input_free_model(logits), torch.tensor([1, 0, 3, 3])
    exact = F.cross_entropy(logits.double(), x, reduction="sum").item()  # the NLL of x, position by position
    mean, std = enumerate_estimator(model, x)
    assert abs(mean - exact) < 1e-9, f"the oracle itself: enumeration {mean} != exact NLL {exact}"  # bound = NLL here
    check_mean(solution.nll_estimates(model, x, MASK, K, generator(13)), exact, std,
               f"nll_estimates(a model that ignores its input, x={x.tolist()}, MASK, {K}, generator)")


def test_perfect_denoiser_average_is_the_exact_nll(solution) -> None:
    q = random_distribution(3, seed=14)
    model, x = perfect_denoiser(q), torch.tensor([2, 0, 3])
    exact = -math.log(q[tuple(x.tolist())].item())  # the chain rule holds in every order: the bound is tight
    mean, std = enumerate_estimator(model, x)
    assert abs(mean - exact) < 1e-4, f"the oracle itself: enumeration {mean} != -log q(x) {exact}"  # a tight bound
    check_mean(solution.nll_estimates(model, x, MASK, K, generator(15)), exact, std,
               f"nll_estimates(the exact conditionals of a distribution q, x={x.tolist()}, MASK, {K}, generator), "
               "compared with -log q(x)")


@pytest.mark.parametrize("seed", [16, 17])
def test_context_dependent_average_matches_enumeration(solution, seed: int) -> None:
    model, x = pairwise_model(3, seed), torch.tensor([2, 0, 3])
    mean, std = enumerate_estimator(model, x)
    check_mean(solution.nll_estimates(model, x, MASK, K, generator(seed + 100)), mean, std,
               f"nll_estimates(a context-dependent model, x={x.tolist()}, MASK, {K}, generator), compared with "
               "the exact expectation over all 7 masks")


def test_average_bounds_the_exact_nll_from_above(solution) -> None:
    model, x = pairwise_model(3, seed=16), torch.tensor([2, 0, 3])
    nll, (mean, std) = exact_model_nll(model, x), enumerate_estimator(model, x)
    assert mean > nll + Z * std / math.sqrt(K), f"the oracle itself: no clear Jensen gap, {mean} vs {nll}"
    estimates = solution.nll_estimates(model, x, MASK, K, generator(18))
    average = estimates.double().mean().item()
    assert average > nll, (
        f"nll_estimates(a context-dependent model, x={x.tolist()}, MASK, {K}, generator) averages {average:.4f}, "
        f"below the model's exact NLL {nll:.4f}: the expectation is an upper bound (expected about {mean:.4f})")


def test_estimates_follow_the_generator(solution) -> None:
    model, x = pairwise_model(4, seed=19), torch.tensor([0, 1, 2, 3])
    a = solution.nll_estimates(model, x, MASK, 32, generator(20))
    b = solution.nll_estimates(model, x, MASK, 32, generator(20))
    c = solution.nll_estimates(model, x, MASK, 32, generator(21))
    assert_tensor_close(b, a, "nll_estimates(model, x, MASK, 32, generator seeded 20) called twice")
    assert not torch.equal(a, c), "nll_estimates with seeds 20 and 21 returned the same estimates"


@pytest.mark.parametrize("case", ["a batch (1, L)", "an empty sequence", "a masked token in x", "no draw"])
def test_nll_estimates_rejects_bad_arguments(solution, case: str) -> None:
    model, x, num_samples = input_free_model(torch.zeros(3, VOCAB)), torch.tensor([0, 1, 2]), 8
    if case == "a batch (1, L)":
        x = x[None]
    elif case == "an empty sequence":
        model, x = input_free_model(torch.zeros(0, VOCAB)), x[:0]
    elif case == "a masked token in x":
        x = torch.tensor([0, MASK, 2])
    else:
        num_samples = 0
    with pytest.raises(ValueError):
        result = solution.nll_estimates(model, x, MASK, num_samples, generator(22))
        pytest.fail(f"nll_estimates(model, x={x.tolist()}, MASK, {num_samples}, generator) returned {result} "
                    f"instead of raising ValueError ({case})")
