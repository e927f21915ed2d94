"""A tiny encoder-decoder Transformer (the T5 shape), built from the GPT's own blocks.

The encoder is a stack of llmtriad.gpt.Block with bidirectional attention
(GPTConfig(causal=False)): every source token reads every other. The decoder
is a stack of DecoderBlock: causal self-attention over the target so far (the
same SelfAttention as the GPT, with its KV cache), then cross-attention that
reads the encoder's output, then the MLP (Vaswani et al., 2017,
arXiv:1706.03762, section 3.1). As in T5 (Raffel et al., 2019,
arXiv:1910.10683), encoder, decoder and output layer share one token
embedding; unlike T5, positions are learned embeddings, one table per stack,
as in the GPT.

Cross-attention has no mask here: the bake-off's sources have no padding, and
nothing in the source is "future" to the decoder (llmtriad.masks.
cross_attention_mask is the mask for padded sources). Its keys and values come
from the encoder's output, which does not change while the decoder writes, so
they are computed once per source (`cross_kv`) and reused at every step: the
cross-attention half of the KV cache.

Shapes: B batch, S source tokens, T target tokens in this call, C = n_embd.
"""

from __future__ import annotations

from dataclasses import replace
from typing import cast

import torch
from torch import Tensor, nn

from llmtriad.attention import merge_heads, split_heads
from llmtriad.gpt import GPT, MLP, Block, Cache, GPTConfig, SelfAttention
from llmtriad.gqa import grouped_query_attention
from llmtriad.kv_cache import KVCache

CrossKV = tuple[Tensor, Tensor]  # the encoder output's keys and values, each (B, n_kv_head, S, head_dim)


class CrossAttention(nn.Module):
    """Queries from the decoder, keys and values from the encoder's output."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.n_head = config.n_head
        self.n_kv_head = config.kv_heads
        head_dim = config.n_embd // config.n_head
        self.q_proj = nn.Linear(config.n_embd, config.n_head * head_dim)
        self.k_proj = nn.Linear(config.n_embd, self.n_kv_head * head_dim)
        self.v_proj = nn.Linear(config.n_embd, self.n_kv_head * head_dim)
        self.out_proj = nn.Linear(config.n_embd, config.n_embd)

    def project_memory(self, memory: Tensor) -> CrossKV:
        """(B, S, C) encoder output -> its keys and values, computed once per source."""
        return split_heads(self.k_proj(memory), self.n_kv_head), split_heads(self.v_proj(memory), self.n_kv_head)

    def forward(self, x: Tensor, memory_kv: CrossKV) -> Tensor:
        """(B, T, C) decoder states -> (B, T, C); every query sees every source position."""
        q = split_heads(self.q_proj(x), self.n_head)  # (B, n_head, T, head_dim)
        k, v = memory_kv  # (B, n_kv_head, S, head_dim)
        out: Tensor = self.out_proj(merge_heads(grouped_query_attention(q, k, v)))  # (B, T, C)
        return out


class DecoderBlock(nn.Module):
    """Pre-norm decoder block: causal self-attention, cross-attention, MLP, each with a residual."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.n_embd)
        self.self_attn = SelfAttention(config)  # config.causal is True: the target is written left to right
        self.ln_2 = nn.LayerNorm(config.n_embd)
        self.cross_attn = CrossAttention(config)
        self.ln_3 = nn.LayerNorm(config.n_embd)
        self.mlp = MLP(config)

    def forward(self, x: Tensor, memory_kv: CrossKV, cache: Cache | None = None) -> Tensor:
        x = x + self.self_attn(self.ln_1(x), cache)
        x = x + self.cross_attn(self.ln_2(x), memory_kv)
        out: Tensor = x + self.mlp(self.ln_3(x))  # (B, T, C)
        return out


class EncoderDecoder(nn.Module):
    """Source ids and target ids in, next-target-token logits out.

    `config.n_layer` layers in each stack; `config.block_size` positions in
    each (the longest source, and the longest target).
    """

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        if not config.causal or not config.learned_positions:
            raise ValueError(
                "EncoderDecoder takes a causal config with learned positions; the encoder is made bidirectional here"
            )
        self.config = config
        self.tok_emb = nn.Embedding(config.vocab_size, config.n_embd)  # shared by both stacks and the head
        self.enc_pos = nn.Embedding(config.block_size, config.n_embd)
        self.dec_pos = nn.Embedding(config.block_size, config.n_embd)
        self.encoder = nn.ModuleList(Block(replace(config, causal=False)) for _ in range(config.n_layer))
        self.ln_enc = nn.LayerNorm(config.n_embd)
        self.decoder = nn.ModuleList(DecoderBlock(config) for _ in range(config.n_layer))
        self.ln_f = nn.LayerNorm(config.n_embd)
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        self.lm_head.weight = self.tok_emb.weight  # weight tying, as in the GPT
        self.apply(GPT._init_weights)  # GPT-2's initialisation, as in the GPT

    def encode(self, src: Tensor) -> list[CrossKV]:
        """(B, S) source ids -> one (keys, values) pair per decoder layer, from the encoder's output."""
        if src.dim() != 2 or src.shape[1] > self.config.block_size:
            raise ValueError(
                f"src must be (B, S) with S <= block_size={self.config.block_size}, got {tuple(src.shape)}"
            )
        x = self.tok_emb(src) + self.enc_pos(torch.arange(src.shape[1], device=src.device))  # (B, S, C)
        for block in self.encoder:
            x = block(x)  # bidirectional: no mask
        memory = self.ln_enc(x)  # (B, S, C)
        return [cast(DecoderBlock, block).cross_attn.project_memory(memory) for block in self.decoder]

    def decode(self, tgt: Tensor, memory_kv: list[CrossKV], caches: list[Cache] | None = None) -> Tensor:
        """(B, T) target ids -> (B, T, vocab_size) logits; with caches, tgt holds only the new tokens."""
        start = 0 if caches is None else caches[0].length
        end = start + tgt.shape[1]
        if end > self.config.block_size:
            raise ValueError(f"target of {end} tokens exceeds block_size={self.config.block_size}")
        x = self.tok_emb(tgt) + self.dec_pos(torch.arange(start, end, device=tgt.device))  # (B, T, C)
        for i, block in enumerate(self.decoder):
            x = block(x, memory_kv[i], None if caches is None else caches[i])
        logits: Tensor = self.lm_head(self.ln_f(x))  # (B, T, vocab_size)
        return logits

    def forward(self, src: Tensor, tgt: Tensor) -> Tensor:
        """Teacher forcing: (B, S) source, (B, T) target input -> (B, T, vocab_size) logits."""
        return self.decode(tgt, self.encode(src))

    @torch.no_grad()
    def generate(self, src: Tensor, start: Tensor, max_new_tokens: int) -> Tensor:
        """Greedy decoding with both caches: the encoder runs once, the decoder once per token.

        Args:
            src: (B, S) source ids.
            start: (B, 1) the decoder's first input token.
            max_new_tokens: how many tokens to write.

        Returns:
            (B, max_new_tokens) the written tokens (without `start`).
        """
        memory_kv = self.encode(src)
        caches: list[Cache] = [KVCache() for _ in self.decoder]
        token, written = start, []
        for _ in range(max_new_tokens):
            logits = self.decode(token, memory_kv, caches)  # (B, 1, vocab_size)
            token = logits[:, -1].argmax(dim=-1, keepdim=True)  # (B, 1)
            written.append(token)
        return torch.cat(written, dim=1)
