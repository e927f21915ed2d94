"""Misconception: the window is symmetric (|i - j| < window), a local window that also looks ahead,
so the mask is no longer causal."""

import torch

CAUGHT_BY = "test_future_tokens_never_change_past_outputs"


def sliding_window_mask(length, window):
    if window < 1:
        raise ValueError(f"window must be at least 1, got {window}")
    i = torch.arange(length)[:, None]
    j = torch.arange(length)[None, :]
    return (i - j).abs() < window
