"""Tests for e08_gqa.

Oracles: PyTorch's F.scaled_dot_product_attention with enable_gqa=True (which
shares KV head j among query heads j * groups .. (j + 1) * groups - 1), plain
multi-head attention when the head counts match, and closed-form head indices.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from exercises.checks import assert_tensor_close


def random_qkv(n_heads: int, n_kv_heads: int, B: int = 2, T: int = 5, S: int = 6, D: int = 8, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(B, n_heads, T, D, generator=g), torch.randn(B, n_kv_heads, S, D, generator=g),
            torch.randn(B, n_kv_heads, S, D, generator=g))


def test_repeat_kv_keeps_the_sequence_length(solution) -> None:
    x = torch.randn(2, 3, 5, 4, generator=torch.Generator().manual_seed(0))
    out = solution.repeat_kv(x, 2)
    assert tuple(out.shape) == (2, 6, 5, 4), (
        f"repeat_kv(x of shape (2, 3, 5, 4), groups=2) returned shape {tuple(out.shape)}, expected (2, 6, 5, 4)"
    )


@pytest.mark.parametrize("groups", [1, 2, 4])
def test_repeat_kv_puts_copies_of_a_head_side_by_side(solution, groups) -> None:
    # KV head j holds the constant j, so each output head shows which KV head it came from.
    x = torch.arange(3.0).view(1, 3, 1, 1).expand(2, 3, 4, 5).contiguous()
    out = solution.repeat_kv(x, groups)
    expected = (torch.arange(3 * groups) // groups).float().view(1, -1, 1, 1).expand(2, 3 * groups, 4, 5)
    assert_tensor_close(out, expected, f"repeat_kv(x with KV head j filled with j, groups={groups})")


def test_query_head_h_reads_kv_head_h_div_groups(solution) -> None:
    q, k, _ = random_qkv(8, 2)
    # Every value of KV head j is j: attention weights sum to one, so query head h returns exactly its KV head's index.
    v = torch.arange(2.0).view(1, 2, 1, 1).expand(2, 2, 6, 8).contiguous()
    out = solution.grouped_query_attention(q, k, v)
    expected = (torch.arange(8) // 4).float().view(1, 8, 1, 1).expand(2, 8, 5, 8)
    assert_tensor_close(out, expected, "grouped_query_attention(8 query heads, 2 KV heads, v of KV head j = j)")


def test_matches_pytorch_enable_gqa(solution) -> None:
    q, k, v = random_qkv(8, 2, seed=1)
    g = torch.Generator().manual_seed(2)
    mask = torch.rand(5, 6, generator=g) > 0.3
    mask[:, 0] = True  # every query sees at least one key
    expected = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, enable_gqa=True)
    assert_tensor_close(solution.grouped_query_attention(q, k, v, mask=mask), expected,
                        "grouped_query_attention(8 query heads, 2 KV heads, mask of shape (5, 6))")


def test_multi_query_attention(solution) -> None:
    q, k, v = random_qkv(4, 1, seed=3)
    mask = torch.ones(5, 6, dtype=torch.bool).tril(diagonal=1)
    expected = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, enable_gqa=True)
    assert_tensor_close(solution.grouped_query_attention(q, k, v, mask=mask), expected,
                        "grouped_query_attention(4 query heads, 1 KV head)")


def test_multi_head_attention_when_head_counts_match(solution) -> None:
    q, k, v = random_qkv(4, 4, seed=4)
    mask = torch.ones(5, 6, dtype=torch.bool).tril(diagonal=1)
    expected = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    assert_tensor_close(solution.grouped_query_attention(q, k, v, mask=mask), expected,
                        "grouped_query_attention(4 query heads, 4 KV heads)")


def test_rejects_head_counts_that_do_not_divide(solution) -> None:
    q, k, v = random_qkv(6, 4, seed=5)
    with pytest.raises(ValueError):
        solution.grouped_query_attention(q, k, v)


def test_values_may_be_narrower_than_queries(solution) -> None:
    q, k, _ = random_qkv(4, 2)
    v = torch.randn(2, 2, 6, 3, generator=torch.Generator().manual_seed(9))  # D_v = 3, D = 8
    expected = F.scaled_dot_product_attention(q, k, v, enable_gqa=True)  # (B, 4, T, 3)
    assert_tensor_close(solution.grouped_query_attention(q, k, v), expected,
                        "grouped_query_attention(q (B, 4, T, 8), k (B, 2, S, 8), v (B, 2, S, 3))")
