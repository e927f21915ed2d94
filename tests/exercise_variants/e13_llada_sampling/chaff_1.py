"""Misconception: the step keeps the k LEAST confident predictions (topk with largest=False) instead of the most confident."""

import torch

from tests.exercise_variants.e13_llada_sampling.wheat_1 import *  # noqa: F401,F403

CAUGHT_BY = "test_keeps_the_most_confident"


def remask_step(x, logits, mask_id, k):
    masked = x == mask_id
    conf, pred = torch.softmax(logits, dim=-1).max(dim=-1)
    conf = conf.masked_fill(~masked, float("inf"))  # unmasked last when sorting up
    idx = conf.topk(min(k, x.shape[1]), dim=-1, largest=False).indices
    chosen = torch.zeros_like(masked).scatter(1, idx, True) & masked
    return torch.where(chosen, pred, x)
