"""e04_sliding_window: sliding-window attention.

Complete `sliding_window_mask`, then grade it:

    make grade                                     # every exercise
    .venv/bin/pytest exercises/e04_sliding_window  # this one

The mask is a boolean tensor with one row per query i and one column per key
j; True means "query i may attend to key j".

Instructions and hints: exercises/e04_sliding_window/README.md.
"""

from __future__ import annotations

import torch  # noqa: F401
from torch import Tensor


def sliding_window_mask(length: int, window: int) -> Tensor:
    """Causal attention limited to the last `window` tokens, the query included.

    Key j is visible to query i when i - window < j <= i (the convention of
    Hugging Face transformers' `sliding_window`).

    Args:
        length: L, the number of tokens.
        window: W >= 1, how many keys each query sees at most; a window
            below 1 raises ValueError.

    Returns:
        (L, L) boolean. Row i has min(i + 1, W) True entries.
    """
    # TODO(e04_sliding_window): "not in the future" AND "not too far in the past".
    raise NotImplementedError("e04_sliding_window: sliding_window_mask is not written yet")
