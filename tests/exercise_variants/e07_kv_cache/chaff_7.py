"""Misconception: the static cache can grow with torch.cat like the dynamic one;
the values come out right, but a new buffer is allocated at every step, which
is exactly what a static cache exists to avoid."""

import torch

from tests.exercise_variants.e07_kv_cache import wheat_1
from tests.exercise_variants.e07_kv_cache.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_static_cache_writes_into_its_buffer"


class StaticKVCache(wheat_1.StaticKVCache):
    def update(self, k, v):
        end = self.pos + k.shape[2]
        if end > self.max_len:
            raise ValueError("StaticKVCache is full")
        self.keys = torch.cat([self.keys[:, :, :self.pos], k, self.keys[:, :, end:]], dim=2)
        self.values = torch.cat([self.values[:, :, :self.pos], v, self.values[:, :, end:]], dim=2)
        self.pos = end
        return self.keys[:, :, :end], self.values[:, :, :end]
