"""Misconception: the batch shares one prompt length, as prefix_lm_mask(length, prefix_len) had one:
the longest prompt, prompt_lens.max(), is cut off every row "to be safe"."""

from tests.exercise_variants.e15_prefix_lm_loss import wheat_1
from tests.exercise_variants.e15_prefix_lm_loss.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_each_row_uses_its_own_prompt_len"


def prefix_lm_loss(logits, tokens, prompt_lens, lengths):
    if len(prompt_lens) != tokens.shape[0]:
        raise ValueError("one prompt length per sequence")
    shared = prompt_lens.max().expand_as(prompt_lens).minimum(lengths)
    return wheat_1.prefix_lm_loss(logits, tokens, shared, lengths)
