"""Misconception: the logits at position j score token j (no shift), as if the model predicted the
token it is reading rather than the next one."""

import torch.nn.functional as F

from tests.exercise_variants.e15_prefix_lm_loss.wheat_1 import *  # noqa: F403
from tests.exercise_variants.e15_prefix_lm_loss.wheat_1 import target_mask

CAUGHT_BY = "test_logits_at_i_predict_token_i_plus_1"


def prefix_lm_loss(logits, tokens, prompt_lens, lengths):
    if tokens.shape != logits.shape[:2] or len(prompt_lens) != tokens.shape[0]:
        raise ValueError("logits must be (B, T, V) for tokens (B, T)")
    keep = target_mask(prompt_lens, lengths, tokens.shape[1])
    if not keep.any():
        raise ValueError("no target token")
    return F.cross_entropy(logits[keep], tokens[keep])
