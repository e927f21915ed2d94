"""Misconception: the clean half x_0 is treated as an ordinary causal LM, token-causal (k <= q)
instead of block-causal, so a clean token does not see the later tokens of its own block; only
x_t gets the block-diagonal part."""

from tests.exercise_variants.e06_block_diffusion_mask.common import rule_mask

CAUGHT_BY = "test_clean_half_is_block_causal"


def block_diffusion_mask(seq_len, block_size):
    return rule_mask(seq_len, block_size, clean_token_causal=True)
