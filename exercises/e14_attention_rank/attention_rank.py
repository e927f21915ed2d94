"""e14_attention_rank: low rank, bidirectional versus causal attention.

Complete `attention_matrix` and `effective_rank` below, then grade them:

    make grade                                     # every exercise
    .venv/bin/pytest exercises/e14_attention_rank  # this one

Instructions and hints: exercises/e14_attention_rank/README.md.

Work in float64: singular values below about 1e-7 of the largest are
rounding noise in float32.
"""

from __future__ import annotations

import math  # noqa: F401  (you will probably need it)

import torch  # noqa: F401
from torch import Tensor


def attention_matrix(q: Tensor, k: Tensor, causal: bool) -> Tensor:
    """The (n, n) attention weights softmax(q k^T / sqrt(d)), optionally causal.

    Args:
        q: (n, d) queries, one per token.
        k: (n, d) keys, one per token.
        causal: if True, token i sees only tokens j <= i.

    Returns:
        (n, n), each row a probability distribution over the keys (it sums to
        1); lower triangular when causal. Same dtype as q.
    """
    # TODO(e14_attention_rank): scaled scores, the causal mask before the softmax, softmax over the keys.
    raise NotImplementedError("e14_attention_rank: attention_matrix is not written yet")


def effective_rank(a: Tensor, tol: float = 1e-6) -> int:
    """The number of singular values of `a` larger than tol times the largest.

    Args:
        a: (m, n) a matrix; use float64.
        tol: relative threshold, in (0, 1).

    Returns:
        An int between 0 and min(m, n).
    """
    # TODO(e14_attention_rank): torch.linalg.svdvals, then count against tol * the largest one.
    raise NotImplementedError("e14_attention_rank: effective_rank is not written yet")
