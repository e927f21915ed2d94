"""Corrupting text for denoising objectives: BERT's masked LM and T5's span corruption.

An encoder (BERT) or encoder-decoder (T5) learns by repairing text that was
damaged on purpose. The two recipes here decide how the damage is done:

* BERT (Devlin et al., 2018, arXiv:1810.04805, section 3.1 and appendix A.1)
  chooses 15% of the positions; of those, 80% become [MASK], 10% a random
  token and 10% stay as they are. The loss is taken at the chosen positions
  only. The random and unchanged 20% keep the model from assuming that only
  [MASK] positions matter, since no [MASK] appears when it is fine-tuned.

* T5 (Raffel et al., 2019, arXiv:1910.10683, section 3.1.4 and Figure 2)
  drops whole spans of tokens and replaces each span with a sentinel token,
  one per span. The target lists each sentinel followed by the tokens it
  hides, and ends with one more sentinel:

      original  Thank you for inviting me to your party last week .
      inputs    Thank you <X> me to your party <Y> week .
      targets   <X> for inviting <Y> last <Z>

  Targets are much shorter than the input, which makes pre-training cheaper
  than predicting the whole sequence.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor

# Label that torch.nn.functional.cross_entropy skips (its default ignore_index).
IGNORE_INDEX = -100

# BERT's split of the chosen positions (appendix A.1 of the paper).
MASK_SHARE = 0.8
RANDOM_SHARE = 0.1  # the remaining 0.1 keep their token


# --- BERT -------------------------------------------------------------------


# --8<-- [start:mask-tokens]
def mask_tokens(
    tokens: Tensor,
    mask_id: int,
    vocab_size: int,
    generator: torch.Generator,
    p: float = 0.15,
    special_mask: Tensor | None = None,
) -> tuple[Tensor, Tensor]:
    """BERT's masked-LM corruption of a batch of token ids.

    Args:
        tokens: (...) integer token ids, for example (B, T).
        mask_id: id of the [MASK] token.
        vocab_size: random replacements are drawn uniformly from [0, vocab_size).
        generator: the source of randomness (on the device of `tokens`), so
            that a seed reproduces the corruption.
        p: probability that a position is chosen for prediction.
        special_mask: (...) bool, True at positions that must never be chosen
            ([CLS], [SEP], padding). None means every position may be chosen.

    Returns:
        inputs: (...) same dtype as `tokens`: the corrupted ids the model reads.
        labels: (...) same dtype: the original id at chosen positions,
            IGNORE_INDEX (-100) everywhere else.
    """
    if tokens.is_floating_point():
        raise ValueError(f"tokens must be integer ids, got {tokens.dtype}")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p is a probability, got {p}")
    device = tokens.device

    # 1. Choose each position independently with probability p.
    chosen = torch.rand(tokens.shape, generator=generator, device=device) < p  # (...)
    if special_mask is not None:
        if special_mask.shape != tokens.shape:
            raise ValueError(f"special_mask {tuple(special_mask.shape)} vs tokens {tuple(tokens.shape)}")
        chosen = chosen & ~special_mask.bool()  # a new tensor: the caller's mask stays as it was

    # 2. The loss only looks at chosen positions; -100 tells cross_entropy to skip the rest.
    labels = torch.where(chosen, tokens, torch.full_like(tokens, IGNORE_INDEX))

    # 3. One uniform number per position decides what a chosen position becomes:
    #    [0, 0.8) -> [MASK], [0.8, 0.9) -> random token, [0.9, 1) -> unchanged.
    action = torch.rand(tokens.shape, generator=generator, device=device)
    to_mask = chosen & (action < MASK_SHARE)
    to_random = chosen & (action >= MASK_SHARE) & (action < MASK_SHARE + RANDOM_SHARE)
    # Uniform over the whole vocabulary; it may hit the original token, as in BERT.
    random_ids = torch.randint(vocab_size, tokens.shape, generator=generator, device=device, dtype=tokens.dtype)

    inputs = torch.where(to_mask, torch.full_like(tokens, mask_id), tokens)
    inputs = torch.where(to_random, random_ids, inputs)
    return inputs, labels


# --8<-- [end:mask-tokens]


# --- T5 -----------------------------------------------------------------------


# --8<-- [start:span-corrupt]
def span_corrupt(
    tokens: Tensor,
    spans: Sequence[tuple[int, int]],
    sentinel_ids: Sequence[int],
) -> tuple[Tensor, Tensor]:
    """Replace each span of one sequence by a sentinel; return (inputs, targets).

    Args:
        tokens: (T,) token ids of one sequence.
        spans: (start, length) pairs, sorted, non-overlapping, length >= 1.
        sentinel_ids: ids of the sentinel tokens, in order of use: span i gets
            sentinel_ids[i], and sentinel_ids[len(spans)] closes the targets.
            (T5's <extra_id_0>, <extra_id_1>, ... are 32099, 32098, ...:
            take the list as given, do not count up from the first id.)

    Returns:
        inputs: (T - noise + n_spans,) the sequence with each span replaced by its sentinel.
        targets: (noise + n_spans + 1,) sentinel_0, span 0's tokens, sentinel_1,
            span 1's tokens, ..., then the next sentinel.
        Both keep the dtype of `tokens`.
    """
    if tokens.dim() != 1:
        raise ValueError(f"one sequence at a time: tokens must be 1-D, not {tuple(tokens.shape)}")
    if len(sentinel_ids) <= len(spans):
        raise ValueError(f"{len(spans)} spans need {len(spans) + 1} sentinels, got {len(sentinel_ids)}")

    def sentinel(i: int) -> Tensor:
        # (1,), in the dtype and device of tokens so that torch.cat accepts it
        return torch.tensor([int(sentinel_ids[i])], dtype=tokens.dtype, device=tokens.device)

    input_parts: list[Tensor] = []
    target_parts: list[Tensor] = []
    kept_from = 0  # first token after the previous span
    for i, (start, length) in enumerate(spans):
        if length < 1:
            raise ValueError(f"span {i} is empty: {(start, length)}")
        if start < kept_from:
            raise ValueError(f"spans must be sorted and disjoint: span {i} {(start, length)} starts before {kept_from}")
        if start + length > len(tokens):
            raise ValueError(f"span {i} {(start, length)} runs past the end ({len(tokens)} tokens)")
        # Inputs: the kept tokens, then the span's placeholder.
        input_parts += [tokens[kept_from:start], sentinel(i)]
        # Targets: the placeholder, then the tokens it hides.
        target_parts += [sentinel(i), tokens[start : start + length]]
        kept_from = start + length
    input_parts.append(tokens[kept_from:])
    # A final sentinel marks the end of the last span's tokens.
    target_parts.append(sentinel(len(spans)))
    return torch.cat(input_parts), torch.cat(target_parts)


# --8<-- [end:span-corrupt]


def _random_composition(total: int, parts: int, generator: torch.Generator) -> list[int]:
    """Split `total` into `parts` positive integers, uniformly over all such splits.

    Choosing parts - 1 distinct cut points among the total - 1 gaps between
    `total` items gives every composition the same probability.
    """
    if not 1 <= parts <= total:
        raise ValueError(f"cannot split {total} into {parts} positive parts")
    cuts = torch.randperm(total - 1, generator=generator)[: parts - 1] + 1
    edges = torch.cat([torch.tensor([0]), cuts.sort().values, torch.tensor([total])])
    return edges.diff().tolist()


def random_spans(
    length: int,
    noise_density: float,
    mean_span_length: float,
    generator: torch.Generator,
) -> list[tuple[int, int]]:
    """Choose T5-style noise spans for a sequence of `length` tokens.

    round(length * noise_density) tokens are corrupted (at least 1, and at
    least one token is kept), split into round(noise / mean_span_length)
    spans (at least 1). Span lengths and the gaps between spans are random;
    two spans never touch, since touching spans would be one span.

    Returns:
        (start, length) pairs, sorted, disjoint, each length >= 1 (T5 uses
        noise_density 0.15 and mean_span_length 3).
    """
    if length < 2:
        raise ValueError(f"need at least 2 tokens to corrupt some and keep some, got {length}")
    if not 0.0 < noise_density < 1.0:
        raise ValueError(f"noise_density must be in (0, 1), got {noise_density}")
    if mean_span_length < 1:
        raise ValueError(f"mean_span_length must be at least 1, got {mean_span_length}")

    noise = min(max(round(length * noise_density), 1), length - 1)
    kept = length - noise
    n_spans = max(round(noise / mean_span_length), 1)
    # Each span needs one noise token, and every gap between two spans one kept token.
    n_spans = min(n_spans, noise, kept + 1)

    span_lengths = _random_composition(noise, n_spans, generator)
    # n_spans + 1 gaps of kept tokens: the inner ones >= 1, the two ends >= 0.
    # Split kept + 2 into positive parts, then take one back from each end.
    gaps = _random_composition(kept + 2, n_spans + 1, generator)
    gaps[0] -= 1
    gaps[-1] -= 1

    spans: list[tuple[int, int]] = []
    position = 0
    for gap, span_length in zip(gaps, span_lengths, strict=False):  # the last gap trails the last span
        position += gap
        spans.append((position, span_length))
        position += span_length
    return spans
