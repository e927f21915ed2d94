"""Misconception: float32 is precise enough for everything; the work is done in float32
and cast back, which costs float64 inputs nine digits."""

import torch

from tests.exercise_variants.e01_attention import wheat_1
from tests.exercise_variants.e01_attention.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_float64_inputs_keep_float64_precision"


def scaled_dot_product_attention(q, k, v, mask=None, scale=None):
    out = wheat_1.scaled_dot_product_attention(q.float(), k.float(), v.float(), mask, scale)
    return out.to(q.dtype)
