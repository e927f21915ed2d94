"""Misconception: is_causal=True handles the causal mask during decoding too.

PyTorch aligns that triangle to the top-left corner, so when there are fewer
queries than keys the newest query sees only the first key(s)."""

import torch.nn.functional as F

from tests.exercise_variants.e07_kv_cache.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_one_token_decoding_matches_full_causal_attention"


def attend_with_cache(q_new, k_new, v_new, cache):
    keys, values = cache.update(k_new, v_new)
    return F.scaled_dot_product_attention(q_new, keys, values, is_causal=True)
