"""The course's GPT is GPT-2, checked against Hugging Face transformers' own GPT-2.

A transformers GPT-2 is built from a GPT2Config with random weights (nothing is
downloaded), its weights are copied into llmtriad's GPT, and the two must give
the same logits and, with their KV-caches, the same greedy tokens.
"""

from __future__ import annotations

import pytest
import torch
from transformers import DynamicCache, GPT2Config, GPT2LMHeadModel

from llmtriad.gpt import GPT, GPTConfig

SIZES = {"vocab_size": 96, "block_size": 48, "n_layer": 2, "n_head": 4, "n_embd": 64}


def huggingface_gpt2(activation: str) -> GPT2LMHeadModel:
    torch.manual_seed(0)
    config = GPT2Config(vocab_size=SIZES["vocab_size"], n_positions=SIZES["block_size"], n_embd=SIZES["n_embd"],
                        n_layer=SIZES["n_layer"], n_head=SIZES["n_head"], activation_function=activation,
                        bos_token_id=None, eos_token_id=None)
    model = GPT2LMHeadModel(config).eval()
    # GPT-2's initialisation leaves the LayerNorms at 1 and 0: randomise them too, so the copy is tested.
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if ".ln_" in name or name.startswith("transformer.ln_f"):
                parameter.normal_(1.0 if name.endswith("weight") else 0.0, 0.1)
    return model


def copy_into_course_gpt(hf: GPT2LMHeadModel, gelu_approximate: str) -> GPT:
    """llmtriad's GPT with hf's weights. transformers' Conv1D stores (in, out): nn.Linear wants (out, in)."""
    model = GPT(GPTConfig(**SIZES, gelu_approximate=gelu_approximate)).eval()
    source = hf.transformer
    with torch.no_grad():
        model.tok_emb.weight.copy_(source.wte.weight)  # the head is tied to it, in both models
        model.pos_emb.weight.copy_(source.wpe.weight)
        for block, theirs in zip(model.blocks, source.h):
            block.ln_1.load_state_dict(theirs.ln_1.state_dict())
            block.ln_2.load_state_dict(theirs.ln_2.state_dict())
            q, k, v = theirs.attn.c_attn.weight.T.chunk(3, dim=0)  # each (C, C)
            q_bias, k_bias, v_bias = theirs.attn.c_attn.bias.chunk(3)
            for linear, weight, bias in ((block.attn.q_proj, q, q_bias), (block.attn.k_proj, k, k_bias),
                                         (block.attn.v_proj, v, v_bias),
                                         (block.attn.out_proj, theirs.attn.c_proj.weight.T, theirs.attn.c_proj.bias),
                                         (block.mlp.fc, theirs.mlp.c_fc.weight.T, theirs.mlp.c_fc.bias),
                                         (block.mlp.proj, theirs.mlp.c_proj.weight.T, theirs.mlp.c_proj.bias)):
                linear.weight.copy_(weight)
                linear.bias.copy_(bias)
        model.ln_f.load_state_dict(source.ln_f.state_dict())
    return model


def tokens(batch: int = 2, length: int = 20) -> torch.Tensor:
    return torch.randint(0, SIZES["vocab_size"], (batch, length), generator=torch.Generator().manual_seed(1))


def largest_gap(hf: GPT2LMHeadModel, ours: GPT) -> float:
    with torch.no_grad():
        return (hf(tokens()).logits - ours(tokens())).abs().max().item()


# Float32 with logits of order 1: the same function computed in another order of
# operations agrees to about 1e-7 here; 2e-6 leaves room for other CPUs' kernels.
SAME_FUNCTION = 2e-6


@pytest.mark.parametrize("activation, gelu_approximate", [("gelu_new", "tanh"), ("gelu", "none")])
def test_logits_equal_transformers_gpt2(activation: str, gelu_approximate: str) -> None:
    hf = huggingface_gpt2(activation)
    assert largest_gap(hf, copy_into_course_gpt(hf, gelu_approximate)) < SAME_FUNCTION


def test_exact_gelu_differs_slightly_from_gpt2s_tanh_gelu() -> None:
    # What the page says: GPT-2's own GELU is the tanh approximation; the exact one moves the logits a little.
    hf = huggingface_gpt2("gelu_new")
    gap = largest_gap(hf, copy_into_course_gpt(hf, "none"))
    assert SAME_FUNCTION < gap < 1e-3, gap


def test_cached_greedy_decoding_gives_transformers_tokens() -> None:
    hf = huggingface_gpt2("gelu_new")
    ours = copy_into_course_gpt(hf, "tanh")
    prompt = tokens(batch=1, length=6)
    new = 16
    generated = ours.generate(prompt, new, use_cache=True)  # llmtriad's KVCache loop

    # The same loop with transformers' DynamicCache: prefill once, then one token at a time.
    cache, ids, theirs = DynamicCache(config=hf.config), prompt, prompt
    with torch.no_grad():
        for _ in range(new):
            logits = hf(input_ids=ids, past_key_values=cache, use_cache=True).logits
            ids = logits[:, -1].argmax(dim=-1, keepdim=True)  # (1, 1)
            theirs = torch.cat([theirs, ids], dim=1)
        # Exact token equality needs every choice to win by far more than the two models differ.
        full = hf(theirs[:, :-1]).logits[:, prompt.shape[1] - 1:]  # (1, new, vocab)
    top2 = full.topk(2, dim=-1).values
    assert (top2[..., 0] - top2[..., 1]).min() > 100 * SAME_FUNCTION, "a near tie: choose another seed"
    assert cache.get_seq_length() == prompt.shape[1] + new - 1
    assert torch.equal(generated, theirs)
