"""Misconception: the softmax runs over the queries (axis -2) instead of the keys."""

import math

import torch

CAUGHT_BY = "test_weights_sum_to_one_over_the_keys"


def scaled_dot_product_attention(q, k, v, mask=None, scale=None):
    scale = 1 / math.sqrt(q.shape[-1]) if scale is None else scale
    scores = q @ k.transpose(-2, -1) * scale
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=-2).nan_to_num(0.0) @ v
