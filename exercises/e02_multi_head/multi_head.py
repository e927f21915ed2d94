"""e02_multi_head: multi-head attention, shapes first.

Complete `split_heads`, `merge_heads` and `multi_head_attention`, then grade:

    make grade                                 # every exercise
    .venv/bin/pytest exercises/e02_multi_head  # this one

Instructions and hints: exercises/e02_multi_head/README.md.
"""

from __future__ import annotations

import torch
from torch import Tensor


def attention(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | None = None) -> Tensor:
    """Scaled dot-product attention (given: you wrote it in e01_attention)."""
    scores = q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=-1).nan_to_num(0.0) @ v


def split_heads(x: Tensor, n_heads: int) -> Tensor:
    """(B, T, n_heads * head_dim) -> (B, n_heads, T, head_dim).

    Head h takes channels h * head_dim to (h + 1) * head_dim - 1.
    Raise a ValueError (with a message) if the width is not divisible by n_heads.
    """
    # TODO(e02_multi_head): view the channels as (n_heads, head_dim), then move the head axis forward.
    raise NotImplementedError("e02_multi_head: split_heads is not written yet")


def merge_heads(x: Tensor) -> Tensor:
    """(B, n_heads, T, head_dim) -> (B, T, n_heads * head_dim), the inverse of split_heads."""
    # TODO(e02_multi_head): move the head axis back next to head_dim, then flatten the two.
    raise NotImplementedError("e02_multi_head: merge_heads is not written yet")


def multi_head_attention(
    x: Tensor,
    w_q: Tensor,
    w_k: Tensor,
    w_v: Tensor,
    w_o: Tensor,
    n_heads: int,
    mask: Tensor | None = None,
) -> Tensor:
    """Multi-head self-attention, (B, T, C) -> (B, T, C).

    Each weight is (C, C), applied as `x @ w.T` (like torch.nn.Linear without bias).
    Project x to queries, keys and values, split each into heads, attend per head
    (use `attention` above, with `mask` of shape (T, T), True = may attend), merge
    the heads and apply w_o.
    """
    # TODO(e02_multi_head): project, split, attend, merge, project out.
    raise NotImplementedError("e02_multi_head: multi_head_attention is not written yet")
