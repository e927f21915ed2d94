"""e05_cross_attention: encoder-decoder cross-attention with padding.

Complete `padding_mask` and `cross_attention_mask`, then grade them:

    make grade                                      # every exercise
    .venv/bin/pytest exercises/e05_cross_attention  # this one

Masks are boolean tensors; True means "may attend" (or, for padding_mask,
"is a real token").

Instructions and hints: exercises/e05_cross_attention/README.md.
"""

from __future__ import annotations

import torch  # noqa: F401
from torch import Tensor


def padding_mask(lengths: Tensor, max_len: int) -> Tensor:
    """Mark the real tokens of a right-padded batch.

    Sequence b holds lengths[b] real tokens at positions 0 .. lengths[b] - 1,
    followed by padding up to max_len.

    Args:
        lengths: (B,) integer tensor, each between 0 and max_len; any other
            length raises ValueError.
        max_len: the padded length T.

    Returns:
        (B, T) boolean, True at real tokens, False at padding.
    """
    # TODO(e05_cross_attention): compare a row of positions with a column of lengths.
    raise NotImplementedError("e05_cross_attention: padding_mask is not written yet")


def cross_attention_mask(
    decoder_lengths: Tensor,
    encoder_lengths: Tensor,
    dec_len: int,
    enc_len: int,
) -> Tensor:
    """Which encoder outputs each decoder position may read.

    In cross-attention the queries come from the decoder and the keys and
    values from the encoder. Decoder query i of sequence b may attend to
    encoder key j iff j < encoder_lengths[b]: the whole real source, whatever
    i is.

    Padded decoder rows (i >= decoder_lengths[b]) get the same row as the
    real ones, so that no row is fully masked and the softmax never makes a
    NaN; their outputs are ignored later anyway.

    Args:
        decoder_lengths: (B,) integer tensor of real target lengths, each
            between 0 and dec_len.
        encoder_lengths: (B,) integer tensor of real source lengths, each
            between 1 and enc_len.
        dec_len: L, the padded decoder length (queries).
        enc_len: S, the padded encoder length (keys).

    Returns:
        (B, L, S) boolean; add a head axis with .unsqueeze(1) for
        (B, heads, L, S) attention.
    """
    # TODO(e05_cross_attention): the encoder's padding mask, repeated for every decoder position.
    raise NotImplementedError("e05_cross_attention: cross_attention_mask is not written yet")
