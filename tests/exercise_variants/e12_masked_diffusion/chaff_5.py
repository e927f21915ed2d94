"""Misconception: one row of random numbers is shared by all rows, so the masks of the rows are nested, not independent."""

import torch

from tests.exercise_variants.e12_masked_diffusion.wheat_1 import *  # noqa: F401,F403

CAUGHT_BY = "test_rows_are_masked_independently"


def forward_mask(x0, t, mask_id, generator=None):
    u = torch.rand(x0.shape[1], generator=generator)  # (L,), reused for every row
    return torch.where(u[None, :] < t[:, None], torch.full_like(x0, mask_id), x0)
