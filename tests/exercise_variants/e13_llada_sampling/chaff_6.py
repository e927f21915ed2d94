"""Misconception: a block's logits start at the block's offset in the answer; they start
after the prompt, so a block read without the prompt's length takes another
position's predictions."""

import torch

from tests.exercise_variants.e13_llada_sampling import wheat_1
from tests.exercise_variants.e13_llada_sampling.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_blocks_read_the_logits_of_their_own_positions"


def sample(model_fn, prompt, answer_len, steps, mask_id, block_len=None):
    block_len = block_len or answer_len
    n_blocks = answer_len // block_len
    answer = prompt.new_full((prompt.shape[0], answer_len), mask_id)
    per_step = answer_len // steps
    for blk in range(n_blocks):
        lo, hi = blk * block_len, (blk + 1) * block_len
        for _ in range(steps // n_blocks):
            logits = model_fn(torch.cat([prompt, answer], dim=1))
            answer = answer.clone()
            answer[:, lo:hi] = remask_step(answer[:, lo:hi], logits[:, lo:hi], mask_id, per_step)
    return torch.cat([prompt, answer], dim=1)
