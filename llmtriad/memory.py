"""How much memory the KV cache needs: closed-form byte counts for real models.

During generation each layer keeps the keys and values of every past token,
so that a new token attends to them without recomputing them. Per token and
per layer, that is one key and one value vector per *KV head*:

    bytes = 2 (K and V) x layers x kv_heads x head_dim x tokens x batch x bits / 8

Three architectural choices shrink the cache, and the presets below show each:

* grouped-query / multi-query attention (GQA, MQA) share one KV head between
  several query heads, so `kv_heads` is smaller than the number of query heads
  (Ainslie et al., 2023, arXiv:2305.13245; Shazeer, 2019, arXiv:1911.02150);
* a sliding window (Mistral 7B, arXiv:2310.06825) keeps only the last `window`
  tokens, so `tokens` is capped at `window`;
* multi-head latent attention (MLA, DeepSeek-V2, arXiv:2405.04434) caches one
  compressed latent of `latent_dim` numbers plus a decoupled RoPE key of
  `rope_dim` numbers per token and layer, shared by all heads, instead of a
  K and a V per head.

Quantizing the cache (`bits` = 8 or 4) divides everything by 2 or 4.

Units: a GiB is 2**30 bytes (what memory is sold in), a GB is 10**9 bytes
(what disks are sold in); they differ by about 7%.
"""

from __future__ import annotations

from dataclasses import dataclass

GIB = 2**30  # gibibyte: binary prefix, what GPU memory is measured in
GB = 10**9  # gigabyte: decimal prefix


def _stored_bytes(elements: int, bits: int) -> int:
    """Bytes taken by `elements` numbers of `bits` bits each, as an exact int."""
    if bits <= 0:
        raise ValueError(f"bits must be positive, got {bits}")
    total_bits = elements * bits
    # int4 packs two numbers in a byte: an odd count of int4 values would
    # leave half a byte, which no real cache allocates.
    if total_bits % 8 != 0:
        raise ValueError(f"{elements} numbers of {bits} bits do not fill whole bytes")
    return total_bits // 8


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
        The size in bytes, an int.
    """
    if min(layers, kv_heads, head_dim, batch) <= 0:
        raise ValueError("layers, kv_heads, head_dim, batch must be > 0")
    if tokens < 0:
        raise ValueError(f"tokens must not be negative, got {tokens}")
    # With a sliding window, tokens older than the window are dropped from the cache.
    cached = tokens if window is None else min(tokens, window)
    # Factor 2: every layer stores a key AND a value per head and token.
    elements = 2 * layers * batch * kv_heads * cached * head_dim
    return _stored_bytes(elements, bits)


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
    the compressed latent c_KV, from which every head's key and value are
    re-expanded, and the decoupled RoPE key k^R shared by all heads
    (arXiv:2405.04434, section 2.1). There is no factor 2 (the latent serves
    both K and V) and no head count (the latent is shared by all heads).

    Returns:
        The size in bytes, an int.
    """
    if not (min(layers, latent_dim, batch) > 0 and rope_dim >= 0):
        raise ValueError("sizes must be positive")
    if tokens < 0:
        raise ValueError(f"tokens must not be negative, got {tokens}")
    elements = layers * batch * tokens * (latent_dim + rope_dim)
    return _stored_bytes(elements, bits)


def to_gib(nbytes: int) -> float:
    """Bytes -> GiB (2**30 bytes)."""
    return nbytes / GIB


def to_gb(nbytes: int) -> float:
    """Bytes -> GB (10**9 bytes)."""
    return nbytes / GB


# --- Real models ------------------------------------------------------------


@dataclass(frozen=True)
class CacheShape:
    """What decides the KV-cache size of one model.

    A standard model sets kv_heads and head_dim (and window if it slides);
    an MLA model sets latent_dim and rope_dim instead.
    """

    name: str
    layers: int
    kv_heads: int = 0
    head_dim: int = 0
    window: int | None = None
    latent_dim: int = 0
    rope_dim: int = 0
    source: str = ""

    @property
    def is_mla(self) -> bool:
        return self.latent_dim > 0


# Values from each model's published configuration.
PRESETS: dict[str, CacheShape] = {
    # 12 layers, 12 heads of 64 (d_model 768), plain multi-head attention;
    # trained with a 1024-token context, so longer caches are hypothetical.
    "gpt2-small": CacheShape(
        "GPT-2 small", layers=12, kv_heads=12, head_dim=64, source="Radford et al., 2019, GPT-2 small config"
    ),
    # 32 layers, 32 heads of 128 (d_model 4096), multi-head attention.
    "llama-2-7b": CacheShape("Llama 2 7B", layers=32, kv_heads=32, head_dim=128, source="arXiv:2307.09288"),
    # Same width, but GQA: 32 query heads share 8 KV heads.
    "llama-3-8b": CacheShape("Llama 3 8B", layers=32, kv_heads=8, head_dim=128, source="arXiv:2407.21783"),
    # Hypothetical: the Llama 3 8B geometry with a single KV head (MQA).
    "llama-3-8b-mqa": CacheShape(
        "Llama 3 8B geometry, MQA",
        layers=32,
        kv_heads=1,
        head_dim=128,
        source="arXiv:1911.02150 applied to arXiv:2407.21783",
    ),
    # GQA with 8 KV heads and a 4096-token sliding window.
    "mistral-7b": CacheShape("Mistral 7B", layers=32, kv_heads=8, head_dim=128, window=4096, source="arXiv:2310.06825"),
    # 80 layers, 64 query heads sharing 8 KV heads of 128.
    "llama-3-70b": CacheShape("Llama 3 70B", layers=80, kv_heads=8, head_dim=128, source="arXiv:2407.21783"),
    # MLA: kv_lora_rank 512 plus a 64-dim decoupled RoPE key, 61 layers.
    "deepseek-v3": CacheShape(
        "DeepSeek-V3",
        layers=61,
        latent_dim=512,
        rope_dim=64,
        source="arXiv:2405.04434 (MLA), arXiv:2412.19437 (V3 config)",
    ),
}


def preset_cache_bytes(shape: CacheShape, tokens: int, batch: int = 1, bits: int = 16) -> int:
    """Bytes of `shape`'s cache after `tokens` tokens, choosing the right formula."""
    if shape.is_mla:
        return mla_cache_bytes(shape.layers, shape.latent_dim, shape.rope_dim, tokens, batch, bits)
    return kv_cache_bytes(shape.layers, shape.kv_heads, shape.head_dim, tokens, batch, bits, shape.window)
