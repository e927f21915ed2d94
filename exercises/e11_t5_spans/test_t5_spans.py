"""Tests for e11_t5_spans. Oracles: the worked example of the T5 paper
(Raffel et al., 2019, arXiv:1910.10683, Figure 2), the length formulas that
follow from the rule, a property (inputs and targets together give back the
original), and counts of random spans over fixed seeds.
"""

from __future__ import annotations

import pytest
import torch

# T5's sentinels <extra_id_0>, <extra_id_1>, ... have ids counting DOWN from 32099.
SENTINELS = [32099 - i for i in range(100)]

WORDS = "Thank you for inviting me to your party last week .".split()
VOCAB = {word: 1000 + i for i, word in enumerate(WORDS)}  # arbitrary ids, far from the sentinels
NAMES = {**{v: k for k, v in VOCAB.items()}, SENTINELS[0]: "<X>", SENTINELS[1]: "<Y>", SENTINELS[2]: "<Z>"}


def ids(text: str) -> torch.Tensor:
    reverse = {name: i for i, name in NAMES.items()}
    return torch.tensor([reverse[w] for w in text.split()])


def words(t) -> str:
    return " ".join(NAMES.get(i, str(i)) for i in t.tolist()) if isinstance(t, torch.Tensor) else repr(t)


def corrupt(solution, tokens, spans, sentinels=SENTINELS):
    call = f"span_corrupt(tokens of length {len(tokens)}, spans={spans}, sentinel_ids=[32099, 32098, ...])"
    result = solution.span_corrupt(tokens, spans, sentinels)
    assert isinstance(result, tuple) and len(result) == 2, f"{call} must return a pair (inputs, targets)"
    for name, t in zip(("inputs", "targets"), result):
        assert isinstance(t, torch.Tensor) and t.dim() == 1, f"{call}: {name} must be a 1-D tensor, got {t!r}"
    return (*result, call)


def rebuild(inputs: torch.Tensor, targets: torch.Tensor) -> list[int]:
    """Undo the corruption: put back, in place of each sentinel, the tokens that follow it in targets."""
    sentinels = set(SENTINELS)
    hidden: dict[int, list[int]] = {}
    current = None
    for t in targets.tolist():
        if t in sentinels:
            current = t
            hidden[t] = []
        else:
            assert current is not None, "targets must start with a sentinel"
            hidden[current].append(t)
    out: list[int] = []
    for t in inputs.tolist():
        out.extend(hidden.get(t, [t]) if t in sentinels else [t])
    return out


# A sequence of 20 distinct ids, and span sets to cut out of it.
SEQUENCE = torch.arange(100, 120)
SPAN_SETS = [
    [(3, 2)],
    [(0, 3), (10, 1), (15, 2)],  # a span at the very start
    [(4, 5), (17, 3)],  # a span at the very end
    [(1, 1), (2, 2), (9, 4)],  # two spans that touch
]


def test_paper_example(solution) -> None:
    tokens = ids("Thank you for inviting me to your party last week .")
    inputs, targets, call = corrupt(solution, tokens, [(2, 2), (8, 1)])
    expected_inputs = ids("Thank you <X> me to your party <Y> week .")
    expected_targets = ids("<X> for inviting <Y> last <Z>")
    assert torch.equal(inputs, expected_inputs), f"{call}: inputs are '{words(inputs)}', expected '{words(expected_inputs)}'"
    assert torch.equal(targets, expected_targets), f"{call}: targets are '{words(targets)}', expected '{words(expected_targets)}'"


@pytest.mark.parametrize("spans", SPAN_SETS)
def test_span_tokens_leave_the_inputs(solution, spans) -> None:
    inputs, _, call = corrupt(solution, SEQUENCE, spans)
    noise = sum(length for _, length in spans)
    expected = len(SEQUENCE) - noise + len(spans)
    assert len(inputs) == expected, f"{call}: inputs have {len(inputs)} tokens, expected 20 - {noise} + {len(spans)} = {expected}"
    hidden = {100 + i for start, length in spans for i in range(start, start + length)}
    leaked = sorted(hidden & set(inputs.tolist()))
    assert not leaked, f"{call}: inputs {inputs.tolist()} still contain span tokens {leaked}"


@pytest.mark.parametrize("spans", SPAN_SETS)
def test_each_span_gets_its_own_sentinel(solution, spans) -> None:
    inputs, targets, call = corrupt(solution, SEQUENCE, spans)
    n = len(spans)
    in_inputs = [t for t in inputs.tolist() if t >= 32000]
    in_targets = [t for t in targets.tolist() if t >= 32000]
    assert in_inputs == SENTINELS[:n], f"{call}: sentinels in inputs are {in_inputs}, expected {SENTINELS[:n]}"
    assert in_targets[:n] == SENTINELS[:n], f"{call}: sentinels in targets are {in_targets}, expected {SENTINELS[:n + 1]}"


@pytest.mark.parametrize("spans", [[], *SPAN_SETS])
def test_targets_end_with_the_next_sentinel(solution, spans) -> None:
    _, targets, call = corrupt(solution, SEQUENCE, spans)
    noise = sum(length for _, length in spans)
    expected = noise + len(spans) + 1
    assert len(targets) == expected, f"{call}: targets {targets.tolist()} have {len(targets)} tokens, expected {expected}"
    assert targets[-1].item() == SENTINELS[len(spans)], (
        f"{call}: targets end with {targets[-1].item()}, expected the sentinel {SENTINELS[len(spans)]}"
    )


@pytest.mark.parametrize("seed", range(6))
def test_original_can_be_rebuilt(solution, seed: int) -> None:
    g = torch.Generator().manual_seed(seed)
    tokens = torch.randint(0, 1000, (30,), generator=g)
    noisy = (torch.rand(30, generator=g) < 0.3).tolist()
    spans, start = [], None  # runs of noisy positions, as (start, length)
    for i, flag in enumerate([*noisy, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            spans.append((start, i - start))
            start = None
    inputs, targets, call = corrupt(solution, tokens, spans)
    got = rebuild(inputs, targets)
    assert got == tokens.tolist(), f"{call}: rebuilt {got}, expected the original {tokens.tolist()}"


def test_keeps_dtype(solution) -> None:
    tokens = SEQUENCE.to(torch.int32)
    inputs, targets, call = corrupt(solution, tokens, [(2, 3), (10, 2)])
    assert inputs.dtype == torch.int32 and targets.dtype == torch.int32, (
        f"{call} with int32 tokens returned {inputs.dtype} and {targets.dtype}, expected torch.int32"
    )


# (length, noise_density, mean_span_length)
CONFIGS = [(5, 0.15, 3), (20, 0.15, 3), (64, 0.15, 3), (100, 0.5, 1), (512, 0.15, 3), (512, 0.3, 8)]
SEEDS = range(15)


def draw(solution, length, density, mean, seed):
    call = f"random_spans({length}, {density}, {mean}, generator seeded {seed})"
    spans = solution.random_spans(length, density, mean, torch.Generator().manual_seed(seed))
    spans = [tuple(int(x) for x in span) for span in spans]
    return spans, call


@pytest.mark.parametrize("config", CONFIGS)
def test_random_spans_are_sorted_disjoint_inside(solution, config) -> None:
    length = config[0]
    for seed in SEEDS:
        spans, call = draw(solution, *config, seed)
        assert spans, f"{call} returned no span"
        end = 0
        for start, size in spans:
            assert size >= 1 and start >= end and start + size <= length, (
                f"{call} returned {spans}: span {(start, size)} is empty, overlaps the previous one, "
                f"or runs past {length}"
            )
            end = start + size


@pytest.mark.parametrize("config", CONFIGS)
def test_random_spans_corrupt_the_asked_share(solution, config) -> None:
    length, density, _ = config
    wanted = max(round(length * density), 1)
    for seed in SEEDS:
        spans, call = draw(solution, *config, seed)
        noise = sum(size for _, size in spans)
        assert abs(noise - wanted) <= 1, f"{call} returned {spans}: {noise} noise tokens, expected {wanted} +- 1"


@pytest.mark.parametrize("config", CONFIGS)
def test_random_spans_split_into_the_asked_number(solution, config) -> None:
    length, density, mean = config
    wanted = max(round(max(round(length * density), 1) / mean), 1)
    for seed in SEEDS:
        spans, call = draw(solution, *config, seed)
        assert abs(len(spans) - wanted) <= 1, f"{call} returned {len(spans)} spans {spans}, expected {wanted} +- 1"


def test_random_spans_move_with_the_seed(solution) -> None:
    length, seeds = 64, 300
    first, call = draw(solution, length, 0.15, 3, 0)
    torch.rand(10)  # move the global random state: it must not matter
    again, _ = draw(solution, length, 0.15, 3, 0)
    assert first == again, f"{call} returned {first}, then {again} for the same seed"
    hits = [0] * length
    for seed in range(seeds):
        for start, size in draw(solution, length, 0.15, 3, seed)[0]:
            for i in range(start, start + size):
                hits[i] += 1
    # 10 of 64 tokens are noise: about 0.16 per position; the middle half must be near that.
    share = [h / seeds for h in hits[length // 4: 3 * length // 4]]
    assert min(share) >= 0.05 and max(share) <= 0.3, (
        f"random_spans(64, 0.15, 3) over seeds 0..299 corrupted positions 16..47 with frequencies "
        f"from {min(share):.2f} to {max(share):.2f}, expected each near 0.16 (between 0.05 and 0.3)"
    )
