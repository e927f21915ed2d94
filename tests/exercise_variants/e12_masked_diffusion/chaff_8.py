"""Misconception: seeding the global generator from the given one is the same thing;
it changes the caller's global random state."""

import torch

from tests.exercise_variants.e12_masked_diffusion import wheat_1
from tests.exercise_variants.e12_masked_diffusion.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_the_global_random_state_is_left_alone"


def forward_mask(x0, t, mask_id, generator=None):
    if generator is not None:
        torch.manual_seed(generator.initial_seed() + int(generator.get_state().sum()))
    u = torch.rand(x0.shape)
    return torch.where(u < t[:, None], torch.full_like(x0, mask_id), x0)
