"""e06_block_diffusion_mask: the BD3-LM block-diffusion training mask.

Complete `block_diffusion_mask`, then grade it:

    make grade                                           # every exercise
    .venv/bin/pytest exercises/e06_block_diffusion_mask  # this one

The mask is a boolean tensor with one row per query and one column per key;
True means "may attend".

Instructions and hints: exercises/e06_block_diffusion_mask/README.md.
"""

from __future__ import annotations

import torch  # noqa: F401
from torch import Tensor


def block_diffusion_mask(seq_len: int, block_size: int) -> Tensor:
    """The BD3-LM training mask over the concatenation [x_t ; x_0].

    Training feeds the noisy sequence x_t (positions 0 .. n-1) and the clean
    sequence x_0 (positions n .. 2n-1) through the model at once. Each half
    is cut into blocks of `block_size` tokens; position p of either half
    belongs to block p // block_size. Query q may attend to key k when any
    of these holds:

    * block-diagonal: same half, same block;
    * offset block-causal: q in x_t, k in x_0, block(k) < block(q) strictly;
    * block-causal: q and k in x_0, block(k) <= block(q).

    x_0 never attends to x_t.

    Args:
        seq_len: n, the length of each half.
        block_size: tokens per block; if it does not divide n, raise
            ValueError.

    Returns:
        (2n, 2n) boolean; rows are queries, columns keys, x_t first.
    """
    # TODO(e06_block_diffusion_mask): half and block of every query and key,
    # then the three rules joined with |.
    raise NotImplementedError("e06_block_diffusion_mask: block_diffusion_mask is not written yet")
