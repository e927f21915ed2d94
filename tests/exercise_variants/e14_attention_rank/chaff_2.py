"""Misconception: the causal mask is applied after the softmax (weights above the diagonal set to zero), so the rows
no longer sum to 1."""

import math

import torch

from tests.exercise_variants.e14_attention_rank.wheat_1 import *  # noqa: F401,F403

CAUGHT_BY = "test_rows_sum_to_one"


def attention_matrix(q, k, causal):
    weights = torch.softmax(q @ k.T / math.sqrt(q.shape[1]), dim=-1)
    return weights.tril() if causal else weights
