"""Misconception: the forward process interpolates linearly, x_t = alpha_bar * e0 + (1 - alpha_bar) *
noise, without the square roots; the signal is then too weak and the variance is not preserved."""

import torch

from tests.exercise_variants.e17_embedding_rounding import wheat_1
from tests.exercise_variants.e17_embedding_rounding.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_signal_is_scaled_by_sqrt_alpha_bar"


def noise_embeddings(e0, alpha_bar, generator=None):
    wheat_1.check_levels(e0, alpha_bar)
    a = alpha_bar[:, None, None]
    return a * e0 + (1 - a) * torch.randn(e0.shape, generator=generator, dtype=e0.dtype)
