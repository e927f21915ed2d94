"""Misconception: k is not clipped to the number of masks; topk then also picks unmasked positions, which are
overwritten by their prediction."""

import torch

from tests.exercise_variants.e13_llada_sampling.wheat_1 import *  # noqa: F401,F403

CAUGHT_BY = "test_k_larger_than_the_number_of_masks"


def remask_step(x, logits, mask_id, k):
    conf, pred = torch.softmax(logits, dim=-1).max(dim=-1)
    conf = conf.masked_fill(x != mask_id, float("-inf"))
    idx = conf.topk(min(k, x.shape[1]), dim=-1).indices
    chosen = torch.zeros_like(x, dtype=torch.bool).scatter(1, idx, True)  # may include unmasked positions
    return torch.where(chosen, pred, x)
