"""e17_embedding_rounding: continuous diffusion, noising embeddings and rounding them back to tokens.

Complete `noise_embeddings` and `round_to_tokens` below, then grade them:

    make grade                                         # every exercise
    .venv/bin/pytest exercises/e17_embedding_rounding  # this one

Instructions and hints: exercises/e17_embedding_rounding/README.md.

Shapes: B sequences of L tokens, embeddings of size d, a vocabulary of V;
the embedding table is (V, d), row v being token v's embedding.
"""

from __future__ import annotations

import torch
from torch import Tensor


def noise_embeddings(e0: Tensor, alpha_bar: Tensor, generator: torch.Generator | None = None) -> Tensor:
    """The forward process in embedding space: x_t = sqrt(alpha_bar) e0 + sqrt(1 - alpha_bar) noise.

    Args:
        e0: (B, L, d) float, the clean embeddings of B sequences.
        alpha_bar: (B,) in [0, 1], one noise level per sequence: 1 is clean,
            0 is pure noise. Another shape, or a value outside [0, 1], raises
            ValueError.
        generator: the source of the Gaussian noise, for reproducible runs.

    Returns:
        x_t: (B, L, d), the dtype of e0.
    """
    # TODO(e17_embedding_rounding): Gaussian noise from the generator, mixed with e0 by the two square roots.
    raise NotImplementedError("e17_embedding_rounding: noise_embeddings is not written yet")


def round_to_tokens(x: Tensor, embedding: Tensor) -> Tensor:
    """The rounding step: the id of the nearest token embedding (L2 distance) for each vector.

    Args:
        x: (..., d) float, for example (B, L, d) denoised vectors.
        embedding: (V, d), the embedding table. A table that is not 2-D, or
            whose d differs from x's, raises ValueError.

    Returns:
        (...) long token ids: x's shape without its last axis.
    """
    # TODO(e17_embedding_rounding): squared distances from every vector to every embedding, then the argmin.
    raise NotImplementedError("e17_embedding_rounding: round_to_tokens is not written yet")
