"""A correct solution written differently: a Python loop fills each row, and repeat() copies it per
query."""

import torch


def padding_mask(lengths, max_len):
    if (lengths < 0).any() or (lengths > max_len).any():
        raise ValueError(f"lengths {lengths.tolist()} must lie in 0..{max_len}")
    mask = torch.zeros(len(lengths), max_len, dtype=torch.bool)
    for row, n in enumerate(lengths.tolist()):
        mask[row, :n] = True
    return mask


def cross_attention_mask(decoder_lengths, encoder_lengths, dec_len, enc_len):
    source = padding_mask(encoder_lengths, enc_len)  # (B, S)
    return source[:, None, :].repeat(1, dec_len, 1)  # (B, L, S)
