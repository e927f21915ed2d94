"""Misconception: 1 - alpha_bar is the noise's scale; it is its variance, so the noise must be
multiplied by its square root, the standard deviation."""

import torch

from tests.exercise_variants.e17_embedding_rounding import wheat_1
from tests.exercise_variants.e17_embedding_rounding.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_noise_has_variance_one_minus_alpha_bar"


def noise_embeddings(e0, alpha_bar, generator=None):
    wheat_1.check_levels(e0, alpha_bar)
    a = alpha_bar[:, None, None]
    return a.sqrt() * e0 + (1 - a) * torch.randn(e0.shape, generator=generator, dtype=e0.dtype)
