"""Scaled dot-product attention and multi-head reshaping.

    Attention(Q, K, V) = softmax(Q K^T / sqrt(d_k)) V

(Vaswani et al., "Attention Is All You Need", 2017, arXiv:1706.03762.)

This is the readable version that the course teaches; PyTorch's fused
`torch.nn.functional.scaled_dot_product_attention` computes the same thing
faster, and the tests check that the two agree.

Shapes: any leading batch/head dimensions `...`, then
    q: (..., L, d_k)   L queries
    k: (..., S, d_k)   S keys
    v: (..., S, d_v)   one value per key
    mask: broadcastable to (..., L, S), True where a query may attend to a key
"""

from __future__ import annotations

import math

import torch
from torch import Tensor


# --8<-- [start:scaled-dot-product-attention]
def scaled_dot_product_attention(
    q: Tensor,
    k: Tensor,
    v: Tensor,
    mask: Tensor | None = None,
    scale: float | None = None,
) -> Tensor:
    """Attend from each query to the keys it may see; return (..., L, d_v).

    A query whose row of `mask` is all False sees nothing. Its softmax would
    be 0/0 (NaN); we define its output as zeros instead, so that padding rows
    stay harmless. (A plain softmax gives NaN there. PyTorch's fused function
    has returned zeros too since its 2024 "safe softmax" change; checked with
    PyTorch 2.13.)
    """
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(f"queries and keys differ in size: {q.shape} vs {k.shape}")
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(f"one value per key: {k.shape} vs {v.shape}")
    if scale is None:
        # Dot products of d_k-dim vectors with unit-variance entries have
        # variance d_k; dividing by sqrt(d_k) keeps the softmax from saturating.
        scale = 1.0 / math.sqrt(q.shape[-1])

    scores = (q @ k.transpose(-2, -1)) * scale  # (..., L, S)
    if mask is not None:
        if mask.dtype != torch.bool:
            raise ValueError(f"mask must be boolean (True = may attend), got {mask.dtype}")
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)  # each row sums to 1 over the keys
    if mask is not None:
        # Fully masked rows came out as NaN (exp(-inf) / 0): make them zero.
        weights = weights.nan_to_num(0.0)
    return weights @ v  # (..., L, d_v)


# --8<-- [end:scaled-dot-product-attention]


# --8<-- [start:split-heads-merge-heads]
def split_heads(x: Tensor, n_heads: int) -> Tensor:
    """(B, T, n_heads * head_dim) -> (B, n_heads, T, head_dim)."""
    batch, length, width = x.shape
    if width % n_heads != 0:
        raise ValueError(f"width {width} is not divisible by {n_heads} heads")
    return x.view(batch, length, n_heads, width // n_heads).transpose(1, 2)


def merge_heads(x: Tensor) -> Tensor:
    """(B, n_heads, T, head_dim) -> (B, T, n_heads * head_dim): the inverse of split_heads."""
    batch, n_heads, length, head_dim = x.shape
    return x.transpose(1, 2).reshape(batch, length, n_heads * head_dim)


# --8<-- [end:split-heads-merge-heads]


# --8<-- [start:multi-head-attention]
def multi_head_attention(
    x: Tensor,
    w_q: Tensor,
    w_k: Tensor,
    w_v: Tensor,
    w_o: Tensor,
    n_heads: int,
    mask: Tensor | None = None,
) -> Tensor:
    """Multi-head self-attention over x: (B, T, C) -> (B, T, C).

    Each weight is (C, C) and applied as `x @ w.T`, like torch.nn.Linear. The
    C channels are cut into n_heads heads of C / n_heads channels; every head
    attends on its own, and w_o mixes the heads' outputs back together.
    """
    q = split_heads(x @ w_q.T, n_heads)  # (B, heads, T, head_dim)
    k = split_heads(x @ w_k.T, n_heads)  # (B, heads, T, head_dim)
    v = split_heads(x @ w_v.T, n_heads)  # (B, heads, T, head_dim)
    out = scaled_dot_product_attention(q, k, v, mask)  # (B, heads, T, head_dim)
    return merge_heads(out) @ w_o.T  # (B, T, C)


# --8<-- [end:multi-head-attention]
