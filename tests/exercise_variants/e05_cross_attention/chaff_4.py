"""Misconception: padded decoder rows are masked out entirely (row i >= decoder_lengths[b] sees no
key), which turns their softmax into 0/0 = NaN."""

import torch

from tests.exercise_variants.e05_cross_attention.wheat_1 import *  # noqa: F401,F403
from tests.exercise_variants.e05_cross_attention.wheat_1 import padding_mask

CAUGHT_BY = "test_padded_decoder_rows_see_the_source"


def cross_attention_mask(decoder_lengths, encoder_lengths, dec_len, enc_len):
    rows = padding_mask(decoder_lengths, dec_len)[:, :, None]  # (B, L, 1)
    columns = padding_mask(encoder_lengths, enc_len)[:, None, :]  # (B, 1, S)
    return rows & columns
