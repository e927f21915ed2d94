"""A correct solution written differently: Bernoulli draws, and the loss as a (B, L) grid with a 0/1 weight."""

import torch
import torch.nn.functional as F


def sample_times(batch, generator=None, eps=1e-3):
    return torch.empty(batch).uniform_(0.0, 1.0, generator=generator) * (1 - eps) + eps


def forward_mask(x0, t, mask_id, generator=None):
    p = t.reshape(-1, 1).expand(x0.shape).to(torch.float32)
    hit = torch.bernoulli(p, generator=generator).bool()
    out = x0.clone()
    out[hit] = mask_id
    return out


def masked_diffusion_loss(logits, x0, xt, t, mask_id):
    B, L, V = logits.shape
    ce = F.cross_entropy(logits.permute(0, 2, 1), x0, reduction="none")  # (B, L)
    weight = (xt == mask_id).to(ce.dtype) / t.reshape(B, 1)
    return (ce * weight).sum() / ce.numel()
