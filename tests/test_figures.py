"""The figure pipeline: every figure rebuilt in --quick mode, compared with what is committed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.figures import FIGURES
from scripts.figures.common import LANGUAGES, write_atomically
from tests.conftest import ROOT

COMMITTED = ROOT / "figures"
MANIFEST = json.loads((COMMITTED / "manifest.json").read_text(encoding="utf-8"))


def make_figures(*options: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scripts.make_figures", *options], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="session")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Every figure rebuilt with --quick on this machine's CPU, into a scratch folder."""
    out = tmp_path_factory.mktemp("figures")
    completed = make_figures("--quick", "--device", "cpu", "--out", str(out))
    assert completed.returncode == 0, completed.stderr
    return out, completed.stdout + completed.stderr


def test_every_figure_is_committed_with_its_manifest_entry() -> None:
    assert sorted(MANIFEST) == sorted(FIGURES)
    for name, entry in MANIFEST.items():
        assert entry["script"] == f"scripts/figures/{name}.py"
        for file in entry["files"]:
            assert (COMMITTED / file).is_file(), f"{name}: figures/{file} is missing"
        assert {f.rsplit(".", 2)[-2] for f in entry["files"] if f.endswith(".svg")} == set(LANGUAGES), (
            f"{name}: not every language has its SVG")


def test_measured_figures_say_where_they_were_measured() -> None:
    for name, entry in MANIFEST.items():
        if entry["measured"]:
            assert entry["device"] and not entry["device"].startswith("any"), name
            assert entry["torch"][0].isdigit(), name
            assert not entry["quick"], f"{name}: commit the full-size measurement, not the --quick one"


@pytest.mark.parametrize("name", [n for n, e in MANIFEST.items() if not e["measured"]])
def test_deterministic_figure_matches_a_fresh_run(quick_run: tuple[Path, str], name: str) -> None:
    out, _ = quick_run
    for file in MANIFEST[name]["files"]:
        fresh, committed = (out / file).read_bytes(), (COMMITTED / file).read_bytes()
        assert fresh == committed, (
            f"figures/{file} differs from what scripts/figures/{name}.py makes now: "
            f"run `make figures args=\"--only {name}\"` and commit the result")


def test_no_glyph_is_missing_from_the_fonts(quick_run: tuple[Path, str]) -> None:
    _, log = quick_run
    assert "missing from font" not in log.lower(), log


@pytest.mark.parametrize("name", FIGURES)
def test_svgs_carry_no_date(name: str) -> None:
    for file in MANIFEST[name]["files"]:
        if file.endswith(".svg"):
            text = (COMMITTED / file).read_text(encoding="utf-8")
            assert "<dc:date>" not in text, f"figures/{file} records a date"


def test_unknown_figure_lists_the_valid_ones() -> None:
    completed = make_figures("--only", "no_such_figure")
    assert completed.returncode == 2
    assert "unknown figure(s) no_such_figure" in completed.stderr and "mask_gallery" in completed.stderr


def test_device_cuda_runs_on_a_gpu_and_is_refused_without_one(tmp_path: Path) -> None:
    import torch

    completed = make_figures("--device", "cuda", "--only", "mask_gallery", "--out", str(tmp_path))
    if torch.cuda.is_available():
        assert completed.returncode == 0, completed.stderr
    else:
        assert completed.returncode != 0
        assert "no CUDA GPU is available" in completed.stderr
        assert list(tmp_path.iterdir()) == []


def test_list_names_every_figure() -> None:
    completed = make_figures("--list")
    assert completed.returncode == 0
    assert [line.split()[0] for line in completed.stdout.splitlines()] == FIGURES


def test_an_interrupted_write_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "figure.svg"

    def fail_halfway(tmp: Path) -> None:
        tmp.write_text("<svg")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, fail_halfway)
    assert list(tmp_path.iterdir()) == []
