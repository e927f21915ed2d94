"""Tests for e07_kv_cache.

Oracles: torch.cat for what a cache must hold; PyTorch's causal attention over
the whole sequence (F.scaled_dot_product_attention with is_causal=True, and
torch.nn.attention.bias.causal_lower_right) for what cached decoding must
return; and the property that later tokens never change earlier outputs.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch.nn.attention.bias import causal_lower_right

from exercises.checks import assert_tensor_close

B, H, D = 2, 3, 8


def random_kv(*lengths: int, batch: int = B, heads: int = H, seed: int = 0):
    """One (k, v) pair per length, each (batch, heads, length, D)."""
    g = torch.Generator().manual_seed(seed)
    return [(torch.randn(batch, heads, n, D, generator=g), torch.randn(batch, heads, n, D, generator=g))
            for n in lengths]


def random_qkv(length: int, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    return tuple(torch.randn(B, H, length, D, generator=g) for _ in range(3))


def new_cache(solution, kind: str, max_len: int = 16):
    if kind == "KVCache":
        return solution.KVCache()
    return solution.StaticKVCache(B, H, max_len, D)


def decode_in_steps(solution, q, k, v, steps: list[int], kind: str):
    """Feed q, k, v to attend_with_cache in consecutive chunks of the given sizes."""
    cache = new_cache(solution, kind)
    outputs, start = [], 0
    for n in steps:
        end = start + n
        outputs.append(solution.attend_with_cache(q[:, :, start:end], k[:, :, start:end], v[:, :, start:end], cache))
        assert cache.length == end, f"after attend_with_cache on positions {start}..{end - 1}, cache.length is {cache.length}, expected {end}"
        start = end
    return torch.cat(outputs, dim=2)


# --- The growing cache -----------------------------------------------------------


def test_update_returns_everything_cached_so_far(solution) -> None:
    cache = solution.KVCache()
    seen_k, seen_v = [], []
    for i, (k, v) in enumerate(random_kv(3, 1, 2)):
        keys, values = cache.update(k, v)
        seen_k.append(k)
        seen_v.append(v)
        call = f"KVCache.update (call {i + 1}, after updates of {[t.shape[2] for t in seen_k]} positions)"
        assert_tensor_close(keys, torch.cat(seen_k, dim=2), call + " keys")
        assert_tensor_close(values, torch.cat(seen_v, dim=2), call + " values")


def test_update_concatenates_along_the_sequence_axis(solution) -> None:
    cache = solution.KVCache()
    total = 0
    for k, v in random_kv(3, 1, 2, batch=1, heads=2):
        total += k.shape[2]
        keys, values = cache.update(k, v)
        for name, got in (("keys", keys), ("values", values)):
            assert tuple(got.shape) == (1, 2, total, D), (
                f"KVCache.update returned {name} of shape {tuple(got.shape)} after {total} positions, "
                f"expected {(1, 2, total, D)}"
            )
        assert cache.length == total, f"KVCache.length is {cache.length} after {total} positions, expected {total}"


# --- The static cache --------------------------------------------------------------


def test_static_cache_matches_concatenation(solution) -> None:
    cache = solution.StaticKVCache(B, H, 10, D)
    seen_k, seen_v = [], []
    for i, (k, v) in enumerate(random_kv(3, 1, 2, 4)):
        keys, values = cache.update(k, v)
        seen_k.append(k)
        seen_v.append(v)
        call = f"StaticKVCache.update (call {i + 1})"
        assert_tensor_close(keys, torch.cat(seen_k, dim=2), call + " keys")
        assert_tensor_close(values, torch.cat(seen_v, dim=2), call + " values")
        total = keys.shape[2]
        assert cache.length == total, f"StaticKVCache.length is {cache.length} after {total} positions, expected {total}"


def test_static_cache_writes_into_its_buffer(solution) -> None:
    cache = solution.StaticKVCache(B, H, 8, D)
    # Holding the buffers keeps their memory from being handed to a new tensor, so that a
    # replaced buffer cannot come back at the same address.
    keys, values = cache.keys, cache.values
    (k1, v1), (k2, v2) = random_kv(3, 2)
    cache.update(k1, v1)
    cache.update(k2, v2)
    assert (cache.keys.data_ptr(), cache.values.data_ptr()) == (keys.data_ptr(), values.data_ptr()), (
        "StaticKVCache.update replaced self.keys or self.values with a new tensor; expected it to write into the buffers"
    )
    assert_tensor_close(keys[:, :, :5], torch.cat([k1, k2], dim=2), "the original keys buffer after updates of 3 and 2")
    assert tuple(cache.keys.shape) == (B, H, 8, D), (
        f"StaticKVCache.keys has shape {tuple(cache.keys.shape)} after two updates, expected {(B, H, 8, D)} (max_len stays 8)"
    )
    assert_tensor_close(cache.keys[:, :, :5], torch.cat([k1, k2], dim=2), "StaticKVCache.keys[:, :, :5] after updates of 3 and 2")


def test_static_cache_raises_when_full(solution) -> None:
    cache = solution.StaticKVCache(B, H, 5, D)
    (k1, v1), (k2, v2), (k3, v3) = random_kv(3, 2, 1)
    cache.update(k1, v1)
    cache.update(k2, v2)  # exactly full: 5 of 5
    assert cache.length == 5, f"StaticKVCache(max_len=5).length is {cache.length} after 3 + 2 positions, expected 5"
    with pytest.raises(ValueError):
        cache.update(k3, v3)
    assert cache.length == 5, f"a refused update changed StaticKVCache.length to {cache.length}; expected it to stay 5"


# --- Decoding with the cache ---------------------------------------------------------


@pytest.mark.parametrize("kind", ["KVCache", "StaticKVCache"])
def test_one_token_decoding_matches_full_causal_attention(solution, kind) -> None:
    q, k, v = random_qkv(7)
    out = decode_in_steps(solution, q, k, v, [1] * 7, kind)
    assert_tensor_close(out, F.scaled_dot_product_attention(q, k, v, is_causal=True),
                        f"attend_with_cache one token at a time with a {kind} (outputs stacked)")


@pytest.mark.parametrize("kind", ["KVCache", "StaticKVCache"])
def test_prefill_then_decode_matches_full_causal_attention(solution, kind) -> None:
    q, k, v = random_qkv(8, seed=1)
    out = decode_in_steps(solution, q, k, v, [5, 1, 1, 1], kind)
    assert_tensor_close(out, F.scaled_dot_product_attention(q, k, v, is_causal=True),
                        f"attend_with_cache on a 5-token prompt, then 3 single tokens, with a {kind}")


def test_chunk_after_cache_uses_bottom_right_alignment(solution) -> None:
    q, k, v = random_qkv(7, seed=2)
    cache = solution.KVCache()
    solution.attend_with_cache(q[:, :, :4], k[:, :, :4], v[:, :, :4], cache)
    out = solution.attend_with_cache(q[:, :, 4:], k[:, :, 4:], v[:, :, 4:], cache)
    expected = F.scaled_dot_product_attention(q[:, :, 4:], k, v, attn_mask=causal_lower_right(3, 7))
    assert_tensor_close(out, expected, "attend_with_cache(3 new positions after 4 cached)")


def test_future_tokens_never_change_past_outputs(solution) -> None:
    q, k, v = random_qkv(8, seed=3)
    g = torch.Generator().manual_seed(4)
    changed = [t.clone() for t in (q, k, v)]
    for t in changed:
        t[:, :, 5:] = torch.randn(B, H, 3, D, generator=g)
    before = decode_in_steps(solution, q, k, v, [2, 6], "KVCache")
    after = decode_in_steps(solution, *changed, [2, 6], "KVCache")
    assert_tensor_close(after[:, :, :5], before[:, :, :5],
                        "attend_with_cache outputs of positions 0..4 after changing positions 5..7")
