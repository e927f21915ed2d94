"""Continuous diffusion language models: Gaussian noise in embedding space, and rounding back to tokens.

A masked diffusion LM (llmtriad.diffusion) corrupts the tokens themselves. A
continuous diffusion LM corrupts their embeddings instead: each token becomes
its embedding vector e, and the forward process of a Gaussian diffusion
model (Ho et al., 2020, arXiv:2006.11239) mixes it with noise,

    x_t = sqrt(alpha_bar_t) * e + sqrt(1 - alpha_bar_t) * noise,   noise ~ N(0, I),

where alpha_bar_t falls from 1 (clean) to about 0 (pure noise) as t grows.
The two square roots are what keep the variance in place: with unit-variance
embeddings, x_t has variance alpha_bar_t + (1 - alpha_bar_t) = 1 at every t.

Generation runs the process backwards to a clean vector per position, which
is not yet text: the rounding step maps each vector to the token whose
embedding is nearest, in Euclidean (L2) distance. Diffusion-LM (Li et al.,
2022, arXiv:2205.14217) learns the embeddings with the model, adds a
rounding term to the loss so that denoised vectors land near a word, and
"clamps" the model's prediction to the nearest word embedding at every step.

Nearest is not "largest dot product". Expanding the squared distance,

    ||x - e_v||^2 = ||x||^2 - 2 x . e_v + ||e_v||^2,

||x||^2 is the same for every token v and can be dropped, but ||e_v||^2 cannot:
the largest dot product favours long embeddings, and agrees with the nearest
only when every embedding has the same norm.

Shapes:
    B  batch size (sequences)
    L  sequence length (tokens)
    d  embedding size
    V  vocabulary size
    e0, x: (B, L, d); alpha_bar: (B,); embedding table: (V, d)
"""

from __future__ import annotations

import torch
from torch import Tensor

# --- e17: noising embeddings and rounding them back ------------------------------


# --8<-- [start:noise-embeddings]
def noise_embeddings(e0: Tensor, alpha_bar: Tensor, generator: torch.Generator | None = None) -> Tensor:
    """The forward process in embedding space: x_t = sqrt(alpha_bar) e0 + sqrt(1 - alpha_bar) noise.

    Args:
        e0: (B, L, d) float, the clean embeddings of B sequences.
        alpha_bar: (B,) in [0, 1], one noise level per sequence: 1 is clean,
            0 is pure noise.
        generator: the source of the Gaussian noise, for reproducible runs.

    Returns:
        x_t: (B, L, d), the dtype of e0.
    """
    if e0.dim() != 3 or not e0.is_floating_point():
        raise ValueError(f"e0 must be a float (B, L, d) tensor, got {e0.dtype} of shape {tuple(e0.shape)}")
    if alpha_bar.shape != (e0.shape[0],):
        raise ValueError(f"alpha_bar must be (B,) = ({e0.shape[0]},), got {tuple(alpha_bar.shape)}")
    if ((alpha_bar < 0) | (alpha_bar > 1)).any():
        raise ValueError(f"alpha_bar must lie in [0, 1], got {alpha_bar.tolist()}")
    noise = torch.randn(e0.shape, generator=generator, dtype=e0.dtype)  # (B, L, d), N(0, I)
    a = alpha_bar.to(e0.dtype)[:, None, None]  # (B, 1, 1): each sequence its own level
    # Square roots on both: the signal keeps variance alpha_bar, the noise adds 1 - alpha_bar.
    return a.sqrt() * e0 + (1 - a).sqrt() * noise.to(e0.device)


# --8<-- [end:noise-embeddings]


# --8<-- [start:round-to-tokens]
def round_to_tokens(x: Tensor, embedding: Tensor) -> Tensor:
    """The rounding step: the id of the nearest token embedding (L2 distance) for each vector.

    Args:
        x: (..., d) float, for example (B, L, d) denoised vectors.
        embedding: (V, d), the embedding table; row v is token v's embedding.

    Returns:
        (...) long token ids: x's shape without its last axis.
    """
    if embedding.dim() != 2:
        raise ValueError(f"embedding must be a (V, d) table, got shape {tuple(embedding.shape)}")
    if x.dim() == 0 or x.shape[-1] != embedding.shape[1]:
        raise ValueError(f"x must end with d = {embedding.shape[1]}, the embedding size, got shape {tuple(x.shape)}")
    # ||x - e_v||^2 = ||x||^2 - 2 x . e_v + ||e_v||^2, for every vector and every token at once.
    x_sq = (x * x).sum(dim=-1, keepdim=True)  # (..., 1): the same for every v, kept for honest distances
    e_sq = (embedding * embedding).sum(dim=-1)  # (V,): the term a dot product would forget
    distances = x_sq - 2 * x @ embedding.T + e_sq  # (..., V)
    return distances.argmin(dim=-1)  # (...)


# --8<-- [end:round-to-tokens]
