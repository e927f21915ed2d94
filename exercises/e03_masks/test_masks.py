"""Tests for e03_masks.

Oracles: torch.tril, torch.nn.attention.bias.causal_lower_right, FlexAttention's
create_mask with a rule written here, PyTorch's own attention, and the worked
prefix-LM example of UniLM (arXiv:1905.03197) written out by hand.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch.nn.attention.bias import causal_lower_right
from torch.nn.attention.flex_attention import create_mask

from exercises.checks import assert_mask_equal, assert_tensor_close


def ones(rows: int, cols: int) -> torch.Tensor:
    return torch.ones(rows, cols, dtype=torch.bool)


def flex_mask(rule, length: int) -> torch.Tensor:
    """An (L, L) mask from a FlexAttention mask_mod(b, h, q_idx, kv_idx)."""
    return create_mask(rule, None, None, length, length, device="cpu")[0, 0]


@pytest.mark.parametrize("length", [1, 4])
def test_bidirectional_mask_is_all_true(solution, length: int) -> None:
    assert_mask_equal(solution.bidirectional_mask(length), ones(length, length), f"bidirectional_mask({length})")


def test_true_means_may_attend(solution) -> None:
    cases = [("bidirectional_mask(3)", lambda: solution.bidirectional_mask(3), 3),
             ("causal_mask(4)", lambda: solution.causal_mask(4), 4),
             ("prefix_lm_mask(5, 2)", lambda: solution.prefix_lm_mask(5, 2), 5)]
    for call, make, length in cases:
        mask = make()
        assert isinstance(mask, torch.Tensor) and mask.shape == (length, length), (
            f"{call} returned {getattr(mask, 'shape', type(mask).__name__)}, expected shape ({length}, {length})")
        own = mask.diagonal()
        assert own.all(), (f"{call}: queries {(~own).nonzero().flatten().tolist()} may not see their own token "
                           f"(diagonal is {own.int().tolist()}, expected all 1)")


@pytest.mark.parametrize("align", ["bottom_right", "top_left"])
@pytest.mark.parametrize("length", [1, 5])
def test_square_causal_mask_is_lower_triangle(solution, length: int, align: str) -> None:
    assert_mask_equal(solution.causal_mask(length, align=align), torch.tril(ones(length, length)),
                      f"causal_mask({length}, align={align!r})")


def test_top_left_matches_tril(solution) -> None:
    assert_mask_equal(solution.causal_mask(3, 6, align="top_left"), torch.tril(ones(3, 6)),
                      "causal_mask(3, 6, align='top_left')")


@pytest.mark.parametrize("align", ["top_left", "bottom_right"])
def test_causal_mask_is_built_on_the_given_device(solution, align: str) -> None:
    # PyTorch's "meta" device holds shapes and no data: a mask built on the wrong
    # device shows here, with no GPU needed.
    mask = solution.causal_mask(3, 5, align=align, device="meta")
    where = mask.device.type if isinstance(mask, torch.Tensor) else type(mask).__name__
    assert where == "meta", f"causal_mask(3, 5, align={align!r}, device='meta') is on {where}, expected meta"


@pytest.mark.parametrize(("query_len", "key_len"), [(2, 5), (3, 7), (4, 4)])
def test_bottom_right_matches_causal_lower_right(solution, query_len: int, key_len: int) -> None:
    expected = causal_lower_right(query_len, key_len)._materialize()
    assert_mask_equal(solution.causal_mask(query_len, key_len), expected, f"causal_mask({query_len}, {key_len})")


def test_kv_cache_single_query_sees_every_cached_key(solution) -> None:
    # Closed form: the one query sits at position 4 of 5, and 0..4 are all <= 4.
    assert_mask_equal(solution.causal_mask(1, 5), ones(1, 5), "causal_mask(1, 5)")


def test_cached_decoding_matches_full_pass(solution) -> None:
    g = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(6, 8, generator=g) for _ in range(3))
    full = F.scaled_dot_product_attention(q, k, v, is_causal=True)  # every token at once
    mask = solution.causal_mask(2, 6)  # the last two queries, with the first four keys "cached"
    assert_mask_equal(mask, causal_lower_right(2, 6)._materialize(), "causal_mask(2, 6)")
    cached = F.scaled_dot_product_attention(q[4:], k, v, attn_mask=mask)
    assert_tensor_close(cached, full[4:], "attention(q[4:], k, v, mask=causal_mask(2, 6))")


def test_unknown_align_raises(solution) -> None:
    with pytest.raises(ValueError):
        solution.causal_mask(3, 3, align="diagonal")


def test_prefix_lm_worked_example(solution) -> None:
    #                         A  B  C  D  E   (keys)
    expected = torch.tensor([[1, 1, 0, 0, 0],   # A
                             [1, 1, 0, 0, 0],   # B
                             [1, 1, 1, 0, 0],   # C
                             [1, 1, 1, 1, 0],   # D
                             [1, 1, 1, 1, 1]],  # E
                            dtype=torch.bool)
    assert_mask_equal(solution.prefix_lm_mask(5, 2), expected, "prefix_lm_mask(5, 2)")


def test_prefix_tokens_see_each_other(solution) -> None:
    mask = solution.prefix_lm_mask(6, 4)
    assert_mask_equal(mask[:, :4], ones(6, 4), "prefix_lm_mask(6, 4)[:, :4] (the prefix keys)")


def test_prefix_ends_before_prefix_len(solution) -> None:
    mask = solution.prefix_lm_mask(6, 3)
    expected = torch.tensor([False, False, False, True, True, True])  # only queries 3, 4, 5 reach key 3
    assert_mask_equal(mask[:, 3], expected, "prefix_lm_mask(6, 3)[:, 3] (the first target key)")


@pytest.mark.parametrize(("length", "prefix_len"), [(6, 2), (7, 3), (4, 1), (5, 4)])
def test_prefix_lm_matches_flex_rule(solution, length: int, prefix_len: int) -> None:
    expected = flex_mask(lambda b, h, q, kv: (kv < prefix_len) | (kv <= q), length)
    assert_mask_equal(solution.prefix_lm_mask(length, prefix_len), expected, f"prefix_lm_mask({length}, {prefix_len})")


def test_prefix_lm_limits_are_causal_and_bidirectional(solution) -> None:
    assert_mask_equal(solution.prefix_lm_mask(5, 0), torch.tril(ones(5, 5)), "prefix_lm_mask(5, 0)")
    assert_mask_equal(solution.prefix_lm_mask(5, 5), ones(5, 5), "prefix_lm_mask(5, 5)")


@pytest.mark.parametrize("prefix_len", [-1, 6])
def test_prefix_lm_rejects_bad_prefix_len(solution, prefix_len: int) -> None:
    with pytest.raises(ValueError):
        solution.prefix_lm_mask(5, prefix_len)


def test_more_queries_than_keys(solution) -> None:
    # Five queries, the last of which sits at the last of three keys: the first two see nothing.
    expected = torch.tril(torch.ones(5, 3, dtype=torch.bool), diagonal=3 - 5)
    assert_mask_equal(solution.causal_mask(5, 3), expected, "causal_mask(5, 3)")
