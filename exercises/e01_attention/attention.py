"""e01_attention: scaled dot-product attention.

Complete `scaled_dot_product_attention` below, then grade it:

    make grade                                # every exercise
    .venv/bin/pytest exercises/e01_attention  # this one

Instructions and hints: exercises/e01_attention/README.md.
"""

from __future__ import annotations

import math  # noqa: F401  (you will probably need it)

import torch  # noqa: F401
from torch import Tensor


def scaled_dot_product_attention(
    q: Tensor,
    k: Tensor,
    v: Tensor,
    mask: Tensor | None = None,
    scale: float | None = None,
) -> Tensor:
    """Return softmax(q k^T * scale) v, attending only where `mask` is True.

    Args:
        q: (..., L, d_k) queries.
        k: (..., S, d_k) keys.
        v: (..., S, d_v) values, one per key.
        mask: boolean, broadcastable to (..., L, S); True means "may attend".
            None means every query sees every key.
        scale: multiplies the scores; None means 1 / sqrt(d_k).

    Returns:
        (..., L, d_v). A query whose mask row is all False gets zeros.
    """
    # TODO(e01_attention): scores, scale, mask, softmax over the keys, weighted sum of values.
    raise NotImplementedError("e01_attention: scaled_dot_product_attention is not written yet")
