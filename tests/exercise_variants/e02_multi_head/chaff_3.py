"""Misconception: the output projection w_o is forgotten after merging the heads."""

from tests.exercise_variants.e02_multi_head.wheat_1 import *  # noqa: F403
from tests.exercise_variants.e02_multi_head.wheat_1 import attention, merge_heads, split_heads

CAUGHT_BY = "test_output_projection_is_applied"


def multi_head_attention(x, w_q, w_k, w_v, w_o, n_heads, mask=None):
    q, k, v = (split_heads(x @ w.T, n_heads) for w in (w_q, w_k, w_v))
    return merge_heads(attention(q, k, v, mask))
