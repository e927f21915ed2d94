"""Misconception: the loss is the mean over sequences of each sequence's mean over its targets, so a
token of a short answer weighs more than a token of a long one."""

import torch
import torch.nn.functional as F

from tests.exercise_variants.e15_prefix_lm_loss.wheat_1 import *  # noqa: F403
from tests.exercise_variants.e15_prefix_lm_loss.wheat_1 import target_mask

CAUGHT_BY = "test_mean_is_over_scored_tokens_not_sequences"


def prefix_lm_loss(logits, tokens, prompt_lens, lengths):
    if tokens.shape != logits.shape[:2] or len(prompt_lens) != tokens.shape[0]:
        raise ValueError("logits must be (B, T, V) for tokens (B, T)")
    keep = target_mask(prompt_lens, lengths, tokens.shape[1])[:, 1:]
    if not keep.any():
        raise ValueError("no target token")
    ce = F.cross_entropy(logits[:, :-1].transpose(1, 2), tokens[:, 1:], reduction="none")  # (B, T - 1)
    per_row = (ce * keep).sum(dim=1) / keep.sum(dim=1).clamp(min=1)
    has_target = keep.any(dim=1)
    return per_row[has_target].mean() if has_target.any() else torch.tensor(0.0)
