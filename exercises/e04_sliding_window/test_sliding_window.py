"""Tests for e04_sliding_window.

Oracles: FlexAttention's create_mask with the Mistral rule written here, the
figure of the Mistral 7B paper (arXiv:2310.06825) written out by hand,
closed-form counts, torch.tril and torch.eye, and two properties of PyTorch's
own attention under the mask.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch.nn.attention.flex_attention import create_mask

from exercises.checks import assert_mask_equal, assert_tensor_close


def random_qkv(length: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return tuple(torch.randn(length, 8, generator=g) for _ in range(3))


def test_mistral_figure_example(solution) -> None:
    # Figure 1 of the Mistral 7B paper: "The cat sat on the", window 3.
    expected = torch.tensor([[1, 0, 0, 0, 0],
                             [1, 1, 0, 0, 0],
                             [1, 1, 1, 0, 0],
                             [0, 1, 1, 1, 0],
                             [0, 0, 1, 1, 1]], dtype=torch.bool)
    assert_mask_equal(solution.sliding_window_mask(5, 3), expected, "sliding_window_mask(5, 3)")


def test_window_one_sees_only_itself(solution) -> None:
    assert_mask_equal(solution.sliding_window_mask(4, 1), torch.eye(4, dtype=torch.bool), "sliding_window_mask(4, 1)")


def test_rows_see_min_of_position_and_window_keys(solution) -> None:
    mask = solution.sliding_window_mask(9, 4)
    assert isinstance(mask, torch.Tensor) and mask.dtype == torch.bool and mask.shape == (9, 9), (
        f"sliding_window_mask(9, 4) returned {getattr(mask, 'dtype', type(mask).__name__)} "
        f"{tuple(getattr(mask, 'shape', ()))}, expected a torch.bool tensor of shape (9, 9)")
    counts = mask.sum(dim=-1)
    expected = torch.tensor([min(i + 1, 4) for i in range(9)])  # closed form
    assert torch.equal(counts, expected), (
        f"sliding_window_mask(9, 4) has row counts {counts.tolist()}, expected {expected.tolist()}")


def test_future_tokens_never_change_past_outputs(solution) -> None:
    q, k, v = random_qkv(8)
    mask = solution.sliding_window_mask(8, 3)
    before = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    junk_k, junk_v = k.clone(), v.clone()
    junk_k[5:] = 50.0  # replace the tokens 5, 6, 7 by junk
    junk_v[5:] = -50.0
    after = F.scaled_dot_product_attention(q, junk_k, junk_v, attn_mask=mask)
    assert_tensor_close(after[:5], before[:5],
                        "attention outputs 0..4 under sliding_window_mask(8, 3) after changing tokens 5..7")


def test_tokens_beyond_the_window_are_forgotten(solution) -> None:
    q, k, v = random_qkv(8, seed=1)
    mask = solution.sliding_window_mask(8, 3)
    before = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    junk_k, junk_v = k.clone(), v.clone()
    junk_k[:4] = 50.0  # tokens 0..3 lie outside the windows of queries 6 and 7
    junk_v[:4] = -50.0
    after = F.scaled_dot_product_attention(q, junk_k, junk_v, attn_mask=mask)
    assert_tensor_close(after[6:], before[6:],
                        "attention outputs 6..7 under sliding_window_mask(8, 3) after changing tokens 0..3")


@pytest.mark.parametrize(("length", "window"), [(6, 2), (8, 4), (7, 3), (5, 5)])
def test_matches_flex_rule(solution, length: int, window: int) -> None:
    expected = create_mask(lambda b, h, q, kv: (kv <= q) & (q - kv < window), None, None, length, length,
                           device="cpu")[0, 0]
    assert_mask_equal(solution.sliding_window_mask(length, window), expected, f"sliding_window_mask({length}, {window})")


@pytest.mark.parametrize("window", [6, 100])
def test_large_window_is_plain_causal(solution, window: int) -> None:
    assert_mask_equal(solution.sliding_window_mask(6, window), torch.tril(torch.ones(6, 6, dtype=torch.bool)),
                      f"sliding_window_mask(6, {window})")


@pytest.mark.parametrize("window", [0, -2])
def test_rejects_window_below_one(solution, window: int) -> None:
    with pytest.raises(ValueError):
        solution.sliding_window_mask(5, window)
