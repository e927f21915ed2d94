"""Misconception: off by one at the end of the prefix (j <= prefix_len), so the first target token
is visible to the whole prefix."""

import torch

from tests.exercise_variants.e03_masks.wheat_1 import *  # noqa: F401,F403

CAUGHT_BY = "test_prefix_ends_before_prefix_len"


def prefix_lm_mask(length, prefix_len):
    if prefix_len < 0 or prefix_len > length:
        raise ValueError(f"prefix_len {prefix_len} is outside 0..{length}")
    i = torch.arange(length).unsqueeze(1)
    j = torch.arange(length).unsqueeze(0)
    return (j <= prefix_len) | (j <= i)
