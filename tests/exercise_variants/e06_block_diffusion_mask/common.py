"""Shared by the chaffs: the BD3-LM rule with each of its pieces replaceable (not itself a
variant)."""

import torch


def rule_mask(seq_len, block_size, *, offset_strict=True, clean_sees_noisy=False,
              clean_token_causal=False, global_blocks=False):
    if block_size < 1 or seq_len % block_size:
        raise ValueError(f"block_size {block_size} does not divide seq_len {seq_len}")
    n = seq_len
    q = torch.arange(2 * n)[:, None]
    k = torch.arange(2 * n)[None, :]
    q_clean, k_clean = q >= n, k >= n
    if global_blocks:
        q_block, k_block = q // block_size, k // block_size
    else:
        q_block, k_block = (q % n) // block_size, (k % n) // block_size
    diagonal = (q_block == k_block) & (q_clean == k_clean)
    offset = ~q_clean & k_clean & ((k_block < q_block) if offset_strict else (k_block <= q_block))
    if clean_token_causal:
        # The clean half as a plain causal LM: token order, no block-diagonal part for x_0.
        diagonal = diagonal & ~q_clean
        causal = q_clean & k_clean & (k <= q)
    else:
        causal = q_clean & k_clean & (k_block <= q_block)
    if clean_sees_noisy:
        causal = causal | (q_clean & ~k_clean & (k_block <= q_block))
    return diagonal | offset | causal
