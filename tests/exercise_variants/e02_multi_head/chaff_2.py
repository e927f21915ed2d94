"""Misconception: the weights are applied as x @ w instead of x @ w.T (nn.Linear's convention)."""

from tests.exercise_variants.e02_multi_head.wheat_1 import *  # noqa: F403
from tests.exercise_variants.e02_multi_head.wheat_1 import attention, merge_heads, split_heads

CAUGHT_BY = "test_matches_torch_multihead_attention"


def multi_head_attention(x, w_q, w_k, w_v, w_o, n_heads, mask=None):
    q, k, v = (split_heads(x @ w, n_heads) for w in (w_q, w_k, w_v))
    return merge_heads(attention(q, k, v, mask)) @ w_o
