"""Misconception: each sentinel is inserted before its span, but the span's tokens stay in the inputs too."""

import torch

from tests.exercise_variants.e11_t5_spans.wheat_1 import random_spans  # noqa: F401

CAUGHT_BY = "test_span_tokens_leave_the_inputs"


def span_corrupt(tokens, spans, sentinel_ids):
    inputs, targets, previous = [], [], 0
    for i, (start, length) in enumerate(spans):
        sentinel = tokens.new_tensor([sentinel_ids[i]])
        inputs += [tokens[previous:start], sentinel, tokens[start:start + length]]
        targets += [sentinel, tokens[start:start + length]]
        previous = start + length
    inputs.append(tokens[previous:])
    targets.append(tokens.new_tensor([sentinel_ids[len(spans)]]))
    return torch.cat(inputs), torch.cat(targets)
