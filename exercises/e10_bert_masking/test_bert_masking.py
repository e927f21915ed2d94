"""Tests for e10_bert_masking. Oracles: the rule of BERT (Devlin et al., 2018,
arXiv:1810.04805, section 3.1 and appendix A.1) checked exactly where it is
exact (labels, unchosen and special positions) and statistically where it is
random (15% chosen; of those 80% [MASK], 10% random, 10% unchanged), on
200,000 tokens with fixed seeds. The tolerances are 5 to 6 standard errors wide.
"""

from __future__ import annotations

import pytest
import torch

IGNORE = -100
VOCAB = 1000
MASK_ID = 3
SHAPE = (200, 1000)  # 200k tokens


def sample_tokens(shape=SHAPE, seed: int = 0, dtype=torch.long) -> torch.Tensor:
    """Ordinary ids in [5, VOCAB): never MASK_ID, as in real text."""
    return torch.randint(5, VOCAB, shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


def corrupt(solution, tokens, seed: int = 1, **kwargs):
    call = f"mask_tokens(tokens of shape {tuple(tokens.shape)}, mask_id={MASK_ID}, vocab_size={VOCAB}, generator seeded {seed}" + \
        "".join(f", {k}={'<tensor>' if isinstance(v, torch.Tensor) else v}" for k, v in kwargs.items()) + ")"
    result = solution.mask_tokens(tokens, MASK_ID, VOCAB, torch.Generator().manual_seed(seed), **kwargs)
    assert isinstance(result, tuple) and len(result) == 2, f"{call} must return a pair (inputs, labels)"
    inputs, labels = result
    for name, t in (("inputs", inputs), ("labels", labels)):
        assert isinstance(t, torch.Tensor), f"{call}: {name} is {type(t).__name__}, expected a torch.Tensor"
        assert t.shape == tokens.shape, f"{call}: {name} has shape {tuple(t.shape)}, expected {tuple(tokens.shape)}"
    return inputs, labels, call


def check_fraction(value: float, expected: float, tolerance: float, what: str, call: str) -> None:
    __tracebackhide__ = True
    assert abs(value - expected) <= tolerance, (
        f"{call}: {what} is {value:.4f}, expected {expected:.4f} +- {tolerance}"
    )


@pytest.mark.parametrize("p", [0.15, 0.3])
def test_chooses_about_p_of_the_positions(solution, p: float) -> None:
    tokens = sample_tokens()
    _, labels, call = corrupt(solution, tokens, p=p)
    chosen = labels != IGNORE
    check_fraction(chosen.double().mean().item(), p, 0.005, "the fraction of chosen positions (label != -100)", call)


def test_labels_hold_the_original_only_where_chosen(solution) -> None:
    tokens = sample_tokens()
    inputs, labels, call = corrupt(solution, tokens)
    labelled = labels != IGNORE
    wrong = labelled & (labels != tokens)
    assert not wrong.any(), (
        f"{call}: at {wrong.nonzero()[0].tolist()} the label is {labels[wrong][0].item()}, "
        f"expected the original token {tokens[wrong][0].item()} (or -100)"
    )
    check_fraction(1 - labelled.double().mean().item(), 0.85, 0.005, "the fraction of labels equal to -100", call)
    changed_but_ignored = (inputs != tokens) & ~labelled
    assert not changed_but_ignored.any(), (
        f"{call}: the input changed at {changed_but_ignored.nonzero()[0].tolist()} but its label is -100; "
        "every corrupted position must carry its original token as label"
    )


def test_unchosen_positions_keep_their_tokens(solution) -> None:
    tokens = sample_tokens()
    inputs, labels, call = corrupt(solution, tokens)
    changed = (labels == IGNORE) & (inputs != tokens)
    assert not changed.any(), (
        f"{call}: {changed.sum().item()} positions with label -100 changed their input, e.g. at "
        f"{changed.nonzero()[0].tolist()}: {tokens[changed][0].item()} -> {inputs[changed][0].item()}"
    )


def test_most_chosen_positions_become_mask(solution) -> None:
    tokens = sample_tokens()
    inputs, labels, call = corrupt(solution, tokens)
    chosen = labels != IGNORE
    masked = (inputs[chosen] == MASK_ID).double().mean().item()
    check_fraction(masked, 0.8, 0.015, "the fraction of chosen positions that hold mask_id", call)


def test_the_rest_split_between_random_and_unchanged(solution) -> None:
    tokens = sample_tokens()
    inputs, labels, call = corrupt(solution, tokens)
    chosen = labels != IGNORE
    new, old = inputs[chosen], tokens[chosen]
    # A random id equals the original with probability 1 / VOCAB, and MASK_ID with 1 / VOCAB.
    check_fraction((new == old).double().mean().item(), 0.1 + 0.1 / VOCAB, 0.015,
                   "the fraction of chosen positions that kept their token", call)
    check_fraction(((new != old) & (new != MASK_ID)).double().mean().item(), 0.1 - 0.2 / VOCAB, 0.015,
                   "the fraction of chosen positions that got another, random token", call)


def test_random_replacements_are_uniform_over_the_vocab(solution) -> None:
    vocab, mask_id, same = 50, 0, 7
    tokens = torch.full((400, 500), same)  # every token is 7: anything else but [MASK] is a random draw
    call = f"mask_tokens(tokens=full((400, 500), 7), mask_id=0, vocab_size=50, generator seeded 2)"
    inputs, _ = solution.mask_tokens(tokens, mask_id, vocab, torch.Generator().manual_seed(2))
    drawn = inputs[(inputs != same) & (inputs != mask_id)]
    outside = drawn[(drawn < 0) | (drawn >= vocab)]
    assert outside.numel() == 0, f"{call} put ids {outside[:5].tolist()} outside [0, 50)"
    # About 2,800 draws over 48 visible ids: each should appear about 58 times.
    expected_ids = set(range(1, vocab)) - {same}
    missing = sorted(expected_ids - set(drawn.tolist()))
    assert not missing, f"{call}: random replacements never used ids {missing[:10]}, expected every id of the vocabulary"
    mean = sum(expected_ids) / len(expected_ids)  # 1218 / 47 = 25.9
    check_fraction(drawn.double().mean().item(), mean, 1.5, "the mean of the random replacement ids", call)


def test_special_tokens_are_never_chosen(solution) -> None:
    tokens = sample_tokens()
    special = torch.zeros(SHAPE, dtype=torch.bool)
    special[:, 0] = special[:, -1] = True  # [CLS] ... [SEP]
    special[::2, -300:] = True  # padding at the end of every other row
    inputs, labels, call = corrupt(solution, tokens, special_mask=special)
    touched = special & ((labels != IGNORE) | (inputs != tokens))
    assert not touched.any(), (
        f"{call}: special position {touched.nonzero()[0].tolist()} was chosen "
        f"(label {labels[touched][0].item()}, input {inputs[touched][0].item()}); expected label -100 and no change"
    )
    chosen_ordinary = (labels != IGNORE)[~special].double().mean().item()
    check_fraction(chosen_ordinary, 0.15, 0.006, "the fraction of ordinary (non-special) positions chosen", call)


def test_same_seed_gives_same_corruption(solution) -> None:
    tokens = sample_tokens((8, 64))
    first_inputs, first_labels, call = corrupt(solution, tokens, seed=5)
    torch.rand(10)  # move the global random state: it must not matter
    again_inputs, again_labels, _ = corrupt(solution, tokens, seed=5)
    assert torch.equal(first_inputs, again_inputs) and torch.equal(first_labels, again_labels), (
        f"{call} gave different results for two generators with the same seed"
    )
    other_inputs, _, _ = corrupt(solution, tokens, seed=6)
    assert not torch.equal(first_inputs, other_inputs), f"{call} gave the same result for seeds 5 and 6"


@pytest.mark.parametrize(("shape", "dtype"), [((64,), torch.long), ((4, 32), torch.int32), ((2, 3, 16), torch.long)])
def test_keeps_shape_and_dtype(solution, shape, dtype) -> None:
    tokens = sample_tokens(shape, dtype=dtype)
    inputs, labels, call = corrupt(solution, tokens, p=0.5)
    assert inputs.dtype == dtype and labels.dtype == dtype, (
        f"{call}: returned dtypes {inputs.dtype} and {labels.dtype}, expected {dtype} for both"
    )


def test_p_zero_and_one(solution) -> None:
    tokens = sample_tokens((16, 64))
    inputs, labels, call = corrupt(solution, tokens, p=0.0)
    assert torch.equal(inputs, tokens) and (labels == IGNORE).all(), f"{call} changed tokens or set labels; expected nothing chosen"
    inputs, labels, call = corrupt(solution, tokens, p=1.0)
    assert torch.equal(labels, tokens), f"{call}: some labels are -100, expected every position chosen"
