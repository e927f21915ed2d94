"""A correct solution written differently: repeat_kv by expand + reshape, and
attention that groups the query heads instead of copying the keys."""

import math

import torch


def repeat_kv(x, groups):
    b, kv_heads, t, d = x.shape
    return x[:, :, None].expand(b, kv_heads, groups, t, d).reshape(b, kv_heads * groups, t, d)


def grouped_query_attention(q, k, v, mask=None):
    b, n_heads, t, d = q.shape
    kv_heads, s = k.shape[1], k.shape[2]
    if n_heads % kv_heads:
        raise ValueError(f"{n_heads} query heads do not divide into {kv_heads} KV heads")
    groups = n_heads // kv_heads
    qg = q.reshape(b, kv_heads, groups, t, d)  # query heads of one group share an axis
    scores = torch.einsum("bkgtd,bksd->bkgts", qg, k) / math.sqrt(d)
    if mask is not None:
        full = torch.broadcast_to(mask, (b, n_heads, t, s)).reshape(b, kv_heads, groups, t, s)
        scores = scores.masked_fill(~full, float("-inf"))
    out = torch.einsum("bkgts,bksd->bkgtd", scores.softmax(dim=-1), v)
    return out.reshape(b, n_heads, t, v.shape[-1])
