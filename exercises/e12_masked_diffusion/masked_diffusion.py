"""e12_masked_diffusion: masked diffusion, the noising process and the training loss.

Complete `sample_times`, `forward_mask` and `masked_diffusion_loss` below,
then grade them:

    make grade                                       # every exercise
    .venv/bin/pytest exercises/e12_masked_diffusion  # this one

Instructions and hints: exercises/e12_masked_diffusion/README.md.

Shapes: B sequences of L tokens, a vocabulary of V tokens.
"""

from __future__ import annotations

import torch  # noqa: F401
import torch.nn.functional as F  # noqa: F401  (you will probably need it)
from torch import Tensor


def sample_times(batch: int, generator: torch.Generator | None = None, eps: float = 1e-3) -> Tensor:
    """One masking probability per sequence, uniform on [eps, 1]: shape (batch,).

    Draw u ~ U(0, 1) (with `generator`) and return t = (1 - eps) * u + eps,
    as LLaDA does (arXiv:2502.09992).
    """
    # TODO(e12_masked_diffusion): draw u uniformly, then squeeze it into [eps, 1].
    raise NotImplementedError("e12_masked_diffusion: sample_times is not written yet")


def forward_mask(
    x0: Tensor, t: Tensor, mask_id: int, generator: torch.Generator | None = None
) -> Tensor:
    """Corrupt x0 at time t: each token independently becomes mask_id with probability t.

    Args:
        x0: (B, L) long, the clean tokens.
        t: (B,) float in [0, 1], one time (masking probability) per sequence.
        mask_id: the id of the [MASK] token.
        generator: the source of randomness, for reproducible noise.

    Returns:
        xt: (B, L) long. Where xt != mask_id, xt equals x0.
    """
    # TODO(e12_masked_diffusion): one uniform number per token, compared with its row's t.
    raise NotImplementedError("e12_masked_diffusion: forward_mask is not written yet")


def masked_diffusion_loss(
    logits: Tensor, x0: Tensor, xt: Tensor, t: Tensor, mask_id: int
) -> Tensor:
    """The masked diffusion training loss (MDLM arXiv:2406.07524, LLaDA arXiv:2502.09992).

        loss = 1 / (B * L) * sum over b, masked i of  CE(logits[b, i], x0[b, i]) / t[b]

    Args:
        logits: (B, L, V) the model's predictions for the clean tokens, given xt.
        x0: (B, L) long, the clean tokens (the targets).
        xt: (B, L) long, the corrupted input; masked where xt == mask_id.
        t: (B,) the time each sequence was corrupted at.
        mask_id: the id of the [MASK] token.

    Returns:
        A scalar (0-dim) tensor.
    """
    # TODO(e12_masked_diffusion): cross-entropy on masked positions, weighted by 1 / t, over B * L.
    raise NotImplementedError("e12_masked_diffusion: masked_diffusion_loss is not written yet")
