"""Run each notebook once, however many languages it is written in, and keep its outputs.

    .venv/bin/python -m scripts.notebooks            # make notebooks: refresh the committed outputs
    .venv/bin/python -m scripts.notebooks --check    # list the notebooks whose outputs are out of date

The three languages' copies of a notebook differ in their prose and share
their code cells, so their outputs are the same. A notebook's outputs depend
on its code cells, the llmtriad sources and the PyTorch version: together,
its key (code_key).

The outputs are committed, like the figures: docs/notebook-outputs/NAME.ipynb
holds the code cells of the English notebook as executed, with their key in its metadata. A build
uses them while the key matches, so a fresh clone builds without running a
notebook. A notebook whose key no longer matches (its code or llmtriad
changed) is executed by the build instead, and its outputs are kept in
build/notebook-outputs/KEY.ipynb; `make notebooks` executes every such notebook
and refreshes the committed copy, and tests/test_notebooks.py fails until it
has.

Each language's page is rendered from its own notebook with the outputs
filled in, build/notebooks/LANG/NAME.ipynb (hooks/notebooks.py). Files are
written whole (write, then rename), so builds running side by side never read
half a notebook.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 600  # per cell: a notebook that hangs fails the build instead of holding it forever


class NotebookError(RuntimeError):
    """A cell of a notebook failed: the message names the notebook, shows the cell and its error."""


def outputs_dir(root: Path) -> Path:
    """Outputs of notebooks whose committed outputs are out of date, by key."""
    return root / "build" / "notebook-outputs"


def committed_dir(root: Path) -> Path:
    return root / "docs" / "notebook-outputs"


def code_key(notebook: nbformat.NotebookNode, root: Path) -> str:
    """What a notebook's outputs depend on: its code cells, the course's code, the PyTorch version.

    The version is taken without its build tag (2.13.0, not 2.13.0+cpu): the notebooks
    run on the CPU, whichever wheel is installed. Line endings do not count.
    """
    digest = hashlib.sha256(metadata.version("torch").split("+")[0].encode())
    for cell in notebook.cells:
        if cell.cell_type == "code":
            digest.update(b"\0cell\0" + cell.source.encode())
    for source in sorted((root / "llmtriad").rglob("*.py")):
        text = source.read_bytes().replace(b"\r\n", b"\n")
        digest.update(b"\0file\0" + source.relative_to(root).as_posix().encode() + b"\0" + text)
    return digest.hexdigest()[:20]


def committed(path: Path, key: str, root: Path) -> nbformat.NotebookNode | None:
    """The committed outputs of the notebook at `path`, if they were made with this key."""
    kept = committed_dir(root) / path.name
    if not kept.exists():
        return None
    notebook = nbformat.read(kept, as_version=4)
    return notebook if notebook.metadata.get("outputs_key") == key else None


def _write(notebook: nbformat.NotebookNode, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        nbformat.write(notebook, file)
    os.chmod(tmp, 0o644)  # mkstemp makes it private; these files are shared and committed
    os.replace(tmp, path)


def executed(path: Path, root: Path = ROOT) -> nbformat.NotebookNode:
    """The notebook at `path` with its outputs: from the cache, or executed now (and cached).

    A failing cell raises NotebookError.
    """
    notebook = nbformat.read(path, as_version=4)
    key = code_key(notebook, root)
    kept = committed(path, key, root)
    if kept is not None:
        return kept
    cached = outputs_dir(root) / f"{key}.ipynb"
    if cached.exists():
        return nbformat.read(cached, as_version=4)
    # Run from the notebook's folder, as Jupyter would, with the kernel of this environment.
    client = NotebookClient(notebook, timeout=TIMEOUT_S, kernel_name="python3", allow_errors=False,
                            record_timing=False,  # the outputs are committed: no clock times in them
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except CellExecutionError as error:
        raise NotebookError(f"{path}: a cell failed.\n{error}") from None
    notebook.metadata["outputs_key"] = key
    _write(notebook, cached)
    return notebook


SETUP_TAG = "course-setup"  # the setup cell: in the notebook readers download, not on the page


def with_outputs(path: Path, language: str, root: Path = ROOT, setup: str | None = None) -> Path:
    """This language's notebook with the outputs of its code cells; returns where it was written.

    `setup`, if given, becomes a first code cell tagged SETUP_TAG (the cell that installs the
    course's code where it is missing, as in Google Colab).
    """
    notebook = nbformat.read(path, as_version=4)
    ran = [cell for cell in executed(path, root).cells if cell.cell_type == "code"]
    for cell, done in zip((c for c in notebook.cells if c.cell_type == "code"), ran, strict=True):
        cell.outputs, cell.execution_count = done.outputs, done.execution_count
    if setup is not None:
        notebook.cells.insert(0, nbformat.v4.new_code_cell(setup, metadata={"tags": [SETUP_TAG]}))
    target = root / "build" / "notebooks" / language / path.name
    _write(notebook, target)
    return target


def execute_all(paths: list[Path], root: Path = ROOT, workers: int = 2) -> None:
    """Execute the notebooks not yet cached, `workers` at a time (each runs in its own kernel)."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(executed, path, root) for path in paths]:
            future.result()


def stale(paths: list[Path], root: Path = ROOT) -> list[Path]:
    """The notebooks whose committed outputs are missing or were made from other code."""
    return [path for path in paths
            if committed(path, code_key(nbformat.read(path, as_version=4), root), root) is None]


def refresh(paths: list[Path], root: Path = ROOT) -> list[Path]:
    """Execute the stale notebooks and commit their outputs (make notebooks); return those refreshed."""
    todo = stale(paths, root)
    execute_all(todo, root)
    for path in todo:
        outputs = executed(path, root)
        outputs.cells = [cell for cell in outputs.cells if cell.cell_type == "code"]  # the prose is not needed
        _write(outputs, committed_dir(root) / path.name)
    return todo


def english_notebooks(root: Path = ROOT) -> list[Path]:
    return sorted((root / "docs" / "en" / "notebooks").glob("*.ipynb"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.notebooks", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="list out-of-date outputs; exit 1 if there are any")
    args = parser.parse_args(argv)
    if args.check:
        todo = stale(english_notebooks())
        for path in todo:
            print(f"{path.relative_to(ROOT)}: its committed outputs are out of date (make notebooks)")
        return 1 if todo else 0
    os.environ["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")  # this environment's kernel
    try:
        done = refresh(english_notebooks())
    except NotebookError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"refreshed {len(done)} notebook(s): {', '.join(p.name for p in done) or 'all were current'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
