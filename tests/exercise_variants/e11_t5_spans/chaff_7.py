"""Misconception: the spans are spread evenly at fixed places, with no randomness (the generator is unused)."""

from tests.exercise_variants.e11_t5_spans.wheat_1 import span_corrupt  # noqa: F401

CAUGHT_BY = "test_random_spans_move_with_the_seed"


def random_spans(length, noise_density, mean_span_length, generator):
    noise = min(max(round(length * noise_density), 1), length - 1)
    n_spans = min(max(round(noise / mean_span_length), 1), length - noise)
    sizes = [noise // n_spans + (1 if i < noise % n_spans else 0) for i in range(n_spans)]
    stride = length // n_spans
    return [(i * stride, size) for i, size in enumerate(sizes)]
