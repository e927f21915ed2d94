"""Misconception: all the noise tokens form one contiguous span (mean_span_length is ignored)."""

import torch

from tests.exercise_variants.e11_t5_spans.wheat_1 import span_corrupt  # noqa: F401

CAUGHT_BY = "test_random_spans_split_into_the_asked_number"


def random_spans(length, noise_density, mean_span_length, generator):
    noise = min(max(round(length * noise_density), 1), length - 1)
    start = int(torch.randint(length - noise + 1, (1,), generator=generator))
    return [(start, noise)]
