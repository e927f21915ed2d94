"""A correct solution written differently: torch.tril with a diagonal offset, and a prefix block
set by slicing."""

import torch


def bidirectional_mask(length):
    return torch.full((length, length), True)


def causal_mask(query_len, key_len=None, align="bottom_right", device=None):
    if key_len is None:
        key_len = query_len
    shifts = {"top_left": 0, "bottom_right": key_len - query_len}
    if align not in shifts:
        raise ValueError(f"unknown align {align!r}")
    square = torch.ones(query_len, key_len, dtype=torch.bool, device=device)
    return torch.tril(square, diagonal=shifts[align])


def prefix_lm_mask(length, prefix_len):
    if prefix_len < 0 or prefix_len > length:
        raise ValueError(f"prefix_len {prefix_len} is outside 0..{length}")
    mask = torch.tril(torch.ones(length, length, dtype=torch.bool))
    mask[:, :prefix_len] = True
    return mask
