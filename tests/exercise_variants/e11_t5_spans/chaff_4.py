"""Misconception: sentinel i is sentinel_ids[0] + i (counting up), but T5's sentinel ids count down."""

import torch

from tests.exercise_variants.e11_t5_spans.wheat_1 import random_spans  # noqa: F401

CAUGHT_BY = "test_each_span_gets_its_own_sentinel"


def span_corrupt(tokens, spans, sentinel_ids):
    inputs, targets, previous = [], [], 0
    for i, (start, length) in enumerate(spans):
        sentinel = tokens.new_tensor([sentinel_ids[0] + i])
        inputs += [tokens[previous:start], sentinel]
        targets += [sentinel, tokens[start:start + length]]
        previous = start + length
    inputs.append(tokens[previous:])
    targets.append(tokens.new_tensor([sentinel_ids[0] + len(spans)]))
    return torch.cat(inputs), torch.cat(targets)
