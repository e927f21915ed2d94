"""Misconception: the 80/10/10 draw is applied to every position, not only to the chosen ones (forgot `& chosen`)."""

import torch

CAUGHT_BY = "test_unchosen_positions_keep_their_tokens"


def mask_tokens(tokens, mask_id, vocab_size, generator, p=0.15, special_mask=None):
    chosen = torch.rand(tokens.shape, generator=generator) < p
    if special_mask is not None:
        chosen = chosen & ~special_mask
    labels = torch.where(chosen, tokens, torch.full_like(tokens, -100))
    u = torch.rand(tokens.shape, generator=generator)
    random_ids = torch.randint(vocab_size, tokens.shape, generator=generator, dtype=tokens.dtype)
    inputs = torch.where(u < 0.8, torch.full_like(tokens, mask_id), tokens)
    inputs = torch.where((u >= 0.8) & (u < 0.9), random_ids, inputs)
    return inputs, labels
