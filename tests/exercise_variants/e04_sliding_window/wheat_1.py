"""A correct solution written differently: the difference of two shifted triangles."""

import torch


def sliding_window_mask(length, window):
    if window < 1:
        raise ValueError(f"window must be at least 1, got {window}")
    full = torch.ones(length, length, dtype=torch.bool)
    past_and_present = torch.tril(full)
    too_old = torch.tril(full, diagonal=-window)  # j <= i - window
    return past_and_present & ~too_old
