"""Misconception: off by one, the window does not count the query itself (i - window <= j), so each
token sees window + 1 keys."""

import torch

CAUGHT_BY = "test_window_one_sees_only_itself"


def sliding_window_mask(length, window):
    if window < 1:
        raise ValueError(f"window must be at least 1, got {window}")
    i = torch.arange(length)[:, None]
    j = torch.arange(length)[None, :]
    return (j <= i) & (j >= i - window)
