"""Misconception: the noise only has to look like e0, so torch.randn_like(e0) will do; without
generator= it draws from, and advances, PyTorch's global random state, and ignores the seed."""

import torch

from tests.exercise_variants.e17_embedding_rounding import wheat_1
from tests.exercise_variants.e17_embedding_rounding.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_the_global_random_state_is_left_alone"


def noise_embeddings(e0, alpha_bar, generator=None):
    wheat_1.check_levels(e0, alpha_bar)
    a = alpha_bar[:, None, None]
    return a.sqrt() * e0 + (1 - a).sqrt() * torch.randn_like(e0)
