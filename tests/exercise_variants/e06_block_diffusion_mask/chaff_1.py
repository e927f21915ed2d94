"""Misconception: a noisy block also sees its own clean block (block(k) <= block(q) in the offset
part), which hands the model the answer it is meant to predict."""

from tests.exercise_variants.e06_block_diffusion_mask.common import rule_mask

CAUGHT_BY = "test_noisy_block_sees_only_strictly_earlier_clean_blocks"


def block_diffusion_mask(seq_len, block_size):
    return rule_mask(seq_len, block_size, offset_strict=False)
