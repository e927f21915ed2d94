"""Training objectives: which tokens a language-model loss scores.

A causal LM (GPT) and a prefix LM (UniLM, T5's prefix-LM decoder) both learn
by next-token prediction, and they differ in which predictions count. A
causal LM is scored on every token after the first. A prefix LM reads its
prefix (the prompt) bidirectionally, so a prefix token has already seen the
prefix tokens after it: predicting them would be trivial, and only the target
tokens (the text after the prompt) are scored.

The shift. A decoder's output at position i has seen tokens 0 .. i, so
logits[b, i] is its prediction for tokens[b, i + 1]:

    position      0    1    2    3    4    5
    tokens        A    B    C    D    pad  pad      prompt A B, target C D
    logits[i]     ->B  ->C  ->D  ->pad ...          (prediction for token i + 1)
    scored token            C    D                  P_b = 2 <= j < n_b = 4

Token 0 is never predicted (nothing comes before it), and the last logit
predicts nothing. Token j is scored when it is a target, P_b <= j < n_b
(P_b prompt tokens, n_b real tokens, the rest padding), and the logit that
scores it is logits[b, j - 1]: the first target token is predicted from the
last prompt position. The loss is the mean cross-entropy over the scored
tokens of the whole batch, so every target token weighs the same, whatever
the length of its sequence.

Sources: Dong et al., "Unified Language Model Pre-training for Natural
Language Understanding and Generation" (UniLM), 2019, arXiv:1905.03197;
Raffel et al., "Exploring the Limits of Transfer Learning with a Unified
Text-to-Text Transformer" (T5), 2019, arXiv:1910.10683, section 3.2.

Shapes:
    B  batch size (sequences)
    T  padded sequence length
    V  vocabulary size
    tokens: (B, T) long, right-padded; logits: (B, T, V)
    prompt_lens, lengths: (B,) integer, P_b and n_b
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

# --- e15: the prefix-LM loss ---------------------------------------------------


# --8<-- [start:target-mask]
def target_mask(prompt_lens: Tensor, lengths: Tensor, max_len: int) -> Tensor:
    """The tokens a prefix-LM loss scores: the targets, neither prompt nor padding.

    Token j of sequence b is a target when P_b <= j < n_b: after the P_b
    prompt tokens and before the padding that follows the n_b real tokens.

    Args:
        prompt_lens: (B,) integer, P_b, each at least 1 (token 0 has no
            prediction, so the prompt holds at least a start token) and at
            most n_b (P_b = n_b: a sequence with no target).
        lengths: (B,) integer, n_b, the real tokens of each sequence, at most
            max_len.
        max_len: T, the padded length.

    Returns:
        (B, T) boolean, over the token positions (not the logits).
    """
    if prompt_lens.dim() != 1 or prompt_lens.shape != lengths.shape:
        raise ValueError(f"prompt_lens {tuple(prompt_lens.shape)} and lengths {tuple(lengths.shape)} must both be (B,)")
    if prompt_lens.is_floating_point() or lengths.is_floating_point():
        raise ValueError("prompt_lens and lengths must be integer tensors")
    if ((prompt_lens < 1) | (prompt_lens > lengths) | (lengths > max_len)).any():
        raise ValueError(
            f"need 1 <= prompt_lens <= lengths <= max_len={max_len}, got prompt_lens {prompt_lens.tolist()} "
            f"and lengths {lengths.tolist()}"
        )
    j = torch.arange(max_len, device=lengths.device).unsqueeze(0)  # (1, T) token positions
    after_prompt = j >= prompt_lens.unsqueeze(1)  # (B, T)
    before_padding = j < lengths.unsqueeze(1)  # (B, T)
    return after_prompt & before_padding  # (B, T)


# --8<-- [end:target-mask]


# --8<-- [start:prefix-lm-loss]
def prefix_lm_loss(logits: Tensor, tokens: Tensor, prompt_lens: Tensor, lengths: Tensor) -> Tensor:
    """Next-token cross-entropy on the target tokens only, averaged over them.

        loss = 1 / N * sum over b, targets j of  CE(logits[b, j - 1], tokens[b, j])

    where the targets are P_b <= j < n_b and N is their number in the whole
    batch. Prompt and padding tokens are never scored; the logits that
    predict them (positions 0 .. P_b - 2, and n_b - 1 onwards) do not count.

    Args:
        logits: (B, T, V), logits[b, i] predicts tokens[b, i + 1].
        tokens: (B, T) long, right-padded (any id at the padding).
        prompt_lens: (B,) integer, P_b >= 1.
        lengths: (B,) integer, n_b, with P_b <= n_b <= T.

    Returns:
        A scalar (0-dim) tensor. A batch with no target token at all raises
        ValueError: a mean over no token is undefined.
    """
    if logits.dim() != 3 or tokens.shape != logits.shape[:2]:
        raise ValueError(f"logits {tuple(logits.shape)} must be (B, T, V) for tokens {tuple(tokens.shape)} (B, T)")
    if prompt_lens.shape != (tokens.shape[0],):
        raise ValueError(f"prompt_lens must be (B,) = ({tokens.shape[0]},), got {tuple(prompt_lens.shape)}")
    scored = target_mask(prompt_lens, lengths, tokens.shape[1])  # (B, T), over the tokens
    if not scored.any():
        raise ValueError("no target token in the batch: every sequence is all prompt (prompt_lens == lengths)")

    # The shift: the prediction at i is for token i + 1. Drop the last logit
    # (nothing follows it) and token 0 (nothing predicts it); the two then line up.
    predictions = logits[:, :-1]  # (B, T - 1, V): predictions for tokens 1 .. T - 1
    targets = tokens[:, 1:]  # (B, T - 1)
    keep = scored[:, 1:]  # (B, T - 1): is targets[b, i] a target token?

    # Boolean indexing picks the N scored tokens of the whole batch; the mean is over them.
    return F.cross_entropy(predictions[keep], targets[keep])


# --8<-- [end:prefix-lm-loss]
