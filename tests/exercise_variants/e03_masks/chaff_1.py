"""Misconception: the causal diagonal always starts at the top-left corner (j <= i), as with
is_causal=True, even for bottom_right alignment; with a KV cache the new query then sees only
the oldest keys."""

import torch

from tests.exercise_variants.e03_masks.wheat_1 import *  # noqa: F401,F403

CAUGHT_BY = "test_kv_cache_single_query_sees_every_cached_key"


def causal_mask(query_len, key_len=None, align="bottom_right", device=None):
    if key_len is None:
        key_len = query_len
    if align not in ("top_left", "bottom_right"):
        raise ValueError(f"unknown align {align!r}")
    return torch.tril(torch.ones(query_len, key_len, dtype=torch.bool, device=device))
