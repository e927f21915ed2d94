"""Misconception: the static cache writes at self.pos but never advances it,
so every update overwrites the start of the buffer."""

from tests.exercise_variants.e07_kv_cache import wheat_1
from tests.exercise_variants.e07_kv_cache.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_static_cache_matches_concatenation"


class StaticKVCache(wheat_1.StaticKVCache):
    def update(self, k, v):
        n = k.shape[2]
        if self.pos + n > self.max_len:
            raise ValueError("StaticKVCache is full")
        self.keys[:, :, self.pos:self.pos + n] = k
        self.values[:, :, self.pos:self.pos + n] = v
        return self.keys[:, :, :self.pos + n], self.values[:, :, :self.pos + n]
