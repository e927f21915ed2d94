"""Misconception: the window is forgotten and the mask is plain causal, so old tokens stay
visible."""

import torch

CAUGHT_BY = "test_tokens_beyond_the_window_are_forgotten"


def sliding_window_mask(length, window):
    if window < 1:
        raise ValueError(f"window must be at least 1, got {window}")
    return torch.tril(torch.ones(length, length, dtype=torch.bool))
