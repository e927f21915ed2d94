"""e08_gqa: grouped-query attention.

Complete `repeat_kv` and `grouped_query_attention` below, then grade them:

    make grade                          # every exercise
    .venv/bin/pytest exercises/e08_gqa  # this one

Instructions and hints: exercises/e08_gqa/README.md.

Shapes:
    q:    (B, n_heads, T, head_dim)      n_heads query heads
    k, v: (B, n_kv_heads, S, head_dim)   fewer key/value heads, each shared by
                                         groups = n_heads // n_kv_heads
                                         consecutive query heads
"""

from __future__ import annotations

import torch  # noqa: F401
import torch.nn.functional as F  # noqa: F401  (you may use F.scaled_dot_product_attention)
from torch import Tensor


def repeat_kv(x: Tensor, groups: int) -> Tensor:
    """Give each query head its KV head: (B, kv_heads, T, D) -> (B, kv_heads * groups, T, D).

    KV head j is repeated `groups` times in a row, so that head h of the
    result is KV head h // groups.
    """
    # TODO(e08_gqa): repeat each head `groups` times along the heads axis, copies side by side.
    raise NotImplementedError("e08_gqa: repeat_kv is not written yet")


def grouped_query_attention(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | None = None) -> Tensor:
    """Attention with n_heads query heads sharing n_kv_heads key/value heads.

    Args:
        q: (B, n_heads, T, D) queries.
        k: (B, n_kv_heads, S, D) keys; n_heads must be a multiple of n_kv_heads
            (raise ValueError with a message otherwise).
        v: (B, n_kv_heads, S, D_v) values.
        mask: boolean, broadcastable to (B, n_heads, T, S); True = may attend.

    Returns:
        (B, n_heads, T, D_v).
    """
    # TODO(e08_gqa): check the head counts, compute groups, repeat k and v, then attend.
    raise NotImplementedError("e08_gqa: grouped_query_attention is not written yet")
