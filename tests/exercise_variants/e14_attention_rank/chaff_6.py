"""Misconception: the square roots of the eigenvalues of a^T a are the singular values,
so either route is fine; but squaring doubles the exponents, and values below
about 1e-8 of the largest drown in rounding."""

import torch

from tests.exercise_variants.e14_attention_rank import wheat_1
from tests.exercise_variants.e14_attention_rank.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_small_singular_values_are_resolved"


def effective_rank(a, tol=1e-6):
    s = torch.linalg.eigvalsh(a.T @ a).clamp(min=0).sqrt().flip(0)
    if s[0] == 0:
        return 0
    return int((s > tol * s[0]).sum())
