"""Misconception: every position is re-predicted each step, so already unmasked tokens are overwritten by the argmax."""

import torch

from tests.exercise_variants.e13_llada_sampling.wheat_1 import *  # noqa: F401,F403

CAUGHT_BY = "test_unmasked_tokens_never_change"


def remask_step(x, logits, mask_id, k):
    masked = x == mask_id
    conf, pred = torch.softmax(logits, dim=-1).max(dim=-1)
    conf = conf.masked_fill(~masked, float("-inf"))
    idx = conf.topk(min(k, x.shape[1]), dim=-1).indices
    keep = torch.zeros_like(masked).scatter(1, idx, True) & masked
    # Start from the predictions everywhere and re-mask the positions not kept.
    return torch.where(masked & ~keep, torch.full_like(x, mask_id), pred)
