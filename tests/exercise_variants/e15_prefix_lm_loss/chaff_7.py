"""Misconception: counting the prompt from 1, the first target sits at position P_b + 1, so the
target mask starts one token late (j > P_b) and the first target token is never scored."""

import torch
import torch.nn.functional as F

from tests.exercise_variants.e15_prefix_lm_loss import wheat_1

CAUGHT_BY = "test_target_mask_worked_example"


def target_mask(prompt_lens, lengths, max_len):
    wheat_1.target_mask(prompt_lens, lengths, max_len)  # the checks
    j = torch.arange(max_len)[None, :]
    return (j > prompt_lens[:, None]) & (j < lengths[:, None])


def prefix_lm_loss(logits, tokens, prompt_lens, lengths):
    if tokens.shape != logits.shape[:2] or len(prompt_lens) != tokens.shape[0]:
        raise ValueError("logits must be (B, T, V) for tokens (B, T)")
    keep = target_mask(prompt_lens, lengths, tokens.shape[1])[:, 1:]
    if not keep.any():
        raise ValueError("no target token")
    return F.cross_entropy(logits[:, :-1][keep], tokens[:, 1:][keep])
