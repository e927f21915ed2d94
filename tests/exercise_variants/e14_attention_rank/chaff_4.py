"""Misconception: the causal mask also hides the diagonal (a token may not see itself), so the first row has no
visible key and the diagonal is zero."""

import math

import torch

from tests.exercise_variants.e14_attention_rank.wheat_1 import *  # noqa: F401,F403

CAUGHT_BY = "test_causal_is_lower_triangular_with_positive_diagonal"


def attention_matrix(q, k, causal):
    n, d = q.shape
    scores = q @ k.T / math.sqrt(d)
    if causal:
        scores = scores.masked_fill(torch.ones(n, n, dtype=torch.bool).triu(), float("-inf"))
    return torch.softmax(scores, dim=-1)
