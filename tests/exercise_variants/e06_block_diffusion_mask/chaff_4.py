"""Misconception: block numbers are taken over the whole [x_t ; x_0] input (position //
block_size), so they do not restart in x_0 and a noisy block never lines up with its clean
counterpart."""

from tests.exercise_variants.e06_block_diffusion_mask.common import rule_mask

CAUGHT_BY = "test_small_case_written_out"


def block_diffusion_mask(seq_len, block_size):
    return rule_mask(seq_len, block_size, global_blocks=True)
