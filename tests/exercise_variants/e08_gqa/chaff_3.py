"""Misconception: the copies go along the sequence axis (dim=2) instead of the
heads axis (dim=1)."""

import torch.nn.functional as F

CAUGHT_BY = "test_repeat_kv_keeps_the_sequence_length"


def repeat_kv(x, groups):
    return x.repeat_interleave(groups, dim=2)


def grouped_query_attention(q, k, v, mask=None):
    assert q.shape[1] % k.shape[1] == 0, "query heads must divide into KV heads"
    groups = q.shape[1] // k.shape[1]
    return F.scaled_dot_product_attention(q, repeat_kv(k, groups), repeat_kv(v, groups), attn_mask=mask)
