"""Misconception: the device argument can be ignored; the mask is built on the CPU,
which only breaks when the scores it masks live on a GPU."""

import torch

from tests.exercise_variants.e03_masks import wheat_1
from tests.exercise_variants.e03_masks.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_causal_mask_is_built_on_the_given_device"


def causal_mask(query_len, key_len=None, align="bottom_right", device=None):
    return wheat_1.causal_mask(query_len, key_len, align)
