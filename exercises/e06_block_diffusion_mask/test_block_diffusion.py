"""Tests for e06_block_diffusion_mask.

Oracles: the rule of BD3-LM (Arriola et al., 2025, arXiv:2503.09573, Sec. 3 and
the `block_diff_mask` of its code) written here as a FlexAttention mask_mod; a
small case written out by hand; and block structures built with torch.kron
and torch.tril.
"""

from __future__ import annotations

import pytest
import torch
from torch.nn.attention.flex_attention import create_mask

from exercises.checks import assert_mask_equal


def blocks(pattern: torch.Tensor, block_size: int) -> torch.Tensor:
    """Blow a (blocks, blocks) pattern up to tokens: each entry becomes a block_size x block_size tile."""
    return torch.kron(pattern.int(), torch.ones(block_size, block_size, dtype=torch.int)).bool()


def tril(size: int, diagonal: int = 0) -> torch.Tensor:
    return torch.tril(torch.ones(size, size, dtype=torch.bool), diagonal=diagonal)


def half(mask, rows: str, cols: str, n: int):
    """One of the four (n, n) quarters of a (2n, 2n) mask: 't' = noisy x_t, '0' = clean x_0."""
    pick = {"t": slice(0, n), "0": slice(n, 2 * n)}
    return mask[pick[rows], pick[cols]]


def test_small_case_written_out(solution) -> None:
    # n = 4, block_size = 2. Rows x_t0..x_t3, then x_00..x_03; the same order for the columns.
    #                         x_t        | x_0
    expected = torch.tensor([[1, 1, 0, 0, 0, 0, 0, 0],   # x_t block 0: its own noisy block, no clean block before it
                             [1, 1, 0, 0, 0, 0, 0, 0],
                             [0, 0, 1, 1, 1, 1, 0, 0],   # x_t block 1: its own noisy block + clean block 0
                             [0, 0, 1, 1, 1, 1, 0, 0],
                             [0, 0, 0, 0, 1, 1, 0, 0],   # x_0 block 0: clean block 0
                             [0, 0, 0, 0, 1, 1, 0, 0],
                             [0, 0, 0, 0, 1, 1, 1, 1],   # x_0 block 1: clean blocks 0 and 1
                             [0, 0, 0, 0, 1, 1, 1, 1]], dtype=torch.bool)
    assert_mask_equal(solution.block_diffusion_mask(4, 2), expected, "block_diffusion_mask(4, 2)")


@pytest.mark.parametrize(("n", "block_size"), [(4, 1), (6, 2), (6, 3), (8, 4), (8, 8)])
def test_matches_flex_rule(solution, n: int, block_size: int) -> None:
    def rule(b, h, q, kv):
        q_clean, kv_clean = q >= n, kv >= n
        q_block = torch.where(q_clean, q - n, q) // block_size
        kv_block = torch.where(kv_clean, kv - n, kv) // block_size
        same_block = (q_block == kv_block) & (q_clean == kv_clean)
        earlier_clean = ~q_clean & kv_clean & (kv_block < q_block)
        clean_causal = q_clean & kv_clean & (kv_block <= q_block)
        return same_block | earlier_clean | clean_causal

    expected = create_mask(rule, None, None, 2 * n, 2 * n, device="cpu")[0, 0]
    assert_mask_equal(solution.block_diffusion_mask(n, block_size), expected, f"block_diffusion_mask({n}, {block_size})")


def test_clean_half_never_sees_noisy_half(solution) -> None:
    mask = solution.block_diffusion_mask(6, 2)
    assert_mask_equal(half(mask, "0", "t", 6), torch.zeros(6, 6, dtype=torch.bool),
                      "block_diffusion_mask(6, 2)[6:, :6] (x_0 queries, x_t keys)")


def test_noisy_block_sees_only_strictly_earlier_clean_blocks(solution) -> None:
    mask = solution.block_diffusion_mask(6, 2)
    expected = blocks(tril(3, diagonal=-1), 2)  # strictly block-lower-triangular
    assert_mask_equal(half(mask, "t", "0", 6), expected, "block_diffusion_mask(6, 2)[:6, 6:] (x_t queries, x_0 keys)")


def test_clean_half_is_block_causal(solution) -> None:
    mask = solution.block_diffusion_mask(6, 3)
    expected = blocks(tril(2), 3)
    assert_mask_equal(half(mask, "0", "0", 6), expected, "block_diffusion_mask(6, 3)[6:, 6:] (x_0 queries, x_0 keys)")


def test_noisy_half_is_block_diagonal(solution) -> None:
    mask = solution.block_diffusion_mask(6, 2)
    expected = blocks(torch.eye(3, dtype=torch.bool), 2)
    assert_mask_equal(half(mask, "t", "t", 6), expected, "block_diffusion_mask(6, 2)[:6, :6] (x_t queries, x_t keys)")


def test_block_size_one_recovers_autoregression(solution) -> None:
    mask = solution.block_diffusion_mask(5, 1)
    assert_mask_equal(half(mask, "0", "0", 5), tril(5), "block_diffusion_mask(5, 1)[5:, 5:] (x_0 queries, x_0 keys)")


@pytest.mark.parametrize(("n", "block_size"), [(6, 4), (5, 2)])
def test_rejects_block_size_that_does_not_divide(solution, n: int, block_size: int) -> None:
    with pytest.raises(ValueError):
        solution.block_diffusion_mask(n, block_size)
