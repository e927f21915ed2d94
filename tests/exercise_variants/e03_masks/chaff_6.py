"""Misconception: the shift S - L is never negative; clamped at 0, a mask with more
queries than keys lets the first queries see keys of their future."""

import torch

from tests.exercise_variants.e03_masks import wheat_1
from tests.exercise_variants.e03_masks.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_more_queries_than_keys"


def causal_mask(query_len, key_len=None, align="bottom_right", device=None):
    if key_len is None:
        key_len = query_len
    if align not in ("top_left", "bottom_right"):
        raise ValueError(f"unknown align {align!r}")
    shift = max(key_len - query_len, 0) if align == "bottom_right" else 0
    return torch.tril(torch.ones(query_len, key_len, dtype=torch.bool, device=device), diagonal=shift)
