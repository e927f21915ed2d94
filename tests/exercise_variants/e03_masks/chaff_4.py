"""Misconception: the masks are inverted, True marking the keys to hide (the convention of
nn.MultiheadAttention's attn_mask) instead of the keys a query may attend to."""

import torch

from tests.exercise_variants.e03_masks import wheat_1

CAUGHT_BY = "test_true_means_may_attend"


def bidirectional_mask(length):
    return ~wheat_1.bidirectional_mask(length)


def causal_mask(query_len, key_len=None, align="bottom_right", device=None):
    return ~wheat_1.causal_mask(query_len, key_len, align, device)


def prefix_lm_mask(length, prefix_len):
    return ~wheat_1.prefix_lm_mask(length, prefix_len)
