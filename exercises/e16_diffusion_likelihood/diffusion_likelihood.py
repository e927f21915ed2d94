"""e16_diffusion_likelihood: a Monte-Carlo upper bound on the NLL of a masked diffusion LM.

Complete `likelihood_masks` and `nll_estimates` below, then grade them:

    make grade                                           # every exercise
    .venv/bin/pytest exercises/e16_diffusion_likelihood  # this one

Instructions and hints: exercises/e16_diffusion_likelihood/README.md.

The estimator (Nie et al., LLaDA, arXiv:2502.09992), for one clean
sequence x of L tokens:

    -log p(x)  <=  E over l ~ U{1, ..., L} and a random set M of l positions of
                   L / l * sum over i in M of  -log p_theta(x_i | x with M masked)

Shapes: one sequence of L tokens, K draws, a vocabulary of V.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F  # noqa: F401  (you will probably need it)
from torch import Tensor

# A model: token ids (K, L) in, logits (K, L, V) out.
ModelFn = Callable[[Tensor], Tensor]


def likelihood_masks(length: int, num_samples: int, generator: torch.Generator | None = None) -> Tensor:
    """The random masks of the likelihood estimate: (num_samples, length) boolean.

    Row k masks exactly l_k positions: l_k is drawn uniformly from {1, ..., L},
    then l_k of the L positions are chosen uniformly at random, without
    replacement. Every random number comes from `generator`. A length or a
    num_samples below 1 raises ValueError.
    """
    # TODO(e16_diffusion_likelihood): draw l per row, then mask l random positions of that row.
    raise NotImplementedError("e16_diffusion_likelihood: likelihood_masks is not written yet")


def nll_estimates(
    model_fn: ModelFn, x: Tensor, mask_id: int, num_samples: int, generator: torch.Generator | None = None
) -> Tensor:
    """K Monte-Carlo estimates of LLaDA's upper bound on -log p(x), in nats for the whole sequence.

        estimate_k = L / l_k * sum over masked i of  CE(model_fn(x_k)[i], x[i])

    where x_k is x with the positions of row k of likelihood_masks masked.

    Args:
        model_fn: token ids (K, L) -> logits (K, L, V), the denoiser.
        x: (L,) long, one clean sequence; x of another shape, or holding
            mask_id, raises ValueError.
        mask_id: the id of the [MASK] token.
        num_samples: K, the number of draws (>= 1).
        generator: the source of randomness, for reproducible estimates.

    Returns:
        (K,) float: one estimate per draw.
    """
    # TODO(e16_diffusion_likelihood): mask K copies of x, call the model once, weight the masked cross-entropy by L / l.
    raise NotImplementedError("e16_diffusion_likelihood: nll_estimates is not written yet")
