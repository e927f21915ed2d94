"""Misconception: the model is run on the clean sequence and only the scoring looks at the masked
positions; but then the model sees the very tokens it is scored on."""

import torch
import torch.nn.functional as F

from tests.exercise_variants.e16_diffusion_likelihood import wheat_1
from tests.exercise_variants.e16_diffusion_likelihood.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_perfect_denoiser_average_is_the_exact_nll"


def nll_estimates(model_fn, x, mask_id, num_samples, generator=None):
    wheat_1.check_sequence(x, mask_id)
    masked = wheat_1.likelihood_masks(len(x), num_samples, generator)
    batch = x.repeat(num_samples, 1)
    ce = F.cross_entropy(model_fn(batch).transpose(1, 2), batch, reduction="none")  # the clean batch
    return torch.where(masked, ce, 0.0).sum(dim=1) * len(x) / masked.sum(dim=1)
