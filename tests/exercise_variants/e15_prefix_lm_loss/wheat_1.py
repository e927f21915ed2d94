"""A correct solution written differently: the mask by slicing row by row, and the loss as -100
labels with ignore_index, the way Hugging Face transformers scores a causal LM."""

import torch
import torch.nn.functional as F


def target_mask(prompt_lens, lengths, max_len):
    if prompt_lens.shape != lengths.shape or prompt_lens.dim() != 1:
        raise ValueError("prompt_lens and lengths must both have shape (B,)")
    mask = torch.zeros(len(lengths), max_len, dtype=torch.bool)
    for b, (p, n) in enumerate(zip(prompt_lens.tolist(), lengths.tolist(), strict=True)):
        if not 1 <= p <= n <= max_len:
            raise ValueError(f"row {b}: need 1 <= prompt_len {p} <= length {n} <= max_len {max_len}")
        mask[b, p:n] = True
    return mask


def prefix_lm_loss(logits, tokens, prompt_lens, lengths):
    batch, length, vocab = logits.shape
    if tokens.shape != (batch, length) or len(prompt_lens) != batch:
        raise ValueError("logits must be (B, T, V) for tokens (B, T) and prompt_lens (B,)")
    labels = tokens.masked_fill(~target_mask(prompt_lens, lengths, length), -100)
    shifted = labels[:, 1:].reshape(-1)
    if (shifted == -100).all():
        raise ValueError("no target token")
    return F.cross_entropy(logits[:, :-1].reshape(-1, vocab), shifted, ignore_index=-100)
