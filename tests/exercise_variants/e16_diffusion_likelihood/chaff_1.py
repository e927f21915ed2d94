"""Misconception: torch.randint(0, L) draws l from 1 .. L; its upper end is exclusive, so l runs
over 0 .. L - 1: a draw can mask nothing (and L / l divides by zero), and none masks everything."""

import torch

from tests.exercise_variants.e16_diffusion_likelihood import wheat_1
from tests.exercise_variants.e16_diffusion_likelihood.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_mask_counts_lie_in_1_to_L"


def likelihood_masks(length, num_samples, generator=None):
    if length < 1 or num_samples < 1:
        raise ValueError("length and num_samples must be >= 1")
    counts = torch.randint(0, length, (num_samples, 1), generator=generator)
    ranks = torch.rand(num_samples, length, generator=generator).argsort(dim=1).argsort(dim=1)
    return ranks < counts


def nll_estimates(model_fn, x, mask_id, num_samples, generator=None):
    wheat_1.check_sequence(x, mask_id)
    return wheat_1.estimates_from_masks(model_fn, x, mask_id, likelihood_masks(len(x), num_samples, generator))
