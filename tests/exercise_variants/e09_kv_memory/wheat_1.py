"""A correct solution written differently: math.prod over the cache's tensor shape, divmod for bytes."""

import math


def _bytes(shape, bits):
    whole, rest = divmod(math.prod(shape) * bits, 8)
    assert rest == 0, "the cache must fill whole bytes"
    return whole


def kv_cache_bytes(layers, kv_heads, head_dim, tokens, batch=1, bits=16, window=None):
    kept = tokens if window is None or tokens <= window else window
    # (K/V, layers, batch, heads, tokens, head_dim)
    return _bytes((2, layers, batch, kv_heads, kept, head_dim), bits)


def mla_cache_bytes(layers, latent_dim, rope_dim, tokens, batch=1, bits=16):
    return _bytes((layers, batch, tokens, latent_dim + rope_dim), bits)


def to_gib(nbytes):
    return nbytes / (1024 * 1024 * 1024)


def to_gb(nbytes):
    return nbytes / 1e9
