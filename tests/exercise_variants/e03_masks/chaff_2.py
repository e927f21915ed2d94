"""Misconception: the prefix is made causal inside itself (a prefix token sees only earlier prefix
tokens); only the target tokens get to see the whole prefix."""

import torch

from tests.exercise_variants.e03_masks.wheat_1 import *  # noqa: F401,F403

CAUGHT_BY = "test_prefix_tokens_see_each_other"


def prefix_lm_mask(length, prefix_len):
    if prefix_len < 0 or prefix_len > length:
        raise ValueError(f"prefix_len {prefix_len} is outside 0..{length}")
    i = torch.arange(length).unsqueeze(1)
    j = torch.arange(length).unsqueeze(0)
    return (j <= i) | ((j < prefix_len) & (i >= prefix_len))
