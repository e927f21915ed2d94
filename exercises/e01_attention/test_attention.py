"""Tests for e01_attention. Oracles: PyTorch's own attention, and closed-form cases."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from exercises.checks import assert_tensor_close


def random_qkv(*batch: int, L: int = 5, S: int = 7, d_k: int = 16, d_v: int = 8, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(*batch, L, d_k, generator=g), torch.randn(*batch, S, d_k, generator=g),
            torch.randn(*batch, S, d_v, generator=g))


def test_matches_pytorch_without_mask(solution) -> None:
    q, k, v = random_qkv(2, 3)
    assert_tensor_close(solution.scaled_dot_product_attention(q, k, v),
                        F.scaled_dot_product_attention(q, k, v), "scaled_dot_product_attention(q, k, v)")


def test_scores_are_divided_by_sqrt_d_k(solution) -> None:
    # One query, two keys, d_k = 4: raw scores [4, 0], scaled [2, 0].
    q = torch.ones(1, 4)
    k = torch.stack([torch.ones(4), torch.zeros(4)])
    v = torch.eye(2)  # the output row is then the attention weights themselves
    expected = torch.softmax(torch.tensor([[2.0, 0.0]]), dim=-1)
    assert_tensor_close(solution.scaled_dot_product_attention(q, k, v), expected,
                        "scaled_dot_product_attention(q=ones(1,4), k=[ones, zeros], v=eye(2))")


def test_given_scale_replaces_the_default(solution) -> None:
    q, k, v = random_qkv(L=3, S=4)
    assert_tensor_close(solution.scaled_dot_product_attention(q, k, v, scale=0.3),
                        F.scaled_dot_product_attention(q, k, v, scale=0.3), "scaled_dot_product_attention(..., scale=0.3)")


def test_weights_sum_to_one_over_the_keys(solution) -> None:
    q, k, _ = random_qkv(L=4, S=6)
    v = torch.ones(6, 1)  # each output is then the sum of that query's weights
    assert_tensor_close(solution.scaled_dot_product_attention(q, k, v), torch.ones(4, 1),
                        "scaled_dot_product_attention(q, k, v=ones(6, 1))")


def test_mask_true_means_may_attend(solution) -> None:
    q, k, v = random_qkv(2, L=5, S=5)
    mask = torch.tril(torch.ones(5, 5, dtype=torch.bool))
    assert_tensor_close(solution.scaled_dot_product_attention(q, k, v, mask=mask),
                        F.scaled_dot_product_attention(q, k, v, attn_mask=mask), "scaled_dot_product_attention(..., mask=tril)")


def test_mask_broadcasts_over_batch_and_heads(solution) -> None:
    q, k, v = random_qkv(2, 3, L=4, S=6)
    g = torch.Generator().manual_seed(1)
    mask = torch.rand(4, 6, generator=g) > 0.4
    mask[:, 0] = True  # every query sees at least one key
    assert_tensor_close(solution.scaled_dot_product_attention(q, k, v, mask=mask),
                        F.scaled_dot_product_attention(q, k, v, attn_mask=mask), "scaled_dot_product_attention(4-D q, k, v, mask of shape (4, 6))")


def test_fully_masked_row_gives_zeros(solution) -> None:
    q, k, v = random_qkv(L=3, S=4)
    mask = torch.ones(3, 4, dtype=torch.bool)
    mask[1] = False
    out = solution.scaled_dot_product_attention(q, k, v, mask=mask)
    expected = F.scaled_dot_product_attention(q, k, v, attn_mask=mask).nan_to_num(0.0)
    expected[1] = 0.0
    assert_tensor_close(out, expected, "scaled_dot_product_attention(..., mask with row 1 all False)")


def test_keeps_float64(solution) -> None:
    q, k, v = (t.double() for t in random_qkv(L=3, S=3))
    mask = torch.tril(torch.ones(3, 3, dtype=torch.bool))
    assert_tensor_close(solution.scaled_dot_product_attention(q, k, v, mask=mask),
                        F.scaled_dot_product_attention(q, k, v, attn_mask=mask), "scaled_dot_product_attention(float64 inputs)", atol=1e-10)


def test_large_scores_stay_finite(solution) -> None:
    q = torch.full((2, 8), 30.0)
    k = torch.full((3, 8), 30.0)
    v = torch.arange(6.0).view(3, 2)
    expected = v.mean(dim=0, keepdim=True).expand(2, 2)
    assert_tensor_close(solution.scaled_dot_product_attention(q, k, v), expected,
                        "scaled_dot_product_attention(q=30, k=30, ...)")


def test_float64_inputs_keep_float64_precision(solution) -> None:
    q, k, v = (t.double() for t in random_qkv(2, L=4, S=6))
    # Float64 rounding is about 1e-16: an answer computed in float32 and cast back is off by about 1e-7.
    assert_tensor_close(solution.scaled_dot_product_attention(q, k, v), F.scaled_dot_product_attention(q, k, v),
                        "scaled_dot_product_attention(q, k, v in float64)", atol=1e-12, rtol=1e-12)


def test_a_zero_scale_is_a_scale(solution) -> None:
    q, k, v = random_qkv(L=3, S=4)
    # scale=0 makes every score 0: each query averages all the values.
    expected = v.mean(dim=-2, keepdim=True).expand(3, v.shape[-1])
    assert_tensor_close(solution.scaled_dot_product_attention(q, k, v, scale=0.0), expected,
                        "scaled_dot_product_attention(q, k, v, scale=0.0)")


def test_a_mask_per_sequence_broadcasts_over_the_heads(solution) -> None:
    q, k, v = random_qkv(3, 3, L=4, S=5)  # (B, H, L, d) with B = H = 3
    g = torch.Generator().manual_seed(2)
    mask = torch.rand(3, 1, 4, 5, generator=g) > 0.4  # (B, 1, L, S): one mask per sequence, every head
    mask[..., 0] = True  # every query sees a key
    assert_tensor_close(solution.scaled_dot_product_attention(q, k, v, mask=mask),
                        F.scaled_dot_product_attention(q, k, v, attn_mask=mask),
                        "scaled_dot_product_attention(q (3, 3, 4, d), k, v, mask (3, 1, 4, 5))")
