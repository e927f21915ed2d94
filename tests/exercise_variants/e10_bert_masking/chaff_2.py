"""Misconception: the labels are the original tokens at every position (the loss is taken everywhere)."""

import torch

CAUGHT_BY = "test_labels_hold_the_original_only_where_chosen"


def mask_tokens(tokens, mask_id, vocab_size, generator, p=0.15, special_mask=None):
    chosen = torch.rand(tokens.shape, generator=generator) < p
    if special_mask is not None:
        chosen = chosen & ~special_mask
    u = torch.rand(tokens.shape, generator=generator)
    random_ids = torch.randint(vocab_size, tokens.shape, generator=generator, dtype=tokens.dtype)
    inputs = torch.where(chosen & (u < 0.8), torch.full_like(tokens, mask_id), tokens)
    inputs = torch.where(chosen & (u >= 0.8) & (u < 0.9), random_ids, inputs)
    return inputs, tokens.clone()
