"""Misconception: the same sentinel (the first one) replaces every span."""

import torch

from tests.exercise_variants.e11_t5_spans.wheat_1 import random_spans  # noqa: F401

CAUGHT_BY = "test_each_span_gets_its_own_sentinel"


def span_corrupt(tokens, spans, sentinel_ids):
    sentinel = tokens.new_tensor([sentinel_ids[0]])
    inputs, targets, previous = [], [], 0
    for start, length in spans:
        inputs += [tokens[previous:start], sentinel]
        targets += [sentinel, tokens[start:start + length]]
        previous = start + length
    inputs.append(tokens[previous:])
    targets.append(sentinel)
    return torch.cat(inputs), torch.cat(targets)
