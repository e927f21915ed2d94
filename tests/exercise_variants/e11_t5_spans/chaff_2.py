"""Misconception: the targets stop after the last span's tokens; the closing sentinel is missing."""

import torch

from tests.exercise_variants.e11_t5_spans.wheat_1 import random_spans  # noqa: F401

CAUGHT_BY = "test_targets_end_with_the_next_sentinel"


def span_corrupt(tokens, spans, sentinel_ids):
    inputs, targets, previous = [], [], 0
    for i, (start, length) in enumerate(spans):
        sentinel = tokens.new_tensor([sentinel_ids[i]])
        inputs += [tokens[previous:start], sentinel]
        targets += [sentinel, tokens[start:start + length]]
        previous = start + length
    inputs.append(tokens[previous:])
    return torch.cat(inputs), torch.cat(targets) if targets else tokens.new_empty(0)
