"""Misconception: the masks are drawn as for the training loss (e12_masked_diffusion): t = l / L,
then every token masked independently with probability t; the number masked is then not l (it can
even be 0), and the weight L / l no longer matches it."""

import torch

from tests.exercise_variants.e16_diffusion_likelihood import wheat_1
from tests.exercise_variants.e16_diffusion_likelihood.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_mask_counts_are_uniform_on_1_to_L"


def likelihood_masks(length, num_samples, generator=None):
    if length < 1 or num_samples < 1:
        raise ValueError("length and num_samples must be >= 1")
    t = torch.randint(1, length + 1, (num_samples, 1), generator=generator) / length
    return torch.rand(num_samples, length, generator=generator) < t


def nll_estimates(model_fn, x, mask_id, num_samples, generator=None):
    wheat_1.check_sequence(x, mask_id)
    return wheat_1.estimates_from_masks(model_fn, x, mask_id, likelihood_masks(len(x), num_samples, generator))
