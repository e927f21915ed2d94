"""Misconception: which l positions are masked does not matter, so the first l (a prefix) will do;
the later tokens are then scored less often, and always with their left context unmasked."""

import torch

from tests.exercise_variants.e16_diffusion_likelihood import wheat_1
from tests.exercise_variants.e16_diffusion_likelihood.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_every_position_is_equally_likely_to_be_masked"


def likelihood_masks(length, num_samples, generator=None):
    if length < 1 or num_samples < 1:
        raise ValueError("length and num_samples must be >= 1")
    counts = torch.randint(1, length + 1, (num_samples, 1), generator=generator)
    return torch.arange(length)[None, :] < counts


def nll_estimates(model_fn, x, mask_id, num_samples, generator=None):
    wheat_1.check_sequence(x, mask_id)
    return wheat_1.estimates_from_masks(model_fn, x, mask_id, likelihood_masks(len(x), num_samples, generator))
