"""The rank of an attention matrix: bidirectional versus causal.

For n tokens with query/key vectors of size d, the score matrix
S = Q K^T / sqrt(d) has rank at most d, and usually d << n. The attention
matrix A = softmax(S) is no longer low rank in exact arithmetic (the
exponential is applied entry by entry), but when the scores are small, the
regime of near-uniform attention, exp(S) = 1 + S + S*S/2 + ... (powers taken
entry by entry) is dominated by its first two terms, of rank 1 and at most d.
Numerically, A then has about d + 1 significant singular values.

A causal attention matrix is lower triangular with a positive diagonal
(every token sees itself with a weight exp(.) / sum > 0), so its determinant,
the product of the diagonal, is positive: it is always full rank. This is
one argument (Su Jianlin, "Why are today's LLMs all decoder-only?",
https://kexue.fm/archives/9529, 2023) for why causal attention may be more
expressive per layer than bidirectional attention. It is a tendency in the
near-uniform regime, not a theorem about trained models: with larger scores
a bidirectional matrix is numerically full rank too, and a causal one,
though never singular, can be badly conditioned.

What this module finds (n = 256, d = 16, Gaussian Q and K, float64, queries
multiplied by 0.05, a singular value counts when it exceeds 1e-3 times the
largest): 17 = d + 1 for bidirectional attention, 246 for causal. With the
stricter tolerance 1e-6 the counts are about 200 and 256: the low-rank
structure is a fast decay of the spectrum after d + 1 values, and where one
draws the line is a choice.

Everything here works in float64: singular values below about 1e-7 of the
largest are rounding noise in float32.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

from llmtriad.masks import causal_mask


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
    if not (q.dim() == 2 and q.shape == k.shape):
        raise ValueError(f"q and k must both be (n, d), got {tuple(q.shape)} and {tuple(k.shape)}")
    n, d = q.shape
    scores = (q @ k.T) / math.sqrt(d)  # (n, n), rank <= d
    if causal:
        # Hide the future BEFORE the softmax, so each row renormalises over
        # the keys it may see. The diagonal stays visible: no row is empty.
        allowed = causal_mask(n, device=q.device)  # (n, n), lower triangular
        scores = scores.masked_fill(~allowed, float("-inf"))
    return torch.softmax(scores, dim=-1)  # (n, n)


def effective_rank(a: Tensor, tol: float = 1e-6) -> int:
    """The number of singular values of `a` larger than tol times the largest.

    The rank of a matrix computed in floating point is never exactly
    defined: tiny singular values are as much rounding as structure. A
    threshold relative to the largest singular value makes the count
    independent of the matrix's overall scale.

    Args:
        a: (m, n) a matrix; use float64.
        tol: relative threshold, in (0, 1).

    Returns:
        An int between 0 and min(m, n).
    """
    if a.dim() != 2:
        raise ValueError(f"a must be a matrix, got shape {tuple(a.shape)}")
    sv = torch.linalg.svdvals(a)  # (min(m, n),), in descending order
    if sv.numel() == 0 or sv[0] == 0:
        return 0  # the zero matrix has rank 0
    return int((sv > tol * sv[0]).sum().item())


def singular_values(n: int, d: int, scale: float, causal: bool, seed: int = 0) -> Tensor:
    """The singular values (n,), descending, of a random attention matrix.

    Q and K are (n, d) standard Gaussian in float64, drawn from a generator
    seeded with `seed` (Q first, then K: the same seed gives the same Q and K
    for the causal and the bidirectional matrix). Q is multiplied by `scale`:
    small scales give near-uniform attention.
    """
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(n, d, generator=g, dtype=torch.float64) * scale  # (n, d)
    k = torch.randn(n, d, generator=g, dtype=torch.float64)  # (n, d)
    values: Tensor = torch.linalg.svdvals(attention_matrix(q, k, causal))  # (n,)
    return values
