"""Misconception: the generator argument is not used; randomness comes from PyTorch's global state."""

import torch

CAUGHT_BY = "test_same_seed_gives_same_corruption"


def mask_tokens(tokens, mask_id, vocab_size, generator, p=0.15, special_mask=None):
    chosen = torch.rand(tokens.shape) < p
    if special_mask is not None:
        chosen = chosen & ~special_mask
    labels = torch.where(chosen, tokens, torch.full_like(tokens, -100))
    u = torch.rand(tokens.shape)
    random_ids = torch.randint(vocab_size, tokens.shape, dtype=tokens.dtype)
    inputs = torch.where(chosen & (u < 0.8), torch.full_like(tokens, mask_id), tokens)
    inputs = torch.where(chosen & (u >= 0.8) & (u < 0.9), random_ids, inputs)
    return inputs, labels
