"""Misconception: reseeding from generator.initial_seed() is "using the generator";
but every call then repeats the same draw."""

import torch

from tests.exercise_variants.e12_masked_diffusion import wheat_1
from tests.exercise_variants.e12_masked_diffusion.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_one_generator_gives_fresh_noise_at_each_call"


def sample_times(batch, generator=None, eps=1e-3):
    fresh = None if generator is None else torch.Generator().manual_seed(generator.initial_seed())
    return wheat_1.sample_times(batch, fresh, eps)
