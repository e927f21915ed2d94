"""Misconception: off by one in the padding mask (j <= length), so the first padding position
counts as a real token."""

import torch

from tests.exercise_variants.e05_cross_attention.wheat_1 import *  # noqa: F401,F403

CAUGHT_BY = "test_padding_mask_counts_real_tokens"


def padding_mask(lengths, max_len):
    if (lengths < 0).any() or (lengths > max_len).any():
        raise ValueError(f"lengths {lengths.tolist()} must lie in 0..{max_len}")
    return torch.arange(max_len)[None, :] <= lengths[:, None]


def cross_attention_mask(decoder_lengths, encoder_lengths, dec_len, enc_len):
    return padding_mask(encoder_lengths, enc_len)[:, None, :].repeat(1, dec_len, 1)
