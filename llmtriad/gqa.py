"""Grouped-query attention (GQA): fewer key/value heads than query heads.

Ainslie et al., "GQA: Training Generalized Multi-Query Transformer Models from
Multi-Head Checkpoints" (2023, arXiv:2305.13245), generalising multi-query
attention (Shazeer, "Fast Transformer Decoding: One Write-Head is All You
Need", 2019, arXiv:1911.02150).

The KV cache stores one key and one value per head and position, so during
decoding its size, not the arithmetic, limits speed. GQA keeps n_heads query
heads but only n_kv_heads key/value heads; each KV head is shared by a group
of `groups = n_heads // n_kv_heads` *consecutive* query heads:

    query heads   0 1 2 3 | 4 5 6 7        (n_heads = 8)
    KV head           0   |     1          (n_kv_heads = 2, groups = 4)

The cache shrinks by the factor `groups`. Two special cases:
n_kv_heads == n_heads is ordinary multi-head attention (groups = 1), and
n_kv_heads == 1 is multi-query attention (MQA).

Shapes:
    q:    (B, n_heads, T, head_dim)
    k, v: (B, n_kv_heads, S, head_dim)
"""

from __future__ import annotations

from torch import Tensor

from llmtriad.attention import scaled_dot_product_attention


def repeat_kv(x: Tensor, groups: int) -> Tensor:
    """Give each query head its KV head: (B, kv_heads, T, D) -> (B, kv_heads * groups, T, D).

    KV head j is repeated `groups` times in a row, so that query head h reads
    KV head h // groups. This is the layout PyTorch's
    `scaled_dot_product_attention(..., enable_gqa=True)` assumes.
    `x.repeat(1, groups, 1, 1)` would tile the whole block instead
    (0 1 0 1 rather than 0 0 1 1) and pair query heads with the wrong keys.
    """
    if x.dim() != 4:
        raise ValueError(f"expected (B, kv_heads, T, head_dim), got shape {tuple(x.shape)}")
    if groups < 1:
        raise ValueError(f"groups must be a positive integer, got {groups}")
    if groups == 1:
        return x  # multi-head attention: nothing to share
    return x.repeat_interleave(groups, dim=1)  # (B, kv_heads * groups, T, D)


def grouped_query_attention(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | None = None) -> Tensor:
    """Attention with n_heads query heads sharing n_kv_heads key/value heads.

    Args:
        q: (B, n_heads, T, D) queries.
        k: (B, n_kv_heads, S, D) keys; n_heads must be a multiple of n_kv_heads.
        v: (B, n_kv_heads, S, D_v) values.
        mask: boolean, broadcastable to (B, n_heads, T, S); True = may attend.

    Returns:
        (B, n_heads, T, D_v).
    """
    n_heads, n_kv_heads = q.shape[1], k.shape[1]
    if k.shape[1] != v.shape[1]:
        raise ValueError(f"keys and values need the same number of heads: {tuple(k.shape)} vs {tuple(v.shape)}")
    if n_heads % n_kv_heads != 0:
        raise ValueError(f"{n_heads} query heads cannot be split evenly among {n_kv_heads} key/value heads")
    groups = n_heads // n_kv_heads  # query heads per KV head
    # Repeating only materialises the sharing for the matrix products; a
    # fused kernel reads each KV head once instead of copying it.
    k = repeat_kv(k, groups)  # (B, n_heads, S, D)
    v = repeat_kv(v, groups)  # (B, n_heads, S, D_v)
    return scaled_dot_product_attention(q, k, v, mask=mask)  # (B, n_heads, T, D_v)
