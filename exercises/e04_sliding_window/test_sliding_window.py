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

pytestmark = pytest.mark.exercise("e04_sliding_window")


def random_qkv(length: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return tuple(torch.randn(length, 8, generator=g) for _ in range(3))


@pytest.mark.hint("Window 3 over 5 tokens: each token sees itself and the two before it, never a later one. "
                  "Key j is visible to query i iff i - window < j <= i; return a torch.bool tensor.")
def test_mistral_figure_example(solution) -> None:
    # Figure 1 of the Mistral 7B paper: "The cat sat on the", window 3.
    expected = torch.tensor([[1, 0, 0, 0, 0],
                             [1, 1, 0, 0, 0],
                             [1, 1, 1, 0, 0],
                             [0, 1, 1, 1, 0],
                             [0, 0, 1, 1, 1]], dtype=torch.bool)
    assert_mask_equal(solution.sliding_window_mask(5, 3), expected, "sliding_window_mask(5, 3)")


@pytest.mark.hint("window counts the query itself: window = 1 means each token sees only itself (the identity), "
                  "so the oldest visible key is i - window + 1. Use a strict i - window < j, not i - window <= j.")
def test_window_one_sees_only_itself(solution) -> None:
    assert_mask_equal(solution.sliding_window_mask(4, 1), torch.eye(4, dtype=torch.bool), "sliding_window_mask(4, 1)")


@pytest.mark.hint("Row i sees min(i + 1, window) keys: all of the past while it fits in the window, "
                  "then exactly window keys.")
def test_rows_see_min_of_position_and_window_keys(solution) -> None:
    mask = solution.sliding_window_mask(9, 4)
    assert isinstance(mask, torch.Tensor) and mask.dtype == torch.bool and mask.shape == (9, 9), (
        f"sliding_window_mask(9, 4) returned {getattr(mask, 'dtype', type(mask).__name__)} "
        f"{tuple(getattr(mask, 'shape', ()))}, expected a torch.bool tensor of shape (9, 9)")
    counts = mask.sum(dim=-1)
    expected = torch.tensor([min(i + 1, 4) for i in range(9)])  # closed form
    assert torch.equal(counts, expected), (
        f"sliding_window_mask(9, 4) has row counts {counts.tolist()}, expected {expected.tolist()}")


@pytest.mark.hint("The window looks back only, never ahead: key j is hidden when j > i, whatever the window. "
                  "A symmetric window |i - j| < window lets earlier tokens read later ones.")
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


@pytest.mark.hint("Tokens more than window - 1 positions back are forgotten: key j is hidden when j <= i - window. "
                  "A plain causal mask ignores the window.")
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


@pytest.mark.hint("Key j is visible to query i iff i - window < j <= i.")
@pytest.mark.parametrize(("length", "window"), [(6, 2), (8, 4), (7, 3), (5, 5)])
def test_matches_flex_rule(solution, length: int, window: int) -> None:
    expected = create_mask(lambda b, h, q, kv: (kv <= q) & (q - kv < window), None, None, length, length,
                           device="cpu")[0, 0]
    assert_mask_equal(solution.sliding_window_mask(length, window), expected, f"sliding_window_mask({length}, {window})")


@pytest.mark.hint("A window as long as the sequence, or longer, forgets nothing: the mask is then the causal "
                  "lower triangle, torch.tril(ones(L, L)).")
@pytest.mark.parametrize("window", [6, 100])
def test_large_window_is_plain_causal(solution, window: int) -> None:
    assert_mask_equal(solution.sliding_window_mask(6, window), torch.tril(torch.ones(6, 6, dtype=torch.bool)),
                      f"sliding_window_mask(6, {window})")


@pytest.mark.hint("A token always sees itself, so window must be at least 1: raise ValueError for 0 or less.")
@pytest.mark.parametrize("window", [0, -2])
def test_rejects_window_below_one(solution, window: int) -> None:
    with pytest.raises(ValueError):
        solution.sliding_window_mask(5, window)
