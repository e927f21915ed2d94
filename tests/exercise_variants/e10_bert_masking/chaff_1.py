"""Misconception: every chosen position becomes [MASK] (no 80/10/10 split)."""

import torch

CAUGHT_BY = "test_most_chosen_positions_become_mask"


def mask_tokens(tokens, mask_id, vocab_size, generator, p=0.15, special_mask=None):
    chosen = torch.rand(tokens.shape, generator=generator) < p
    if special_mask is not None:
        chosen = chosen & ~special_mask
    labels = torch.where(chosen, tokens, torch.full_like(tokens, -100))
    inputs = torch.where(chosen, torch.full_like(tokens, mask_id), tokens)
    return inputs, labels
