"""Tests for e02_multi_head. Oracle: torch.nn.MultiheadAttention, and reshapes checked by hand."""

from __future__ import annotations

import pytest
import torch

from exercises.checks import assert_tensor_close


def test_split_heads_shape(solution) -> None:
    out = solution.split_heads(torch.zeros(2, 5, 12), 3)
    assert tuple(out.shape) == (2, 3, 5, 4), f"split_heads(x of shape (2, 5, 12), 3) returned shape {tuple(out.shape)}, expected (2, 3, 5, 4)"


def test_split_heads_gives_each_head_its_own_channels(solution) -> None:
    # Channel c of token t holds 100 * t + c, so every entry says where it came from.
    x = (100 * torch.arange(3).view(1, 3, 1) + torch.arange(8).view(1, 1, 8)).float()
    expected = torch.stack([x[0, :, 0:4], x[0, :, 4:8]]).unsqueeze(0)  # (1, 2, 3, 4)
    assert_tensor_close(solution.split_heads(x, 2), expected, "split_heads(x, 2)")


def test_merge_heads_inverts_split_heads(solution) -> None:
    x = torch.randn(2, 5, 12, generator=torch.Generator().manual_seed(0))
    heads = torch.randn(2, 3, 5, 4, generator=torch.Generator().manual_seed(1))
    expected = heads.transpose(1, 2).reshape(2, 5, 12)
    assert_tensor_close(solution.merge_heads(heads), expected, "merge_heads(heads of shape (2, 3, 5, 4))")
    assert_tensor_close(solution.merge_heads(solution.split_heads(x, 3)), x, "merge_heads(split_heads(x, 3))")


def test_split_heads_rejects_uneven_width(solution) -> None:
    with pytest.raises(ValueError):
        solution.split_heads(torch.zeros(1, 2, 10), 3)


def torch_mha(x, w_q, w_k, w_v, w_o, n_heads, mask=None):
    """The oracle: torch.nn.MultiheadAttention with the same weights (its mask: True = blocked)."""
    width = x.shape[-1]
    mha = torch.nn.MultiheadAttention(width, n_heads, bias=False, batch_first=True)
    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.cat([w_q, w_k, w_v]))
        mha.out_proj.weight.copy_(w_o)
        out, _ = mha(x, x, x, need_weights=False, attn_mask=None if mask is None else ~mask)
    return out


def weights(width: int, seed: int):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(width, width, generator=g) / width**0.5 for _ in range(4)]


@pytest.mark.parametrize("n_heads", [1, 2, 4])
def test_matches_torch_multihead_attention(solution, n_heads: int) -> None:
    x = torch.randn(2, 6, 16, generator=torch.Generator().manual_seed(2))
    w = weights(16, seed=3)
    assert_tensor_close(solution.multi_head_attention(x, *w, n_heads), torch_mha(x, *w, n_heads),
                        f"multi_head_attention(x, w_q, w_k, w_v, w_o, n_heads={n_heads})", atol=1e-4)


def test_causal_mask_is_applied_to_every_head(solution) -> None:
    x = torch.randn(1, 5, 8, generator=torch.Generator().manual_seed(4))
    w = weights(8, seed=5)
    mask = torch.tril(torch.ones(5, 5, dtype=torch.bool))
    assert_tensor_close(solution.multi_head_attention(x, *w, 2, mask=mask), torch_mha(x, *w, 2, mask=mask),
                        "multi_head_attention(x, ..., n_heads=2, mask=tril)", atol=1e-4)


def test_output_projection_is_applied(solution) -> None:
    x = torch.randn(1, 4, 8, generator=torch.Generator().manual_seed(6))
    w_q, w_k, w_v, _ = weights(8, seed=7)
    w_o = 2 * torch.eye(8)  # doubles the merged heads
    assert_tensor_close(solution.multi_head_attention(x, w_q, w_k, w_v, w_o, 2),
                        torch_mha(x, w_q, w_k, w_v, w_o, 2), "multi_head_attention(..., w_o=2*I, n_heads=2)", atol=1e-4)
