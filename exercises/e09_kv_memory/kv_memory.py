"""e09_kv_memory: how much memory the KV cache needs.

Complete the four functions below, then grade them:

    make grade                                # every exercise
    .venv/bin/pytest exercises/e09_kv_memory  # this one

Instructions and hints: exercises/e09_kv_memory/README.md.
"""

from __future__ import annotations


def kv_cache_bytes(
    layers: int,
    kv_heads: int,
    head_dim: int,
    tokens: int,
    batch: int = 1,
    bits: int = 16,
    window: int | None = None,
) -> int:
    """Bytes of the keys and values cached for `tokens` tokens of `batch` sequences.

    The cache of one layer is two tensors, K and V, each of shape
    (batch, kv_heads, cached_tokens, head_dim), where cached_tokens is
    min(tokens, window) with a sliding window and `tokens` without one.

    Args:
        layers: transformer layers; each one has its own cache.
        kv_heads: key/value heads (fewer than the query heads under GQA, 1 under MQA).
        head_dim: size of one head's key (and value) vector.
        tokens: tokens seen so far in each sequence (prompt plus generated).
        batch: sequences decoded together.
        bits: bits per stored number: 16 (fp16/bf16), 8 (int8/fp8), 4 (int4).
        window: sliding-window size; None means every past token is kept.

    Returns:
        The size in bytes, an int (the total number of bits is a multiple of 8).
    """
    # TODO(e09_kv_memory): count the stored numbers (K and V, every layer, head, token, sequence), then bytes.
    raise NotImplementedError("e09_kv_memory: kv_cache_bytes is not written yet")


def mla_cache_bytes(
    layers: int,
    latent_dim: int,
    rope_dim: int,
    tokens: int,
    batch: int = 1,
    bits: int = 16,
) -> int:
    """Bytes cached by multi-head latent attention (DeepSeek-V2/V3).

    Each layer caches, per token, one vector of latent_dim + rope_dim numbers:
    the compressed latent from which every head's key and value are rebuilt,
    and the decoupled RoPE key shared by all heads (arXiv:2405.04434).

    Returns:
        The size in bytes, an int.
    """
    # TODO(e09_kv_memory): one vector of latent_dim + rope_dim numbers per layer, token and sequence.
    raise NotImplementedError("e09_kv_memory: mla_cache_bytes is not written yet")


def to_gib(nbytes: int) -> float:
    """Bytes -> GiB (2**30 bytes)."""
    # TODO(e09_kv_memory): binary gibibytes.
    raise NotImplementedError("e09_kv_memory: to_gib is not written yet")


def to_gb(nbytes: int) -> float:
    """Bytes -> GB (10**9 bytes)."""
    # TODO(e09_kv_memory): decimal gigabytes.
    raise NotImplementedError("e09_kv_memory: to_gb is not written yet")
