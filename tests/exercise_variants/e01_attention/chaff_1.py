"""Misconception: the scores are not divided by sqrt(d_k)."""

import torch

CAUGHT_BY = "test_scores_are_divided_by_sqrt_d_k"


def scaled_dot_product_attention(q, k, v, mask=None, scale=None):
    scores = q @ k.transpose(-2, -1) * (1.0 if scale is None else scale)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=-1).nan_to_num(0.0) @ v
