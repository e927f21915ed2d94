"""e13_llada_sampling: sampling a masked diffusion LM with low-confidence remasking.

Complete `remask_step` and `sample` below, then grade them:

    make grade                                     # every exercise
    .venv/bin/pytest exercises/e13_llada_sampling  # this one

Instructions and hints: exercises/e13_llada_sampling/README.md.

Shapes: B sequences of L tokens, a vocabulary of V; a prompt of P tokens.
"""

from __future__ import annotations

from collections.abc import Callable

import torch  # noqa: F401
from torch import Tensor

# A model for the sampler: token ids (B, L) in, logits (B, L, V) out.
ModelFn = Callable[[Tensor], Tensor]


def remask_step(x: Tensor, logits: Tensor, mask_id: int, k: int) -> Tensor:
    """One step of LLaDA's sampler: unmask the k most confident masked positions.

    Every masked position gets a prediction, the argmax of its logits, and a
    confidence, the softmax probability of that argmax. In each row only the
    k masked positions with the highest confidence take their prediction;
    the other masked positions stay masked. Tokens that are already unmasked
    never change.

    Args:
        x: (B, L) long, the current sequence; masked where x == mask_id.
        logits: (B, L, V) the model's output for x.
        mask_id: the id of the [MASK] token.
        k: how many tokens to unmask per row; a row with fewer masked
            positions unmasks all of them.

    Returns:
        x_new: (B, L) long.
    """
    # TODO(e13_llada_sampling): confidence and prediction per position, top-k among the masked ones.
    raise NotImplementedError("e13_llada_sampling: remask_step is not written yet")


def sample(
    model_fn: ModelFn,
    prompt: Tensor,
    answer_len: int,
    steps: int,
    mask_id: int,
    block_len: int | None = None,
) -> Tensor:
    """Generate answer_len tokens after the prompt with low-confidence remasking.

    Start from the prompt followed by answer_len masks. Each of the `steps`
    steps calls model_fn on the whole sequence and unmasks answer_len / steps
    tokens with `remask_step`. With block_len set, the answer is split into
    blocks of block_len tokens, generated left to right, steps / num_blocks
    steps each; only the current block may be unmasked.

    Args:
        model_fn: token ids (B, L) -> logits (B, L, V), with L = P + answer_len.
        prompt: (B, P) long, never changed.
        answer_len: the number of tokens to generate; divisible by steps.
        steps: the number of model calls; each unmasks answer_len / steps tokens.
        mask_id: the id of the [MASK] token.
        block_len: None for one block; otherwise the answer is generated in
            blocks of block_len tokens, left to right.

    Returns:
        (B, P + answer_len) long, with no mask left.
    """
    # TODO(e13_llada_sampling): check the divisibility, then loop over blocks and steps calling remask_step.
    raise NotImplementedError("e13_llada_sampling: sample is not written yet")
