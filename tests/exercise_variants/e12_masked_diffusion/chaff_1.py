"""Misconception: the loss is averaged over the masked tokens only (divided by their count, not by B * L)."""

import torch.nn.functional as F

from tests.exercise_variants.e12_masked_diffusion.wheat_1 import *  # noqa: F401,F403

CAUGHT_BY = "test_divides_by_batch_times_length"


def masked_diffusion_loss(logits, x0, xt, t, mask_id):
    masked = xt == mask_id
    ce = F.cross_entropy(logits[masked], x0[masked], reduction="none")
    weight = 1.0 / t[:, None].expand_as(xt)[masked]
    return (ce * weight).mean()
