"""Misconception: a query that sees no key is left as NaN (0/0 from the softmax)."""

import math

import torch

CAUGHT_BY = "test_fully_masked_row_gives_zeros"


def scaled_dot_product_attention(q, k, v, mask=None, scale=None):
    scale = 1 / math.sqrt(q.shape[-1]) if scale is None else scale
    scores = q @ k.transpose(-2, -1) * scale
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=-1) @ v
