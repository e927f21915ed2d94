"""Tests for e15_prefix_lm_loss.

Oracles: the target mask of a worked example written out by hand; the loss
as Hugging Face transformers computes a causal LM's, from labels built here
position by position (-100 at the prompt and the padding, F.cross_entropy
with ignore_index=-100 on logits[:, :-1] against labels[:, 1:]); a model
that predicts every next token perfectly (loss 0); and exact properties:
logits and tokens that must not count can be changed freely, and the
gradient reaches exactly the logits that predict a target.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from exercises.checks import assert_mask_equal, assert_tensor_close

VOCAB = 11
PAD = 0
IGNORE = -100  # F.cross_entropy's default ignore_index


def make_batch(prompt_lens: list[int], lengths: list[int], max_len: int, seed: int = 0):
    """Random logits (B, T, V) and right-padded tokens (B, T), with PAD after each sequence's n_b tokens."""
    g = torch.Generator().manual_seed(seed)
    batch = len(lengths)
    logits = torch.randn(batch, max_len, VOCAB, generator=g)
    tokens = torch.randint(1, VOCAB, (batch, max_len), generator=g)
    for b, n in enumerate(lengths):
        tokens[b, n:] = PAD
    return logits, tokens, torch.tensor(prompt_lens), torch.tensor(lengths)


def oracle(logits, tokens, prompt_lens, lengths) -> torch.Tensor:
    """The loss from labels: the token where it is a target, IGNORE everywhere else, then the causal-LM shift."""
    labels = torch.full_like(tokens, IGNORE)
    for b in range(tokens.shape[0]):
        for j in range(int(prompt_lens[b]), int(lengths[b])):
            labels[b, j] = tokens[b, j]
    return F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), labels[:, 1:].reshape(-1),
                           ignore_index=IGNORE)


def ce(logits_row: torch.Tensor, token: torch.Tensor) -> torch.Tensor:
    """The cross-entropy of one prediction (V,) for one token."""
    return F.cross_entropy(logits_row[None], token.reshape(1))


# --- target_mask -------------------------------------------------------------------


def test_target_mask_worked_example(solution) -> None:
    #                         0  1  2  3  4  5   (token positions)
    expected = torch.tensor([[0, 0, 1, 1, 0, 0],   # P = 2, n = 4: prompt 0-1, targets 2-3, padding 4-5
                             [0, 1, 1, 1, 1, 1],   # P = 1, n = 6: one prompt token, no padding
                             [0, 0, 0, 0, 0, 0]],  # P = 3, n = 3: all prompt, no target
                            dtype=torch.bool)
    assert_mask_equal(solution.target_mask(torch.tensor([2, 1, 3]), torch.tensor([4, 6, 3]), 6), expected,
                      "target_mask(prompt_lens=tensor([2, 1, 3]), lengths=tensor([4, 6, 3]), max_len=6)")


@pytest.mark.parametrize(("prompt_lens", "lengths", "max_len"),
                         [([0, 2], [3, 4], 5),    # a prompt of no token: token 0 would be a target nothing predicts
                          ([4, 1], [3, 4], 5),    # a prompt longer than its sequence
                          ([1, 2], [3, 6], 5),    # a sequence longer than max_len
                          ([1, 2, 1], [3, 4], 5)])  # one length per sequence, not three prompt lengths for two
def test_target_mask_rejects_bad_lengths(solution, prompt_lens, lengths, max_len: int) -> None:
    call = f"target_mask(tensor({prompt_lens}), tensor({lengths}), {max_len})"
    with pytest.raises(ValueError):
        solution.target_mask(torch.tensor(prompt_lens), torch.tensor(lengths), max_len)
        pytest.fail(f"{call} returned instead of raising ValueError")


# --- prefix_lm_loss ----------------------------------------------------------------


def test_loss_worked_example(solution) -> None:
    # tokens A B C D pad, prompt A B (P = 2), n = 4: C is predicted at position 1, D at position 2.
    logits, tokens, prompt_lens, lengths = make_batch([2], [4], 5, seed=1)
    expected = (ce(logits[0, 1], tokens[0, 2]) + ce(logits[0, 2], tokens[0, 3])) / 2
    assert_tensor_close(solution.prefix_lm_loss(logits, tokens, prompt_lens, lengths), expected,
                        "prefix_lm_loss(one sequence A B | C D pad, P=2, n=4)")


def test_logits_at_i_predict_token_i_plus_1(solution) -> None:
    _, tokens, prompt_lens, lengths = make_batch([2, 1, 3], [6, 5, 7], 7, seed=2)
    # A perfect model: the logits at position i put everything on token i + 1 (the last position predicts nothing).
    perfect = torch.zeros(3, 7, VOCAB)
    perfect[:, :-1] = 30.0 * F.one_hot(tokens[:, 1:], VOCAB).float()
    loss = solution.prefix_lm_loss(perfect, tokens, prompt_lens, lengths)
    assert isinstance(loss, torch.Tensor) and loss.dim() == 0, (
        f"prefix_lm_loss(...) returned {getattr(loss, 'shape', type(loss).__name__)}, expected a 0-dim tensor")
    assert loss.item() < 1e-4, (
        f"prefix_lm_loss(logits of a model that predicts every next token perfectly, ...) returned "
        f"{loss.item():.4g}, expected about 0: the logits at position j - 1 must score token j")


@pytest.mark.parametrize(("prompt_lens", "lengths", "max_len", "seed"),
                         [([2, 1, 3], [5, 7, 3], 7, 3), ([1], [8], 8, 4), ([4, 2], [6, 3], 9, 5),
                          ([3, 3, 1, 2], [4, 9, 2, 9], 9, 6)])
def test_matches_cross_entropy_with_ignored_labels(solution, prompt_lens, lengths, max_len: int, seed: int) -> None:
    batch = make_batch(prompt_lens, lengths, max_len, seed)
    assert_tensor_close(solution.prefix_lm_loss(*batch), oracle(*batch),
                        f"prefix_lm_loss(random logits, prompt_lens=tensor({prompt_lens}), "
                        f"lengths=tensor({lengths}), T={max_len})")


def test_prompt_tokens_are_never_scored(solution) -> None:
    logits, tokens, prompt_lens, lengths = make_batch([4, 3], [7, 6], 8, seed=7)
    before = solution.prefix_lm_loss(logits, tokens, prompt_lens, lengths)
    g = torch.Generator().manual_seed(8)
    other_logits, other_tokens = logits.clone(), tokens.clone()
    for b, p in enumerate(prompt_lens.tolist()):
        # Prompt tokens 1 .. P - 1 are predicted at positions 0 .. P - 2: change both.
        other_logits[b, : p - 1] = 5 * torch.randn(p - 1, VOCAB, generator=g)
        other_tokens[b, 1:p] = torch.randint(1, VOCAB, (p - 1,), generator=g)
    after = solution.prefix_lm_loss(other_logits, other_tokens, prompt_lens, lengths)
    assert_tensor_close(after, before, "prefix_lm_loss with other prompt tokens and other logits predicting them "
                                       "(prompt_lens=tensor([4, 3]))")


def test_first_target_token_is_scored(solution) -> None:
    # Row 0 has one target token, j = 3, predicted at position 2; row 1 has targets 2, 3, 4.
    logits, tokens, prompt_lens, lengths = make_batch([3, 2], [4, 5], 6, seed=9)
    expected = (ce(logits[0, 2], tokens[0, 3])
                + ce(logits[1, 1], tokens[1, 2]) + ce(logits[1, 2], tokens[1, 3]) + ce(logits[1, 3], tokens[1, 4])) / 4
    assert_tensor_close(solution.prefix_lm_loss(logits, tokens, prompt_lens, lengths), expected,
                        "prefix_lm_loss(prompt_lens=tensor([3, 2]), lengths=tensor([4, 5]), T=6), "
                        "four target tokens, the first of each row predicted at position P - 1")


def test_padding_is_never_scored(solution) -> None:
    logits, tokens, prompt_lens, lengths = make_batch([2, 1, 3], [4, 3, 6], 8, seed=10)
    before = solution.prefix_lm_loss(logits, tokens, prompt_lens, lengths)
    g = torch.Generator().manual_seed(11)
    other_logits, other_tokens = logits.clone(), tokens.clone()
    for b, n in enumerate(lengths.tolist()):
        # The last real position n - 1 predicts padding, and so does every position after it.
        other_logits[b, n - 1:] = 5 * torch.randn(8 - n + 1, VOCAB, generator=g)
        other_tokens[b, n:] = torch.randint(0, VOCAB, (8 - n,), generator=g)
    after = solution.prefix_lm_loss(other_logits, other_tokens, prompt_lens, lengths)
    assert_tensor_close(after, before, "prefix_lm_loss with other padding ids and other logits from the last real "
                                       "position on (lengths=tensor([4, 3, 6]), T=8)")


def test_mean_is_over_scored_tokens_not_sequences(solution) -> None:
    # Row 0: one target (j = 2); row 1: four targets (j = 1 .. 4). Five tokens, each weighing 1 / 5.
    logits, tokens, prompt_lens, lengths = make_batch([2, 1], [3, 5], 6, seed=12)
    per_token = [ce(logits[0, 1], tokens[0, 2])] + [ce(logits[1, j - 1], tokens[1, j]) for j in range(1, 5)]
    expected = torch.stack(per_token).sum() / 5
    assert_tensor_close(solution.prefix_lm_loss(logits, tokens, prompt_lens, lengths), expected,
                        "prefix_lm_loss(rows with 1 and 4 target tokens): the mean over the 5 target tokens")


def test_each_row_uses_its_own_prompt_len(solution) -> None:
    logits, tokens, prompt_lens, lengths = make_batch([1, 5], [7, 7], 7, seed=13)
    loss = solution.prefix_lm_loss(logits, tokens, prompt_lens, lengths)
    rows = [solution.prefix_lm_loss(logits[b:b + 1], tokens[b:b + 1], prompt_lens[b:b + 1], lengths[b:b + 1])
            for b in range(2)]
    # Row 0 has 6 targets and row 1 has 2: the batch's mean weighs each row by its number of targets.
    assert_tensor_close(loss, (6 * rows[0] + 2 * rows[1]) / 8,
                        "prefix_lm_loss(prompt_lens=tensor([1, 5]), lengths=tensor([7, 7])) compared with "
                        "each row alone, weighed by its 6 and 2 targets")
    assert_tensor_close(loss, oracle(logits, tokens, prompt_lens, lengths),
                        "prefix_lm_loss(prompt_lens=tensor([1, 5]), lengths=tensor([7, 7]))")


def test_gradient_reaches_only_the_logits_that_predict_targets(solution) -> None:
    logits, tokens, prompt_lens, lengths = make_batch([2, 1, 4], [5, 3, 4], 6, seed=14)
    logits.requires_grad_(True)
    solution.prefix_lm_loss(logits, tokens, prompt_lens, lengths).backward()
    assert logits.grad is not None, "prefix_lm_loss(...) is not differentiable with respect to the logits"
    reached = logits.grad.abs().sum(dim=-1) > 0  # (B, T): which positions' logits the loss depends on
    expected = torch.zeros(3, 6, dtype=torch.bool)
    for b in range(3):
        for j in range(int(prompt_lens[b]), int(lengths[b])):
            expected[b, j - 1] = True  # target j is predicted at position j - 1
    assert_mask_equal(reached, expected, "the positions whose logits get a gradient from prefix_lm_loss("
                                         "prompt_lens=tensor([2, 1, 4]), lengths=tensor([5, 3, 4]), T=6)")


def test_a_batch_without_targets_raises(solution) -> None:
    logits, tokens, prompt_lens, lengths = make_batch([3, 5], [3, 5], 6, seed=15)
    with pytest.raises(ValueError):
        result = solution.prefix_lm_loss(logits, tokens, prompt_lens, lengths)
        pytest.fail(f"prefix_lm_loss(prompt_lens == lengths == tensor([3, 5])) returned {result} "
                    "instead of raising ValueError (a mean over no token)")


@pytest.mark.parametrize("case", ["logits one position short", "tokens of another batch size"])
def test_loss_rejects_shapes_that_do_not_fit(solution, case: str) -> None:
    logits, tokens, prompt_lens, lengths = make_batch([2, 1], [5, 4], 6, seed=16)
    if case == "logits one position short":
        logits = logits[:, :-1]  # (B, T - 1, V), as if already shifted
    else:
        tokens = torch.cat([tokens, tokens])  # (2B, T)
    with pytest.raises(ValueError):
        result = solution.prefix_lm_loss(logits, tokens, prompt_lens, lengths)
        pytest.fail(f"prefix_lm_loss(logits {tuple(logits.shape)}, tokens {tuple(tokens.shape)}, ...) returned "
                    f"{result} instead of raising ValueError ({case})")
