"""Tests for e12_masked_diffusion.

Oracles: statistics of the noise with fixed seeds (a Bernoulli(t) fraction
over 20,000 tokens has a standard deviation below 0.004), closed-form losses
built in the test from F.cross_entropy(reduction="none"), and properties of
the loss (it ignores unmasked positions, it scales as 1 / t).
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from exercises.checks import assert_tensor_close

VOCAB = 50
MASK = VOCAB  # an id that no clean token uses


def clean_tokens(batch: int, length: int, seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return torch.randint(0, VOCAB, (batch, length), generator=g)


# --- sample_times ------------------------------------------------------------------


@pytest.mark.parametrize("eps", [1e-3, 0.5])
def test_sample_times_lie_in_eps_to_one(solution, eps) -> None:
    t = solution.sample_times(100_000, torch.Generator().manual_seed(0), eps=eps)
    call = f"sample_times(100000, generator, eps={eps})"
    assert isinstance(t, torch.Tensor) and t.shape == (100_000,), f"{call} must return a tensor of shape (100000,)"
    assert t.is_floating_point(), f"{call} returned dtype {t.dtype}, expected a float tensor"
    assert t.min() >= eps, f"{call} returned a time {t.min().item():.3g}, below eps = {eps}"
    assert t.max() <= 1.0, f"{call} returned a time {t.max().item():.3g}, above 1"
    # Uniform on [eps, 1]: mean (1 + eps) / 2; the sample mean's std is below 0.001.
    expected = (1 + eps) / 2
    assert abs(t.mean().item() - expected) < 0.01, (
        f"{call} has mean {t.mean().item():.4f}, expected about {expected:.4f} (uniform on [eps, 1])"
    )


def test_sample_times_follow_the_generator(solution) -> None:
    a = solution.sample_times(8, torch.Generator().manual_seed(3))
    b = solution.sample_times(8, torch.Generator().manual_seed(3))
    c = solution.sample_times(8, torch.Generator().manual_seed(4))
    assert torch.equal(a, b), f"sample_times with the same seed returned {a} and then {b}"
    assert not torch.equal(a, c), "sample_times with seeds 3 and 4 returned the same times"


# --- forward_mask ------------------------------------------------------------------


def test_masked_fraction_follows_each_rows_t(solution) -> None:
    x0 = clean_tokens(3, 20_000)
    t = torch.tensor([0.1, 0.5, 0.9])
    xt = solution.forward_mask(x0, t, MASK, torch.Generator().manual_seed(0))
    assert isinstance(xt, torch.Tensor) and xt.shape == x0.shape, "forward_mask must return a (B, L) tensor like x0"
    fraction = (xt == MASK).double().mean(dim=1)
    for b in range(3):
        assert abs(fraction[b].item() - t[b].item()) < 0.02, (
            f"forward_mask(x0 of shape (3, 20000), t={t.tolist()}) masked a fraction {fraction[b].item():.3f} "
            f"of row {b}, expected about t[{b}] = {t[b].item()}"
        )


def test_t_zero_masks_nothing_and_t_one_masks_everything(solution) -> None:
    x0 = clean_tokens(2, 500)
    xt = solution.forward_mask(x0, torch.tensor([0.0, 1.0]), MASK, torch.Generator().manual_seed(1))
    call = "forward_mask(x0, t=[0., 1.], ...)"
    assert torch.equal(xt[0], x0[0]), f"{call} changed {(xt[0] != x0[0]).sum().item()} tokens of the row with t = 0"
    assert (xt[1] == MASK).all(), f"{call} left {(xt[1] != MASK).sum().item()} tokens of the row with t = 1 unmasked"


def test_unmasked_positions_keep_x0(solution) -> None:
    x0 = clean_tokens(4, 300, seed=2)
    t = torch.tensor([0.2, 0.4, 0.6, 0.8])
    xt = solution.forward_mask(x0, t, MASK, torch.Generator().manual_seed(2))
    call = "forward_mask(x0, t=[0.2, 0.4, 0.6, 0.8], ...)"
    assert xt.dtype == x0.dtype, f"{call} returned dtype {xt.dtype}, expected {x0.dtype}"
    kept = xt != MASK
    assert torch.equal(xt[kept], x0[kept]), f"{call} changed tokens that it did not mask"


def test_rows_are_masked_independently(solution) -> None:
    x0 = clean_tokens(2, 20_000, seed=3)
    xt = solution.forward_mask(x0, torch.tensor([0.5, 0.5]), MASK, torch.Generator().manual_seed(3))
    # Two independent Bernoulli(0.5) masks agree at half of the positions.
    agree = ((xt[0] == MASK) == (xt[1] == MASK)).double().mean().item()
    assert abs(agree - 0.5) < 0.03, (
        f"forward_mask(x0 of shape (2, 20000), t=[0.5, 0.5]): the two rows' masks agree at a fraction {agree:.3f} "
        f"of positions, expected about 0.5 for independent masks"
    )


def test_forward_mask_follows_the_generator(solution) -> None:
    x0 = clean_tokens(2, 64, seed=4)
    t = torch.tensor([0.5, 0.5])
    a = solution.forward_mask(x0, t, MASK, torch.Generator().manual_seed(5))
    b = solution.forward_mask(x0, t, MASK, torch.Generator().manual_seed(5))
    c = solution.forward_mask(x0, t, MASK, torch.Generator().manual_seed(6))
    assert torch.equal(a, b), "forward_mask with the same seed returned two different masks"
    assert not torch.equal(a, c), "forward_mask with seeds 5 and 6 returned the same mask"


# --- masked_diffusion_loss ---------------------------------------------------------


def small_case():
    """A 2 x 4 batch over a vocabulary of 3, mask id 3: row 0 masks positions 1 and 3, row 1 masks position 0."""
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(2, 4, 3, generator=g)
    x0 = torch.tensor([[0, 2, 1, 1], [2, 0, 0, 1]])
    xt = torch.tensor([[0, 3, 1, 3], [3, 0, 0, 1]])
    return logits, x0, xt


def test_divides_by_batch_times_length(solution) -> None:
    logits, x0, xt = small_case()
    t = torch.tensor([0.5, 0.25])
    ce = F.cross_entropy(logits.reshape(8, 3), x0.reshape(8), reduction="none").view(2, 4)
    # By hand: three masked tokens, (0, 1) and (0, 3) at t = 0.5, (1, 0) at t = 0.25; 2 * 4 = 8 positions.
    expected = (ce[0, 1] / 0.5 + ce[0, 3] / 0.5 + ce[1, 0] / 0.25) / 8
    assert_tensor_close(solution.masked_diffusion_loss(logits, x0, xt, t, 3), expected,
                        "masked_diffusion_loss(2x4 example, t=[0.5, 0.25])")


def test_all_masked_at_t_one_is_mean_cross_entropy(solution) -> None:
    g = torch.Generator().manual_seed(1)
    logits = torch.randn(3, 5, VOCAB, generator=g)
    x0 = clean_tokens(3, 5, seed=1)
    xt = torch.full_like(x0, MASK)
    expected = F.cross_entropy(logits.reshape(15, VOCAB), x0.reshape(15))
    assert_tensor_close(solution.masked_diffusion_loss(logits, x0, xt, torch.ones(3), MASK), expected,
                        "masked_diffusion_loss(all masked, t=1)")


def test_ignores_logits_at_unmasked_positions(solution) -> None:
    logits, x0, xt = small_case()
    t = torch.tensor([0.5, 0.25])
    changed = logits.clone()
    unmasked = xt != 3
    changed[unmasked] = torch.randn(int(unmasked.sum()), 3, generator=torch.Generator().manual_seed(9)) * 5
    before = solution.masked_diffusion_loss(logits, x0, xt, t, 3)
    after = solution.masked_diffusion_loss(changed, x0, xt, t, 3)
    assert_tensor_close(after, before, "masked_diffusion_loss with other logits at the unmasked positions")


def test_halving_t_doubles_the_loss(solution) -> None:
    logits, x0, xt = small_case()
    t = torch.tensor([0.8, 0.6])
    loss = solution.masked_diffusion_loss(logits, x0, xt, t, 3)
    assert_tensor_close(solution.masked_diffusion_loss(logits, x0, xt, t / 2, 3), 2 * loss,
                        "masked_diffusion_loss(..., t=[0.4, 0.3]) compared with twice the loss at t=[0.8, 0.6]")


def test_each_row_uses_its_own_t(solution) -> None:
    logits, x0, xt = small_case()
    t = torch.tensor([0.9, 0.2])
    rows = [solution.masked_diffusion_loss(logits[b:b + 1], x0[b:b + 1], xt[b:b + 1], t[b:b + 1], 3) for b in range(2)]
    assert_tensor_close(solution.masked_diffusion_loss(logits, x0, xt, t, 3), (rows[0] + rows[1]) / 2,
                        "masked_diffusion_loss(2 rows, t=[0.9, 0.2]) compared with the mean of each row alone")


def test_no_mask_gives_zero_loss(solution) -> None:
    logits, x0, _ = small_case()
    assert_tensor_close(solution.masked_diffusion_loss(logits, x0, x0.clone(), torch.tensor([0.5, 0.5]), 3),
                        torch.tensor(0.0), "masked_diffusion_loss(xt = x0, nothing masked)")


def test_one_generator_gives_fresh_noise_at_each_call(solution) -> None:
    g = torch.Generator().manual_seed(7)
    first, second = solution.sample_times(16, g), solution.sample_times(16, g)
    assert not torch.equal(first, second), "two calls of sample_times with one generator returned the same times"
    x0 = clean_tokens(1, 64)
    t = torch.tensor([0.5])
    a, b = solution.forward_mask(x0, t, MASK, g), solution.forward_mask(x0, t, MASK, g)
    assert not torch.equal(a, b), "two calls of forward_mask with one generator masked the same positions"


def test_the_global_random_state_is_left_alone(solution) -> None:
    before = torch.get_rng_state()
    g = torch.Generator().manual_seed(8)
    solution.forward_mask(clean_tokens(2, 32), solution.sample_times(2, g), MASK, g)
    assert torch.equal(torch.get_rng_state(), before), (
        "sample_times and forward_mask changed PyTorch's global random state: draw from `generator` only"
    )
