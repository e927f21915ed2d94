"""Misconception: only the keys are counted; the values are forgotten (no factor 2 for K and V)."""

from tests.exercise_variants.e09_kv_memory.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_one_token_stores_k_and_v_in_every_layer"


def kv_cache_bytes(layers, kv_heads, head_dim, tokens, batch=1, bits=16, window=None):
    kept = tokens if window is None else min(tokens, window)
    return layers * kv_heads * head_dim * kept * batch * bits // 8
