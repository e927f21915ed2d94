"""Tests for e17_embedding_rounding.

Oracles: the limits alpha_bar = 1 (x_t is e0) and alpha_bar = 0 (x_t does not
depend on e0); statistics of the noise with fixed seeds, over 16,000 numbers
per sequence (a regression coefficient or a variance then has a standard
deviation below 0.012, and the tests allow 5 of them); torch.cdist in float64
for the nearest embedding, on points whose nearest and second-nearest
embeddings are far enough apart that no rounding of float32 can swap them;
and tables worked out by hand where the largest dot product and the largest
cosine similarity pick another token than the nearest one.
"""

from __future__ import annotations

import pytest
import torch

from exercises.checks import assert_tensor_close

LENGTH, DIM = 2000, 8  # 16,000 numbers per sequence for the statistical tests


def generator(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def unit_embeddings(batch: int, seed: int) -> torch.Tensor:
    """Clean embeddings with unit-variance entries, (batch, LENGTH, DIM)."""
    return torch.randn(batch, LENGTH, DIM, generator=generator(seed))


def coefficients(xt: torch.Tensor, e0: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Per sequence, the least-squares c in xt = c * e0 + residual, and the residual's variance."""
    xt, e0 = xt.double(), e0.double()
    c = (xt * e0).sum(dim=(1, 2)) / (e0 * e0).sum(dim=(1, 2))  # (B,)
    residual = xt - c[:, None, None] * e0
    return c, residual.var(dim=(1, 2))


def call_noise(solution, e0, alpha_bar, seed):
    xt = solution.noise_embeddings(e0, alpha_bar, generator(seed))
    assert isinstance(xt, torch.Tensor) and xt.shape == e0.shape, (
        f"noise_embeddings(e0 of shape {tuple(e0.shape)}, alpha_bar={alpha_bar.tolist()}, generator) returned "
        f"{getattr(xt, 'shape', type(xt).__name__)}, expected shape {tuple(e0.shape)}")
    return xt


# --- noise_embeddings ---------------------------------------------------------------


def test_alpha_bar_one_returns_the_embeddings(solution) -> None:
    e0 = torch.randn(2, 5, DIM, generator=generator(0))
    assert_tensor_close(solution.noise_embeddings(e0, torch.ones(2), generator(1)), e0,
                        "noise_embeddings(e0, alpha_bar=[1., 1.], generator) (no noise at all)")


def test_alpha_bar_zero_is_pure_noise(solution) -> None:
    a, b = torch.randn(2, 5, DIM, generator=generator(2)), 10 + torch.randn(2, 5, DIM, generator=generator(3))
    # Same seed, two different e0: with alpha_bar = 0 nothing of e0 may remain.
    assert_tensor_close(solution.noise_embeddings(b, torch.zeros(2), generator(4)),
                        solution.noise_embeddings(a, torch.zeros(2), generator(4)),
                        "noise_embeddings(two different e0, alpha_bar=[0., 0.], the same seed)")


@pytest.mark.parametrize("level", [0.1, 0.5, 0.9])
def test_signal_is_scaled_by_sqrt_alpha_bar(solution, level: float) -> None:
    e0 = unit_embeddings(2, seed=5)
    c, _ = coefficients(call_noise(solution, e0, torch.full((2,), level), 6), e0)
    expected = level ** 0.5
    # The noise is independent of e0, so c = sqrt(alpha_bar) + N(0, (1 - alpha_bar) / 16000): std below 0.008.
    assert (c - expected).abs().max() < 0.04, (
        f"noise_embeddings(e0, alpha_bar=[{level}, {level}], generator): e0 enters x_t with coefficients "
        f"{[round(v, 3) for v in c.tolist()]}, expected sqrt(alpha_bar) = {expected:.3f}")


@pytest.mark.parametrize("level", [0.1, 0.5, 0.9])
def test_noise_has_variance_one_minus_alpha_bar(solution, level: float) -> None:
    e0 = unit_embeddings(2, seed=7)
    _, variance = coefficients(call_noise(solution, e0, torch.full((2,), level), 8), e0)
    ratio = variance / (1 - level)
    # A sample variance over 16,000 numbers is within 1.2% of the true one (one standard deviation).
    assert (ratio - 1).abs().max() < 0.06, (
        f"noise_embeddings(e0, alpha_bar=[{level}, {level}], generator): the noise has variance "
        f"{[round(v, 4) for v in variance.tolist()]}, expected 1 - alpha_bar = {1 - level:.4f} "
        "(its standard deviation is sqrt(1 - alpha_bar))")


def test_unit_variance_is_preserved(solution) -> None:
    e0 = unit_embeddings(3, seed=9)
    xt = call_noise(solution, e0, torch.tensor([0.2, 0.5, 0.8]), 10)
    variance = xt.double().var(dim=(1, 2))
    assert (variance - 1).abs().max() < 0.08, (
        f"noise_embeddings(unit-variance e0, alpha_bar=[0.2, 0.5, 0.8], generator) has variances "
        f"{[round(v, 3) for v in variance.tolist()]} per sequence, expected 1 each "
        "(alpha_bar + (1 - alpha_bar): variance preserving)")


def test_each_row_uses_its_own_alpha_bar(solution) -> None:
    e0 = unit_embeddings(3, seed=11)
    levels = torch.tensor([0.05, 0.5, 0.95])
    c, variance = coefficients(call_noise(solution, e0, levels, 12), e0)
    call = f"noise_embeddings(e0 of 3 sequences, alpha_bar={levels.tolist()}, generator)"
    assert (c - levels.double().sqrt()).abs().max() < 0.04, (
        f"{call}: e0 enters the sequences with coefficients {[round(v, 3) for v in c.tolist()]}, expected "
        f"{[round(v, 3) for v in levels.sqrt().tolist()]}, each sequence's own sqrt(alpha_bar)")
    assert ((variance / (1 - levels.double())) - 1).abs().max() < 0.06, (
        f"{call}: the noise variances are {[round(v, 4) for v in variance.tolist()]}, expected "
        f"{[round(v, 4) for v in (1 - levels).tolist()]}")


def test_noise_follows_the_generator(solution) -> None:
    e0 = torch.randn(2, 6, DIM, generator=generator(13))
    levels = torch.tensor([0.3, 0.7])
    a = solution.noise_embeddings(e0, levels, generator(14))
    b = solution.noise_embeddings(e0, levels, generator(14))
    c = solution.noise_embeddings(e0, levels, generator(15))
    assert_tensor_close(b, a, "noise_embeddings(e0, alpha_bar, generator seeded 14) called twice")
    assert not torch.equal(a, c), "noise_embeddings with seeds 14 and 15 returned the same x_t"


def test_the_global_random_state_is_left_alone(solution) -> None:
    before = torch.get_rng_state()
    solution.noise_embeddings(torch.randn(2, 6, DIM, generator=generator(16)), torch.tensor([0.3, 0.7]), generator(17))
    assert torch.equal(torch.get_rng_state(), before), (
        "noise_embeddings changed PyTorch's global random state: draw the noise from `generator` only")


@pytest.mark.parametrize("alpha_bar", [[1.5, 0.5], [-0.1, 0.5], [0.5], [[0.5, 0.5]]])
def test_noise_rejects_bad_alpha_bar(solution, alpha_bar) -> None:
    e0 = torch.randn(2, 3, DIM, generator=generator(18))
    with pytest.raises(ValueError):
        result = solution.noise_embeddings(e0, torch.tensor(alpha_bar), generator(19))
        pytest.fail(f"noise_embeddings(e0 of 2 sequences, alpha_bar={alpha_bar}, generator) returned a tensor of "
                    f"shape {tuple(result.shape)} instead of raising ValueError")


# --- round_to_tokens ----------------------------------------------------------------


def nearest_by_cdist(x: torch.Tensor, table: torch.Tensor) -> torch.Tensor:
    """The nearest row of `table` for each vector of x, in float64, checking that no near tie makes it fragile."""
    distances = torch.cdist(x.double().reshape(-1, x.shape[-1]), table.double())  # (N, V)
    two = distances.topk(2, dim=-1, largest=False).values
    assert (two[:, 1] ** 2 - two[:, 0] ** 2).min() > 1e-3, "a near tie in the oracle: choose another seed"
    return distances.argmin(dim=-1).reshape(x.shape[:-1])


def check_ids(actual, expected: torch.Tensor, call: str) -> None:
    __tracebackhide__ = True
    assert isinstance(actual, torch.Tensor), f"{call} returned {type(actual).__name__}, expected a torch.Tensor"
    assert actual.dtype == torch.long, f"{call} returned dtype {actual.dtype}, expected torch.long token ids"
    assert actual.shape == expected.shape, (
        f"{call} returned shape {tuple(actual.shape)}, expected {tuple(expected.shape)} (x's shape without d)")
    if not torch.equal(actual, expected):
        wrong = (actual != expected).nonzero()[:3].tolist()
        raise AssertionError(f"{call} returned {actual.tolist()}, expected {expected.tolist()} (differs at {wrong})")


def test_each_embedding_rounds_to_itself(solution) -> None:
    table = torch.randn(50, DIM, generator=generator(20))
    check_ids(solution.round_to_tokens(table, table), torch.arange(50), "round_to_tokens(table, table) for 50 tokens")


def test_rounding_uses_euclidean_distance_not_dot_product(solution) -> None:
    # Token 1 is a long vector in the direction of token 0. A point near token 0 has a larger
    # dot product with token 1 (3 * 1.2 = 3.6 against 1.2), but is 1.8 away from it and 0.2 from token 0.
    table = torch.tensor([[1.0, 0.0], [3.0, 0.0], [0.0, 1.0]])
    x = torch.tensor([[1.2, 0.0], [0.9, 0.2], [2.6, 0.1], [0.1, 1.4]])
    check_ids(solution.round_to_tokens(x, table), torch.tensor([0, 0, 1, 2]),
              "round_to_tokens(x=[[1.2, 0], [0.9, 0.2], [2.6, 0.1], [0.1, 1.4]], table=[[1, 0], [3, 0], [0, 1]])")


def test_rounding_is_not_cosine_similarity(solution) -> None:
    # [1.1, 0.1] is 0.14 from token 0 and 1.9 from token 1, but points in almost exactly token 1's direction.
    table = torch.tensor([[1.0, 0.0], [3.0, 0.5], [-1.0, 0.0]])
    x = torch.tensor([[1.1, 0.1], [2.9, 0.4], [-0.8, 0.1]])
    check_ids(solution.round_to_tokens(x, table), torch.tensor([0, 1, 2]),
              "round_to_tokens(x=[[1.1, 0.1], [2.9, 0.4], [-0.8, 0.1]], table=[[1, 0], [3, 0.5], [-1, 0]])")


@pytest.mark.parametrize("seed", [21, 22])
def test_matches_the_nearest_by_cdist(solution, seed: int) -> None:
    g = generator(seed)
    table = torch.randn(30, DIM, generator=g) * torch.rand(30, 1, generator=g) * 3  # norms from 0 to about 8
    x = torch.randn(4, 7, DIM, generator=g) * 2
    check_ids(solution.round_to_tokens(x, table), nearest_by_cdist(x, table),
              f"round_to_tokens(x of shape (4, 7, {DIM}), a table of 30 embeddings of different norms)")


def test_noised_embeddings_round_back_at_low_noise(solution) -> None:
    g = generator(23)
    table = 3 * torch.randn(40, DIM, generator=g)
    ids = torch.randint(0, 40, (3, 9), generator=g)
    x = 0.995 ** 0.5 * table[ids] + 0.005 ** 0.5 * torch.randn(3, 9, DIM, generator=g)
    check_ids(solution.round_to_tokens(x, table), ids,
              "round_to_tokens(x = the embeddings of ids, slightly noised (alpha_bar = 0.995), table)")


@pytest.mark.parametrize("shape", [(DIM,), (5, DIM), (2, 3, 4, DIM)])
def test_rounding_keeps_the_leading_shape(solution, shape) -> None:
    table = torch.randn(12, DIM, generator=generator(24))
    x = torch.randn(*shape, generator=generator(25))
    check_ids(solution.round_to_tokens(x, table), nearest_by_cdist(x, table),
              f"round_to_tokens(x of shape {shape}, a table of 12 embeddings)")


@pytest.mark.parametrize("case", ["x of another size d", "a table that is not 2-D"])
def test_rounding_rejects_tables_that_do_not_fit(solution, case: str) -> None:
    x, table = torch.randn(3, DIM, generator=generator(26)), torch.randn(10, DIM, generator=generator(27))
    if case == "x of another size d":
        x = x[:, :-1]
    else:
        table = table[None]
    with pytest.raises(ValueError):
        result = solution.round_to_tokens(x, table)
        pytest.fail(f"round_to_tokens(x of shape {tuple(x.shape)}, table of shape {tuple(table.shape)}) returned "
                    f"{result} instead of raising ValueError ({case})")
