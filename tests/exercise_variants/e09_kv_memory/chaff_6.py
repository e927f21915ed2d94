"""Misconception: bytes computed with true division, so the cache size comes back as a float."""

from tests.exercise_variants.e09_kv_memory.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_returns_an_exact_int"


def kv_cache_bytes(layers, kv_heads, head_dim, tokens, batch=1, bits=16, window=None):
    kept = tokens if window is None else min(tokens, window)
    return 2 * layers * kv_heads * head_dim * kept * batch * (bits / 8)
