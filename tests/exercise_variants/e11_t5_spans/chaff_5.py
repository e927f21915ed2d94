"""Misconception: noise_density is read as the chance that a span starts at each position,
so the noise is about density x mean_span_length of the tokens instead of density."""

import torch

from tests.exercise_variants.e11_t5_spans.wheat_1 import span_corrupt  # noqa: F401

CAUGHT_BY = "test_random_spans_corrupt_the_asked_share"


def random_spans(length, noise_density, mean_span_length, generator):
    starts = torch.rand(length, generator=generator) < noise_density
    spans, position = [], 0
    for start in range(length):
        if starts[start] and start >= position:
            size = min(round(mean_span_length), length - start)
            spans.append((start, size))
            position = start + size
    if not spans:
        spans.append((0, 1))
    return spans
