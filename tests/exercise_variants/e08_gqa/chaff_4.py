"""Misconception: no need to check that n_heads is a multiple of n_kv_heads;
integer division then yields a wrong groups and an obscure shape error (or,
with broadcasting, a silently wrong result) instead of a clear message."""

import torch.nn.functional as F

from tests.exercise_variants.e08_gqa.wheat_1 import repeat_kv

CAUGHT_BY = "test_rejects_head_counts_that_do_not_divide"


def grouped_query_attention(q, k, v, mask=None):
    groups = q.shape[1] // k.shape[1]
    return F.scaled_dot_product_attention(q, repeat_kv(k, groups), repeat_kv(v, groups), attn_mask=mask)
