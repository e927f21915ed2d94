"""Rank collapse: what a stack of pure attention layers does to the tokens.

llmtriad.rank shows that one causal attention matrix is always full rank
(lower triangular, positive diagonal), while a bidirectional one is close to
rank d + 1 when attention is near uniform. That is a statement about one
layer. Stack layers and the picture changes: every attention matrix is row
stochastic (each row averages the tokens it sees), so layer after layer the
tokens are averaged together, and without residual connections, MLPs and
LayerNorm they converge to one vector: the matrix of token vectors collapses
to rank one. Dong et al. ("Attention is Not All You Need: Pure Attention
Loses Rank Doubly Exponentially with Depth", 2021, arXiv:2103.03404) showed
this for bidirectional attention; Wu et al. ("On the Role of Attention Masks
and LayerNorm in Transformers", 2024, arXiv:2405.18781) showed that it also
happens under a causal mask, exponentially with depth, and that LayerNorm can
prevent it.

Under a causal mask the first token sees only itself, so it never moves, and
every other token is pulled towards it. In the uniform regime the picture is
exact: row t of the attention matrix is 1 / (t + 1) on keys 0 .. t, its
eigenvalues are its diagonal 1, 1/2, 1/3, ..., and after L layers token 1 is
exactly 2^-L of its original distance from token 0. Full rank at every layer
does not stop the collapse: it only says that no single layer is singular.

Shapes: n tokens, d channels; states (depth + 1, n, d).
"""

from __future__ import annotations

import torch
from torch import Tensor

from llmtriad.rank import attention_matrix


def pure_attention_layers(x: Tensor, depth: int, scale: float, causal: bool) -> Tensor:
    """The token vectors after 0, 1, ..., depth layers of pure self-attention.

    Each layer is x <- A x with A = attention_matrix(scale * x, x, causal):
    the tokens themselves are the queries (multiplied by `scale`, the logit
    scale), the keys and the values. No projections, no residual, no MLP, no
    LayerNorm: this is the setting in which rank collapse is proved.

    Args:
        x: (n, d) the input token vectors; use float64.
        depth: the number of layers, at least 0.
        scale: multiplies the queries; 0 gives exactly uniform attention.
        causal: if True, token i averages only tokens j <= i.

    Returns:
        (depth + 1, n, d): states[0] is x, states[l] the output of layer l.
    """
    if x.dim() != 2:
        raise ValueError(f"x must be (n, d) token vectors, got shape {tuple(x.shape)}")
    if depth < 0:
        raise ValueError(f"depth must be at least 0, got {depth}")
    states = [x]
    for _ in range(depth):
        a = attention_matrix(scale * x, x, causal)  # (n, n), every row sums to 1
        x = a @ x  # (n, d): each token becomes an average of the tokens it sees
        states.append(x)
    return torch.stack(states)  # (depth + 1, n, d)


def token_spread(x: Tensor) -> float:
    """How far the tokens (n, d) are from all being equal: ||x - 1 mean(x)||_F.

    Zero exactly when every row is the same vector, that is when the matrix
    of token vectors has collapsed to rank one with equal rows (the measure
    Wu et al. call mu). It is blind to where the common vector lies.
    """
    if x.dim() != 2:
        raise ValueError(f"x must be (n, d) token vectors, got shape {tuple(x.shape)}")
    centred = x - x.mean(dim=0, keepdim=True)  # (n, d) minus (1, d)
    return float(torch.linalg.matrix_norm(centred).item())
