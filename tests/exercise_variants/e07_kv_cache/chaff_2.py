"""Misconception: the cache stores the latest keys and values (overwriting),
so update returns only the new positions instead of everything so far."""

from tests.exercise_variants.e07_kv_cache.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_update_returns_everything_cached_so_far"


class KVCache:
    def __init__(self):
        self.keys = None
        self.values = None

    @property
    def length(self):
        return 0 if self.keys is None else self.keys.shape[2]

    def update(self, k, v):
        self.keys, self.values = k.clone(), v.clone()
        return self.keys, self.values
