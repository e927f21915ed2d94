"""A correct solution written differently: a random permutation per row from argsort (keys drawn
before the counts), the first l of it masked by scatter, and the estimate as L times the masked
tokens' mean negative log-probability (log_softmax and gather)."""

import torch
import torch.nn.functional as F


def likelihood_masks(length, num_samples, generator=None):
    if length < 1 or num_samples < 1:
        raise ValueError("length and num_samples must be >= 1")
    order = torch.rand(num_samples, length, generator=generator).argsort(dim=1)  # a random permutation per row
    counts = torch.randint(1, length + 1, (num_samples, 1), generator=generator)
    first = torch.arange(length).expand(num_samples, length) < counts  # the first l places of each permutation
    return torch.zeros(num_samples, length, dtype=torch.bool).scatter(1, order, first)


def check_sequence(x, mask_id):
    if x.dim() != 1 or len(x) == 0 or bool((x == mask_id).any()):
        raise ValueError("x must be one clean, non-empty sequence")


def estimates_from_masks(model_fn, x, mask_id, masked):
    batch = x.repeat(masked.shape[0], 1)  # (K, L)
    log_probs = F.log_softmax(model_fn(batch.masked_fill(masked, mask_id)), dim=-1)  # (K, L, V)
    of_clean = log_probs.gather(-1, batch.unsqueeze(-1)).squeeze(-1)  # (K, L)
    mean_over_masked = -(of_clean * masked).sum(dim=1) / masked.sum(dim=1)
    return mean_over_masked * len(x)


def nll_estimates(model_fn, x, mask_id, num_samples, generator=None):
    check_sequence(x, mask_id)
    return estimates_from_masks(model_fn, x, mask_id, likelihood_masks(len(x), num_samples, generator))
