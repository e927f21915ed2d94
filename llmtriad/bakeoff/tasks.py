"""The bake-off's data: one tokenizer and seven synthetic task formats, made by code.

Every example is a prompt of PROMPT_LEN tokens and an answer of ANSWER_LEN
tokens, with one token per character: no padding, no download, and every
architecture reads exactly the same token ids. A prompt is a task tag, the
task's data, filler dots and "="; an answer is the result, then filler dots.

    task       prompt                  answer     what it needs
    copy       <copy>  481093..=       481093     reading the prompt in order
    reverse    <reverse> 481093..=     390184     reading it backwards
    sort       <sort>  481093..=       013489     seeing all of it before writing
    add        <add>  47+85...=        132...     carries, which run right to left
    infill     <infill> 12?4?21.=      34....     a palindrome's two hidden digits
    lookup     <name> kfb......=       402...     a memorised fact (name -> code)
    reversal   <code> 402......=       kfb...     the same fact, asked backwards

The first five are generated at random; their held-out examples are fresh
draws, and any that also occurs in the training set is dropped, so no held-out
prompt is ever trained on. The last two come from a table of facts (a random
one-to-one map between three-letter names and three-digit codes). Every fact
is trained in the lookup direction; half of them are trained in the reversal
direction too, and the other half are the held-out reversal questions: a fact
learned one way and asked the other (Berglund et al., "The Reversal Curse",
2023, arXiv:2309.12288). Lookup has no held-out examples, as a fact that was
never shown cannot be recalled: its score is recall of trained facts.

The random numbers come from Python's `random.Random(seed)`, so the data are
the same on every machine and with every PyTorch version.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import Tensor

DIGITS = "0123456789"
LETTERS = "abcdefghijklmnop"  # the names' alphabet: 16 letters, 4,096 three-letter names
TASKS = ("copy", "reverse", "sort", "add", "infill", "lookup", "reversal")
TAGS = {
    "copy": "<copy>",
    "reverse": "<reverse>",
    "sort": "<sort>",
    "add": "<add>",
    "infill": "<infill>",
    "lookup": "<name>",
    "reversal": "<code>",
}
FILLER, EQUALS, PLUS, BLANK, MASK = ".", "=", "+", "?", "<mask>"
# The one vocabulary. <mask> is used by the diffusion models only, but every model has
# it, so that all of them have the same embedding table.
VOCAB = (*DIGITS, *LETTERS, FILLER, EQUALS, PLUS, BLANK, *TAGS.values(), MASK)
TOKEN_ID = {token: i for i, token in enumerate(VOCAB)}
MASK_ID = TOKEN_ID[MASK]

PROMPT_LEN = 10  # tag, 8 data slots (filled with dots), "="
ANSWER_LEN = 6
SEQ_LEN = PROMPT_LEN + ANSWER_LEN
DIGITS_PER_ITEM = 6  # copy, reverse and sort work on six digits
Example = tuple[tuple[str, ...], tuple[str, ...]]  # (prompt tokens, answer tokens)


def encode(tokens: tuple[str, ...] | list[str]) -> list[int]:
    return [TOKEN_ID[token] for token in tokens]


def decode(ids: Tensor | list[int]) -> str:
    """Token ids -> text, one character per token (tags keep their brackets)."""
    return "".join(VOCAB[i] for i in (ids.tolist() if isinstance(ids, Tensor) else ids))


def _example(task: str, data: list[str], answer: list[str]) -> Example:
    """Lay out one example: tag, data, dots up to PROMPT_LEN - 1, "="; the answer padded with dots."""
    assert len(data) <= PROMPT_LEN - 2 and len(answer) <= ANSWER_LEN, (task, data, answer)
    prompt = [TAGS[task], *data, *[FILLER] * (PROMPT_LEN - 2 - len(data)), EQUALS]
    return tuple(prompt), tuple(answer + [FILLER] * (ANSWER_LEN - len(answer)))


def _digits(rng: random.Random, n: int) -> list[str]:
    return [rng.choice(DIGITS) for _ in range(n)]


def _copy(rng: random.Random) -> Example:
    digits = _digits(rng, DIGITS_PER_ITEM)
    return _example("copy", digits, digits)


def _reverse(rng: random.Random) -> Example:
    digits = _digits(rng, DIGITS_PER_ITEM)
    return _example("reverse", digits, digits[::-1])


def _sort(rng: random.Random) -> Example:
    digits = _digits(rng, DIGITS_PER_ITEM)
    return _example("sort", digits, sorted(digits))


def _add(rng: random.Random) -> Example:
    a, b = rng.randrange(100), rng.randrange(100)
    return _example("add", [*f"{a:02d}", PLUS, *f"{b:02d}"], list(f"{a + b:03d}"))


def _infill(rng: random.Random) -> Example:
    half = _digits(rng, 4)
    palindrome = half + half[::-1]  # 8 digits; digit i equals digit 7 - i
    hidden = sorted(rng.sample(range(4), 2))  # two positions of one half: their mirrors stay visible
    if rng.random() < 0.5:  # ... either half
        hidden = sorted(7 - i for i in hidden)
    shown = [BLANK if i in hidden else d for i, d in enumerate(palindrome)]
    return _example("infill", shown, [palindrome[i] for i in hidden])


GENERATORS: dict[str, Callable[[random.Random], Example]] = {
    "copy": _copy,
    "reverse": _reverse,
    "sort": _sort,
    "add": _add,
    "infill": _infill,
}


def facts(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """`count` (name, code) pairs: distinct three-letter names and distinct three-digit codes."""
    if not 2 <= count <= 1000:
        raise ValueError(f"the fact table holds 2 to 1,000 facts (three-digit codes), got {count}")
    names = rng.sample(range(len(LETTERS) ** 3), count)  # a name is a number in base 16, spelled in LETTERS
    codes = rng.sample(range(1000), count)
    return [(_spell(n), f"{c:03d}") for n, c in zip(names, codes, strict=True)]


def _spell(n: int) -> str:
    return LETTERS[n // 256] + LETTERS[n // 16 % 16] + LETTERS[n % 16]


@dataclass
class Split:
    """Examples as tensors: prompts (N, PROMPT_LEN), answers (N, ANSWER_LEN), task (N,) indices into TASKS."""

    prompts: Tensor
    answers: Tensor
    task: Tensor

    def __len__(self) -> int:
        return self.prompts.shape[0]

    def of(self, task: str) -> Split:
        """The examples of one task."""
        keep = self.task == TASKS.index(task)
        return Split(self.prompts[keep], self.answers[keep], self.task[keep])

    def to(self, device: torch.device) -> Split:
        return Split(self.prompts.to(device), self.answers.to(device), self.task.to(device))

    @staticmethod
    def of_examples(examples: list[tuple[str, Example]]) -> Split:
        return Split(
            torch.tensor([encode(prompt) for _, (prompt, _) in examples], dtype=torch.long),
            torch.tensor([encode(answer) for _, (_, answer) in examples], dtype=torch.long),
            torch.tensor([TASKS.index(task) for task, _ in examples], dtype=torch.long),
        )


@dataclass
class Data:
    train: Split
    test: Split  # held out; the lookup rows are trained facts (see the module docstring)


def make_data(train_per_task: int, test_per_task: int, num_facts: int, fact_repeats: int, seed: int = 0) -> Data:
    """The training set and the held-out set.

    Args:
        train_per_task: training examples of each generated task.
        test_per_task: held-out examples of each generated task (and at most
            this many lookup and reversal questions).
        num_facts: the size of the fact table; half of it is held out for reversal.
        fact_repeats: how many times each lookup and reversal example appears
            in the training set: facts must be seen several times per epoch to
            be memorised, where a generated task gets fresh examples.
        seed: the data's seed, the same for every model and model seed.
    """
    if min(train_per_task, test_per_task, fact_repeats) < 1:
        raise ValueError("train_per_task, test_per_task and fact_repeats must be >= 1")
    rng = random.Random(seed)
    train: list[tuple[str, Example]] = []
    test: list[tuple[str, Example]] = []
    for task, generate in GENERATORS.items():
        seen = {generate(rng) for _ in range(train_per_task)}
        train += [(task, example) for example in sorted(seen)]
        fresh: set[Example] = set()
        for _ in range(100 * test_per_task):  # draws until enough unseen ones; always ends
            if len(fresh) == test_per_task:
                break
            example = generate(rng)
            if example not in seen:
                fresh.add(example)
        test += [(task, example) for example in sorted(fresh)]

    table = facts(num_facts, rng)
    both_ways, one_way = table[: num_facts // 2], table[num_facts // 2 :]
    lookup = [("lookup", _example("lookup", list(name), list(code))) for name, code in table]
    reversal = [("reversal", _example("reversal", list(code), list(name))) for name, code in table]
    train += (lookup + reversal[: len(both_ways)]) * fact_repeats
    test += lookup[:test_per_task] + reversal[len(both_ways) :][:test_per_task]
    assert len(one_way) > 0
    return Data(Split.of_examples(train), Split.of_examples(test))
