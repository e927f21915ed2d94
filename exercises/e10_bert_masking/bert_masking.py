"""e10_bert_masking: BERT's masked-LM corruption.

Complete `mask_tokens` below, then grade it:

    make grade                                   # every exercise
    .venv/bin/pytest exercises/e10_bert_masking  # this one

Instructions and hints: exercises/e10_bert_masking/README.md.
"""

from __future__ import annotations

import torch
from torch import Tensor

# Label that torch.nn.functional.cross_entropy skips (its default ignore_index).
IGNORE_INDEX = -100


def mask_tokens(
    tokens: Tensor,
    mask_id: int,
    vocab_size: int,
    generator: torch.Generator,
    p: float = 0.15,
    special_mask: Tensor | None = None,
) -> tuple[Tensor, Tensor]:
    """BERT's masked-LM corruption of a batch of token ids.

    Args:
        tokens: (...) integer token ids, for example (B, T).
        mask_id: id of the [MASK] token.
        vocab_size: random replacements are drawn uniformly from [0, vocab_size).
        generator: the source of randomness (on the device of `tokens`), so
            that a seed reproduces the corruption. Pass it to every random call.
        p: probability that a position is chosen for prediction.
        special_mask: (...) bool, True at positions that must never be chosen
            ([CLS], [SEP], padding). None means every position may be chosen.

    Returns:
        inputs: (...) same dtype as `tokens`: the corrupted ids the model reads.
            Of the chosen positions, 80% hold mask_id, 10% a random id, 10%
            their own token; positions not chosen keep their token.
        labels: (...) same dtype: the original id at chosen positions,
            IGNORE_INDEX (-100) everywhere else.
    """
    # TODO(e10_bert_masking): choose positions, write the labels, then split the chosen 80/10/10.
    raise NotImplementedError("e10_bert_masking: mask_tokens is not written yet")
