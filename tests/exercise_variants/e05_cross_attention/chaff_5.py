"""Misconception: the longest sequence sets the width; but max_len does, and a batch
may have no sequence that long."""


from tests.exercise_variants.e05_cross_attention import wheat_1
from tests.exercise_variants.e05_cross_attention.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_padding_mask_is_max_len_wide_even_when_no_sequence_fills_it"


def padding_mask(lengths, max_len):
    return wheat_1.padding_mask(lengths, int(lengths.max()))
