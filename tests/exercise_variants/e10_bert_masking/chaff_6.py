"""Misconception: only corrupted positions get a label; the chosen 10% that keep their token get -100."""

import torch

CAUGHT_BY = "test_the_rest_split_between_random_and_unchanged"


def mask_tokens(tokens, mask_id, vocab_size, generator, p=0.15, special_mask=None):
    chosen = torch.rand(tokens.shape, generator=generator) < p
    if special_mask is not None:
        chosen = chosen & ~special_mask
    u = torch.rand(tokens.shape, generator=generator)
    corrupted = chosen & (u < 0.9)
    random_ids = torch.randint(vocab_size, tokens.shape, generator=generator, dtype=tokens.dtype)
    inputs = torch.where(chosen & (u < 0.8), torch.full_like(tokens, mask_id), tokens)
    inputs = torch.where(chosen & (u >= 0.8) & (u < 0.9), random_ids, inputs)
    labels = torch.where(corrupted, tokens, torch.full_like(tokens, -100))
    return inputs, labels
