"""Misconception: with blocks, the step is applied to the whole answer, so later blocks can be unmasked before the
current block is finished (the block only sets how many steps there are)."""

import torch

from tests.exercise_variants.e13_llada_sampling.wheat_1 import *  # noqa: F401,F403
from tests.exercise_variants.e13_llada_sampling.wheat_1 import remask_step

CAUGHT_BY = "test_later_blocks_stay_masked_until_their_turn"


def sample(model_fn, prompt, answer_len, steps, mask_id, block_len=None):
    assert answer_len % steps == 0
    P = prompt.shape[1]
    x = torch.cat([prompt, torch.full((prompt.shape[0], answer_len), mask_id)], dim=1)
    for _ in range(steps):
        logits = model_fn(x)
        answer = remask_step(x[:, P:], logits[:, P:], mask_id, answer_len // steps)
        x = torch.cat([x[:, :P], answer], dim=1)
    return x
