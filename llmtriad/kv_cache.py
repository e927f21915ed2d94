"""The key-value (KV) cache: decoding one token at a time without recomputing the past.

A decoder produces its output token by token. At step t, the new token's query
must attend to the keys and values of every earlier token. Those keys and
values never change once computed (causal attention: a token never looks at
the future), so we keep them in a cache and compute only the new token's
k and v at each step. Decoding T tokens then costs O(T) projections instead
of O(T^2).

The idea goes back to incremental decoding in the original Transformer's
implementation (Vaswani et al., 2017, arXiv:1706.03762); Pope et al.,
"Efficiently Scaling Transformer Inference" (2022, arXiv:2211.05102) analyse
its memory cost. The interface below follows the shape convention of Hugging
Face transformers' Cache API: one cache per layer, tensors of shape

    (B, kv_heads, T, head_dim)        batch, heads, sequence, features

and `update(k, v)` appends the new positions and returns everything cached so
far.

Two flavours:

* `KVCache` grows by concatenation: simple, but reallocates at every step.
* `StaticKVCache` allocates `max_len` positions once and writes into them in
  place: fixed memory and fixed shapes, which is what compiled or CUDA-graph
  decoding needs.

`attend_with_cache` puts a cache to work: append the new keys/values, then
let the new queries attend to all cached positions with a causal mask aligned
to the bottom-right corner (llmtriad.masks.causal_mask, align="bottom_right").
The cache holds each key/value head once; with grouped-query attention
(llmtriad.gqa) several query heads read the same one.
"""

from __future__ import annotations

import torch
from torch import Tensor

from llmtriad.gqa import grouped_query_attention
from llmtriad.masks import causal_mask


def _check_new_entries(k: Tensor, v: Tensor) -> None:
    if k.dim() != 4:
        raise ValueError(f"keys must be (B, kv_heads, T, head_dim), got shape {tuple(k.shape)}")
    if k.shape[:3] != v.shape[:3]:
        raise ValueError(f"one value per key: keys {tuple(k.shape)}, values {tuple(v.shape)}")


class KVCache:
    """A cache that grows by concatenation along the sequence axis (dim 2).

    `keys` and `values` are None until the first update, then
    (B, kv_heads, T_cached, head_dim).
    """

    def __init__(self) -> None:
        self.keys: Tensor | None = None
        self.values: Tensor | None = None

    @property
    def length(self) -> int:
        """Number of positions cached so far."""
        return 0 if self.keys is None else self.keys.shape[2]

    # --8<-- [start:kvcache-update]
    def update(self, k: Tensor, v: Tensor) -> tuple[Tensor, Tensor]:
        """Append T_new positions; return all keys and values cached so far.

        Args:
            k: (B, kv_heads, T_new, head_dim) keys of the new positions.
            v: (B, kv_heads, T_new, head_dim) their values.

        Returns:
            (keys, values), each (B, kv_heads, T_cached + T_new, head_dim),
            the old positions first.
        """
        _check_new_entries(k, v)
        if self.keys is None:
            # Nothing to append to yet; torch.cat below copies, so do the same
            # here and never alias the caller's tensors.
            self.keys, self.values = k.clone(), v.clone()
        else:
            if not (k.shape[:2] == self.keys.shape[:2] and k.shape[3] == self.keys.shape[3]):
                raise ValueError(f"new keys {tuple(k.shape)} do not fit the cached {tuple(self.keys.shape)}")
            assert self.values is not None  # keys and values are always set together
            # dim=2 is the sequence axis; dim=1 would add heads instead of positions.
            self.keys = torch.cat([self.keys, k], dim=2)  # (B, kv_heads, T_cached + T_new, head_dim)
            self.values = torch.cat([self.values, v], dim=2)
        return self.keys, self.values

    # --8<-- [end:kvcache-update]


class StaticKVCache:
    """A cache with `max_len` positions allocated up front and filled in place.

    `keys` and `values` are always (B, kv_heads, max_len, head_dim); only the
    first `length` positions hold data.
    """

    def __init__(
        self,
        batch_size: int,
        kv_heads: int,
        max_len: int,
        head_dim: int,
        dtype: torch.dtype = torch.float32,
        device: torch.device | str | None = None,
    ) -> None:
        self.max_len = max_len
        self.keys = torch.zeros(batch_size, kv_heads, max_len, head_dim, dtype=dtype, device=device)
        self.values = torch.zeros_like(self.keys)
        self.pos = 0  # the next position to write

    @property
    def length(self) -> int:
        """Number of positions filled so far."""
        return self.pos

    def update(self, k: Tensor, v: Tensor) -> tuple[Tensor, Tensor]:
        """Write T_new positions at the current position; return the filled prefix.

        Args:
            k: (B, kv_heads, T_new, head_dim) keys of the new positions.
            v: (B, kv_heads, T_new, head_dim) their values.

        Returns:
            (keys, values), each (B, kv_heads, length, head_dim): views of the
            buffers, positions 0 .. length - 1.

        Raises:
            ValueError: if the new positions do not fit in `max_len`.
        """
        _check_new_entries(k, v)
        start, end = self.pos, self.pos + k.shape[2]
        if end > self.max_len:
            raise ValueError(
                f"StaticKVCache is full: {start} positions cached, {k.shape[2]} more exceed max_len={self.max_len}"
            )
        # Copy into the existing buffers: no new allocation, shapes never change.
        self.keys[:, :, start:end] = k
        self.values[:, :, start:end] = v
        self.pos = end
        return self.keys[:, :, :end], self.values[:, :, :end]  # (B, kv_heads, length, head_dim)


# --8<-- [start:attend-with-cache]
def attend_with_cache(q_new: Tensor, k_new: Tensor, v_new: Tensor, cache: KVCache | StaticKVCache) -> Tensor:
    """Append the new keys/values to `cache`, then attend from the new queries to all of it.

    Args:
        q_new: (B, H, T_new, D) queries of the new positions.
        k_new: (B, H_kv, T_new, D) their keys; H_kv = H, or a divisor of H
            with grouped-query attention.
        v_new: (B, H_kv, T_new, D) their values.
        cache: holds the earlier positions; updated in place (it grows by T_new).

    Returns:
        (B, H, T_new, D): the attention output of the new positions, equal to
        the last T_new rows of causal attention over the whole sequence.
    """
    if q_new.shape[2] != k_new.shape[2]:
        raise ValueError(f"one key per new query: q_new {tuple(q_new.shape)}, k_new {tuple(k_new.shape)}")
    keys, values = cache.update(k_new, v_new)  # (B, H_kv, T_total, D)
    # Each new query may see every cached position and the new ones up to itself:
    # the last T_new rows of the causal triangle, aligned to the bottom right.
    mask = causal_mask(q_new.shape[2], keys.shape[2], align="bottom_right", device=q_new.device)  # (T_new, T_total)
    return grouped_query_attention(q_new, keys, values, mask=mask)  # (B, H, T_new, D)


# --8<-- [end:attend-with-cache]
