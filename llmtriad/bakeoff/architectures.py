"""The bake-off's architectures: where they differ, and nowhere else.

All five are the course's own Transformer (llmtriad.gpt, and the
encoder-decoder built from its blocks in llmtriad.encoder_decoder), with the
same width, heads and vocabulary. Each architecture says four things:

    build    the network, from one shared Size
    loss     its training objective on a batch of (prompt, answer) pairs
    answer_nll   -log p(answer | prompt) per example, in nats: exact for the
             three autoregressive models, a Monte-Carlo upper bound (the
             negative ELBO) for the two diffusion models
    generate     greedy answers to a batch of prompts

    architecture      mask                                   objective (which tokens are scored)
    causal            causal                                 next token, every token
    prefix            prefix LM: prompt bidirectional         next token, answer tokens only
    encoder-decoder   encoder bidirectional, decoder causal   next token, answer tokens only
    diffusion         none (bidirectional)                   masked answer tokens, weight 1/t
    block-diffusion   block-causal (blocks of 2)              masked tokens of one answer block, weight 1/t

Each is trained with the objective its family uses for prompt-answer pairs: a
GPT learns every token, a prefix LM and an encoder-decoder learn the target
given the input (UniLM, T5), and a masked diffusion LM, like LLaDA's
supervised fine-tuning, keeps the prompt clean and masks the answer at a
random rate t. `causal-regularised` is the causal LM with MLP
dropout and weight decay: Gao et al. (2025, arXiv:2510.04071) attribute much
of diffusion's advantage on repeated data to masking acting as a
regulariser, so the fair baseline regularises too.

Shapes: B batch, P = PROMPT_LEN, A = ANSWER_LEN, L = P + A, V vocabulary.
prompts (B, P) and answers (B, A) are long token ids.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from llmtriad.bakeoff.tasks import ANSWER_LEN, MASK_ID, PROMPT_LEN, SEQ_LEN, VOCAB
from llmtriad.diffusion import forward_mask, masked_diffusion_loss, nll_estimates, sample, sample_times
from llmtriad.encoder_decoder import EncoderDecoder
from llmtriad.gpt import GPT, GPTConfig
from llmtriad.kv_cache import KVCache
from llmtriad.masks import bidirectional_mask, prefix_lm_mask
from llmtriad.objectives import prefix_lm_loss

BLOCK_LEN = 2  # block diffusion's block size: 8 blocks over the 16 tokens, the last 3 the answer's


@dataclass(frozen=True)
class Size:
    """The shared budget: a decoder-only model has n_layer layers, an encoder-decoder n_layer / 2 in each stack."""

    n_embd: int
    n_head: int
    n_layer: int


@dataclass(frozen=True)
class NLL:
    """-log p(answer | prompt) per example, in nats: the estimate and its standard error (0 when exact)."""

    value: Tensor  # (B,)
    stderr: Tensor  # (B,)


def block_causal_mask(length: int, block_len: int) -> Tensor:
    """Key j is visible to query i when j's block is not after i's: blocks of block_len tokens.

    Within a block attention is bidirectional; across blocks it is causal. With
    block_len = 1 this is the causal mask; it is also the clean half of
    llmtriad.masks.block_diffusion_mask. (L, L) boolean.
    """
    if block_len < 1 or length % block_len != 0:
        raise ValueError(f"length={length} must be a positive multiple of block_len={block_len}")
    block = torch.arange(length) // block_len  # (L,) each position's block
    return block.unsqueeze(0) <= block.unsqueeze(1)  # (L, L): block(j) <= block(i)


def answer_cross_entropy(logits: Tensor, answers: Tensor) -> Tensor:
    """(B, A, V) logits for the answer tokens, (B, A) answers -> (B,) summed nats."""
    return F.cross_entropy(logits.transpose(1, 2), answers, reduction="none").sum(dim=1)


class Architecture:
    """The interface; the subclasses below fill it in."""

    name: str = ""
    nll_is_exact = True
    uses_cache = True  # does generate() reuse keys and values across steps
    scored_in_parallel = False  # is exact match also measured at two tokens per network call

    def __init__(self, name: str | None = None, weight_decay: float = 0.0, mlp_dropout: float = 0.0) -> None:
        self.name = name or type(self).name
        self.weight_decay = weight_decay
        self.mlp_dropout = mlp_dropout

    def config(self, size: Size, **changes: object) -> GPTConfig:
        settings: dict[str, object] = {
            "vocab_size": len(VOCAB),
            "block_size": SEQ_LEN,
            "n_layer": size.n_layer,
            "n_head": size.n_head,
            "n_embd": size.n_embd,
            "mlp_dropout": self.mlp_dropout,
        }
        return GPTConfig(**{**settings, **changes})  # type: ignore[arg-type]

    def build(self, size: Size) -> nn.Module:
        return GPT(self.config(size))

    def loss(self, model: nn.Module, prompts: Tensor, answers: Tensor, generator: torch.Generator) -> Tensor:
        raise NotImplementedError

    def answer_nll(
        self, model: nn.Module, prompts: Tensor, answers: Tensor, num_samples: int, generator: torch.Generator
    ) -> NLL:
        raise NotImplementedError

    def generate(self, model: nn.Module, prompts: Tensor, steps: int | None = None) -> Tensor:
        raise NotImplementedError


class CausalLM(Architecture):
    """GPT: causal mask, next-token loss on every token."""

    name = "causal"

    def loss(self, model: nn.Module, prompts: Tensor, answers: Tensor, generator: torch.Generator) -> Tensor:
        x = torch.cat([prompts, answers], dim=1)  # (B, L)
        logits = model(x)  # (B, L, V)
        return F.cross_entropy(logits[:, :-1].transpose(1, 2), x[:, 1:])  # every token after the first

    def answer_nll(
        self, model: nn.Module, prompts: Tensor, answers: Tensor, num_samples: int, generator: torch.Generator
    ) -> NLL:
        logits = model(torch.cat([prompts, answers], dim=1))  # (B, L, V)
        # logits[:, i] predicts token i + 1: the answer (tokens P .. L - 1) is predicted at P - 1 .. L - 2.
        nll = answer_cross_entropy(logits[:, PROMPT_LEN - 1 : -1], answers)
        return NLL(nll, torch.zeros_like(nll))

    def generate(self, model: nn.Module, prompts: Tensor, steps: int | None = None) -> Tensor:
        assert isinstance(model, GPT)
        return model.generate(prompts, ANSWER_LEN)[:, PROMPT_LEN:]  # with the KV cache


class PrefixLM(CausalLM):
    """The same GPT with a prefix-LM mask: the prompt reads itself both ways; only answers are scored."""

    name = "prefix"

    def mask(self, device: torch.device) -> Tensor:
        return prefix_lm_mask(SEQ_LEN, PROMPT_LEN).to(device)  # (L, L)

    def loss(self, model: nn.Module, prompts: Tensor, answers: Tensor, generator: torch.Generator) -> Tensor:
        x = torch.cat([prompts, answers], dim=1)  # (B, L)
        logits = model(x, mask=self.mask(x.device))  # (B, L, V)
        batch = x.shape[0]
        prompt_lens = torch.full((batch,), PROMPT_LEN, device=x.device)
        lengths = torch.full((batch,), SEQ_LEN, device=x.device)
        return prefix_lm_loss(logits, x, prompt_lens, lengths)  # exercise e15: prompt tokens are not scored

    def answer_nll(
        self, model: nn.Module, prompts: Tensor, answers: Tensor, num_samples: int, generator: torch.Generator
    ) -> NLL:
        logits = model(torch.cat([prompts, answers], dim=1), mask=self.mask(prompts.device))  # (B, L, V)
        nll = answer_cross_entropy(logits[:, PROMPT_LEN - 1 : -1], answers)
        return NLL(nll, torch.zeros_like(nll))

    @torch.no_grad()
    def generate(self, model: nn.Module, prompts: Tensor, steps: int | None = None) -> Tensor:
        assert isinstance(model, GPT)
        caches = [KVCache() for _ in model.blocks]
        # Prefill: the prompt reads itself bidirectionally, and its keys and values go into the
        # cache. Each later token sees the whole cache and itself: the prefix-LM mask, row by row.
        logits = model(prompts, caches, mask=bidirectional_mask(PROMPT_LEN).to(prompts.device))  # (B, P, V)
        written = []
        for step in range(ANSWER_LEN):
            token = logits[:, -1].argmax(dim=-1, keepdim=True)  # (B, 1)
            written.append(token)
            if step < ANSWER_LEN - 1:
                logits = model(token, caches)  # (B, 1, V)
        return torch.cat(written, dim=1)


class EncoderDecoderLM(Architecture):
    """T5's shape: the prompt goes to the encoder, the answer comes out of the decoder.

    Half the layers in each stack, and an MLP 3 n_embd wide instead of 4 n_embd,
    so that the weights match (d = n_embd, biases and norms aside): a
    decoder-only layer has 4 d^2 (attention) + 8 d^2 (MLP) = 12 d^2; an
    encoder layer has 4 d^2 + 6 d^2, a decoder layer 8 d^2 (self- and
    cross-attention) + 6 d^2, and n/2 of each make 12 n d^2.
    """

    name = "encoder-decoder"

    def build(self, size: Size) -> nn.Module:
        if size.n_layer % 2:
            raise ValueError(f"the encoder-decoder splits n_layer={size.n_layer} into two stacks: make it even")
        return EncoderDecoder(
            self.config(size, n_layer=size.n_layer // 2, mlp_ratio=3, block_size=max(PROMPT_LEN, ANSWER_LEN))
        )

    @staticmethod
    def decoder_input(prompts: Tensor, answers: Tensor) -> Tensor:
        """The decoder reads "=" (the prompt's last token) and then the answer, one step behind."""
        return torch.cat([prompts[:, -1:], answers[:, :-1]], dim=1)  # (B, A)

    def loss(self, model: nn.Module, prompts: Tensor, answers: Tensor, generator: torch.Generator) -> Tensor:
        logits = model(prompts, self.decoder_input(prompts, answers))  # (B, A, V)
        return F.cross_entropy(logits.transpose(1, 2), answers)

    def answer_nll(
        self, model: nn.Module, prompts: Tensor, answers: Tensor, num_samples: int, generator: torch.Generator
    ) -> NLL:
        nll = answer_cross_entropy(model(prompts, self.decoder_input(prompts, answers)), answers)
        return NLL(nll, torch.zeros_like(nll))

    def generate(self, model: nn.Module, prompts: Tensor, steps: int | None = None) -> Tensor:
        assert isinstance(model, EncoderDecoder)
        return model.generate(prompts, prompts[:, -1:], ANSWER_LEN)  # the encoder once, then cached decoding


class MaskedDiffusionLM(Architecture):
    """MDLM / LLaDA: a bidirectional denoiser; the prompt stays clean, the answer is masked at rate t."""

    name = "diffusion"
    nll_is_exact = False
    uses_cache = False  # bidirectional: every step recomputes every position
    scored_in_parallel = True

    def build(self, size: Size) -> nn.Module:
        return GPT(self.config(size, causal=False))

    def denoise(self, model: nn.Module, x: Tensor) -> Tensor:
        """(B, L) tokens, some masked -> (B, L, V) logits, never for [MASK] itself."""
        return self.never_mask(model(x))

    @staticmethod
    def never_mask(logits: Tensor) -> Tensor:
        # A clean token is never [MASK]: MDLM's "zero masking probabilities" (Sahoo et al., 2024).
        # Without it an untrained denoiser can "unmask" a position to [MASK] and leave it unfinished.
        return logits.masked_fill(torch.arange(logits.shape[-1], device=logits.device) == MASK_ID, float("-inf"))

    def loss(self, model: nn.Module, prompts: Tensor, answers: Tensor, generator: torch.Generator) -> Tensor:
        t = sample_times(answers.shape[0], generator)  # (B,)
        # The noise is drawn on the CPU, so that a seed gives the same masks on any device.
        noisy = forward_mask(answers.cpu(), t, MASK_ID, generator).to(answers.device)  # (B, A)
        logits = self.denoise(model, torch.cat([prompts, noisy], dim=1))[:, PROMPT_LEN:]  # (B, A, V)
        return masked_diffusion_loss(logits, answers, noisy, t.to(answers.device), MASK_ID)  # per answer token

    def answer_nll(
        self, model: nn.Module, prompts: Tensor, answers: Tensor, num_samples: int, generator: torch.Generator
    ) -> NLL:
        values, errors = [], []
        for prompt, answer in zip(prompts, answers, strict=True):
            # nll_estimates masks the answer only: the bound on -log p(answer | prompt).
            def denoise_answer(noisy: Tensor, prompt: Tensor = prompt) -> Tensor:
                x = torch.cat([prompt.expand(noisy.shape[0], -1), noisy], dim=1)  # (K, L)
                return self.denoise(model, x)[:, PROMPT_LEN:]  # (K, A, V)

            estimates = nll_estimates(denoise_answer, answer, MASK_ID, num_samples, generator)  # (K,)
            values.append(estimates.mean())
            errors.append(estimates.std() / num_samples**0.5 if num_samples > 1 else estimates.new_tensor(0.0))
        return NLL(torch.stack(values), torch.stack(errors))

    def generate(self, model: nn.Module, prompts: Tensor, steps: int | None = None) -> Tensor:
        """LLaDA's low-confidence remasking; `steps` model calls (default: one token per call)."""
        steps = ANSWER_LEN if steps is None else steps
        with torch.no_grad():
            x = sample(lambda x: self.denoise(model, x), prompts, ANSWER_LEN, steps, MASK_ID)
        return x[:, PROMPT_LEN:]


class BlockDiffusionLM(MaskedDiffusionLM):
    """BD3-LM's idea: diffusion within blocks of BLOCK_LEN tokens, autoregression across them.

    The prompt fills the first blocks and stays clean. Training picks one
    answer block per sequence, masks it at time t, and keeps the blocks before
    it clean; the block-causal mask hides the blocks after it. That is an
    unbiased estimate of BD3-LM's loss (a sum over the blocks, hence the factor
    of their number), which BD3-LM computes for every block at once with the
    two-copy mask of llmtriad.masks.block_diffusion_mask.
    """

    name = "block-diffusion"
    scored_in_parallel = False  # its blocks hold two tokens: one call per block would be a different sampler

    def build(self, size: Size) -> nn.Module:
        return GPT(self.config(size, causal=False))

    def denoise(self, model: nn.Module, x: Tensor) -> Tensor:
        return self.never_mask(model(x, mask=block_causal_mask(x.shape[1], BLOCK_LEN).to(x.device)))

    def loss(self, model: nn.Module, prompts: Tensor, answers: Tensor, generator: torch.Generator) -> Tensor:
        batch, blocks = answers.shape[0], ANSWER_LEN // BLOCK_LEN
        t = sample_times(batch, generator)  # (B,)
        block = torch.randint(blocks, (batch,), generator=generator)  # (B,) the answer block each sequence learns
        in_block = (torch.arange(ANSWER_LEN) // BLOCK_LEN).unsqueeze(0) == block.unsqueeze(1)  # (B, A)
        masked = forward_mask(answers.cpu(), t, MASK_ID, generator)  # (B, A): masked at rate t everywhere ...
        noisy = torch.where(in_block, masked, answers.cpu()).to(answers.device)  # ... but kept in the chosen block
        logits = self.denoise(model, torch.cat([prompts, noisy], dim=1))[:, PROMPT_LEN:]  # (B, A, V)
        # masked_diffusion_loss divides by all B * A answer positions; times the number of blocks,
        # that is the sum over the blocks of each block's loss, per answer token.
        return blocks * masked_diffusion_loss(logits, answers, noisy, t.to(answers.device), MASK_ID)

    def answer_nll(
        self, model: nn.Module, prompts: Tensor, answers: Tensor, num_samples: int, generator: torch.Generator
    ) -> NLL:
        # -log p(answer | prompt) = sum over the answer's blocks of -log p(block | the blocks before it),
        # and each term has the masked diffusion bound, estimated with the block masked and the later
        # blocks hidden by the block-causal mask.
        values, errors = [], []
        for prompt, answer in zip(prompts, answers, strict=True):
            total, variance = answer.new_zeros((), dtype=torch.float), answer.new_zeros((), dtype=torch.float)
            for start in range(0, ANSWER_LEN, BLOCK_LEN):

                def denoise_block(
                    noisy: Tensor, start: int = start, prompt: Tensor = prompt, answer: Tensor = answer
                ) -> Tensor:
                    k = noisy.shape[0]
                    rest = answer[start + BLOCK_LEN :].expand(k, -1)  # after the block: invisible
                    x = torch.cat([prompt.expand(k, -1), answer[:start].expand(k, -1), noisy, rest], dim=1)
                    return self.denoise(model, x)[:, PROMPT_LEN + start : PROMPT_LEN + start + BLOCK_LEN]

                estimates = nll_estimates(
                    denoise_block, answer[start : start + BLOCK_LEN], MASK_ID, num_samples, generator
                )  # (K,)
                total = total + estimates.mean()
                if num_samples > 1:
                    variance = variance + estimates.var() / num_samples
            values.append(total)
            errors.append(variance.sqrt())
        return NLL(torch.stack(values), torch.stack(errors))

    def generate(self, model: nn.Module, prompts: Tensor, steps: int | None = None) -> Tensor:
        """One block at a time, left to right, one token per call within a block."""
        steps = ANSWER_LEN if steps is None else steps
        with torch.no_grad():
            x = sample(lambda x: self.denoise(model, x), prompts, ANSWER_LEN, steps, MASK_ID, block_len=BLOCK_LEN)
        return x[:, PROMPT_LEN:]


ARCHITECTURES: dict[str, Architecture] = {
    architecture.name: architecture
    for architecture in [
        CausalLM(),
        CausalLM("causal-regularised", weight_decay=0.1, mlp_dropout=0.1),
        PrefixLM(),
        EncoderDecoderLM(),
        MaskedDiffusionLM(),
        BlockDiffusionLM(),
    ]
}
