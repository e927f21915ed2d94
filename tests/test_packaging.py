"""A plain, non-editable `pip install .` gives a working llmtriad and grader."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

USE = """
import sys
sys.path.insert(0, {target!r})
import torch
import grader.course, grader.records, llmtriad
from llmtriad.gpt import GPT, GPTConfig
from llmtriad.masks import causal_mask
assert llmtriad.__file__.startswith({target!r}) and grader.course.__file__.startswith({target!r})
print(tuple(GPT(GPTConfig())(torch.zeros(1, 3, dtype=torch.long)).shape), causal_mask(2, 3).tolist())
"""


def test_a_non_editable_install_works_outside_the_checkout(tmp_path: Path) -> None:
    target = tmp_path / "target"
    # No build isolation and no dependencies: this environment has setuptools and torch already.
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(ROOT)], check=True, capture_output=True, timeout=300)
    assert sorted(p.name for p in target.iterdir() if not p.name.endswith(".dist-info")) == ["grader", "llmtriad"]
    completed = subprocess.run([sys.executable, "-c", USE.format(target=str(target))], cwd=tmp_path,
                               capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "(1, 3, 64) [[True, True, False], [True, True, True]]"
