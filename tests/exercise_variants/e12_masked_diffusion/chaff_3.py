"""Misconception: the loss also counts the unmasked positions (cross-entropy on every token, weighted by 1 / t)."""

import torch.nn.functional as F

from tests.exercise_variants.e12_masked_diffusion.wheat_1 import *  # noqa: F401,F403

CAUGHT_BY = "test_ignores_logits_at_unmasked_positions"


def masked_diffusion_loss(logits, x0, xt, t, mask_id):
    ce = F.cross_entropy(logits.transpose(1, 2), x0, reduction="none")  # (B, L), every position
    return (ce / t[:, None]).sum() / xt.numel()
