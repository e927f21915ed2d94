"""Misconception: the sliding window is ignored; every past token is counted."""

from tests.exercise_variants.e09_kv_memory.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_sliding_window_caps_the_cache"


def kv_cache_bytes(layers, kv_heads, head_dim, tokens, batch=1, bits=16, window=None):
    return 2 * layers * kv_heads * head_dim * tokens * batch * bits // 8
