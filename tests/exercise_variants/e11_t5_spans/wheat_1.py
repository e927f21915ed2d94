"""A correct solution written differently: a keep mask and Python lists for span_corrupt;
T5's own recipe for random_spans (kept and noise segments interleaved, kept first)."""

import random

import torch


def span_corrupt(tokens, spans, sentinel_ids):
    values = tokens.tolist()
    starts = {start: (i, length) for i, (start, length) in enumerate(spans)}
    inputs, targets = [], []
    position = 0
    while position < len(values):
        if position in starts:
            i, length = starts[position]
            inputs.append(int(sentinel_ids[i]))
            targets.append(int(sentinel_ids[i]))
            targets.extend(values[position:position + length])
            position += length
        else:
            inputs.append(values[position])
            position += 1
    targets.append(int(sentinel_ids[len(spans)]))
    return torch.tensor(inputs, dtype=tokens.dtype), torch.tensor(targets, dtype=tokens.dtype)


def _segments(rng, total, parts):
    """`parts` positive integers summing to `total`, from shuffled segment boundaries."""
    boundaries = [1] * (parts - 1) + [0] * (total - parts)
    rng.shuffle(boundaries)
    lengths, current = [], 1
    for b in boundaries:
        if b:
            lengths.append(current)
            current = 1
        else:
            current += 1
    lengths.append(current)
    return lengths


def random_spans(length, noise_density, mean_span_length, generator):
    rng = random.Random(int(torch.randint(2**62, (1,), generator=generator)))
    noise = min(max(round(length * noise_density), 1), length - 1)
    n_spans = min(max(round(noise / mean_span_length), 1), length - noise)
    kept = _segments(rng, length - noise, n_spans)
    noisy = _segments(rng, noise, n_spans)
    spans, position = [], 0
    for k, n in zip(kept, noisy):
        spans.append((position + k, n))
        position += k + n
    return spans
