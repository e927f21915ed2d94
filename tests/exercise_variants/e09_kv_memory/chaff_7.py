"""Misconception: a byte count can come out of a true division; bits / 8 gives a float,
and 36.0 is not the int the function promises."""


from tests.exercise_variants.e09_kv_memory import wheat_1
from tests.exercise_variants.e09_kv_memory.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_mla_returns_an_exact_int"


def mla_cache_bytes(layers, latent_dim, rope_dim, tokens, batch=1, bits=16):
    return layers * batch * tokens * (latent_dim + rope_dim) * bits / 8
