"""Misconception: the target mask is applied to the logits' positions (mask[:, :-1]) instead of the
tokens' (mask[:, 1:]): the first target token is never scored, and the first padding token is."""

import torch.nn.functional as F

from tests.exercise_variants.e15_prefix_lm_loss.wheat_1 import *  # noqa: F403
from tests.exercise_variants.e15_prefix_lm_loss.wheat_1 import target_mask

CAUGHT_BY = "test_first_target_token_is_scored"


def prefix_lm_loss(logits, tokens, prompt_lens, lengths):
    if tokens.shape != logits.shape[:2] or len(prompt_lens) != tokens.shape[0]:
        raise ValueError("logits must be (B, T, V) for tokens (B, T)")
    keep = target_mask(prompt_lens, lengths, tokens.shape[1])[:, :-1]
    if not keep.any():
        raise ValueError("no target token")
    return F.cross_entropy(logits[:, :-1][keep], tokens[:, 1:][keep])
