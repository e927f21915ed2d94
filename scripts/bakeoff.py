"""The architecture bake-off: train the six models, measure them, draw the figure.

    make bakeoff                                               # about 10 minutes on a 2-core CPU
    make bakeoff args="--quick"                                # under a minute: does it all run?
    .venv/bin/python -m scripts.bakeoff --device cuda          # a larger configuration on a GPU
    .venv/bin/python -m scripts.bakeoff --only causal diffusion --seeds 5 --out /tmp/bakeoff
    .venv/bin/python -m scripts.bakeoff --list

The results go through the figure pipeline: figures/bakeoff.json (every number
of every run), figures/bakeoff.LANG.svg, and the figure's entry in
figures/manifest.json, which says where it ran. The chapter's tables are read
from the JSON at build time. Nothing is written until every model is trained
and measured, and files are written whole: Ctrl-C stops cleanly and leaves the
previous results as they were.

--only trains some architectures and keeps the others' results from the JSON
already in the output folder, when those were made with the same settings and
seeds; otherwise it asks for another --out.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

if not __package__:  # run as a file (python scripts/bakeoff.py): make the `scripts` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch
from tqdm import tqdm

from llmtriad.bakeoff.architectures import ARCHITECTURES
from llmtriad.bakeoff.experiment import PRESETS
from scripts.figures import bakeoff
from scripts.figures.common import LANGUAGES, device_name
from scripts.make_figures import FIGURES_DIR, choose_device, publish, update_manifest

NAME = "bakeoff"


def progress_bar(architecture: str, seed: int, steps: int) -> Callable[[float], None]:
    """A progress bar for one model's training; returns what to call after each step."""
    bar = tqdm(total=steps, desc=f"{architecture:<18} seed {seed}", unit="step", leave=True, dynamic_ncols=True)

    def on_step(loss: float) -> None:
        bar.update()
        bar.set_postfix(loss=f"{loss:.3f}", refresh=False)
        if bar.n == steps:
            bar.close()

    return on_step


def previous_results(path: Path, preset: str, seeds: int, device: torch.device) -> dict | None:
    """The results --only adds to: those in `path`, if any, made with the same settings, seeds and device."""
    if not path.exists():
        return None
    previous: dict = json.loads(path.read_text(encoding="utf-8"))
    wanted = {"preset": preset, "settings": asdict(PRESETS[preset]), "seeds": seeds, "device": device_name(device)}
    if any(previous.get(key) != value for key, value in wanted.items()):
        raise SystemExit(
            f"--only: {path} holds results made with other settings, seeds or device "
            f"({previous.get('preset')}, {previous.get('seeds')} seeds, {previous.get('device')}); "
            "mixing them would compare unlike runs. Write these to another folder with --out, or run every "
            "architecture."
        )
    return previous


def merge(previous: dict, fresh: dict) -> dict:
    """The fresh architectures' results over the previous ones, in the order of ARCHITECTURES."""
    architectures = {**previous["architectures"], **fresh["architectures"]}
    return {**fresh, "architectures": {name: architectures[name] for name in ARCHITECTURES if name in architectures}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.bakeoff", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny models and data: under a minute on a CPU")
    parser.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    parser.add_argument("--seeds", type=int, default=bakeoff.SEEDS, help=f"seeds per architecture "
                        f"(default {bakeoff.SEEDS})")
    parser.add_argument("--only", nargs="+", metavar="ARCH", help="architectures to train (default: all)")
    parser.add_argument("--out", type=Path, default=FIGURES_DIR, help="output folder (default: figures/)")
    parser.add_argument("--list", action="store_true", help="list the architectures and stop")
    args = parser.parse_args(argv)

    if args.list:
        for name, architecture in ARCHITECTURES.items():
            print(f"{name:<20} {(type(architecture).__doc__ or '').strip().splitlines()[0]}")
        return 0
    unknown = [name for name in args.only or [] if name not in ARCHITECTURES]
    if unknown:
        parser.error(f"unknown architecture(s) {', '.join(unknown)}; valid: {', '.join(ARCHITECTURES)}")
    if args.seeds < 1:
        parser.error(f"--seeds must be at least 1, got {args.seeds}")
    device = choose_device(args.device)
    preset = bakeoff.preset(device, args.quick)
    previous = previous_results(args.out / f"{NAME}.json", preset, args.seeds, device) if args.only else None
    print(f"Bake-off ({preset} settings) on {device_name(device)}: "
          f"{', '.join(args.only or ARCHITECTURES)}, {args.seeds} seed(s) each", flush=True)
    try:
        data = bakeoff.compute(device, args.quick, args.seeds, args.only, progress_bar)
    except KeyboardInterrupt:
        print("\nInterrupted: nothing was written; the previous results are as they were.", file=sys.stderr)
        return 130
    args.out.mkdir(parents=True, exist_ok=True)
    if previous is not None:
        data = merge(previous, data)
    update_manifest(args.out, {NAME: publish(NAME, data, device, LANGUAGES, args.quick, args.out)})
    print(f"Wrote {args.out / NAME}.json and its figures in {data['wall_seconds']} s of training and measuring.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
