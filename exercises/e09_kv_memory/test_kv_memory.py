"""Tests for e09_kv_memory. Oracle: closed-form numbers worked out by hand.

The formula (two tensors, K and V, per layer, each one element per KV head, head dimension and token):

    bytes = 2 (K and V) x layers x kv_heads x head_dim x min(tokens, window) x batch x bits / 8

Model geometries (layers, KV heads, head size) from the published configs:
GPT-2 small 12/12/64 (Radford et al., 2019); Llama 2 7B 32/32/128
(arXiv:2307.09288); Llama 3 8B 32/8/128 and Llama 3 70B 80/8/128
(arXiv:2407.21783); the MQA row is the Llama 3 8B geometry with one KV head;
Mistral 7B 32/8/128 with a 4096-token window (arXiv:2310.06825); DeepSeek-V3
caches 61 layers x (512 latent + 64 RoPE) numbers per token
(MLA, arXiv:2405.04434). GiB = 2**30 bytes, 8k = 8192 and 128k = 131072 tokens.

    model          per token (16-bit)   8k       128k     128k int8   128k int4   (GiB)
    GPT-2 small         36 KiB           0.28125  4.5      2.25        1.125
    Llama 2 7B         512 KiB           4        64       32          16
    Llama 3 8B         128 KiB           1        16       8           4
    MQA (8B shape)      16 KiB           0.125    2        1           0.5
    Llama 3 70B        320 KiB           2.5      40       20          10
    Mistral 7B         128 KiB           0.5      0.5      0.25        0.125   (window 4096)
    DeepSeek-V3     68.625 KiB           0.536    8.578    (70272 bytes per token)
"""

from __future__ import annotations

import pytest

GIB = 2**30
KIB = 2**10
K8 = 8192
K128 = 131072

# name: (layers, kv_heads, head_dim)
MODELS = {
    "gpt2-small": (12, 12, 64),
    "llama-2-7b": (32, 32, 128),
    "llama-3-8b": (32, 8, 128),
    "mqa-8b-shape": (32, 1, 128),
    "llama-3-70b": (80, 8, 128),
}


def check_equal(actual, expected, call: str) -> None:
    __tracebackhide__ = True
    assert actual == expected, f"{call} returned {actual!r}, expected {expected!r}"


def call_text(name: str, tokens: int, **extra) -> str:
    layers, kv_heads, head_dim = MODELS[name]
    args = ", ".join(f"{k}={v}" for k, v in extra.items())
    return f"kv_cache_bytes({layers}, {kv_heads}, {head_dim}, tokens={tokens}{', ' + args if args else ''})  # {name}"


@pytest.mark.parametrize(("name", "kib"), [
    ("gpt2-small", 36), ("llama-2-7b", 512), ("llama-3-8b", 128), ("mqa-8b-shape", 16), ("llama-3-70b", 320),
])
def test_one_token_stores_k_and_v_in_every_layer(solution, name: str, kib: int) -> None:
    got = solution.kv_cache_bytes(*MODELS[name], tokens=1)
    check_equal(got, kib * KIB, call_text(name, 1))


@pytest.mark.parametrize(("name", "tokens", "gib"), [
    ("gpt2-small", K8, 0.28125), ("gpt2-small", K128, 4.5),
    ("llama-2-7b", K8, 4), ("llama-2-7b", K128, 64),
    ("llama-3-8b", K8, 1), ("llama-3-8b", K128, 16),
    ("llama-3-8b", 100_000, 12.20703125),  # 100000 x 128 KiB
    ("mqa-8b-shape", K8, 0.125), ("mqa-8b-shape", K128, 2),
    ("llama-3-70b", K8, 2.5), ("llama-3-70b", K128, 40),
])
def test_cache_grows_with_the_context(solution, name: str, tokens: int, gib: float) -> None:
    got = solution.kv_cache_bytes(*MODELS[name], tokens=tokens)
    check_equal(got, int(gib * GIB), call_text(name, tokens))


def test_each_sequence_in_the_batch_has_its_own_cache(solution) -> None:
    got = solution.kv_cache_bytes(*MODELS["llama-3-8b"], tokens=K8, batch=4)
    check_equal(got, 4 * GIB, call_text("llama-3-8b", K8, batch=4))


@pytest.mark.parametrize(("name", "bits", "gib"), [
    ("gpt2-small", 8, 2.25), ("gpt2-small", 4, 1.125),
    ("llama-2-7b", 8, 32), ("llama-2-7b", 4, 16),
    ("llama-3-8b", 8, 8), ("llama-3-8b", 4, 4),
    ("mqa-8b-shape", 8, 1), ("mqa-8b-shape", 4, 0.5),
    ("llama-3-70b", 8, 20), ("llama-3-70b", 4, 10),
])
def test_bits_are_bits_not_bytes(solution, name: str, bits: int, gib: float) -> None:
    got = solution.kv_cache_bytes(*MODELS[name], tokens=K128, bits=bits)
    check_equal(got, int(gib * GIB), call_text(name, K128, bits=bits))


@pytest.mark.parametrize("bits", [16, 8, 4])
def test_returns_an_exact_int(solution, bits: int) -> None:
    got = solution.kv_cache_bytes(2, 1, 4, tokens=3, bits=bits)  # 2 x 2 x 1 x 4 x 3 = 48 numbers
    call = f"kv_cache_bytes(2, 1, 4, tokens=3, bits={bits})"
    assert type(got) is int, f"{call} returned {type(got).__name__} {got!r}, expected an int"
    check_equal(got, 48 * bits // 8, call)


@pytest.mark.parametrize(("tokens", "bits", "expected"), [
    (2000, 16, 2000 * 128 * KIB),  # shorter than the window: nothing dropped yet
    (4096, 16, GIB // 2),
    (K8, 16, GIB // 2),
    (K128, 16, GIB // 2),
    (K128, 8, GIB // 4),
    (K128, 4, GIB // 8),
])
def test_sliding_window_caps_the_cache(solution, tokens: int, bits: int, expected: int) -> None:
    got = solution.kv_cache_bytes(32, 8, 128, tokens=tokens, bits=bits, window=4096)
    check_equal(got, expected, f"kv_cache_bytes(32, 8, 128, tokens={tokens}, bits={bits}, window=4096)  # mistral-7b")


@pytest.mark.parametrize(("tokens", "bits", "batch", "expected"), [
    (1, 16, 1, 70272),
    (K8, 16, 1, 575668224),  # 70272 x 8192, about 0.536 GiB
    (K128, 16, 1, 9210691584),  # 70272 x 131072 = 8.578125 GiB
    (K128, 8, 1, 4605345792),
    (K8, 16, 3, 3 * 575668224),
])
def test_mla_caches_one_shared_latent(solution, tokens: int, bits: int, batch: int, expected: int) -> None:
    got = solution.mla_cache_bytes(61, 512, 64, tokens=tokens, batch=batch, bits=bits)
    check_equal(got, expected, f"mla_cache_bytes(61, 512, 64, tokens={tokens}, batch={batch}, bits={bits})  # DeepSeek-V3")


@pytest.mark.parametrize(("nbytes", "gib"), [
    (2**30, 1.0),
    (301989888, 0.28125),  # GPT-2 small at 8k tokens
    (13107200000, 12.20703125),  # Llama 3 8B at 100k tokens
    (10**9, 0.9313225746154785),  # 10**9 / 2**30
])
def test_to_gib_uses_binary_units(solution, nbytes: int, gib: float) -> None:
    got = solution.to_gib(nbytes)
    assert got == pytest.approx(gib, rel=1e-12), f"to_gib({nbytes}) returned {got!r}, expected {gib!r}"


@pytest.mark.parametrize(("nbytes", "gb"), [(10**9, 1.0), (2**30, 1.073741824), (13107200000, 13.1072)])
def test_to_gb_uses_decimal_units(solution, nbytes: int, gb: float) -> None:
    got = solution.to_gb(nbytes)
    assert got == pytest.approx(gb, rel=1e-12), f"to_gb({nbytes}) returned {got!r}, expected {gb!r}"


@pytest.mark.parametrize("bits", [16, 8, 4])
def test_mla_returns_an_exact_int(solution, bits: int) -> None:
    got = solution.mla_cache_bytes(2, 4, 2, tokens=3, bits=bits)  # 2 x 3 x (4 + 2) = 36 numbers
    call = f"mla_cache_bytes(2, 4, 2, tokens=3, bits={bits})"
    assert type(got) is int, f"{call} returned {type(got).__name__} {got!r}, expected an int"
    check_equal(got, 36 * bits // 8, call)
