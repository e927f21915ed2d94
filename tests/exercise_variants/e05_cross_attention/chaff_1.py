"""Misconception: cross-attention is made causal like self-attention (decoder position i only reads
encoder positions j <= i), although the whole source is known from the start."""

import torch

from tests.exercise_variants.e05_cross_attention.wheat_1 import *  # noqa: F401,F403
from tests.exercise_variants.e05_cross_attention.wheat_1 import padding_mask

CAUGHT_BY = "test_cross_attention_is_not_causal"


def cross_attention_mask(decoder_lengths, encoder_lengths, dec_len, enc_len):
    source = padding_mask(encoder_lengths, enc_len)[:, None, :]  # (B, 1, S)
    causal = torch.tril(torch.ones(dec_len, enc_len, dtype=torch.bool))  # (L, S)
    return source & causal
