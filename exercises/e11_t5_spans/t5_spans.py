"""e11_t5_spans: T5 span corruption with sentinels.

Complete `span_corrupt` and `random_spans` below, then grade them:

    make grade                               # every exercise
    .venv/bin/pytest exercises/e11_t5_spans  # this one

Instructions and hints: exercises/e11_t5_spans/README.md.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor


def span_corrupt(
    tokens: Tensor,
    spans: Sequence[tuple[int, int]],
    sentinel_ids: Sequence[int],
) -> tuple[Tensor, Tensor]:
    """Replace each span of one sequence by a sentinel; return (inputs, targets).

    Args:
        tokens: (T,) token ids of one sequence.
        spans: (start, length) pairs, sorted, non-overlapping, length >= 1.
        sentinel_ids: ids of the sentinel tokens, in order of use: span i gets
            sentinel_ids[i], and sentinel_ids[len(spans)] closes the targets.
            (T5's <extra_id_0>, <extra_id_1>, ... are 32099, 32098, ...:
            take the list as given, do not count up from the first id.)

    Returns:
        inputs: (T - noise + n_spans,) the sequence with each span replaced by its sentinel.
        targets: (noise + n_spans + 1,) sentinel_0, span 0's tokens, sentinel_1,
            span 1's tokens, ..., then the next sentinel.
        Both keep the dtype of `tokens`.
    """
    # TODO(e11_t5_spans): walk through the spans; kept tokens and sentinels go to inputs, sentinels and span tokens to targets.
    raise NotImplementedError("e11_t5_spans: span_corrupt is not written yet")


def random_spans(
    length: int,
    noise_density: float,
    mean_span_length: float,
    generator: torch.Generator,
) -> list[tuple[int, int]]:
    """Choose T5-style noise spans for a sequence of `length` tokens.

    About round(length * noise_density) tokens are corrupted (at least 1,
    and at least one token is kept), split into about
    round(noise / mean_span_length) spans (at least 1), at random places.
    Take every random number from `generator`.

    Returns:
        (start, length) pairs, sorted, disjoint, inside [0, length), each
        length >= 1 (T5 uses noise_density 0.15 and mean_span_length 3).
    """
    # TODO(e11_t5_spans): fix the noise and span counts, then draw the span lengths and the gaps between spans.
    raise NotImplementedError("e11_t5_spans: random_spans is not written yet")
