"""Misconception: the scores are not divided by sqrt(d)."""

import torch

from tests.exercise_variants.e14_attention_rank.wheat_1 import *  # noqa: F401,F403

CAUGHT_BY = "test_matches_sdpa_with_identity_values"


def attention_matrix(q, k, causal):
    scores = q @ k.T
    if causal:
        n = q.shape[0]
        scores = scores.masked_fill(~torch.ones(n, n, dtype=torch.bool).tril(), float("-inf"))
    return torch.softmax(scores, dim=-1)
