"""A tiny decoder-only GPT, with a KV cache and grouped-query attention.

The architecture of GPT-2 (Radford et al., "Language Models are Unsupervised
Multitask Learners", 2019), written in the spirit of Karpathy's nanoGPT:
token and learned position embeddings, a stack of pre-norm Transformer blocks
(Vaswani et al., 2017, arXiv:1706.03762), a final LayerNorm and a linear head
that shares its weights with the token embedding (Press & Wolf, 2016,
arXiv:1608.05859). One difference by default: the MLP uses the exact GELU,
while GPT-2 uses its tanh approximation (`gelu_new` in Hugging Face
transformers); `GPTConfig(gelu_approximate="tanh")` gives GPT-2's. With
weights copied from a transformers GPT-2, the logits then agree to float32
rounding (tests/test_huggingface.py).

Additions over GPT-2, all from this course:

* an optional KV cache per layer (llmtriad.kv_cache), so that `generate`
  computes only the new token at each step;
* `n_kv_head` key/value heads shared by `n_head` query heads
  (llmtriad.gqa, arXiv:2305.13245); the default n_kv_head = n_head is plain
  multi-head attention;
* `causal=False` removes the causal mask: the same network is then a
  bidirectional denoiser, the network of a masked diffusion LM
  (llmtriad.diffusion), and it has no KV cache;
* `learned_positions=False` drops the position embedding, to show what
  attention alone knows about word order (the debate chapter);
* `forward(idx, mask=...)` replaces the default mask by any other, such as a
  prefix-LM or block-causal mask (the bake-off, llmtriad.bakeoff);
* `mlp_ratio` and `mlp_dropout` set the MLP's width and its dropout, so that
  the bake-off can match parameter counts and regularise a baseline.

Shapes: B batch, T tokens in this call, C = n_embd channels,
S = tokens visible to attention (cached + new).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from llmtriad.attention import merge_heads, split_heads
from llmtriad.gqa import grouped_query_attention
from llmtriad.kv_cache import KVCache, StaticKVCache, attend_with_cache
from llmtriad.masks import causal_mask


@dataclass
class GPTConfig:
    vocab_size: int = 64
    block_size: int = 32  # longest sequence: the number of learned positions
    n_layer: int = 2
    n_head: int = 4
    n_kv_head: int | None = None  # None means n_head (multi-head attention)
    n_embd: int = 32
    gelu_approximate: str = "none"  # "tanh": GPT-2's own GELU (torch.nn.functional.gelu)
    causal: bool = True  # False: every token attends to every token (a diffusion denoiser)
    learned_positions: bool = True  # False: no position embedding at all
    mlp_ratio: int = 4  # the MLP's hidden width, in multiples of n_embd (GPT-2: 4)
    mlp_dropout: float = 0.0  # dropout on the MLP's output while training (GPT-2 has 0.1 in several places)

    def __post_init__(self) -> None:
        if self.n_embd % self.n_head != 0:
            raise ValueError(f"n_embd={self.n_embd} is not divisible by n_head={self.n_head}")
        if self.n_head % self.kv_heads != 0:
            raise ValueError(f"n_head={self.n_head} is not divisible by n_kv_head={self.kv_heads}")

    @property
    def kv_heads(self) -> int:
        """How many key/value heads the attention has: n_kv_head, or n_head when that is None."""
        return self.n_head if self.n_kv_head is None else self.n_kv_head


Cache = KVCache | StaticKVCache


class SelfAttention(nn.Module):
    """Multi-head (or grouped-query) self-attention, causal or not, with an optional KV cache."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.n_head = config.n_head
        self.n_kv_head = config.kv_heads
        self.head_dim = config.n_embd // config.n_head
        self.q_proj = nn.Linear(config.n_embd, config.n_head * self.head_dim)
        # Fewer KV heads means smaller k/v projections and a smaller cache.
        self.k_proj = nn.Linear(config.n_embd, self.n_kv_head * self.head_dim)
        self.v_proj = nn.Linear(config.n_embd, self.n_kv_head * self.head_dim)
        self.out_proj = nn.Linear(config.n_embd, config.n_embd)
        self.causal = config.causal

    # --8<-- [start:selfattention-forward]
    def forward(self, x: Tensor, cache: Cache | None = None, mask: Tensor | None = None) -> Tensor:
        """(B, T, C) -> (B, T, C). With a cache, x holds only the new tokens.

        `mask`, when given, replaces the default one (causal, or none when not
        causal): (T, S) or (B, 1, T, S) boolean, S = cached + new positions.
        """
        q = split_heads(self.q_proj(x), self.n_head)  # (B, n_head, T, head_dim)
        k = split_heads(self.k_proj(x), self.n_kv_head)  # (B, n_kv_head, T, head_dim)
        v = split_heads(self.v_proj(x), self.n_kv_head)  # (B, n_kv_head, T, head_dim)
        if cache is not None and mask is not None:
            # The caller's mask says what the new queries may see of the cache (a prefix
            # LM filling it with a prompt that reads itself bidirectionally).
            keys, values = cache.update(k, v)  # (B, n_kv_head, S, head_dim)
            y = grouped_query_attention(q, keys, values, mask=mask)  # (B, n_head, T, head_dim)
        elif cache is not None:
            if not self.causal:
                # A past token's keys would change when a later token arrives.
                raise ValueError("a KV cache needs causal attention (GPTConfig(causal=True)) or an explicit mask")
            # The cache stores the n_kv_head heads, before any sharing; the T
            # queries are the last T of the S cached positions, so the causal
            # triangle ends in the bottom-right corner (exercise e07).
            y = attend_with_cache(q, k, v, cache)  # (B, n_head, T, head_dim)
        else:
            if mask is None and self.causal:
                mask = causal_mask(q.shape[2], device=x.device)  # (T, T), exercise e03
            y = grouped_query_attention(q, k, v, mask=mask)  # (B, n_head, T, head_dim), exercise e08
        # Fast path, same result: F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True)
        out: Tensor = self.out_proj(merge_heads(y))  # (B, T, C)
        return out

    # --8<-- [end:selfattention-forward]


class MLP(nn.Module):
    """Position-wise feed-forward network: widen (4x by default), GELU, project back."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.fc = nn.Linear(config.n_embd, config.mlp_ratio * config.n_embd)
        self.proj = nn.Linear(config.mlp_ratio * config.n_embd, config.n_embd)
        self.gelu_approximate = config.gelu_approximate
        self.dropout = nn.Dropout(config.mlp_dropout)  # the identity in eval() mode, and when mlp_dropout = 0

    def forward(self, x: Tensor) -> Tensor:
        out: Tensor = self.dropout(self.proj(F.gelu(self.fc(x), approximate=self.gelu_approximate)))  # (B, T, C)
        return out


# --8<-- [start:block]
class Block(nn.Module):
    """Pre-norm Transformer block: x + attn(ln(x)), then x + mlp(ln(x))."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.n_embd)
        self.attn = SelfAttention(config)
        self.ln_2 = nn.LayerNorm(config.n_embd)
        self.mlp = MLP(config)

    def forward(self, x: Tensor, cache: Cache | None = None, mask: Tensor | None = None) -> Tensor:
        x = x + self.attn(self.ln_1(x), cache, mask)
        out: Tensor = x + self.mlp(self.ln_2(x))  # (B, T, C)
        return out


# --8<-- [end:block]


class GPT(nn.Module):
    """Token ids in, next-token logits out."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.config = config
        self.tok_emb = nn.Embedding(config.vocab_size, config.n_embd)
        self.pos_emb = nn.Embedding(config.block_size, config.n_embd) if config.learned_positions else None
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.n_layer))
        self.ln_f = nn.LayerNorm(config.n_embd)
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        self.lm_head.weight = self.tok_emb.weight  # weight tying
        self.apply(self._init_weights)

    @staticmethod
    def _init_weights(module: nn.Module) -> None:
        # GPT-2's initialisation: small normal weights, zero biases.
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)

    # --8<-- [start:gpt-forward]
    def forward(self, idx: Tensor, caches: list[Cache] | None = None, mask: Tensor | None = None) -> Tensor:
        """(B, T) token ids -> (B, T, vocab_size) logits.

        With `caches` (one per layer), `idx` holds only the tokens that follow
        the cached ones, and the caches grow by T. `mask` (every layer's) replaces
        the default causal or bidirectional one; see SelfAttention.forward.
        """
        if idx.dim() != 2:
            raise ValueError(f"idx must be (B, T) token ids, got shape {tuple(idx.shape)}")
        if caches is not None and len(caches) != len(self.blocks):
            raise ValueError(f"one cache per layer: {len(caches)} for {len(self.blocks)} layers")
        # New tokens continue after the cached ones, so their positions do too.
        start = 0 if caches is None else caches[0].length
        end = start + idx.shape[1]
        if end > self.config.block_size:
            raise ValueError(f"sequence of {end} tokens exceeds block_size={self.config.block_size}")
        x = self.tok_emb(idx)  # (B, T, C)
        if self.pos_emb is not None:
            x = x + self.pos_emb(torch.arange(start, end, device=idx.device))  # (B, T, C) + (T, C)
        for i, block in enumerate(self.blocks):
            x = block(x, None if caches is None else caches[i], mask)
        logits: Tensor = self.lm_head(self.ln_f(x))  # (B, T, vocab_size)
        return logits

    # --8<-- [end:gpt-forward]

    # --8<-- [start:gpt-generate]
    @torch.no_grad()
    def generate(self, idx: Tensor, max_new_tokens: int, use_cache: bool = True) -> Tensor:
        """Greedy decoding: append the most likely next token, max_new_tokens times.

        Returns (B, T + max_new_tokens). With the cache, the prompt is run once
        (prefill) and each later step feeds only the newest token; without it,
        every step reruns the whole sequence. Both give the same tokens.
        """
        if not self.config.causal:
            raise ValueError("generate writes left to right and needs GPTConfig(causal=True); see llmtriad.diffusion")
        if idx.shape[1] + max_new_tokens > self.config.block_size:
            raise ValueError(f"{idx.shape[1]} + {max_new_tokens} tokens exceed block_size={self.config.block_size}")
        caches = [KVCache() for _ in self.blocks] if use_cache else None
        logits = self(idx, caches)  # (B, T, vocab_size)
        for step in range(max_new_tokens):
            next_token = logits[:, -1].argmax(dim=-1, keepdim=True)  # (B, 1)
            idx = torch.cat([idx, next_token], dim=1)
            if step == max_new_tokens - 1:
                break
            # With a cache only the new token goes in; without, everything again.
            logits = self(next_token, caches) if use_cache else self(idx)
        return idx

    # --8<-- [end:gpt-generate]
