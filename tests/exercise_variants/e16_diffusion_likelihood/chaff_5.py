"""Misconception: torch.randperm picks the positions and needs no generator; it then draws from,
and advances, PyTorch's global random state."""

import torch

from tests.exercise_variants.e16_diffusion_likelihood import wheat_1
from tests.exercise_variants.e16_diffusion_likelihood.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_the_global_random_state_is_left_alone"


def likelihood_masks(length, num_samples, generator=None):
    if length < 1 or num_samples < 1:
        raise ValueError("length and num_samples must be >= 1")
    counts = torch.randint(1, length + 1, (num_samples,), generator=generator).tolist()
    masks = torch.zeros(num_samples, length, dtype=torch.bool)
    for k, count in enumerate(counts):
        masks[k, torch.randperm(length)[:count]] = True
    return masks


def nll_estimates(model_fn, x, mask_id, num_samples, generator=None):
    wheat_1.check_sequence(x, mask_id)
    return wheat_1.estimates_from_masks(model_fn, x, mask_id, likelihood_masks(len(x), num_samples, generator))
