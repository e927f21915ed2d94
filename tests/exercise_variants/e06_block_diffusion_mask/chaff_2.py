"""Misconception: x_0 attends to x_t too (the block-causal rule is applied across halves), so the
clean tokens depend on the noise."""

from tests.exercise_variants.e06_block_diffusion_mask.common import rule_mask

CAUGHT_BY = "test_clean_half_never_sees_noisy_half"


def block_diffusion_mask(seq_len, block_size):
    return rule_mask(seq_len, block_size, clean_sees_noisy=True)
