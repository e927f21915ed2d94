"""Tests for e05_cross_attention.

Oracles: torch.nn.utils.rnn.pad_sequence, FlexAttention's create_mask with the
rule written here, closed-form counts, and properties of PyTorch's own
attention (torch.nn.functional.scaled_dot_product_attention) under the mask.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch.nn.attention.flex_attention import create_mask
from torch.nn.utils.rnn import pad_sequence

from exercises.checks import assert_mask_equal, assert_tensor_close


def real_tokens(lengths: list[int], max_len: int) -> torch.Tensor:
    """(B, max_len): ones for the real tokens, padded with False by pad_sequence."""
    rows = [torch.ones(n, dtype=torch.bool) for n in lengths] + [torch.ones(max_len, dtype=torch.bool)]
    return pad_sequence(rows, batch_first=True, padding_value=False)[:-1]  # drop the full-length helper row


def test_padding_mask_matches_pad_sequence(solution) -> None:
    lengths = [3, 1, 5, 0]
    assert_mask_equal(solution.padding_mask(torch.tensor(lengths), 5), real_tokens(lengths, 5),
                      "padding_mask(tensor([3, 1, 5, 0]), 5)")


def test_padding_mask_counts_real_tokens(solution) -> None:
    lengths = torch.tensor([2, 6, 0, 3])
    mask = solution.padding_mask(lengths, 6)
    assert isinstance(mask, torch.Tensor) and mask.dtype == torch.bool and mask.shape == (4, 6), (
        f"padding_mask(tensor([2, 6, 0, 3]), 6) returned {getattr(mask, 'dtype', type(mask).__name__)} "
        f"{tuple(getattr(mask, 'shape', ()))}, expected a torch.bool tensor of shape (4, 6)")
    counts = mask.sum(dim=-1)
    assert torch.equal(counts, lengths), (
        f"padding_mask(tensor([2, 6, 0, 3]), 6) marks {counts.tolist()} real tokens per row, expected {lengths.tolist()}")


@pytest.mark.parametrize("lengths", [[2, 7], [-1, 3]])
def test_padding_mask_rejects_bad_lengths(solution, lengths: list[int]) -> None:
    with pytest.raises(ValueError):
        solution.padding_mask(torch.tensor(lengths), 6)


@pytest.mark.parametrize(("decoder_lengths", "encoder_lengths", "dec_len", "enc_len"),
                         [([4, 2, 3], [2, 5, 3], 4, 5), ([1], [1], 1, 3), ([3, 6], [7, 4], 6, 7)])
def test_cross_mask_matches_flex_rule(solution, decoder_lengths, encoder_lengths, dec_len: int, enc_len: int) -> None:
    enc = torch.tensor(encoder_lengths)
    expected = create_mask(lambda b, h, q, kv: kv < enc[b], len(enc), None, dec_len, enc_len, device="cpu")[:, 0]
    call = f"cross_attention_mask(tensor({decoder_lengths}), tensor({encoder_lengths}), {dec_len}, {enc_len})"
    assert_mask_equal(solution.cross_attention_mask(torch.tensor(decoder_lengths), enc, dec_len, enc_len), expected, call)


def test_cross_attention_is_not_causal(solution) -> None:
    mask = solution.cross_attention_mask(torch.tensor([4]), torch.tensor([5]), 4, 5)
    assert_mask_equal(mask, torch.ones(1, 4, 5, dtype=torch.bool),
                      "cross_attention_mask(tensor([4]), tensor([5]), 4, 5) (no padding anywhere)")


def test_keys_follow_encoder_lengths(solution) -> None:
    mask = solution.cross_attention_mask(torch.tensor([3, 1]), torch.tensor([2, 6]), 3, 6)
    expected = torch.stack([real_tokens([2, 6], 6)] * 3, dim=1)  # (B, L, S): each row repeats its source's padding
    assert_mask_equal(mask, expected, "cross_attention_mask(tensor([3, 1]), tensor([2, 6]), 3, 6)")


def test_padded_decoder_rows_see_the_source(solution) -> None:
    mask = solution.cross_attention_mask(torch.tensor([1, 3]), torch.tensor([4, 2]), 3, 4)
    assert_mask_equal(mask[0, 1:], real_tokens([4, 4], 4), "cross_attention_mask(...)[0, 1:] (padded decoder rows)")
    g = torch.Generator().manual_seed(0)
    q, k, v = torch.randn(2, 1, 3, 8, generator=g), torch.randn(2, 1, 4, 8, generator=g), torch.randn(2, 1, 4, 8, generator=g)
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask.unsqueeze(1))
    assert torch.isfinite(out).all(), "attention under cross_attention_mask(...) produced NaN in a padded decoder row"


def test_junk_in_encoder_padding_does_not_change_outputs(solution) -> None:
    decoder_lengths, encoder_lengths = torch.tensor([4, 2]), torch.tensor([3, 6])
    mask = solution.cross_attention_mask(decoder_lengths, encoder_lengths, 4, 6)
    g = torch.Generator().manual_seed(1)
    q = torch.randn(2, 2, 4, 8, generator=g)  # (B, heads, dec_len, d)
    k, v = torch.randn(2, 2, 6, 8, generator=g), torch.randn(2, 2, 6, 8, generator=g)
    junk_k, junk_v = k.clone(), v.clone()
    junk_k[0, :, 3:] = 10 * torch.randn(2, 3, 8, generator=g)  # sequence 0: encoder positions 3..5 are padding
    junk_v[0, :, 3:] = 10 * torch.randn(2, 3, 8, generator=g)
    before = F.scaled_dot_product_attention(q, k, v, attn_mask=mask.unsqueeze(1))
    after = F.scaled_dot_product_attention(q, junk_k, junk_v, attn_mask=mask.unsqueeze(1))
    for b, n in enumerate(decoder_lengths.tolist()):
        assert_tensor_close(after[b, :, :n], before[b, :, :n],
                            f"real decoder outputs of sequence {b} after changing its padded encoder keys/values")


def test_padding_mask_is_max_len_wide_even_when_no_sequence_fills_it(solution) -> None:
    lengths = [2, 3]  # the longest sequence is shorter than max_len = 6
    assert_mask_equal(solution.padding_mask(torch.tensor(lengths), 6), real_tokens(lengths, 6),
                      "padding_mask(tensor([2, 3]), 6)")
