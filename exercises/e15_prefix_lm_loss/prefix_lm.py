"""e15_prefix_lm_loss: the prefix-LM loss, next-token cross-entropy on the targets only.

Complete `target_mask` and `prefix_lm_loss`, then grade them:

    make grade                                     # every exercise
    .venv/bin/pytest exercises/e15_prefix_lm_loss  # this one

Instructions and hints: exercises/e15_prefix_lm_loss/README.md.

Shapes: B sequences, padded to T tokens, a vocabulary of V. Sequence b has
P_b prompt tokens, then targets up to its n_b real tokens, then padding:

    position      0    1    2    3    4    5
    tokens        A    B    C    D    pad  pad      prompt A B, target C D
    logits[i]     ->B  ->C  ->D  ->pad ...          (prediction for token i + 1)
    scored token            C    D                  P_b = 2 <= j < n_b = 4
"""

from __future__ import annotations

import torch  # noqa: F401
import torch.nn.functional as F  # noqa: F401  (you will probably need it)
from torch import Tensor


def target_mask(prompt_lens: Tensor, lengths: Tensor, max_len: int) -> Tensor:
    """The tokens a prefix-LM loss scores: the targets, neither prompt nor padding.

    Token j of sequence b is a target when P_b <= j < n_b.

    Args:
        prompt_lens: (B,) integer, P_b, each at least 1 and at most n_b.
        lengths: (B,) integer, n_b, the real tokens of each sequence, at most
            max_len.
        max_len: T, the padded length.
        Anything else (shapes that differ, P_b < 1, P_b > n_b, n_b > T)
        raises ValueError.

    Returns:
        (B, T) boolean, over the token positions (not the logits).
    """
    # TODO(e15_prefix_lm_loss): check the lengths, then compare positions (a row) with P_b and n_b (a column).
    raise NotImplementedError("e15_prefix_lm_loss: target_mask is not written yet")


def prefix_lm_loss(logits: Tensor, tokens: Tensor, prompt_lens: Tensor, lengths: Tensor) -> Tensor:
    """Next-token cross-entropy on the target tokens only, averaged over them.

        loss = 1 / N * sum over b, targets j of  CE(logits[b, j - 1], tokens[b, j])

    where the targets are P_b <= j < n_b and N is their number in the whole batch.

    Args:
        logits: (B, T, V), logits[b, i] predicts tokens[b, i + 1].
        tokens: (B, T) long, right-padded (any id at the padding).
        prompt_lens: (B,) integer, P_b >= 1.
        lengths: (B,) integer, n_b, with P_b <= n_b <= T.

    Returns:
        A scalar (0-dim) tensor. Shapes that do not fit, or a batch with no
        target token at all, raise ValueError.
    """
    # TODO(e15_prefix_lm_loss): shift by one (logits[:, :-1] against tokens[:, 1:]), keep the targets, average.
    raise NotImplementedError("e15_prefix_lm_loss: prefix_lm_loss is not written yet")
