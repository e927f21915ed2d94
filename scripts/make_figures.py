"""Rebuild the course's figures by running its own PyTorch code.

    .venv/bin/python -m scripts.make_figures                      # every figure, best device
    .venv/bin/python -m scripts.make_figures --only mask_gallery  # some figures
    .venv/bin/python -m scripts.make_figures --device cpu --lang en,zh --quick
    .venv/bin/python -m scripts.make_figures --list
    .venv/bin/python -m scripts.make_figures --redraw --only kv_decoding_time

Each figure, named by its module (rank_spectra.py), writes figures/rank-spectra.json
(its numbers) and figures/rank-spectra.LANG.svg (one per language), and updates
its entry in figures/manifest.json: script, whether it is measured and, if so,
on which device and PyTorch version. A deterministic figure needs no more
provenance: the tests rebuild it and compare the bytes. Files are written whole
or not at all, so an interrupted run leaves no half file.
The labels come from locales/figures/LANG.toml, read when a figure is drawn.

--redraw draws the SVGs again from the JSON already in the output folder and
computes nothing: for new labels or drawing code, and above all for measured
figures, whose numbers belong to the machine that measured them. Their
manifest entries keep what they record (the device and PyTorch version the
numbers came from); only a language's SVG drawn for the first time is added
to their files.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from pathlib import Path
from types import ModuleType

if not __package__:  # run as a file (python scripts/make_figures.py): make the `scripts` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch

from scripts.figures import FIGURES
from scripts.figures.common import (LANGUAGES, device_name, localise_axes, save_json, save_svg,
                                    write_atomically)

ROOT = Path(__file__).resolve().parent.parent
FIGURES_DIR = ROOT / "figures"


def load(name: str) -> ModuleType:
    return importlib.import_module(f"scripts.figures.{name}")


def stem(name: str) -> str:
    """The files' name of a figure: its module's name with dashes (rank_spectra -> rank-spectra)."""
    return name.replace("_", "-")


def is_measured(module: ModuleType, device: torch.device) -> bool:
    return device.type in module.MEASURED_ON


def choose_device(wanted: str) -> torch.device:
    if wanted == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda: no CUDA GPU is available here (torch.cuda.is_available() is False). "
                         "Use --device cpu or --device auto.")
    if wanted == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(wanted)


def draw(name: str, module: ModuleType, data: dict, language: str, out: Path) -> str:
    """Draw one language's copy of a figure into out/STEM.LANG.svg; return the file's name."""
    drawn = module.draw(data, language)
    path = out / f"{stem(name)}.{language}.svg"
    if isinstance(drawn, str):
        write_atomically(path, lambda tmp: tmp.write_text(drawn, encoding="utf-8"))
    else:
        localise_axes(drawn, language)  # the tick labels matplotlib writes itself, in this language's numbers
        save_svg(drawn, path)
    return path.name


def make(name: str, device: torch.device, languages: list[str], quick: bool, out: Path) -> dict:
    """Compute one figure's numbers, draw it in each language, and return its manifest entry."""
    module = load(name)
    torch.manual_seed(0)
    return publish(name, module.compute(device, quick), device, languages, quick, out)


def publish(name: str, data: dict, device: torch.device, languages: list[str], quick: bool, out: Path) -> dict:
    """Write a figure's numbers and draw it in each language; return its manifest entry."""
    module = load(name)
    save_json(data, out / f"{stem(name)}.json")
    # Draw from what was saved, as --redraw will: the same numbers, the same (sorted) keys.
    data = json.loads((out / f"{stem(name)}.json").read_text(encoding="utf-8"))
    files = [f"{stem(name)}.json"] + [draw(name, module, data, language, out) for language in languages]
    # Languages not drawn this time (--lang) keep their files and their place in the manifest.
    kept = read_manifest(out).get(name, {}).get("files", [])
    files += [f for f in kept if f not in files and (out / f).exists()]
    measured = is_measured(module, device)
    return {
        "script": f"scripts/figures/{name}.py",
        "measured": measured,
        "device": device_name(device) if measured else "any (deterministic)",
        "torch": torch.__version__ if measured else "any",
        "quick": quick,
        "files": in_order(files),
    }


def in_order(files: list[str]) -> list[str]:
    """A figure's files in one order, whichever languages this run drew: the JSON, then each language's SVG."""
    def rank(file: str) -> int:
        language = file.rsplit(".", 2)[-2] if file.endswith(".svg") else None
        return 0 if language is None else 1 + LANGUAGES.index(language)

    return sorted(files, key=rank)


def read_manifest(out: Path) -> dict[str, dict]:
    path = out / "manifest.json"
    return json.loads(path.read_text()) if path.exists() else {}


def redraw(name: str, languages: list[str], out: Path) -> dict:
    """Draw one figure again from out/STEM.json, computing nothing, and return its manifest entry."""
    module = load(name)
    path = out / f"{stem(name)}.json"
    entry = read_manifest(out).get(name)
    if not path.exists() or entry is None:
        raise SystemExit(f"--redraw {name}: {path} or its entry in {out / 'manifest.json'} is missing; "
                         "build the figure first, without --redraw")
    data = json.loads(path.read_text(encoding="utf-8"))
    drawn = [draw(name, module, data, language, out) for language in languages]
    return {**entry, "files": in_order(entry["files"] + [file for file in drawn if file not in entry["files"]])}


def update_manifest(out: Path, entries: dict[str, dict]) -> None:
    path = out / "manifest.json"
    manifest = read_manifest(out)
    manifest.update(entries)
    text = json.dumps(dict(sorted(manifest.items())), indent=1, ensure_ascii=False) + "\n"
    write_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.make_figures", description=__doc__.split("\n")[0])
    parser.add_argument("--device", choices=["auto", "cuda", "cpu"], default="auto")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="figures to rebuild (default: all)")
    parser.add_argument("--lang", default=",".join(LANGUAGES), help="comma-separated languages (default: all)")
    parser.add_argument("--quick", action="store_true", help="small workloads for the measured figures")
    parser.add_argument("--list", action="store_true", help="list the figures and stop")
    parser.add_argument("--redraw", action="store_true",
                        help="draw the SVGs again from the JSON in the output folder, computing nothing")
    parser.add_argument("--out", type=Path, default=FIGURES_DIR, help="output folder (default: figures/)")
    args = parser.parse_args(argv)

    if args.list:
        for name in FIGURES:
            module = load(name)
            kind = "measured" if module.MEASURED_ON else "deterministic"
            print(f"{name:<22} {kind:<14} {(module.__doc__ or '').strip().splitlines()[0]}")
        return 0
    unknown = [n for n in args.only or [] if n not in FIGURES]
    if unknown:
        parser.error(f"unknown figure(s) {', '.join(unknown)}; valid: {', '.join(FIGURES)}")
    languages = args.lang.split(",")
    if not set(languages) <= set(LANGUAGES) or not languages:
        parser.error(f"--lang takes a comma-separated subset of {','.join(LANGUAGES)}")
    if args.redraw:
        if args.quick:
            parser.error("--redraw computes nothing: --quick does not apply")
        for name in args.only or FIGURES:
            start = time.perf_counter()
            update_manifest(args.out, {name: redraw(name, languages, args.out)})
            print(f"{name:<22} {time.perf_counter() - start:6.1f} s  redrawn from its JSON", flush=True)
        return 0
    device = choose_device(args.device)

    entries = {}
    for name in args.only or FIGURES:
        start = time.perf_counter()
        entries[name] = make(name, device, languages, args.quick, args.out)
        print(f"{name:<22} {time.perf_counter() - start:6.1f} s  on {device_name(device)}", flush=True)
        update_manifest(args.out, {name: entries[name]})
    return 0


if __name__ == "__main__":
    sys.exit(main())
