"""Misconception: confidence is the raw maximum logit, ranked over all positions (masked AND unmasked), so confident
unmasked positions take up the k slots and fewer than k masks are filled."""

import torch

from tests.exercise_variants.e13_llada_sampling.wheat_1 import *  # noqa: F401,F403

CAUGHT_BY = "test_exactly_k_new_tokens_per_row"


def remask_step(x, logits, mask_id, k):
    conf, pred = logits.max(dim=-1)
    idx = conf.topk(min(k, x.shape[1]), dim=-1).indices
    chosen = torch.zeros_like(x, dtype=torch.bool).scatter(1, idx, True) & (x == mask_id)
    return torch.where(chosen, pred, x)
