"""Misconception: no 1 / t weight; the masked cross-entropy is summed unweighted (a plain masked-LM loss)."""

import torch.nn.functional as F

from tests.exercise_variants.e12_masked_diffusion.wheat_1 import *  # noqa: F401,F403

CAUGHT_BY = "test_halving_t_doubles_the_loss"


def masked_diffusion_loss(logits, x0, xt, t, mask_id):
    masked = xt == mask_id
    ce = F.cross_entropy(logits[masked], x0[masked], reduction="none")
    return ce.sum() / xt.numel()
