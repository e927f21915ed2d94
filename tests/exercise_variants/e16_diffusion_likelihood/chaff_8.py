"""Misconception: the mean cross-entropy over the masked tokens is "the NLL per token", and is
returned as the estimate; its weight is 1 / l instead of L / l, far below the sequence's NLL."""

import torch
import torch.nn.functional as F

from tests.exercise_variants.e16_diffusion_likelihood import wheat_1
from tests.exercise_variants.e16_diffusion_likelihood.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_average_bounds_the_exact_nll_from_above"


def nll_estimates(model_fn, x, mask_id, num_samples, generator=None):
    wheat_1.check_sequence(x, mask_id)
    masked = wheat_1.likelihood_masks(len(x), num_samples, generator)
    batch = x.repeat(num_samples, 1)
    ce = F.cross_entropy(model_fn(batch.masked_fill(masked, mask_id)).transpose(1, 2), batch, reduction="none")
    return torch.where(masked, ce, 0.0).sum(dim=1) / masked.sum(dim=1)
