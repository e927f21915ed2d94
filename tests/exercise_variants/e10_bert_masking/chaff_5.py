"""Misconception: "10% random" applied to the 20% left after masking (a 0.1 draw there), giving 2% random and 18% unchanged."""

import torch

CAUGHT_BY = "test_the_rest_split_between_random_and_unchanged"


def mask_tokens(tokens, mask_id, vocab_size, generator, p=0.15, special_mask=None):
    chosen = torch.rand(tokens.shape, generator=generator) < p
    if special_mask is not None:
        chosen = chosen & ~special_mask
    labels = torch.where(chosen, tokens, torch.full_like(tokens, -100))
    masked = chosen & (torch.rand(tokens.shape, generator=generator) < 0.8)
    randomized = chosen & ~masked & (torch.rand(tokens.shape, generator=generator) < 0.1)
    random_ids = torch.randint(vocab_size, tokens.shape, generator=generator, dtype=tokens.dtype)
    inputs = torch.where(masked, torch.full_like(tokens, mask_id), tokens)
    inputs = torch.where(randomized, random_ids, inputs)
    return inputs, labels
