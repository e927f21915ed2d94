"""Attention masks: who may look at whom.

Every function here returns a boolean tensor with one row per query and one
column per key; True means "query i may attend to key j". That is the
convention of `torch.nn.functional.scaled_dot_product_attention(attn_mask=...)`
and of `llmtriad.attention.scaled_dot_product_attention`, so a mask can be
passed to either one unchanged.

A mask is a rule on two indices, a query position i and a key position j.
We write each rule as that rule: one column of query indices `(L, 1)`, one
row of key indices `(1, S)`, and a comparison that broadcasts to `(L, S)`.
This is also how FlexAttention's `mask_mod(b, h, q_idx, kv_idx)` is written.

The masks, and where they come from:

* bidirectional: every token sees every token (BERT, encoders);
* causal: a token sees itself and the past (GPT; Vaswani et al., 2017,
  arXiv:1706.03762), aligned to the bottom right so that it stays correct
  with a KV cache;
* prefix-LM: the prefix is read bidirectionally, the rest is generated
  causally (UniLM, Dong et al., 2019, arXiv:1905.03197; T5, Raffel et al.,
  2019, arXiv:1910.10683);
* sliding window: a causal mask that also forgets tokens more than `window`
  positions back (Mistral 7B, Jiang et al., 2023, arXiv:2310.06825);
* padding and cross-attention: a decoder reads the real tokens of the
  encoder's output, never its padding (Vaswani et al., 2017);
* block diffusion: the training mask of BD3-LM (Arriola et al., 2025,
  arXiv:2503.09573), which denoises a block at a time while conditioning on
  the clean blocks before it.
"""

from __future__ import annotations

import torch
from torch import Tensor

ALIGNS = ("top_left", "bottom_right")
Device = torch.device | str | None


# --8<-- [start:positions]
def _positions(query_len: int, key_len: int, device: Device = None) -> tuple[Tensor, Tensor]:
    """Query indices as a column (L, 1) and key indices as a row (1, S), on `device`.

    Comparing the two broadcasts to an (L, S) table of (i, j) pairs.
    """
    i = torch.arange(query_len, device=device).unsqueeze(1)  # (L, 1)
    j = torch.arange(key_len, device=device).unsqueeze(0)  # (1, S)
    return i, j


# --8<-- [end:positions]


# --- e03: bidirectional, causal and prefix-LM ----------------------------------


def bidirectional_mask(length: int) -> Tensor:
    """Every query sees every key, as in an encoder such as BERT.

    Returns:
        (L, L) boolean, all True.
    """
    if length < 0:
        raise ValueError(f"length must be >= 0, got {length}")
    return torch.ones(length, length, dtype=torch.bool)


# --8<-- [start:causal-mask]
def causal_mask(
    query_len: int, key_len: int | None = None, align: str = "bottom_right", device: Device = None
) -> Tensor:
    """Each query sees the keys at or before its own position.

    When the queries are the last `query_len` tokens of a sequence of
    `key_len` tokens (decoding with a KV cache: the keys include the cached
    past), query i sits at absolute position i + (S - L). Aligning the
    diagonal to the bottom right accounts for that shift:

        bottom_right: key j visible iff j <= i + (S - L)
                      = torch.tril(ones(L, S), diagonal=S - L)
                      = torch.nn.attention.bias.causal_lower_right(L, S)
        top_left:     key j visible iff j <= i
                      = torch.tril(ones(L, S))
                      = what F.scaled_dot_product_attention(is_causal=True) does

    The two agree when L == S. With one new query and five cached keys,
    bottom_right lets the query see all five; top_left would let it see key 0
    only, which is the classic KV-cache bug.

    Args:
        query_len: L, the number of queries.
        key_len: S, the number of keys; None means S = L.
        align: "bottom_right" (default) or "top_left".
        device: where to build the mask (the device of the scores it masks).

    Returns:
        (L, S) boolean. With bottom_right and L > S, the first L - S rows see
        nothing (they would be tokens before the first key).
    """
    key_len = query_len if key_len is None else key_len
    if align not in ALIGNS:
        raise ValueError(f"align must be one of {ALIGNS}, got {align!r}")
    if not (query_len >= 0 and key_len >= 0):
        raise ValueError(f"lengths must be >= 0, got L={query_len}, S={key_len}")
    i, j = _positions(query_len, key_len, device)
    # Where query i sits among the keys: shifted by the number of keys that
    # come before the first query (the KV cache) when bottom-right aligned.
    offset = key_len - query_len if align == "bottom_right" else 0
    return j <= i + offset  # (L, S)


# --8<-- [end:causal-mask]


# --8<-- [start:prefix-lm-mask]
def prefix_lm_mask(length: int, prefix_len: int) -> Tensor:
    """Bidirectional over the prefix, causal after it (prefix-LM).

    Key j is visible to query i when j is in the prefix (j < prefix_len) or
    j is not in the future (j <= i). Example with prefix [A B] and target
    [C D E]: A and B see A B; C sees A B C; D sees A B C D; E sees all five.

    prefix_len = 0 gives the causal mask; prefix_len = length gives the
    bidirectional mask.

    Args:
        length: L, the number of tokens (prefix and target together).
        prefix_len: P, the number of prefix tokens, 0 <= P <= L.

    Returns:
        (L, L) boolean.
    """
    if not 0 <= prefix_len <= length:
        raise ValueError(f"prefix_len must be between 0 and length={length}, got {prefix_len}")
    i, j = _positions(length, length)
    in_prefix = j < prefix_len  # (1, L): the prefix is visible from everywhere
    not_future = j <= i  # (L, L): the target part stays causal
    return in_prefix | not_future  # (L, L)


# --8<-- [end:prefix-lm-mask]


# --- e04: sliding window ---------------------------------------------------------


# --8<-- [start:sliding-window-mask]
def sliding_window_mask(length: int, window: int) -> Tensor:
    """Causal attention limited to the last `window` tokens, the query included.

    Key j is visible to query i when i - window < j <= i, the convention of
    Hugging Face transformers (`masking_utils.sliding_window_overlay`, 5.24;
    Mistral's reference code keeps one key more, i - window <= j). Each layer then looks
    back at most window - 1 tokens, but information still travels further
    through the stack: after k layers a token can depend on about
    k * (window - 1) tokens back (Jiang et al., 2023, arXiv:2310.06825).

    Args:
        length: L, the number of tokens.
        window: W >= 1, how many keys each query sees at most.

    Returns:
        (L, L) boolean. Row i has min(i + 1, W) True entries.
    """
    if window < 1:
        raise ValueError(f"window must be >= 1 (a token always sees itself), got {window}")
    i, j = _positions(length, length)
    not_future = j <= i
    recent = j > i - window  # strict: exactly W positions i-W+1 .. i
    return not_future & recent  # (L, L)


# --8<-- [end:sliding-window-mask]


# --- e05: padding and cross-attention ---------------------------------------------


def padding_mask(lengths: Tensor, max_len: int) -> Tensor:
    """Mark the real tokens of a right-padded batch.

    Sequence b holds lengths[b] real tokens at positions 0 .. lengths[b] - 1,
    followed by padding up to max_len.

    Args:
        lengths: (B,) integer tensor, each between 0 and max_len.
        max_len: the padded length T.

    Returns:
        (B, T) boolean, True at real tokens, False at padding.
    """
    if lengths.dim() != 1:
        raise ValueError(f"lengths must have shape (B,), got {tuple(lengths.shape)}")
    if ((lengths < 0) | (lengths > max_len)).any():
        raise ValueError(f"every length must be between 0 and max_len={max_len}, got {lengths.tolist()}")
    positions = torch.arange(max_len, device=lengths.device).unsqueeze(0)  # (1, T)
    return positions < lengths.unsqueeze(1)  # (B, T)


def cross_attention_mask(
    decoder_lengths: Tensor,
    encoder_lengths: Tensor,
    dec_len: int,
    enc_len: int,
) -> Tensor:
    """Which encoder outputs each decoder position may read.

    In cross-attention the queries come from the decoder and the keys and
    values from the encoder. The whole source is known before decoding
    starts, so there is nothing causal here: decoder query i of sequence b
    may attend to encoder key j iff j is a real source token,
    j < encoder_lengths[b].

    Padded decoder rows (i >= decoder_lengths[b]) get the same row as the
    real ones. Their outputs are thrown away (the loss ignores them), but a
    row with no visible key would make the softmax 0/0 = NaN, and a NaN can
    leak into gradients and statistics. Letting them read the real source
    keeps every row finite. decoder_lengths is therefore only checked.

    Args:
        decoder_lengths: (B,) integer tensor of real target lengths, each
            between 0 and dec_len.
        encoder_lengths: (B,) integer tensor of real source lengths, each
            between 1 and enc_len.
        dec_len: L, the padded decoder length (queries).
        enc_len: S, the padded encoder length (keys).

    Returns:
        (B, L, S) boolean; add a head axis with .unsqueeze(1) for
        (B, heads, L, S) attention.
    """
    if decoder_lengths.shape != encoder_lengths.shape:
        raise ValueError(
            f"one decoder and one encoder length per sequence: {tuple(decoder_lengths.shape)} vs "
            f"{tuple(encoder_lengths.shape)}"
        )
    if ((decoder_lengths < 0) | (decoder_lengths > dec_len)).any():
        raise ValueError(f"decoder lengths must be between 0 and dec_len={dec_len}, got {decoder_lengths.tolist()}")
    if ((encoder_lengths < 1) | (encoder_lengths > enc_len)).any():
        # An empty source would leave every decoder row with nothing to read.
        raise ValueError(f"encoder lengths must be between 1 and enc_len={enc_len}, got {encoder_lengths.tolist()}")
    real_keys = padding_mask(encoder_lengths, enc_len)  # (B, S): set by the encoder side
    batch = real_keys.shape[0]
    # The same row for every decoder position: (B, 1, S) -> (B, L, S).
    return real_keys.unsqueeze(1).expand(batch, dec_len, enc_len).clone()


# --- e06: block diffusion (BD3-LM) ---------------------------------------------------


# --8<-- [start:block-diffusion-mask]
def block_diffusion_mask(seq_len: int, block_size: int) -> Tensor:
    """The BD3-LM training mask over the concatenation [x_t ; x_0].

    Training feeds the noisy sequence x_t (positions 0 .. n-1) and the clean
    sequence x_0 (positions n .. 2n-1) through the model at once. Each half
    is cut into blocks of `block_size` tokens; position p of either half
    belongs to block p // block_size. Query q may attend to key k when any
    of these holds (Arriola et al., 2025, arXiv:2503.09573; the reference
    code is `block_diff_mask` in kuleshov-group/bd3lms):

    * block-diagonal: same half, same block. A noisy block is denoised
      bidirectionally; a clean block is read bidirectionally too.
    * offset block-causal: q in x_t, k in x_0, block(k) < block(q) strictly.
      A noisy block is conditioned on the clean blocks before it, never on
      its own clean version (that would hand the model the answer).
    * block-causal: q and k in x_0, block(k) <= block(q). The clean half is
      an ordinary block-autoregressive model, which is what becomes the KV
      cache at sampling time.

    x_0 never attends to x_t. With block_size = 1 the clean half is exactly
    the causal mask, and BD3-LM reduces to autoregression.

    Args:
        seq_len: n, the length of each half.
        block_size: tokens per block; must divide n.

    Returns:
        (2n, 2n) boolean; rows are queries, columns keys, x_t first.
    """
    if block_size < 1 or seq_len % block_size != 0:
        raise ValueError(f"seq_len={seq_len} must be a positive multiple of block_size={block_size}")
    n = seq_len
    q, k = _positions(2 * n, 2 * n)  # (2n, 1), (1, 2n)
    q_clean, k_clean = q >= n, k >= n  # which half: False = x_t, True = x_0
    # Block numbers restart in each half, so that noisy block b and clean block b line up.
    q_block = (q % n) // block_size  # (2n, 1)
    k_block = (k % n) // block_size  # (1, 2n)

    block_diagonal = (q_block == k_block) & (q_clean == k_clean)
    offset_block_causal = ~q_clean & k_clean & (k_block < q_block)
    block_causal = q_clean & k_clean & (k_block <= q_block)
    return block_diagonal | offset_block_causal | block_causal  # (2n, 2n)


# --8<-- [end:block-diffusion-mask]
