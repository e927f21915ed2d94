"""Misconception: sample_times forgets eps and returns u ~ U(0, 1), so t can come arbitrarily close to 0."""

import torch

from tests.exercise_variants.e12_masked_diffusion.wheat_1 import *  # noqa: F401,F403

CAUGHT_BY = "test_sample_times_lie_in_eps_to_one"


def sample_times(batch, generator=None, eps=1e-3):
    return torch.rand(batch, generator=generator)
