"""Reference code that no exercise grades: checked against independent oracles."""

from __future__ import annotations

import pytest
import torch

from llmtriad import diffusion, memory, parallel_decoding, position_probe, rank, rank_collapse
from llmtriad.gpt import GPT, GPTConfig
from llmtriad.kv_cache import StaticKVCache


@pytest.mark.parametrize("n_kv_head", [None, 2, 1])
def test_cached_generation_equals_uncached(n_kv_head: int | None) -> None:
    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=50, block_size=24, n_layer=2, n_head=4, n_kv_head=n_kv_head, n_embd=32)).eval()
    prompt = torch.randint(0, 50, (2, 5), generator=torch.Generator().manual_seed(1))
    cached = model.generate(prompt, 12, use_cache=True)
    # The two paths round differently (float32, about 1e-6 here, and that depends on the
    # CPU's kernels), so exact token equality needs every greedy choice to win by far more:
    # this seed's smallest top-1 / top-2 gap is checked, not assumed.
    with torch.no_grad():
        logits = model(cached[:, :-1])[:, prompt.shape[1] - 1:]  # (B, 12, vocab): behind each choice
    top2 = logits.topk(2, dim=-1).values  # (B, 12, 2)
    assert (top2[..., 0] - top2[..., 1]).min() > 1e-3, "a near tie: choose another seed"
    assert torch.equal(cached, model.generate(prompt, 12, use_cache=False))


def test_static_cache_logits_match_the_full_forward_pass() -> None:
    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=30, block_size=16, n_layer=2, n_head=2, n_embd=16)).eval()
    tokens = torch.randint(0, 30, (1, 9), generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        full = model(tokens)
        caches = [StaticKVCache(batch_size=1, kv_heads=2, max_len=16, head_dim=8) for _ in model.blocks]
        pieces = [model(tokens[:, :4], caches)] + [model(tokens[:, i:i + 1], caches) for i in range(4, 9)]
    # Same math, different order of float32 operations: equal to rounding (~1e-6), not bit for bit.
    torch.testing.assert_close(torch.cat(pieces, dim=1), full, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("causal", [True, False])
def test_only_a_bidirectional_model_sees_the_future(causal: bool) -> None:
    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=30, block_size=16, causal=causal)).eval()
    tokens = torch.randint(0, 30, (2, 8), generator=torch.Generator().manual_seed(3))
    changed = tokens.clone()
    changed[:, -1] = (changed[:, -1] + 1) % 30  # change the last token only
    with torch.no_grad():
        before, after = model(tokens)[:, :-1], model(changed)[:, :-1]
    # Causal: the earlier positions cannot see the last token, so they are untouched.
    assert torch.equal(before, after) == causal


def test_a_bidirectional_model_refuses_to_cache_or_generate() -> None:
    model = GPT(GPTConfig(causal=False))
    with pytest.raises(ValueError, match="causal"):
        model.generate(torch.zeros(1, 3, dtype=torch.long), 2)


def test_without_positions_bidirectional_attention_ignores_word_order() -> None:
    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=30, block_size=16, causal=False, learned_positions=False)).eval()
    tokens = torch.randint(0, 30, (1, 8), generator=torch.Generator().manual_seed(4))
    order = torch.randperm(8, generator=torch.Generator().manual_seed(5))
    with torch.no_grad():
        # Permutation equivariance: shuffling the input shuffles the output, nothing more.
        torch.testing.assert_close(model(tokens[:, order]), model(tokens)[:, order], atol=1e-6, rtol=1e-5)
        assert model.pos_emb is None


# KV-cache sizes at 128k tokens (131072), 16-bit, in GiB, worked out by hand from each
# model's published configuration (layers x KV heads x head dim): GPT-2 (Radford et al.,
# 2019), Llama 2 (arXiv 2307.09288), Llama 3 (arXiv 2407.21783), Mistral 7B (arXiv 2310.06825).
@pytest.mark.parametrize("name, gib_128k", [
    ("gpt2-small", 4.5), ("llama-2-7b", 64), ("llama-3-8b", 16), ("llama-3-8b-mqa", 2),
    ("mistral-7b", 0.5), ("llama-3-70b", 40),
])
def test_presets_reproduce_the_published_table(name: str, gib_128k: float) -> None:
    assert memory.to_gib(memory.preset_cache_bytes(memory.PRESETS[name], tokens=131072)) == gib_128k


def test_deepseek_mla_per_token() -> None:
    # 61 layers x (512 + 64) latent numbers x 2 bytes = 70272 bytes = 68.625 KiB per token.
    assert memory.preset_cache_bytes(memory.PRESETS["deepseek-v3"], tokens=1) == 70272


def test_unmasking_steps_cover_every_answer_position_once() -> None:
    vocab, mask_id, answer = 12, 11, 8

    def model(x: torch.Tensor) -> torch.Tensor:  # confident about position p's token p % 10
        logits = torch.zeros(*x.shape, vocab)
        logits[..., torch.arange(x.shape[1]) % 10] = 0
        logits[0, torch.arange(x.shape[1]), torch.arange(x.shape[1]) % 10] = torch.arange(x.shape[1]).float()
        return logits

    prompt = torch.tensor([[1, 2, 3]])
    final, steps = diffusion.unmasking_steps(model, prompt, answer, steps=4, mask_id=mask_id)
    assert not (final == mask_id).any()
    assert sorted(torch.bincount(steps.flatten().long(), minlength=4).tolist()) == [2, 2, 2, 2]


def test_singular_values_show_the_low_rank_tendency() -> None:
    # Su Jianlin's argument, as measured in llmtriad/rank.py: at a small logit
    # scale the bidirectional matrix has about d + 1 significant singular values.
    bidirectional = rank.singular_values(n=128, d=8, scale=0.05, causal=False, seed=0)
    causal = rank.singular_values(n=128, d=8, scale=0.05, causal=True, seed=0)
    significant = lambda s: int((s > 1e-3 * s.max()).sum())  # noqa: E731
    assert significant(bidirectional) <= 10 < 100 < significant(causal)


# --- The debate chapter: implicit position and rank collapse --------------------


def test_position_probe_predicts_positions_and_is_untied() -> None:
    model = position_probe.position_probe(causal=True, length=10, vocab_size=20, n_embd=16)
    tokens = position_probe.random_sequences(3, 10, 20, torch.Generator().manual_seed(0))
    assert model(tokens).shape == (3, 10, 10)  # one score per position, not per token
    assert model.lm_head.weight.data_ptr() != model.tok_emb.weight.data_ptr()
    assert model.pos_emb is None


def test_random_sequences_put_bos_first_and_nowhere_else() -> None:
    tokens = position_probe.random_sequences(64, 12, 5, torch.Generator().manual_seed(1))
    assert (tokens[:, 0] == position_probe.BOS).all()
    assert ((tokens[:, 1:] >= 1) & (tokens[:, 1:] <= 4)).all()
    assert set(tokens[:, 1:].unique().tolist()) == {1, 2, 3, 4}
    assert not (position_probe.random_sequences(64, 12, 5, torch.Generator().manual_seed(1), bos=False) == 0).any()


@pytest.mark.parametrize("call", [
    lambda: position_probe.position_probe(causal=True, length=1),
    lambda: position_probe.random_sequences(2, 4, 1, torch.Generator()),
    lambda: position_probe.train_position_probe(position_probe.position_probe(True, 4), 0, 8, torch.Generator()),
    lambda: position_probe.position_accuracy(position_probe.position_probe(True, 4), torch.zeros(4, dtype=torch.long)),
    lambda: rank_collapse.pure_attention_layers(torch.zeros(4, 2), -1, 1.0, True),
    lambda: rank_collapse.token_spread(torch.zeros(4)),
])
def test_debate_code_rejects_bad_arguments(call: object) -> None:
    with pytest.raises(ValueError):
        call()  # type: ignore[operator]


def test_only_the_causal_probe_learns_positions() -> None:
    # Haviv et al. (arXiv 2203.16634): a causal model without positional encodings learns
    # positions. A bidirectional one cannot beat chance, 1 / (T - 1) = 1/15, at positions 1..T-1:
    # its output there is a function of the token and of the multiset of all tokens, which
    # have the same distribution at every such position.
    accuracy = {}
    for causal in (True, False):
        torch.manual_seed(0)
        model = position_probe.position_probe(causal=causal, length=16)
        position_probe.train_position_probe(model, steps=150, batch=64, generator=torch.Generator().manual_seed(1))
        test = position_probe.random_sequences(512, 16, 32, torch.Generator().manual_seed(2))
        accuracy[causal] = position_probe.position_accuracy(model, test)
    assert accuracy[True] > 0.5, accuracy
    assert abs(accuracy[False] - 1 / 15) < 0.03, accuracy


def test_uniform_causal_attention_halves_the_gap_to_the_first_token() -> None:
    # Scale 0: row t averages tokens 0..t with equal weights, so token 0 never moves and
    # token 1 = (token 0 + token 1) / 2 after each layer: the gap halves exactly.
    x = torch.randn(6, 3, generator=torch.Generator().manual_seed(3), dtype=torch.float64)
    states = rank_collapse.pure_attention_layers(x, depth=10, scale=0.0, causal=True)
    assert states.shape == (11, 6, 3)
    torch.testing.assert_close(states[:, 0], x[0].expand(11, 3), rtol=0, atol=0)
    gaps = (states[:, 1] - states[:, 0]).norm(dim=-1)  # (11,)
    torch.testing.assert_close(gaps, (x[1] - x[0]).norm() * 0.5 ** torch.arange(11, dtype=torch.float64))


def test_uniform_bidirectional_attention_collapses_in_one_layer() -> None:
    x = torch.randn(5, 4, generator=torch.Generator().manual_seed(4), dtype=torch.float64)
    states = rank_collapse.pure_attention_layers(x, depth=1, scale=0.0, causal=False)
    torch.testing.assert_close(states[1], x.mean(dim=0).expand(5, 4))  # every token becomes the mean
    assert rank_collapse.token_spread(states[1]) < 1e-12


def test_token_spread_is_the_centred_frobenius_norm() -> None:
    x = torch.randn(7, 3, generator=torch.Generator().manual_seed(5), dtype=torch.float64)
    # n times the (biased) variance of each channel, summed: the squared distance to the mean row.
    expected = (7 * x.var(dim=0, correction=0).sum()).sqrt().item()
    assert rank_collapse.token_spread(x) == pytest.approx(expected, rel=1e-12)
    assert rank_collapse.token_spread(x[:1].expand(7, 3)) < 1e-12  # equal rows: nothing left but rounding


# --- The diffusion chapter: the parallel decoding curse ------------------------------


def test_two_word_names_lose_one_bit_when_decoded_in_one_step() -> None:
    # "new york" or "los angeles", each with probability 1/2: rows are the first word, columns the second.
    joint = torch.tensor([[0.5, 0.0], [0.0, 0.5]])
    assert torch.equal(parallel_decoding.factorised(joint), torch.full((2, 2), 0.25))
    torch.testing.assert_close(parallel_decoding.parallel_decoding_gap(joint), torch.tensor(2.0).log())
    marginal, valid = torch.tensor([0.5, 0.5]), torch.eye(2, dtype=torch.bool)
    assert parallel_decoding.one_step_valid(marginal, marginal, valid).item() == 0.5
    assert parallel_decoding.two_step_valid(marginal, torch.eye(2), valid).item() == 1.0


def test_the_gap_is_the_mutual_information() -> None:
    generator = torch.Generator().manual_seed(0)
    joints = torch.rand(5, 4, 6, generator=generator, dtype=torch.float64) ** 3  # (5, 4, 6), uneven
    joints[0, 1] = 0.0  # a first token the joint never produces
    joints /= joints.sum(dim=(-2, -1), keepdim=True)
    entropy = lambda p: torch.distributions.Categorical(probs=p).entropy()  # noqa: E731
    # I(X; Y) = H(X) + H(Y) - H(X, Y): a formula that never forms the product of the marginals.
    oracle = entropy(joints.sum(-1)) + entropy(joints.sum(-2)) - entropy(joints.flatten(-2))
    torch.testing.assert_close(parallel_decoding.parallel_decoding_gap(joints), oracle)


def test_independent_positions_lose_nothing() -> None:
    generator = torch.Generator().manual_seed(1)
    a = torch.rand(7, generator=generator, dtype=torch.float64)
    b = torch.rand(3, generator=generator, dtype=torch.float64)
    joint = torch.outer(a / a.sum(), b / b.sum())  # (7, 3): p(a, b) = p(a) p(b)
    torch.testing.assert_close(parallel_decoding.factorised(joint), joint)
    assert parallel_decoding.parallel_decoding_gap(joint).item() < 1e-12


def test_one_step_validity_matches_independent_draws() -> None:
    generator = torch.Generator().manual_seed(2)
    p_first = torch.softmax(torch.randn(5, generator=generator), 0)
    p_second = torch.softmax(torch.randn(5, generator=generator), 0)
    valid = torch.rand(5, 5, generator=generator) < 0.3
    n = 200_000
    first = torch.multinomial(p_first, n, replacement=True, generator=generator)  # (n,) independent draws
    second = torch.multinomial(p_second, n, replacement=True, generator=generator)
    frequency = valid[first, second].double().mean().item()
    exact = parallel_decoding.one_step_valid(p_first, p_second, valid).item()
    assert abs(frequency - exact) < 4 * (exact * (1 - exact) / n) ** 0.5 + 1e-9


@pytest.mark.parametrize("call", [
    lambda: parallel_decoding.factorised(torch.tensor([[0.5, 0.6], [0.0, 0.0]])),  # sums to 1.1
    lambda: parallel_decoding.factorised(torch.tensor([[1.5, -0.5], [0.0, 0.0]])),  # negative
    lambda: parallel_decoding.factorised(torch.tensor([0.5, 0.5])),  # one axis, not a joint
    lambda: parallel_decoding.one_step_valid(torch.tensor([0.5, 0.5]), torch.tensor([1.0]), torch.eye(2).bool()),
    lambda: parallel_decoding.one_step_valid(torch.tensor([0.5, 0.5]), torch.tensor([0.5, 0.5]), torch.eye(2)),
    lambda: parallel_decoding.two_step_valid(torch.tensor([0.5, 0.5]), torch.eye(3), torch.eye(3).bool()),
])
def test_parallel_decoding_rejects_bad_arguments(call: object) -> None:
    with pytest.raises(ValueError):
        call()  # type: ignore[operator]
