"""e03_masks: bidirectional, causal and prefix-LM masks.

Complete `bidirectional_mask`, `causal_mask` and `prefix_lm_mask`, then grade:

    make grade                            # every exercise
    .venv/bin/pytest exercises/e03_masks  # this one

Every mask is a boolean tensor with one row per query i and one column per
key j; True means "query i may attend to key j".

Instructions and hints: exercises/e03_masks/README.md.
"""

from __future__ import annotations

import torch  # noqa: F401
from torch import Tensor


def bidirectional_mask(length: int) -> Tensor:
    """Every query sees every key, as in an encoder such as BERT.

    Returns:
        (L, L) boolean, all True.
    """
    # TODO(e03_masks): an (L, L) boolean tensor of True.
    raise NotImplementedError("e03_masks: bidirectional_mask is not written yet")


def causal_mask(query_len: int, key_len: int | None = None, align: str = "bottom_right",
                device: torch.device | str | None = None) -> Tensor:
    """Each query sees the keys at or before its own position.

    When the queries are the last `query_len` tokens of a sequence of
    `key_len` tokens (decoding with a KV cache: the keys include the cached
    past), query i sits at absolute position i + (S - L).

        bottom_right: key j visible iff j <= i + (S - L)
                      (torch.nn.attention.bias.causal_lower_right(L, S))
        top_left:     key j visible iff j <= i
                      (what F.scaled_dot_product_attention(is_causal=True) does)

    The two agree when L == S.

    Args:
        query_len: L, the number of queries.
        key_len: S, the number of keys; None means S = L.
        align: "bottom_right" (default) or "top_left"; anything else raises
            ValueError.
        device: where to build the mask: the device of the scores it will mask.

    Returns:
        (L, S) boolean.
    """
    # TODO(e03_masks): compare query positions (a column) with key positions (a row).
    raise NotImplementedError("e03_masks: causal_mask is not written yet")


def prefix_lm_mask(length: int, prefix_len: int) -> Tensor:
    """Bidirectional over the prefix, causal after it (prefix-LM).

    Key j is visible to query i when j is in the prefix (j < prefix_len) or
    j is not in the future (j <= i). Example with prefix [A B] and target
    [C D E]: A and B see A B; C sees A B C; D sees A B C D; E sees all five.

    Args:
        length: L, the number of tokens (prefix and target together).
        prefix_len: P, the number of prefix tokens; outside 0 <= P <= L
            raises ValueError.

    Returns:
        (L, L) boolean.
    """
    # TODO(e03_masks): "key in the prefix" OR "key not in the future".
    raise NotImplementedError("e03_masks: prefix_lm_mask is not written yet")
