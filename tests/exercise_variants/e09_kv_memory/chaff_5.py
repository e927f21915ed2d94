"""Misconception: MLA's latent is counted twice, once for K and once for V (the factor 2 of ordinary caches)."""

from tests.exercise_variants.e09_kv_memory.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_mla_caches_one_shared_latent"


def mla_cache_bytes(layers, latent_dim, rope_dim, tokens, batch=1, bits=16):
    return 2 * layers * (latent_dim + rope_dim) * tokens * batch * bits // 8
