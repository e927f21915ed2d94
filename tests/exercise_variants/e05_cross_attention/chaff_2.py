"""Misconception: the key padding is read from the decoder's lengths instead of the encoder's,
although the keys and values come from the encoder."""

from tests.exercise_variants.e05_cross_attention.wheat_1 import *  # noqa: F401,F403
from tests.exercise_variants.e05_cross_attention.wheat_1 import padding_mask

CAUGHT_BY = "test_keys_follow_encoder_lengths"


def cross_attention_mask(decoder_lengths, encoder_lengths, dec_len, enc_len):
    source = padding_mask(decoder_lengths.clamp(max=enc_len), enc_len)
    return source[:, None, :].repeat(1, dec_len, 1)
