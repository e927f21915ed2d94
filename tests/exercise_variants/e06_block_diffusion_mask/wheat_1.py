"""A correct solution written differently: four quarters assembled from block patterns with kron
and cat."""

import torch


def block_diffusion_mask(seq_len, block_size):
    if block_size < 1 or seq_len % block_size:
        raise ValueError(f"block_size {block_size} does not divide seq_len {seq_len}")
    n_blocks = seq_len // block_size
    tile = torch.ones(block_size, block_size)
    same = torch.kron(torch.eye(n_blocks), tile).bool()
    before = torch.kron(torch.ones(n_blocks, n_blocks).tril(-1), tile).bool()
    up_to = torch.kron(torch.ones(n_blocks, n_blocks).tril(), tile).bool()
    nothing = torch.zeros(seq_len, seq_len, dtype=torch.bool)
    noisy_rows = torch.cat([same, before], dim=1)  # x_t queries: own block | earlier clean ones
    clean_rows = torch.cat([nothing, up_to], dim=1)  # x_0 queries: no noise | clean blocks so far
    return torch.cat([noisy_rows, clean_rows], dim=0)
