"""e07_kv_cache: a KV cache, and decoding with it.

Complete `KVCache.update`, `StaticKVCache.update` and `attend_with_cache`
below, then grade them:

    make grade                               # every exercise
    .venv/bin/pytest exercises/e07_kv_cache  # this one

Instructions and hints: exercises/e07_kv_cache/README.md.

Every cache tensor has the shape (B, kv_heads, T, head_dim): batch, heads,
sequence, features. The sequence axis is dim 2.
"""

from __future__ import annotations

import torch  # noqa: F401
import torch.nn.functional as F  # noqa: F401  (you may use F.scaled_dot_product_attention)
from torch import Tensor


class KVCache:
    """A cache that grows by concatenation along the sequence axis (dim 2).

    `keys` and `values` are None until the first update, then
    (B, kv_heads, T_cached, head_dim). (Given: __init__ and length.)
    """

    def __init__(self) -> None:
        self.keys: Tensor | None = None
        self.values: Tensor | None = None

    @property
    def length(self) -> int:
        """Number of positions cached so far."""
        return 0 if self.keys is None else self.keys.shape[2]

    def update(self, k: Tensor, v: Tensor) -> tuple[Tensor, Tensor]:
        """Append T_new positions; return all keys and values cached so far.

        Store the result in self.keys and self.values.

        Args:
            k: (B, kv_heads, T_new, head_dim) keys of the new positions.
            v: (B, kv_heads, T_new, head_dim) their values.

        Returns:
            (keys, values), each (B, kv_heads, T_cached + T_new, head_dim),
            the old positions first.
        """
        # TODO(e07_kv_cache): keep the first k, v; afterwards append the new ones after the old.
        raise NotImplementedError("e07_kv_cache: KVCache.update is not written yet")


class StaticKVCache:
    """A cache with `max_len` positions allocated up front and filled in place.

    `keys` and `values` are always (B, kv_heads, max_len, head_dim); only the
    first `length` positions hold data. `pos` is the next position to write.
    (Given: __init__ and length.)
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

        Write into the existing self.keys and self.values (no new buffers).

        Args:
            k: (B, kv_heads, T_new, head_dim) keys of the new positions.
            v: (B, kv_heads, T_new, head_dim) their values.

        Returns:
            (keys, values), each (B, kv_heads, length, head_dim): positions
            0 .. length - 1 of the buffers, length counting the new ones.

        Raises:
            ValueError: if the new positions do not fit in `max_len`.
        """
        # TODO(e07_kv_cache): check the room left, copy k and v in at self.pos, move self.pos on.
        raise NotImplementedError("e07_kv_cache: StaticKVCache.update is not written yet")


def attend_with_cache(q_new: Tensor, k_new: Tensor, v_new: Tensor, cache: KVCache | StaticKVCache) -> Tensor:
    """Append the new keys/values to `cache`, then attend from the new queries to all of it.

    The T_new new positions are the last T_new of the T_total cached ones
    (after the update). New query i sits at position T_total - T_new + i and
    may see the keys at positions 0 .. T_total - T_new + i.

    Args:
        q_new: (B, H, T_new, D) queries of the new positions.
        k_new: (B, H, T_new, D) their keys.
        v_new: (B, H, T_new, D) their values.
        cache: holds the earlier positions; updated in place (it grows by T_new).

    Returns:
        (B, H, T_new, D): the attention output of the new positions, equal to
        the last T_new rows of causal attention over the whole sequence.
    """
    # TODO(e07_kv_cache): update the cache, build the (T_new, T_total) causal mask, attend.
    raise NotImplementedError("e07_kv_cache: attend_with_cache is not written yet")
