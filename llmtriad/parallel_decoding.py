"""The parallel decoding curse: what a masked diffusion LM gives up when it
commits several tokens in one denoising step.

The denoiser of a masked diffusion LM (llmtriad.diffusion) predicts every
masked position from the same input. Its output is one distribution per
position, a marginal, and nothing that couples two positions. Tokens chosen
in the same step are therefore chosen independently: two positions i and j
unmasked together are drawn from the product p(x_i) p(x_j), not from the
joint p(x_i, x_j) of the text. Unmasked one after the other, the second is
predicted with the first in its input, p(x_j | x_i), and the pair follows
the joint again.

How much is lost is a textbook quantity. The joint p and the factorised
q = p(x_i) p(x_j) differ by

    KL(p || q) = sum over a, b of  p(a, b) log( p(a, b) / (p(a) p(b)) ) = I(X_i; X_j),

the mutual information of the two positions, in nats: zero when the
positions are independent, and large when one token pins the other down
(the two halves of a two-word name). Fast-dLLM (Wu et al., 2025,
arXiv:2505.22618) traces the loss of quality in parallel decoding to this
conditional independence; LLaDA (Nie et al., 2025, arXiv:2502.09992) and
its remasking rule are one response to it.

The second pair of functions asks the concrete question a reader cares
about: given which pairs are valid (real two-word names, say), how likely is
a valid pair when both tokens are drawn in one step, and when the second is
drawn after the first?

Shapes:
    V1, V2  the vocabularies of the two positions (often both V)
    joint: (..., V1, V2), summing to 1 over its last two axes
    p_first: (V1,); p_second: (V2,); p_second_given_first: (V1, V2)
    valid: (V1, V2) boolean
"""

from __future__ import annotations

import torch
from torch import Tensor

_TOLERANCE = 1e-5  # how far from 1 a float32 distribution may sum


def _check_distribution(p: Tensor, name: str, dims: int) -> None:
    """A probability table over its last `dims` axes: no negative entry, sums of 1."""
    if p.dim() < dims or not p.is_floating_point():
        raise ValueError(f"{name} must be a float tensor with at least {dims} axes, got {p.dtype} {tuple(p.shape)}")
    if (p < 0).any():
        raise ValueError(f"{name} has negative probabilities")
    total = p.sum(dim=tuple(range(-dims, 0)))
    if not torch.allclose(total, torch.ones_like(total), atol=_TOLERANCE):
        raise ValueError(f"{name} must sum to 1 over its last {dims} axes, got sums {total.flatten()[:4].tolist()}")


# --- What one step samples from, and what it costs --------------------------------


def factorised(joint: Tensor) -> Tensor:
    """The distribution a single step draws a pair from: the product of the two marginals.

    Args:
        joint: (..., V1, V2), the joint distribution of two positions.

    Returns:
        (..., V1, V2): p(a) p(b), with p(a) and p(b) the marginals of `joint`.
    """
    _check_distribution(joint, "joint", 2)
    first = joint.sum(dim=-1)  # (..., V1): p(a), summing out the second position
    second = joint.sum(dim=-2)  # (..., V2): p(b)
    return first.unsqueeze(-1) * second.unsqueeze(-2)  # (..., V1, 1) * (..., 1, V2)


def parallel_decoding_gap(joint: Tensor) -> Tensor:
    """KL(joint || factorised(joint)) in nats: the mutual information of the two positions.

    What a model that commits both tokens in one step loses, in expected
    log-likelihood per pair, even if its marginals are exact.

    Args:
        joint: (..., V1, V2), the joint distribution of two positions.

    Returns:
        (...) float, >= 0.
    """
    q = factorised(joint)  # (..., V1, V2); zero only where a marginal is zero, so where joint is zero too
    # 0 log 0 = 0: the pairs the joint never produces contribute nothing.
    terms = torch.where(joint > 0, joint * (joint / q.clamp_min(torch.finfo(q.dtype).tiny)).log(), 0.0)
    return terms.sum(dim=(-2, -1)).clamp_min(0.0)  # rounding can dip a hair below 0


# --- The chance of a valid pair, in one step or in two -----------------------------


def one_step_valid(p_first: Tensor, p_second: Tensor, valid: Tensor) -> Tensor:
    """Probability that a pair drawn in one step, each token from its own marginal, is valid.

        sum over valid (a, b) of  p_first[a] * p_second[b]

    Args:
        p_first: (V1,), the model's distribution for the first position.
        p_second: (V2,), its distribution for the second, in the same step.
        valid: (V1, V2) boolean, True for the pairs that are allowed.

    Returns:
        0-dim float tensor in [0, 1].
    """
    _check_distribution(p_first, "p_first", 1)
    _check_distribution(p_second, "p_second", 1)
    if p_first.dim() != 1 or p_second.dim() != 1 or valid.shape != (p_first.shape[0], p_second.shape[0]):
        raise ValueError(
            f"valid must be (V1, V2) = ({p_first.shape[0]}, {p_second.shape[0]}), got {tuple(valid.shape)}"
        )
    if valid.dtype != torch.bool:
        raise ValueError(f"valid must be boolean, got {valid.dtype}")
    outer = p_first[:, None] * p_second[None, :]  # (V1, V2): independent draws
    return (outer * valid).sum()


def two_step_valid(p_first: Tensor, p_second_given_first: Tensor, valid: Tensor) -> Tensor:
    """Probability that a pair is valid when the second token is drawn after the first is known.

        sum over a of  p_first[a] * sum over b valid with a of  p_second_given_first[a, b]

    Args:
        p_first: (V1,), the distribution of the token drawn first.
        p_second_given_first: (V1, V2); row a is the distribution of the second
            position once the first holds token a.
        valid: (V1, V2) boolean, True for the pairs that are allowed.

    Returns:
        0-dim float tensor in [0, 1].
    """
    _check_distribution(p_first, "p_first", 1)
    _check_distribution(p_second_given_first, "p_second_given_first", 1)
    if p_first.dim() != 1 or p_second_given_first.dim() != 2 or p_second_given_first.shape[0] != p_first.shape[0]:
        raise ValueError(
            f"p_second_given_first must be (V1, V2) with V1 = {p_first.shape[0]}, "
            f"got {tuple(p_second_given_first.shape)}"
        )
    if valid.shape != p_second_given_first.shape or valid.dtype != torch.bool:
        raise ValueError(
            f"valid must be boolean of shape {tuple(p_second_given_first.shape)}, got {valid.dtype} "
            f"{tuple(valid.shape)}"
        )
    return (p_first[:, None] * p_second_given_first * valid).sum()  # (V1, V2) -> scalar
