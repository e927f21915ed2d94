"""A correct solution with einops-style permutes and unflatten instead of view/transpose."""

import torch


def attention(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=-1).nan_to_num(0.0) @ v


def split_heads(x, n_heads):
    if x.shape[-1] % n_heads:
        raise ValueError("width must divide by n_heads")
    return x.unflatten(-1, (n_heads, -1)).permute(0, 2, 1, 3)


def merge_heads(x):
    return x.permute(0, 2, 1, 3).flatten(-2)


def multi_head_attention(x, w_q, w_k, w_v, w_o, n_heads, mask=None):
    q, k, v = (split_heads(torch.nn.functional.linear(x, w), n_heads) for w in (w_q, w_k, w_v))
    return torch.nn.functional.linear(merge_heads(attention(q, k, v, mask)), w_o)
