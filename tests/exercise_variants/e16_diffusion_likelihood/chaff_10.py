"""Misconception: every position's cross-entropy is added up, masked or not, as if the model had to
predict the tokens it can see; the unmasked positions inflate the estimate."""

import torch.nn.functional as F

from tests.exercise_variants.e16_diffusion_likelihood import wheat_1
from tests.exercise_variants.e16_diffusion_likelihood.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_context_dependent_average_matches_enumeration"


def nll_estimates(model_fn, x, mask_id, num_samples, generator=None):
    wheat_1.check_sequence(x, mask_id)
    masked = wheat_1.likelihood_masks(len(x), num_samples, generator)
    batch = x.repeat(num_samples, 1)
    ce = F.cross_entropy(model_fn(batch.masked_fill(masked, mask_id)).transpose(1, 2), batch, reduction="none")
    return ce.sum(dim=1) * len(x) / masked.sum(dim=1)
