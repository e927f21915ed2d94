"""Misconception: one noise level for the whole batch; every row is masked with probability t.mean(), not its own t."""

import torch

from tests.exercise_variants.e12_masked_diffusion.wheat_1 import *  # noqa: F401,F403

CAUGHT_BY = "test_masked_fraction_follows_each_rows_t"


def forward_mask(x0, t, mask_id, generator=None):
    u = torch.rand(x0.shape, generator=generator)
    return torch.where(u < t.mean(), torch.full_like(x0, mask_id), x0)
