"""Misconception: x.repeat(1, groups, 1, 1) gives each query head its KV head.
It tiles the whole block (0 1 0 1 instead of 0 0 1 1), so query heads read the
wrong keys and values."""

import torch.nn.functional as F

CAUGHT_BY = "test_query_head_h_reads_kv_head_h_div_groups"


def repeat_kv(x, groups):
    return x.repeat(1, groups, 1, 1)


def grouped_query_attention(q, k, v, mask=None):
    assert q.shape[1] % k.shape[1] == 0, "query heads must divide into KV heads"
    groups = q.shape[1] // k.shape[1]
    return F.scaled_dot_product_attention(q, repeat_kv(k, groups), repeat_kv(v, groups), attn_mask=mask)
