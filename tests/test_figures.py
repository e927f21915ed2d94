"""The figure pipeline: every figure rebuilt in --quick mode, compared with what is committed.

A deterministic figure must depend only on its code and its seed, not on the
machine: the committed bytes are also checked against runs under backend
variations that make this machine compute as another CPU would. The labels
live in locales/figures/LANG.toml, the same labels in every language, and
numbers are written in each language's convention.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import string
import subprocess
import sys
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from llmtriad.bakeoff.architectures import ARCHITECTURES
from llmtriad.bakeoff.tasks import TASKS
from scripts import languages
from scripts.figures import FIGURES
from scripts.figures.common import (LANGUAGES, LOCALES, Labels, device_label, labels, localise_axes, number,
                                    write_atomically)
from tests.conftest import ROOT

COMMITTED = ROOT / "figures"
MANIFEST = json.loads((COMMITTED / "manifest.json").read_text(encoding="utf-8"))


DETERMINISTIC = [name for name, entry in MANIFEST.items() if not entry["measured"]]


def make_figures(*options: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scripts.make_figures", *options], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, env=env)


def _numpy_avx512() -> list[str]:
    from numpy._core._multiarray_umath import __cpu_features__

    return [name for name, on in __cpu_features__.items() if on and (name.startswith("AVX512") or name == "X86_V4")]


# Each variation makes this machine take another code path, as another CPU or
# configuration would; None where it cannot apply here (and why).
BACKEND_VARIATIONS: dict[str, tuple[dict[str, str], str | None]] = {
    "aten-default": ({"ATEN_CPU_CAPABILITY": "default"},
                     "PyTorch's kernels are already the scalar ones"
                     if torch.backends.cpu.get_cpu_capability() == "DEFAULT" else None),
    "aten-avx2": ({"ATEN_CPU_CAPABILITY": "avx2"},
                  None if torch.backends.cpu.get_cpu_capability() == "AVX512" else "this CPU has no AVX-512 kernels"),
    "mkl-compatible": ({"MKL_CBWR": "COMPATIBLE"},
                       None if torch.backends.mkl.is_available() else "this PyTorch is not built with MKL"),
    "one-thread": ({"OMP_NUM_THREADS": "1"}, None if torch.get_num_threads() > 1 else "PyTorch uses one thread"),
    "numpy-no-avx512": ({"NPY_DISABLE_CPU_FEATURES": " ".join(_numpy_avx512())},
                        None if _numpy_avx512() else "NumPy uses no AVX-512 here"),
}


# These change how PyTorch computes (its kernels, its threads). The drawing (NumPy,
# matplotlib) does not use them, so under them the figures are drawn in one language: its
# SVGs and the JSON show that the numbers did not move, and the baseline run draws every
# language. And they can only move a figure that computes with floats: one whose numbers
# are all integers and booleans (a mask, a diagram) is exact under any kernel.
TORCH_ONLY = {"aten-default", "aten-avx2", "mkl-compatible", "one-thread"}


def _has_floats(value: object) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(_has_floats(v) for v in value.values())
    return isinstance(value, list) and any(_has_floats(v) for v in value)


WITH_FLOATS = [name for name in DETERMINISTIC
               if _has_floats(json.loads((COMMITTED / MANIFEST[name]["files"][0]).read_text(encoding="utf-8")))]


def checked_figures(variation: str) -> list[str]:
    return WITH_FLOATS if variation in TORCH_ONLY else DETERMINISTIC


def expected_files(variation: str, name: str) -> list[str]:
    files = MANIFEST[name]["files"]
    return [f for f in files if not f.endswith(".svg") or f.endswith(".en.svg")] if variation in TORCH_ONLY else files


def _already_set(variation: str) -> str | None:
    settings = BACKEND_VARIATIONS[variation][0]
    return "it is already set in this environment" if all(os.environ.get(k) == v for k, v in settings.items()) else None


def variation_env(variation: str) -> dict[str, str]:
    return {**os.environ, **BACKEND_VARIATIONS[variation][0]}


def skip_if_not_applicable(variation: str) -> None:
    reason = BACKEND_VARIATIONS[variation][1] or _already_set(variation)
    if reason:
        pytest.skip(f"{variation} cannot change anything on this machine: {reason}")


def probe(env: dict[str, str] | None = None) -> str:
    completed = subprocess.run([sys.executable, "-m", "tests.backend_probe"], cwd=ROOT, env=env,
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


@dataclass
class Run:
    out: Path  # the figures it wrote
    log: str  # make_figures' stdout and stderr
    probe: str  # tests/backend_probe.py's fingerprints under the same environment


@pytest.fixture(scope="session")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """Every figure rebuilt with --quick on this machine's CPU ("baseline"), and the
    deterministic ones again under each applicable backend variation; two runs at a time."""
    root = tmp_path_factory.mktemp("figures")
    applicable = [v for v, (_, reason) in BACKEND_VARIATIONS.items() if reason is None and not _already_set(v)]

    def run(variation: str) -> Run:
        env = None if variation == "baseline" else variation_env(variation)
        only = [] if variation == "baseline" else ["--only", *checked_figures(variation)]
        if variation in TORCH_ONLY:
            only += ["--lang", "en"]
        out = root / variation
        completed = make_figures("--quick", "--device", "cpu", "--out", str(out), *only, env=env)
        assert completed.returncode == 0, f"{variation}: {completed.stderr}"
        return Run(out, completed.stdout + completed.stderr, probe(env))

    with ThreadPoolExecutor(max_workers=2) as pool:
        names = ["baseline", *applicable]
        return dict(zip(names, pool.map(run, names)))


def test_every_figure_is_committed_with_its_manifest_entry() -> None:
    assert sorted(MANIFEST) == sorted(FIGURES)
    for name, entry in MANIFEST.items():
        stem = name.replace("_", "-")
        assert entry["script"] == f"scripts/figures/{name}.py"
        # One name per figure: its files are named after its module, rank_spectra -> rank-spectra.*
        assert {f.split(".")[0] for f in entry["files"]} == {name.replace("_", "-")}, name
        assert "inputs" not in entry, f"{name}: the manifest records no input hash (the tests compare bytes)"
        for file in entry["files"]:
            assert (COMMITTED / file).is_file(), f"{name}: figures/{file} is missing"
        assert {f.rsplit(".", 2)[-2] for f in entry["files"] if f.endswith(".svg")} == set(LANGUAGES), (
            f"{name}: not every language has its SVG")
        # One order, whichever languages the last run drew (make_figures --lang).
        assert entry["files"] == [f"{stem}.json"] + [f"{stem}.{language}.svg" for language in LANGUAGES], name


def test_measured_figures_say_where_they_were_measured() -> None:
    for name, entry in MANIFEST.items():
        if entry["measured"]:
            assert entry["device"] and not entry["device"].startswith("any"), name
            assert entry["torch"][0].isdigit(), name
            assert not entry["quick"], f"{name}: commit the full-size measurement, not the --quick one"


@pytest.mark.parametrize("name", DETERMINISTIC)
def test_deterministic_figure_matches_a_fresh_run(runs: dict[str, Run], name: str) -> None:
    out = runs["baseline"].out
    for file in MANIFEST[name]["files"]:
        fresh, committed = (out / file).read_bytes(), (COMMITTED / file).read_bytes()
        assert fresh == committed, (
            f"figures/{file} differs from what scripts/figures/{name}.py makes now: "
            f"run `make figures args=\"--only {name}\"` and commit the result")


@pytest.mark.parametrize("variation", BACKEND_VARIATIONS)
def test_each_backend_variation_changes_raw_results_here(runs: dict[str, Run], variation: str) -> None:
    # Otherwise the byte-for-byte check below could not fail: the raw numbers a
    # figure rounds must come out different under the variation.
    skip_if_not_applicable(variation)
    assert runs[variation].probe != runs["baseline"].probe, (
        f"{variation} changes none of the probed bits on this machine ({BACKEND_VARIATIONS[variation][0]}): "
        "replace it in BACKEND_VARIATIONS with a variation that does")


@pytest.mark.parametrize("variation", BACKEND_VARIATIONS)
def test_deterministic_figures_are_the_same_under_backend_variations(runs: dict[str, Run], variation: str) -> None:
    skip_if_not_applicable(variation)
    out = runs[variation].out
    differ = [file for name in checked_figures(variation) for file in expected_files(variation, name)
              if (out / file).read_bytes() != (COMMITTED / file).read_bytes()]
    assert not differ, (
        f"under {BACKEND_VARIATIONS[variation][0]} these files differ from the committed ones: {differ}. "
        "A deterministic figure must store only what its computation guarantees: round its numbers "
        "above their noise floor and say so in its JSON's \"precision\"")


@pytest.mark.parametrize("name", DETERMINISTIC)
def test_deterministic_figure_says_what_precision_it_keeps(name: str) -> None:
    data = json.loads((COMMITTED / f"{MANIFEST[name]['files'][0]}").read_text(encoding="utf-8"))
    assert isinstance(data.get("precision"), str) and data["precision"].strip(), (
        f"figures/{name}: say in its JSON (key \"precision\") what precision its numbers keep and why")


def test_rank_spectra_store_nothing_below_the_noise_floor() -> None:
    data = json.loads((COMMITTED / "rank-spectra.json").read_text(encoding="utf-8"))
    noise = data["n"] * np.finfo(np.float64).eps
    kept = [x for scale in data["spectra"].values() for kind in scale.values() for x in kind["normalised"]
            if x is not None]
    assert data["floor"] >= 1e4 * noise, "the floor must sit far above float64's noise, n * eps"
    assert min(kept) >= data["floor"], "singular values below the floor are stored"
    assert data["digits"] <= 3 and all(float(f"{x:.{data['digits']}g}") == x for x in kept), (
        "stored singular values carry more digits than the figure says it keeps")


def test_no_glyph_is_missing_from_the_fonts(runs: dict[str, Run]) -> None:
    log = runs["baseline"].log
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


# --- Labels and numbers in each language -------------------------------------------------

LABEL_FILES = {language: tomllib.loads((LOCALES / f"{language}.toml").read_text(encoding="utf-8"))
               for language in LANGUAGES}
TRANSLATIONS = list(languages.TRANSLATIONS)


def label_paths(table: dict, prefix: str = "") -> dict[str, object]:
    """Every label of a file, by its dotted path ("kv_memory_models.bits.16"); only tables hold labels."""
    found: dict[str, object] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            found |= label_paths(value, f"{prefix}{key}.")
        elif prefix:  # a key outside every table (translation_of) is not a label
            found[f"{prefix}{key}"] = value
    return found


def placeholders(label: object) -> list[str]:
    """The {fields} str.format fills in a label (LaTeX braces such as 10^{-3} are not fields)."""
    texts = label if isinstance(label, list) else [label]
    return sorted(field for text in texts for _, field, _, _ in string.Formatter().parse(text)
                  if field and field.isidentifier())


def test_every_figure_has_its_labels_in_every_language() -> None:
    assert sorted(t for t, v in LABEL_FILES["en"].items() if isinstance(v, dict)) == sorted([*FIGURES, "device"])
    for name in FIGURES:
        for language in LANGUAGES:
            assert len(labels(name, language)) > 0, f"locales/figures/{language}.toml: [{name}] is empty"


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_every_translation_has_exactly_the_labels_english_has(language: str) -> None:
    english, translated = label_paths(LABEL_FILES["en"]), label_paths(LABEL_FILES[language])
    missing, extra = sorted(english.keys() - translated.keys()), sorted(translated.keys() - english.keys())
    assert not missing and not extra, (
        f"locales/figures/{language}.toml lacks {missing} and has {extra}, unlike en.toml: "
        "every label exists in every language, and nothing falls back to English")
    for path, label in english.items():
        assert type(translated[path]) is type(label), f"{language}.toml: {path} is not a {type(label).__name__}"
        assert placeholders(translated[path]) == placeholders(label), (
            f"{language}.toml: {path} fills in {placeholders(translated[path])}, en.toml {placeholders(label)}")


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_translations_record_the_english_version_they_translate(language: str) -> None:
    first = (LOCALES / f"{language}.toml").read_text(encoding="utf-8").splitlines()[0]
    assert re.fullmatch(r'translation_of = "[0-9a-f]{40}"', first), (
        f"locales/figures/{language}.toml must start with translation_of = \"<git blob id of en.toml>\"")
    assert "translation_of" not in LABEL_FILES["en"], "en.toml is the original: it translates nothing"


def test_a_missing_label_fails_loudly() -> None:
    with pytest.raises(KeyError, match=r"it\.toml: \[mask_gallery\] has no label 'no_such_label'"):
        labels("mask_gallery", "it")["no_such_label"]
    with pytest.raises(KeyError, match=r"zh\.toml has no table \[no_such_figure\]"):
        labels("no_such_figure", "zh")
    with pytest.raises(KeyError, match="device"):
        labels("kv_decoding_time", "en").format("one_thread")  # a placeholder left unfilled


def test_numbers_follow_each_language() -> None:
    assert number(12345.6, ",.2f", "it") == "12.345,60"
    assert number(12345.6, ",.2f", "en") == number(12345.6, ",.2f", "zh") == "12,345.60"
    assert number(0.5, "g", "it") == "0,5"
    italian = Labels({"n": "n = {n}", "both": "{name}: {x:.1f} GiB"}, "it")
    assert italian.format("n", n=256) == "n = 256"
    assert italian.format("both", name="v1.2, beta", x=12.25) == "v1.2, beta: 12,2 GiB"  # strings untouched
    cpu = {"kind": "cpu", "machine": "x86_64", "cores": 2}
    assert [device_label(cpu, language) for language in LANGUAGES] == [
        "CPU (x86_64, 2 cores)", "CPU（x86_64，2 核）", "CPU (x86_64, 2 core)"]
    assert device_label({"kind": "cuda", "name": "NVIDIA H200"}, "zh") == "NVIDIA H200"


def test_tick_labels_matplotlib_writes_follow_each_language() -> None:
    def ticks(language: str | None) -> list[str]:
        fig, ax = plt.subplots()
        ax.plot([0, 1.5], [0, 2500])
        if language:
            localise_axes(fig, language)
        fig.canvas.draw()
        found = [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        plt.close(fig)
        return found

    plain = ticks(None)
    assert "0.4" in plain and ticks("en") == ticks("zh") == plain
    assert ticks("it") == [t.replace(".", ",") for t in plain]


def _drawn_texts(svg: str) -> list[str]:
    """Every text an SVG draws. A math label is one <tspan> per character: they are joined again."""
    return [html.unescape(re.sub(r"<[^>]+>|\n\s*", "", body)) for body in re.findall(r"<text\b[^>]*>(.*?)</text>", svg, re.DOTALL)]


def _wording(table: Labels) -> list[str]:
    """Every string of a figure's labels, in nested tables and lists too."""
    texts: list[str] = []
    for value in table.values():
        if isinstance(value, Labels):
            texts += _wording(value)
        elif isinstance(value, list):
            texts += value
        else:
            texts.append(value)
    return texts


def decimal_points(text: str) -> list[str]:
    """Numbers written with a decimal point; "2.000", Italian for two thousand, groups thousands and is fine."""
    numbers = re.findall(r"\d+(?:\.\d+)+", text)
    return [n for n in numbers if not re.fullmatch(r"[1-9]\d{0,2}(?:\.\d{3})+", n)]


@pytest.mark.parametrize("name", list(FIGURES))
def test_italian_figures_write_a_decimal_comma(name: str) -> None:
    # Only the wording of a label itself (the translators' to change) may still have "0.5" in it.
    allowed = {found for text in _wording(labels(name, "it")) for found in decimal_points(text)}
    svg = (COMMITTED / next(f for f in MANIFEST[name]["files"] if f.endswith(".it.svg"))).read_text(encoding="utf-8")
    english = sorted({text for text in _drawn_texts(svg) if set(decimal_points(text)) - allowed})
    assert not english, f"{name}: numbers with a decimal point in the Italian figure: {english}"


def test_measured_figures_store_what_labels_need_to_name_the_device() -> None:
    for name, entry in MANIFEST.items():
        if not entry["measured"]:
            continue
        data = json.loads((COMMITTED / entry["files"][0]).read_text(encoding="utf-8"))
        if name == "decode_roofline":  # its measurement (on a GPU only) is a part of its data
            data = data["measured"]
        # The manifest's English text and the parts the labels use describe the same machine.
        assert device_label(data["device_info"], "en") == data["device"] == entry["device"], name


# --- Drawing again from the JSON -----------------------------------------------------------


def test_committed_measured_figures_are_drawn_from_their_json(tmp_path: Path) -> None:
    # Measured numbers cannot be measured again here, but every SVG must still be what the
    # code draws now from its JSON. (A deterministic figure is checked whole by its fresh
    # run above, which also draws from the JSON it saved, as --redraw does.)
    measured = [name for name, entry in MANIFEST.items() if entry["measured"]]
    shutil.copytree(COMMITTED, tmp_path, dirs_exist_ok=True)
    completed = make_figures("--redraw", "--out", str(tmp_path), "--only", *measured)
    assert completed.returncode == 0, completed.stderr
    for name in measured:
        for file in MANIFEST[name]["files"]:
            assert (tmp_path / file).read_bytes() == (COMMITTED / file).read_bytes(), (
                f"figures/{file} is not what scripts/figures/{name}.py draws from its JSON now: "
                f"run `.venv/bin/python -m scripts.make_figures --redraw --only {name}` and commit the result")
    assert json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8")) == MANIFEST


def test_redraw_without_the_json_is_refused(tmp_path: Path) -> None:
    completed = make_figures("--redraw", "--only", "mask_gallery", "--out", str(tmp_path))
    assert completed.returncode != 0
    assert "build the figure first, without --redraw" in completed.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_bakeoff_quick_run_writes_well_formed_results(runs: dict[str, Run]) -> None:
    results = json.loads((runs["baseline"].out / "bakeoff.json").read_text(encoding="utf-8"))
    assert results["preset"] == "quick" and results["seeds"] == 3
    assert set(results["architectures"]) == set(ARCHITECTURES)
    for name, entry in results["architectures"].items():
        assert entry["nll_kind"] == ("exact" if ARCHITECTURES[name].nll_is_exact else
                                     "upper bound (negative ELBO)")
        assert [r["seed"] for r in entry["runs"]] == [0, 1, 2]
        for result in entry["runs"]:
            assert set(result["exact_match"]) == set(TASKS) == set(result["nll"])
            assert all(0.0 <= v <= 1.0 for v in result["exact_match"].values())
            assert all(0.0 < v < 10.0 for v in result["nll"].values())
            assert result["tokens_per_s"] > 0 and result["nfe_per_token"] == 1.0
        assert entry["params"] > 0 and entry["train_flops_per_token"] > 0
    for name in ("bakeoff.en.svg", "bakeoff.zh.svg", "bakeoff.it.svg"):
        assert (runs["baseline"].out / name).stat().st_size > 10_000
