"""Tests for e13_llada_sampling.

Oracles: small cases worked out by hand (softmax probabilities written in
the comments), properties checked against confidences computed here with
torch.softmax, and a fake deterministic model whose inputs are recorded, so
that the order in which the sampler unmasks positions can be predicted in
closed form.
"""

from __future__ import annotations

import pytest
import torch

M = 9  # the mask id in the remask_step tests; predicted tokens are 0..V-1 < M


def logits_for(x: torch.Tensor, vocab: int, g: torch.Generator) -> torch.Tensor:
    """Random logits (B, L, V); at unmasked positions the model is very sure of a token other than x.

    Overwriting unmasked tokens, or ranking them together with the masked
    ones, then shows in the result.
    """
    logits = torch.randn(*x.shape, vocab, generator=g)
    other = (x.clamp(max=vocab - 1) + 1) % vocab  # (B, L)
    boost = torch.zeros_like(logits).scatter(-1, other[..., None], 10.0)
    return torch.where((x == M)[..., None], logits, logits + boost)


def random_step_case(batch: int, length: int, vocab: int, seed: int, min_masks: int = 0):
    """Random tokens, about half of them masked (at least the first min_masks of each row), and their logits."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randint(0, vocab, (batch, length), generator=g)
    masked = torch.rand(batch, length, generator=g) < 0.5
    masked[:, :min_masks] = True
    x = x.masked_fill(masked, M)
    return x, logits_for(x, vocab, g)


# --- remask_step ------------------------------------------------------------------


def test_keeps_the_most_confident(solution) -> None:
    x = torch.tensor([[2, M, M, 1, M]])
    logits = torch.tensor([[
        [0.0, 0.0, 8.0, 0.0],  # unmasked
        [0.0, 3.0, 0.0, 0.0],  # masked: predicts 1 with p = e^3 / (e^3 + 3) = 0.870
        [1.0, 0.0, 0.0, 0.0],  # masked: predicts 0 with p = e / (e + 3) = 0.475
        [0.0, 0.0, 0.0, 8.0],  # unmasked
        [0.0, 0.0, 2.0, 0.0],  # masked: predicts 2 with p = e^2 / (e^2 + 3) = 0.711
    ]])
    expected = torch.tensor([[2, 1, M, 1, 2]])  # k = 2: positions 1 and 4
    out = solution.remask_step(x, logits, M, 2)
    assert isinstance(out, torch.Tensor) and torch.equal(out, expected), (
        f"remask_step(x={x.tolist()}, logits, mask_id={M}, k=2) returned {out.tolist() if isinstance(out, torch.Tensor) else out}, "
        f"expected {expected.tolist()} (confidences 0.870, 0.475, 0.711 at positions 1, 2, 4)"
    )


def test_confidence_is_the_softmax_probability(solution) -> None:
    x = torch.tensor([[M, M]])
    logits = torch.tensor([[
        [4.0, 4.0, 0.0, 0.0],  # largest logit 4, but p = e^4 / (2 e^4 + 2) = 0.491
        [3.0, 0.0, 0.0, 0.0],  # logit 3, p = e^3 / (e^3 + 3) = 0.870
    ]])
    expected = torch.tensor([[M, 0]])
    out = solution.remask_step(x, logits, M, 1)
    assert isinstance(out, torch.Tensor) and torch.equal(out, expected), (
        f"remask_step(x=[[M, M]], logits, k=1) returned {out.tolist() if isinstance(out, torch.Tensor) else out}, "
        f"expected {expected.tolist()}: position 1 is the more confident (0.870 against 0.491)"
    )


def test_unmasked_tokens_never_change(solution) -> None:
    x, logits = random_step_case(3, 16, 6, seed=0, min_masks=3)
    out = solution.remask_step(x, logits, M, 3)
    kept = x != M
    assert isinstance(out, torch.Tensor) and out.shape == x.shape, "remask_step must return a (B, L) tensor like x"
    changed = (out[kept] != x[kept]).sum().item()
    assert changed == 0, f"remask_step(x with {kept.sum().item()} unmasked tokens, k=3) changed {changed} of them"


def test_exactly_k_new_tokens_per_row(solution) -> None:
    x, logits = random_step_case(4, 20, 7, seed=1, min_masks=4)
    k = 4
    out = solution.remask_step(x, logits, M, k)
    was_masked = x == M
    new = was_masked & (out != M)
    for b in range(4):
        assert new[b].sum().item() == k, (
            f"remask_step(x, logits, k={k}) unmasked {new[b].sum().item()} tokens in row {b} "
            f"(which had {was_masked[b].sum().item()} masks), expected exactly {k}"
        )
    argmax = logits.argmax(dim=-1)
    assert torch.equal(out[new], argmax[new]), "remask_step put a token other than the argmax of the logits"


def test_unmasks_the_most_confident_in_each_row(solution) -> None:
    x, logits = random_step_case(4, 20, 7, seed=2, min_masks=5)
    out = solution.remask_step(x, logits, M, 3)
    confidence = torch.softmax(logits, dim=-1).amax(dim=-1)
    for b in range(4):
        new = (x[b] == M) & (out[b] != M)
        still = (x[b] == M) & (out[b] == M)
        assert new.any(), f"remask_step(x, logits, k=3) unmasked nothing in row {b}"
        lowest_new, highest_left = confidence[b][new].min().item(), confidence[b][still].max().item()
        assert lowest_new > highest_left, (
            f"remask_step(x, logits, k=3), row {b}: unmasked a position of confidence {lowest_new:.3f} "
            f"but left one of confidence {highest_left:.3f} masked"
        )


@pytest.mark.parametrize("k", [4, 10])
def test_k_larger_than_the_number_of_masks(solution, k) -> None:
    x = torch.tensor([[3, M, 1, M, 0], [M, 2, 2, 2, 1]])
    logits = logits_for(x, 4, torch.Generator().manual_seed(3))
    expected = torch.where(x == M, logits.argmax(dim=-1), x)
    out = solution.remask_step(x, logits, M, k)
    assert isinstance(out, torch.Tensor) and torch.equal(out, expected), (
        f"remask_step(x={x.tolist()}, logits, k={k}) returned {out.tolist() if isinstance(out, torch.Tensor) else out}, "
        f"expected {expected.tolist()} (every mask filled with the argmax, the other tokens unchanged)"
    )


# --- sample -----------------------------------------------------------------------

VOCAB = 8
MASK = VOCAB  # never predicted by the fake model


class FakeModel:
    """Predicts token (position % VOCAB) everywhere, with a confidence that grows (or shrinks) with the position.

    It records a copy of every input, so that a test can see what the
    sequence looked like before each step.
    """

    def __init__(self, increasing: bool) -> None:
        self.increasing = increasing
        self.inputs: list[torch.Tensor] = []

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        self.inputs.append(x.clone())
        batch, length = x.shape
        pos = torch.arange(length)
        strength = 1.0 + 0.25 * (pos if self.increasing else length - 1 - pos)  # (L,), all different
        logits = torch.zeros(batch, length, VOCAB)
        logits[:, pos, pos % VOCAB] = strength
        return logits


def prompt_tokens(batch: int = 2, length: int = 3) -> torch.Tensor:
    # Never what the fake model predicts at these positions ((p + 3) % 8 != p % 8).
    return ((torch.arange(length) + 3) % VOCAB).repeat(batch, 1)


def answer_masks(model: FakeModel, prompt_len: int) -> list[torch.Tensor]:
    """For each model call, the (answer_len,) boolean 'still masked' pattern of row 0."""
    return [x[0, prompt_len:] == MASK for x in model.inputs]


def test_sample_fills_every_mask_and_keeps_the_prompt(solution) -> None:
    prompt = prompt_tokens()
    model = FakeModel(increasing=True)
    out = solution.sample(model, prompt, 8, 4, MASK)
    expected = torch.cat([prompt, (torch.arange(3, 11) % VOCAB).repeat(2, 1)], dim=1)
    call = "sample(model, prompt (2, 3), answer_len=8, steps=4, mask_id=8)"
    assert isinstance(out, torch.Tensor) and out.shape == (2, 11), f"{call} must return a tensor of shape (2, 11)"
    assert torch.equal(out, expected), f"{call} returned\n{out}\nexpected\n{expected}"
    assert len(model.inputs) == 4, f"{call} called the model {len(model.inputs)} times, expected 4 (once per step)"
    assert all(x.shape == (2, 11) for x in model.inputs), f"{call} did not always give the model the whole sequence"


def test_each_step_unmasks_answer_len_over_steps_tokens(solution) -> None:
    model = FakeModel(increasing=True)
    solution.sample(model, prompt_tokens(), 12, 4, MASK)
    counts = [int(m.sum()) for m in answer_masks(model, 3)]
    assert counts == [12, 9, 6, 3], (
        f"sample(model, prompt, answer_len=12, steps=4): the model saw {counts} masked answer tokens before each "
        f"step, expected [12, 9, 6, 3] (3 unmasked per step)"
    )


@pytest.mark.parametrize("increasing", [True, False], ids=["right_first", "left_first"])
def test_most_confident_positions_are_unmasked_first(solution, increasing) -> None:
    model = FakeModel(increasing=increasing)
    solution.sample(model, prompt_tokens(), 8, 4, MASK)
    seen = answer_masks(model, 3)
    for step, still_masked in enumerate(seen):
        done = 2 * step  # 2 tokens per step
        expected = torch.ones(8, dtype=torch.bool)
        if increasing:
            expected[8 - done:] = False
        else:
            expected[:done] = False
        assert torch.equal(still_masked, expected), (
            f"sample(model more confident to the {'right' if increasing else 'left'}, answer_len=8, steps=4): "
            f"before step {step} the answer's mask was {still_masked.int().tolist()}, expected {expected.int().tolist()}"
        )


def test_later_blocks_stay_masked_until_their_turn(solution) -> None:
    # The model prefers the right end, so a sampler that ignores the blocks unmasks block 2 first.
    model = FakeModel(increasing=True)
    out = solution.sample(model, prompt_tokens(), 8, 4, MASK, block_len=4)
    seen = answer_masks(model, 3)
    assert len(seen) == 4, f"sample(..., answer_len=8, steps=4, block_len=4) called the model {len(seen)} times, expected 4"
    expected = [
        [1, 1, 1, 1, 1, 1, 1, 1],  # block 1, step 1
        [1, 1, 0, 0, 1, 1, 1, 1],  # block 1, step 2 (its right end went first)
        [0, 0, 0, 0, 1, 1, 1, 1],  # block 2, step 1: block 1 done, block 2 untouched
        [0, 0, 0, 0, 1, 1, 0, 0],  # block 2, step 2
    ]
    for step, (still_masked, want) in enumerate(zip(seen, expected)):
        assert still_masked.int().tolist() == want, (
            f"sample(model, prompt, answer_len=8, steps=4, block_len=4): before step {step} the answer's mask "
            f"was {still_masked.int().tolist()}, expected {want} (blocks of 4, left to right)"
        )
    assert not (out == MASK).any(), "sample(..., block_len=4) left masks in the answer"


def test_uneven_split_is_rejected(solution) -> None:
    with pytest.raises(ValueError):
        solution.sample(FakeModel(increasing=True), prompt_tokens(), 10, 3, MASK)


def test_blocks_read_the_logits_of_their_own_positions(solution) -> None:
    prompt = prompt_tokens()  # 3 prompt tokens: the answer starts at position 3
    out = solution.sample(FakeModel(increasing=True), prompt, 8, 4, MASK, block_len=4)
    expected = torch.cat([prompt, (torch.arange(3, 11) % VOCAB).repeat(2, 1)], dim=1)
    call = "sample(model, prompt (2, 3), answer_len=8, steps=4, mask_id=8, block_len=4)"
    assert isinstance(out, torch.Tensor) and torch.equal(out, expected), f"{call} returned\n{out}\nexpected\n{expected}"
