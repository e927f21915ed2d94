"""The bake-off: its data, each architecture's mask and loss against an independent oracle,
its likelihood estimates against exact enumeration, reproducibility, and the command line.

The quick run itself, every architecture end to end, is part of the figure pipeline's
baseline run: tests/test_figures.py checks that its results are well formed."""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

from llmtriad.bakeoff import architectures as arch
from llmtriad.bakeoff.experiment import PRESETS, run, summarise
from llmtriad.bakeoff.tasks import (ANSWER_LEN, MASK_ID, PROMPT_LEN, SEQ_LEN, TASKS, TOKEN_ID, decode, make_data)
from llmtriad.masks import block_diffusion_mask, causal_mask
from tests.conftest import ROOT

TINY = arch.Size(n_embd=16, n_head=2, n_layer=2)


def tiny_model(name: str, seed: int = 0) -> torch.nn.Module:
    torch.manual_seed(seed)
    return arch.ARCHITECTURES[name].build(TINY).eval()


@pytest.fixture(scope="module")
def data():  # type: ignore[no-untyped-def]
    return make_data(train_per_task=300, test_per_task=40, num_facts=20, fact_repeats=2)


def batch(split, n: int = 6):  # type: ignore[no-untyped-def]
    return split.prompts[:n], split.answers[:n]


# --- The data ----------------------------------------------------------------------


def test_no_held_out_example_is_trained_on(data) -> None:  # type: ignore[no-untyped-def]
    train = {(tuple(p.tolist()), tuple(a.tolist())) for p, a in zip(data.train.prompts, data.train.answers)}
    for task in TASKS:
        test = data.test.of(task)
        assert len(test) > 0, task
        pairs = {(tuple(p.tolist()), tuple(a.tolist())) for p, a in zip(test.prompts, test.answers)}
        if task == "lookup":  # recall of trained facts, by design
            assert pairs <= train
        else:
            assert not pairs & train, f"{task}: held-out examples occur in the training set"


def test_reversal_questions_ask_facts_trained_only_the_other_way(data) -> None:  # type: ignore[no-untyped-def]
    lookups = {decode(p)[6:9]: decode(a)[:3] for p, a in zip(data.train.of("lookup").prompts,
                                                             data.train.of("lookup").answers)}
    trained_reversals = {decode(p)[6:9] for p in data.train.of("reversal").prompts}
    for prompt, answer in zip(data.test.of("reversal").prompts, data.test.of("reversal").answers):
        code, name = decode(prompt)[6:9], decode(answer)[:3]
        assert lookups[name] == code, "a reversal question must ask a fact the lookup direction trains"
        assert code not in trained_reversals


def test_every_answer_is_right(data) -> None:  # type: ignore[no-untyped-def]
    for task in ("copy", "reverse", "sort", "add", "infill"):
        split = data.test.of(task)
        for prompt, answer in zip(split.prompts, split.answers):
            text, result = decode(prompt[1:-1]).rstrip("."), decode(answer).rstrip(".")
            if task == "copy":
                assert result == text
            elif task == "reverse":
                assert result == text[::-1]
            elif task == "sort":
                assert result == "".join(sorted(text))
            elif task == "add":
                a, b = text.split("+")
                assert int(result) == int(a) + int(b)
            else:  # a palindrome with two blanks; the answer fills them in order
                filled = iter(result)
                full = "".join(next(filled) if c == "?" else c for c in text)
                assert full == full[::-1] and text.count("?") == 2
        assert split.prompts.shape[1] == PROMPT_LEN and split.answers.shape[1] == ANSWER_LEN


def test_the_data_do_not_depend_on_the_hash_seed() -> None:
    script = ("from llmtriad.bakeoff.tasks import make_data; d = make_data(50, 5, 10, 1); "
              "print(d.train.prompts.sum().item(), d.train.prompts[:7].tolist(), d.test.answers.tolist())")
    outputs = {subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True,
                              env={"PYTHONHASHSEED": seed, "PATH": ""}).stdout for seed in ("1", "2")}
    assert len(outputs) == 1


# --- Masks and losses, against oracles written another way ---------------------------


def loop_mask(rule) -> torch.Tensor:  # type: ignore[no-untyped-def]
    return torch.tensor([[rule(i, j) for j in range(SEQ_LEN)] for i in range(SEQ_LEN)])


def test_the_prefix_lm_mask_is_bidirectional_over_the_prompt_only() -> None:
    expected = loop_mask(lambda i, j: j < PROMPT_LEN or j <= i)
    assert torch.equal(arch.PrefixLM().mask(torch.device("cpu")), expected)


def test_the_block_causal_mask() -> None:
    expected = loop_mask(lambda i, j: j // arch.BLOCK_LEN <= i // arch.BLOCK_LEN)
    assert torch.equal(arch.block_causal_mask(SEQ_LEN, arch.BLOCK_LEN), expected)
    assert torch.equal(arch.block_causal_mask(SEQ_LEN, 1), causal_mask(SEQ_LEN))
    clean_half = block_diffusion_mask(SEQ_LEN, arch.BLOCK_LEN)[SEQ_LEN:, SEQ_LEN:]
    assert torch.equal(arch.block_causal_mask(SEQ_LEN, arch.BLOCK_LEN), clean_half)
    with pytest.raises(ValueError, match="multiple"):
        arch.block_causal_mask(SEQ_LEN, 3)


def test_the_causal_lm_scores_every_token(data) -> None:  # type: ignore[no-untyped-def]
    model, (prompts, answers) = tiny_model("causal"), batch(data.train)
    x = torch.cat([prompts, answers], dim=1)
    logits = model(x)
    expected = sum(F.cross_entropy(logits[:, i], x[:, i + 1]) for i in range(SEQ_LEN - 1)) / (SEQ_LEN - 1)
    loss = arch.ARCHITECTURES["causal"].loss(model, prompts, answers, torch.Generator())
    torch.testing.assert_close(loss, expected)


def test_the_prefix_lm_loss_ignores_the_prompt_tokens(data) -> None:  # type: ignore[no-untyped-def]
    model, (prompts, answers) = tiny_model("prefix"), batch(data.train)
    x = torch.cat([prompts, answers], dim=1)
    logits = model(x, mask=loop_mask(lambda i, j: j < PROMPT_LEN or j <= i))
    expected = sum(F.cross_entropy(logits[:, j - 1], x[:, j]) for j in range(PROMPT_LEN, SEQ_LEN)) / ANSWER_LEN
    prefix = arch.ARCHITECTURES["prefix"]
    torch.testing.assert_close(prefix.loss(model, prompts, answers, torch.Generator()), expected)
    # The prompt reads itself both ways: its first position depends on the last prompt token.
    changed = prompts.clone()
    changed[:, PROMPT_LEN - 2] = (changed[:, PROMPT_LEN - 2] + 1) % 10
    first_position = lambda p: model(torch.cat([p, answers], 1), mask=prefix.mask(p.device))[:, 0]  # noqa: E731
    assert not torch.allclose(first_position(prompts), first_position(changed))


def test_the_encoder_never_sees_the_target_and_the_decoder_never_sees_ahead(data) -> None:  # type: ignore[no-untyped-def]
    model, (prompts, answers) = tiny_model("encoder-decoder"), batch(data.train)
    ed = arch.ARCHITECTURES["encoder-decoder"]
    before = model(prompts, ed.decoder_input(prompts, answers))
    for k in range(ANSWER_LEN):
        changed = answers.clone()
        changed[:, k:] = (changed[:, k:] + 3) % 10  # change answer tokens k and later
        after = model(prompts, ed.decoder_input(prompts, changed))
        # The prediction of answer token k reads the prompt and answer tokens before k only.
        torch.testing.assert_close(after[:, : k + 1], before[:, : k + 1])
        if k + 1 < ANSWER_LEN:
            assert not torch.allclose(after[:, k + 1 :], before[:, k + 1 :])
    memory = model.encode(prompts)
    torch.testing.assert_close(memory, model.encode(prompts.clone()))  # a function of the prompt alone
    expected = sum(F.cross_entropy(before[:, k], answers[:, k]) for k in range(ANSWER_LEN)) / ANSWER_LEN
    torch.testing.assert_close(ed.loss(model, prompts, answers, torch.Generator()), expected)


def test_the_diffusion_losses_score_only_masked_answer_tokens(data) -> None:  # type: ignore[no-untyped-def]
    prompts, answers = batch(data.train)
    for name in ("diffusion", "block-diffusion"):
        model = tiny_model(name)
        seen = []
        hook = model.register_forward_hook(lambda module, inputs, output: seen.append(inputs[0].clone()))
        arch.ARCHITECTURES[name].loss(model, prompts, answers, torch.Generator().manual_seed(3))
        hook.remove()
        (x,) = seen
        assert torch.equal(x[:, :PROMPT_LEN], prompts), f"{name}: the prompt must stay clean"
        noisy = x[:, PROMPT_LEN:]
        assert ((noisy == answers) | (noisy == MASK_ID)).all()
        if name == "block-diffusion":  # masks fall in one block per sequence
            blocks = {tuple(sorted({int(i) // arch.BLOCK_LEN for i in (row == MASK_ID).nonzero()})) for row in noisy}
            assert all(len(b) <= 1 for b in blocks)


def test_block_diffusion_hides_the_blocks_after_the_current_one(data) -> None:  # type: ignore[no-untyped-def]
    model, (prompts, answers) = tiny_model("block-diffusion"), batch(data.train)
    bd = arch.ARCHITECTURES["block-diffusion"]
    x = torch.cat([prompts, answers], dim=1)
    changed = x.clone()
    changed[:, -arch.BLOCK_LEN :] = MASK_ID  # the last block
    torch.testing.assert_close(bd.denoise(model, x)[:, : -arch.BLOCK_LEN], bd.denoise(model, changed)[:, : -arch.BLOCK_LEN])


# --- Decoding: the cached paths against recomputing everything -------------------------


def greedy_by_recomputation(logits_of, prompts: torch.Tensor) -> torch.Tensor:  # type: ignore[no-untyped-def]
    x = prompts
    for _ in range(ANSWER_LEN):
        x = torch.cat([x, logits_of(x)[:, -1].argmax(-1, keepdim=True)], dim=1)
    return x[:, PROMPT_LEN:]


@pytest.mark.parametrize("name", ["causal", "prefix", "encoder-decoder"])
def test_cached_decoding_matches_recomputation(data, name: str) -> None:  # type: ignore[no-untyped-def]
    model, (prompts, _) = tiny_model(name, seed=1), batch(data.test, 8)
    if name == "causal":
        logits_of = model
    elif name == "prefix":
        def logits_of(x):  # type: ignore[no-untyped-def]
            n = x.shape[1]
            return model(x, mask=torch.tensor([[j < PROMPT_LEN or j <= i for j in range(n)] for i in range(n)]))
    else:
        def logits_of(x):  # type: ignore[no-untyped-def]
            return model(prompts, x[:, PROMPT_LEN - 1 :])  # "=" and the answer so far
    expected = greedy_by_recomputation(logits_of, prompts)
    assert torch.equal(arch.ARCHITECTURES[name].generate(model, prompts), expected)


def test_diffusion_decoding_fills_every_position(data) -> None:  # type: ignore[no-untyped-def]
    prompts, _ = batch(data.test, 8)
    for name in ("diffusion", "block-diffusion"):
        answers = arch.ARCHITECTURES[name].generate(tiny_model(name), prompts)
        assert answers.shape == (8, ANSWER_LEN) and not (answers == MASK_ID).any()


# --- Likelihoods: exact for the autoregressive models, a bound for diffusion ---------------


def test_exact_nll_sums_the_answer_tokens_log_probabilities(data) -> None:  # type: ignore[no-untyped-def]
    prompts, answers = batch(data.test, 4)
    model = tiny_model("causal")
    nll = arch.ARCHITECTURES["causal"].answer_nll(model, prompts, answers, 1, torch.Generator())
    # Chain rule, one answer token at a time, each from the prompt and the answer before it.
    expected = torch.zeros(4)
    for k in range(ANSWER_LEN):
        logits = model(torch.cat([prompts, answers[:, :k]], dim=1))[:, -1]
        expected -= torch.log_softmax(logits, -1).gather(1, answers[:, k : k + 1]).squeeze(1)
    torch.testing.assert_close(nll.value, expected, rtol=1e-5, atol=1e-5)
    assert torch.equal(nll.stderr, torch.zeros(4))


def exact_bound(denoise, answer: torch.Tensor) -> float:  # type: ignore[no-untyped-def]
    """E over l ~ U{1..n} and a uniform l-subset M of n/l * sum_{i in M} -log p(x_i | x with M masked), by enumeration."""
    n = answer.shape[0]
    total = 0.0
    for size in range(1, n + 1):
        subsets = list(itertools.combinations(range(n), size))
        for subset in subsets:
            noisy = answer.clone()
            noisy[list(subset)] = MASK_ID
            log_probs = torch.log_softmax(denoise(noisy.unsqueeze(0))[0], -1)
            nll = -sum(log_probs[i, answer[i]].item() for i in subset)
            total += (n / size) * nll / len(subsets) / n
    return total


@pytest.mark.parametrize("name", ["diffusion", "block-diffusion"])
def test_the_diffusion_bound_agrees_with_exact_enumeration(data, name: str) -> None:  # type: ignore[no-untyped-def]
    model, architecture = tiny_model(name, seed=2), arch.ARCHITECTURES[name]
    prompt, answer = data.test.prompts[0], data.test.answers[0]
    with torch.no_grad():
        if name == "diffusion":
            def denoise(noisy):  # type: ignore[no-untyped-def]
                return architecture.denoise(model, torch.cat([prompt.unsqueeze(0), noisy], 1))[:, PROMPT_LEN:]
            exact = exact_bound(denoise, answer)
        else:  # block by block, each given the clean blocks before it, the later ones hidden
            exact = 0.0
            for start in range(0, ANSWER_LEN, arch.BLOCK_LEN):
                def denoise(noisy, start=start):  # type: ignore[no-untyped-def]
                    x = torch.cat([prompt, answer[:start], noisy[0], answer[start + arch.BLOCK_LEN :]]).unsqueeze(0)
                    return architecture.denoise(model, x)[:, PROMPT_LEN + start : PROMPT_LEN + start + arch.BLOCK_LEN]
                exact += exact_bound(denoise, answer[start : start + arch.BLOCK_LEN])
        draws = 4000
        estimate = architecture.answer_nll(model, prompt.unsqueeze(0), answer.unsqueeze(0), draws,
                                           torch.Generator().manual_seed(0))
    value, stderr = estimate.value.item(), estimate.stderr.item()
    assert 0 < stderr < 0.05 * exact
    assert abs(value - exact) < 4 * stderr, f"{name}: estimate {value:.4f} ± {stderr:.4f}, exact {exact:.4f}"


# --- Parameters, compute and reproducibility ------------------------------------------


def test_parameters_match_and_the_encoder_decoder_spends_half_the_compute(data) -> None:  # type: ignore[no-untyped-def]
    from llmtriad.bakeoff.experiment import count_params, train_flops_per_token

    size = PRESETS["cpu"].size
    settings = dataclasses.replace(PRESETS["quick"], size=size)
    params = {name: count_params(a.build(size)) for name, a in arch.ARCHITECTURES.items()}
    flops = {name: train_flops_per_token(a, settings, data.train) for name, a in arch.ARCHITECTURES.items()}
    assert len({params[n] for n in params if n != "encoder-decoder"}) == 1
    assert abs(params["encoder-decoder"] / params["causal"] - 1) < 0.01
    # A decoder-only step costs about 6 FLOPs per weight per token (forward 2, backward 4)
    # over the 12 n d^2 block weights, plus attention and the output layer.
    d, n = size.n_embd, size.n_layer
    assert 6 * 12 * n * d * d < flops["causal"] < 1.6 * 6 * 12 * n * d * d
    assert 0.4 < flops["encoder-decoder"] / flops["causal"] < 0.6


def without_timings(results: dict) -> dict:
    timing = {"train_seconds", "tokens_per_s"}
    for entry in results["architectures"].values():
        entry["runs"] = [{k: v for k, v in r.items() if k not in timing} for r in entry["runs"]]
        entry["summary"] = {k: v for k, v in entry["summary"].items() if k not in timing}
    return results


def test_a_fixed_seed_gives_the_same_results_on_the_cpu() -> None:
    settings = dataclasses.replace(PRESETS["quick"], steps=8, train_per_task=40, test_per_task=4, num_facts=4)
    first, second = (without_timings(run(["prefix", "diffusion"], 2, settings, torch.device("cpu")))
                     for _ in range(2))
    assert first == second
    other = without_timings(run(["prefix"], 1, dataclasses.replace(settings, steps=9), torch.device("cpu")))
    assert other["architectures"]["prefix"]["runs"][0] != first["architectures"]["prefix"]["runs"][0]


def test_summaries_give_mean_and_spread_over_seeds() -> None:
    summary = summarise([{"seed": 0, "a": 1.0, "b": {"x": 2.0}}, {"seed": 1, "a": 3.0, "b": {"x": 2.0}}])
    assert summary == {"a": {"mean": 2.0, "std": math.sqrt(2.0)}, "b": {"x": {"mean": 2.0, "std": 0.0}}}


# --- The command line --------------------------------------------------------------------


def bakeoff(*args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scripts.bakeoff", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


def test_an_unknown_architecture_lists_the_valid_ones(tmp_path: Path) -> None:
    completed = bakeoff("--only", "rnn", "--out", str(tmp_path))
    assert completed.returncode == 2
    assert "unknown architecture(s) rnn; valid: " + ", ".join(arch.ARCHITECTURES) in completed.stderr
    assert not any(tmp_path.iterdir())


def test_bad_seeds_and_a_missing_gpu_are_refused(tmp_path: Path) -> None:
    completed = bakeoff("--seeds", "0", "--out", str(tmp_path))
    assert completed.returncode == 2 and "--seeds must be at least 1" in completed.stderr
    if not torch.cuda.is_available():
        completed = bakeoff("--device", "cuda", "--out", str(tmp_path))
        assert completed.returncode != 0 and "no CUDA GPU is available" in completed.stderr
    assert not any(tmp_path.iterdir())


def test_ctrl_c_stops_cleanly_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "bakeoff.json").write_text('{"kept": true}', encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "scripts.bakeoff", "--quick", "--device", "cpu", "--out",
                                str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Wait until training has started (the first progress bar), then interrupt.
    deadline = time.monotonic() + 60
    assert process.stderr is not None
    seen = ""
    while "seed 0" not in seen and time.monotonic() < deadline:
        seen += process.stderr.read(1)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "Interrupted: nothing was written" in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bakeoff.json"]
    assert json.loads((tmp_path / "bakeoff.json").read_text(encoding="utf-8")) == {"kept": True}


def test_only_refuses_to_mix_results_of_other_settings(tmp_path: Path) -> None:
    previous = json.loads((ROOT / "figures" / "bakeoff.json").read_text(encoding="utf-8"))
    (tmp_path / "bakeoff.json").write_text(json.dumps(previous), encoding="utf-8")
    completed = bakeoff("--quick", "--device", "cpu", "--only", "causal", "--seeds", "1", "--out", str(tmp_path))
    assert completed.returncode != 0 and "mixing them would compare unlike runs" in completed.stderr
    assert json.loads((tmp_path / "bakeoff.json").read_text(encoding="utf-8")) == previous


# --- The chapter's example -------------------------------------------------------------


def by_hand_code(language: str) -> str:
    page = (ROOT / "docs" / language / "bakeoff.md").read_text(encoding="utf-8")
    section = page.split("{#by-hand}", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def test_the_chapters_example_runs_as_printed() -> None:
    completed = subprocess.run([sys.executable, "-c", by_hand_code("en")], cwd=ROOT, capture_output=True, text=True,
                               timeout=120)
    assert completed.returncode == 0, completed.stderr
    trained, asked = completed.stdout.strip().splitlines()
    assert trained.startswith("trained for ") and " epochs, final loss " in trained
    assert asked.startswith("<reverse>") and " -> " in asked and len(asked.split(" -> ")[1]) == ANSWER_LEN


@pytest.mark.parametrize("language", ["zh", "it"])
def test_every_language_shows_the_same_example_code(language: str) -> None:
    assert by_hand_code(language) == by_hand_code("en"), "code and its comments stay in English on every page"


# --- The chapter's reading of the committed run -------------------------------------------


def test_the_chapter_says_what_the_committed_run_found() -> None:
    """docs/*/bakeoff.md reads the committed run in words; a new run must still say the same, or the
    chapter must be rewritten (the tables and the figure follow the JSON by themselves)."""
    results = json.loads((ROOT / "figures" / "bakeoff.json").read_text(encoding="utf-8"))
    page = (ROOT / "docs" / "en" / "bakeoff.md").read_text(encoding="utf-8")
    models = results["architectures"]

    def exact(name: str, task: str) -> float:
        return models[name]["summary"]["exact_match"][task]["mean"]

    def per_seed(name: str, task: str) -> list[float]:
        return [run["exact_match"][task] for run in models[name]["runs"]]

    def shown(value: float, text: str) -> None:  # a number the page quotes, as the page writes it
        assert text in page, f"the chapter no longer quotes {text}"
        assert f"{value:.3f}".rstrip("0").rstrip(".") == text.rstrip("%") or round(100 * value) == int(text.rstrip("%"))

    # The encoder-decoder wins at half the compute.
    ed = "encoder-decoder"
    assert all(min(per_seed(ed, task)) >= 0.98 for task in ("copy", "reverse", "sort", "infill"))
    shown(exact(ed, "lookup"), "89%")
    assert exact(ed, "add") == max(exact(name, "add") for name in models)
    flops = models[ed]["train_flops_per_token"] / models["causal"]["train_flops_per_token"]
    assert 0.45 < flops < 0.55
    assert abs(models[ed]["params"] / models["causal"]["params"] - 1) < 0.005
    # The prefix LM beats the causal LM on five tasks of seven, not on infill; nobody scores on reversal.
    better = [task for task in TASKS if exact("prefix", task) > exact("causal", task)]
    assert sorted(better) == ["add", "copy", "lookup", "reverse", "sort"]
    shown(exact("prefix", "sort"), "96%")
    shown(exact("causal", "sort"), "67%")
    shown(exact("prefix", "lookup"), "67%")
    # Masked diffusion solves copy and reverse with two seeds of three; low elsewhere; block diffusion lower.
    for task in ("copy", "reverse"):
        assert sorted(s > 0.8 for s in per_seed("diffusion", task)) == [False, True, True]
    assert all(exact("diffusion", task) < 0.2 for task in ("sort", "infill", "lookup", "add"))
    assert all(exact("block-diffusion", t) < exact("diffusion", t) for t in ("copy", "reverse", "sort", "infill"))
    # Regularisation moves the causal LM within its spread on every task.
    for task in TASKS:
        plain, regular = (models[n]["summary"]["exact_match"][task] for n in ("causal", "causal-regularised"))
        assert abs(plain["mean"] - regular["mean"]) <= plain["std"] + regular["std"], task
    # Every model fails every reversal question.
    assert all(max(per_seed(name, "reversal")) == 0.0 for name in models)
    # A bound below an exact number, and parallel decoding that costs almost nothing.
    shown(models["diffusion"]["summary"]["nll"]["copy"]["mean"], "0.278")
    shown(models["causal"]["summary"]["nll"]["copy"]["mean"], "0.376")
    shown(models["diffusion"]["summary"]["nll"]["copy"]["std"], "0.387")
    shown(models["causal"]["summary"]["nll"]["copy"]["std"], "0.243")
    parallel = models["diffusion"]["summary"]["exact_match_parallel"]["copy"]["mean"]
    shown(parallel, "62%")
    shown(exact("diffusion", "copy"), "63%")
    # Between about 680 and 1,040 tokens per second, and 6.6 epochs.
    speeds = [m["summary"]["tokens_per_s"]["mean"] for m in models.values()]
    assert round(min(speeds), -1) == 680 and round(max(speeds), -1) == 1040
    assert all(abs(m["summary"]["epochs"]["mean"] - 6.6) < 0.05 for m in models.values())
