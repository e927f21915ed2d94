"""What attention alone knows about word order: a position probe.

Without a position embedding, self-attention receives a set of vectors, not a
sequence. Bidirectional attention is then permutation-equivariant: shuffle
the input tokens and the outputs are shuffled the same way, nothing more
(docs/en/masks.md). No amount of training can make such a model say where a
token stands.

A causal mask breaks the symmetry, because token t attends to exactly t + 1
tokens (0-based). That alone is not enough: if all tokens are equal, every
average over them is the same vector, at every position. What gives the
position away is a token that differs from the rest, such as the
beginning-of-sequence token that real language models put first. When the
other tokens look alike, the attention weight a query can give it is about
1 / (t + 1), a number that falls with the distance from the start, and a
layer can turn that weight into a position. Haviv et al. ("Transformer
Language Models without Positional Encodings Still Learn Positional
Information", 2022, arXiv:2203.16634) found that causal language models
trained with no positional encoding at all are competitive with ordinary
ones, that probes can read absolute positions from their hidden states, and
conjecture that the causal mask, which lets a token count its predecessors,
is what makes this possible.

The probe: the course's GPT (llmtriad.gpt) with `learned_positions=False`,
its output head replaced by a classifier over the T positions, trained to
say at every position which position it is, on random tokens after a BOS
token. It is scored at positions 1 .. T-1 (the BOS token at position 0 gives
itself away). There, the best a bidirectional probe can do is chance,
1 / (T - 1): its output at position i depends only on the token there and
on the multiset of all tokens, and because the random tokens are
exchangeable, that information has the same distribution at every one of
these positions, so no rule can be right more often than one guess in T - 1.

Shapes: B batch, T positions (the sequence length), C = n_embd channels.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from llmtriad.gpt import GPT, GPTConfig

BOS = 0  # the beginning-of-sequence token; random tokens are drawn from 1 .. vocab_size - 1


def position_probe(
    causal: bool, length: int, vocab_size: int = 32, n_layer: int = 1, n_head: int = 2, n_embd: int = 32
) -> GPT:
    """A GPT without position embeddings whose head predicts a position in 0 .. length - 1.

    The network is `GPT(GPTConfig(..., causal=causal, learned_positions=False))`;
    only the head changes: it maps each position's C channels to `length`
    scores, one per position, instead of to the vocabulary (so it is no
    longer tied to the token embedding).
    """
    if length < 2:
        raise ValueError(f"length must be at least 2 (a BOS token and one more), got {length}")
    if vocab_size < 2:
        raise ValueError(f"vocab_size must be at least 2 (BOS and one other token), got {vocab_size}")
    config = GPTConfig(
        vocab_size=vocab_size,
        block_size=length,
        n_layer=n_layer,
        n_head=n_head,
        n_embd=n_embd,
        causal=causal,
        learned_positions=False,
    )
    model = GPT(config)
    model.lm_head = nn.Linear(n_embd, length)  # (B, T, C) -> (B, T, length): untied from tok_emb
    return model


def random_sequences(batch: int, length: int, vocab_size: int, generator: torch.Generator, bos: bool = True) -> Tensor:
    """(batch, length) random token ids in 1 .. vocab_size - 1, with BOS at position 0 if `bos`."""
    if batch < 1 or length < 1:
        raise ValueError(f"batch and length must be positive, got {batch} and {length}")
    if vocab_size < 2:
        raise ValueError(f"vocab_size must be at least 2 (BOS and one other token), got {vocab_size}")
    tokens = torch.randint(1, vocab_size, (batch, length), generator=generator)  # (B, T), never BOS
    if bos:
        tokens[:, 0] = BOS
    return tokens


def train_position_probe(
    model: GPT, steps: int, batch: int, generator: torch.Generator, lr: float = 3e-3, bos: bool = True
) -> list[float]:
    """Train `model` (from `position_probe`) to name every position; returns the loss of each step.

    Every step draws a fresh batch from `generator`, so the probe never sees
    the same sequence twice: it cannot memorise, it can only learn a rule.
    The target at position t is t itself, for every t (the BOS position too).
    """
    if steps < 1 or batch < 1:
        raise ValueError(f"steps and batch must be positive, got {steps} and {batch}")
    length = model.config.block_size
    targets = torch.arange(length).expand(batch, length)  # (B, T): position t must answer t
    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    losses = []
    for _ in range(steps):
        tokens = random_sequences(batch, length, model.config.vocab_size, generator, bos)  # (B, T)
        logits = model(tokens)  # (B, T, length)
        loss = F.cross_entropy(logits.reshape(-1, length), targets.reshape(-1))
        optimiser.zero_grad()
        torch.autograd.backward(loss)  # loss.backward(), in the form mypy --strict can check
        optimiser.step()
        losses.append(loss.item())
    model.eval()
    return losses


@torch.no_grad()
def position_accuracy(model: GPT, tokens: Tensor) -> float:
    """The fraction of positions 1 .. T-1 of `tokens` (B, T) whose predicted position is right.

    Position 0 is left out: with a BOS token it is trivial for any model.
    Chance is 1 / (T - 1).
    """
    if tokens.dim() != 2 or tokens.shape[1] < 2:
        raise ValueError(f"tokens must be (B, T) with T >= 2, got shape {tuple(tokens.shape)}")
    predicted = model(tokens).argmax(dim=-1)  # (B, T): the position each token thinks it is at
    positions = torch.arange(tokens.shape[1], device=tokens.device)  # (T,)
    return float((predicted == positions)[:, 1:].float().mean().item())
