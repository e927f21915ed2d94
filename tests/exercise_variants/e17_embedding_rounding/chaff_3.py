"""Misconception: the whole batch shares one noise level, as if alpha_bar were one number; the mean
level is used for every sequence."""

import torch

from tests.exercise_variants.e17_embedding_rounding import wheat_1
from tests.exercise_variants.e17_embedding_rounding.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_each_row_uses_its_own_alpha_bar"


def noise_embeddings(e0, alpha_bar, generator=None):
    wheat_1.check_levels(e0, alpha_bar)
    a = alpha_bar.mean()
    return a.sqrt() * e0 + (1 - a).sqrt() * torch.randn(e0.shape, generator=generator, dtype=e0.dtype)
