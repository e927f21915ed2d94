"""Misconception: reseeding a fresh generator from generator.initial_seed() is "using the generator";
but every call then repeats the same draw."""

import torch

from tests.exercise_variants.e16_diffusion_likelihood import wheat_1
from tests.exercise_variants.e16_diffusion_likelihood.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_one_generator_gives_fresh_masks_at_each_call"


def likelihood_masks(length, num_samples, generator=None):
    if length < 1 or num_samples < 1:
        raise ValueError("length and num_samples must be >= 1")
    fresh = None if generator is None else torch.Generator().manual_seed(generator.initial_seed())
    return wheat_1.likelihood_masks(length, num_samples, fresh)


def nll_estimates(model_fn, x, mask_id, num_samples, generator=None):
    wheat_1.check_sequence(x, mask_id)
    return wheat_1.estimates_from_masks(model_fn, x, mask_id, likelihood_masks(len(x), num_samples, generator))
