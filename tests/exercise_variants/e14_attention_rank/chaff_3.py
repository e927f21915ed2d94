"""Misconception: the effective rank counts singular values above tol itself (an absolute threshold), not above
tol times the largest."""

import torch

from tests.exercise_variants.e14_attention_rank.wheat_1 import *  # noqa: F401,F403

CAUGHT_BY = "test_effective_rank_is_relative_to_the_largest"


def effective_rank(a, tol=1e-6):
    return int((torch.linalg.svdvals(a) > tol).sum())
