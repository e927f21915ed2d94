"""Misconception: the rank is counted from the eigenvalues (their absolute values) instead of the singular values."""

import torch

from tests.exercise_variants.e14_attention_rank.wheat_1 import *  # noqa: F401,F403

CAUGHT_BY = "test_effective_rank_uses_singular_values"


def effective_rank(a, tol=1e-6):
    mags = torch.linalg.eigvals(a).abs()
    if mags.max() == 0:
        return 0
    return int((mags > tol * mags.max()).sum())
