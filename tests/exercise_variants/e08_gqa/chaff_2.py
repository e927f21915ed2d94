"""Misconception: groups is n_kv_heads // n_heads (division upside down); it is
1 only when the head counts match, and 0 for real GQA."""

import torch.nn.functional as F

from tests.exercise_variants.e08_gqa.wheat_1 import repeat_kv  # noqa: F401

CAUGHT_BY = "test_matches_pytorch_enable_gqa"


def grouped_query_attention(q, k, v, mask=None):
    assert q.shape[1] % k.shape[1] == 0, "query heads must divide into KV heads"
    groups = k.shape[1] // q.shape[1]
    return F.scaled_dot_product_attention(q, k.repeat_interleave(groups, 1), v.repeat_interleave(groups, 1),
                                          attn_mask=mask)
