"""Misconception: the prefix-LM loss is the causal-LM loss, every real token after the first scored,
the prompt included."""

import torch
import torch.nn.functional as F

from tests.exercise_variants.e15_prefix_lm_loss.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_prompt_tokens_are_never_scored"


def prefix_lm_loss(logits, tokens, prompt_lens, lengths):
    if tokens.shape != logits.shape[:2] or len(prompt_lens) != tokens.shape[0]:
        raise ValueError("logits must be (B, T, V) for tokens (B, T)")
    real = torch.arange(tokens.shape[1])[None, :] < lengths[:, None]  # (B, T)
    keep = real[:, 1:]
    if not keep.any():
        raise ValueError("no token to score")
    return F.cross_entropy(logits[:, :-1][keep], tokens[:, 1:][keep])
