"""Misconception: split heads with one view(B, n_heads, T, head_dim), which mixes tokens and channels."""

from tests.exercise_variants.e02_multi_head.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_split_heads_gives_each_head_its_own_channels"


def split_heads(x, n_heads):
    batch, length, width = x.shape
    assert width % n_heads == 0, "width must divide by n_heads"
    return x.reshape(batch, n_heads, length, width // n_heads)
