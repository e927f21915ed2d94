"""Misconception: any relative threshold will do; relative to the sum of the singular
values, a matrix with many equal ones loses all of them."""

import torch

from tests.exercise_variants.e14_attention_rank import wheat_1
from tests.exercise_variants.e14_attention_rank.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_the_threshold_is_relative_to_the_largest_singular_value"


def effective_rank(a, tol=1e-6):
    s = torch.linalg.svdvals(a)
    if s.sum() == 0:
        return 0
    return int((s > tol * s.sum()).sum())
