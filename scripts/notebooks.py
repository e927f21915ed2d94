"""Run each notebook once, however many languages it is written in.

The three languages' copies of a notebook differ in their prose and share
their code cells, so their outputs are the same. A notebook is executed once
per distinct code, keyed by its code cells, the llmtriad sources it imports and
the PyTorch version, and its outputs are kept in build/notebook-outputs/KEY.ipynb.
Each language's page is then rendered from its own notebook with those outputs
filled in, build/notebooks/LANG/NAME.ipynb (hooks/notebooks.py).

scripts/site.py executes the English notebooks, two at a time, before the
three builds start; a build that finds no outputs for a notebook (`make live`,
or a notebook whose code differs in one language) executes it itself. Files
are written whole (write, then rename), so builds running side by side never
read half a notebook.
"""

from __future__ import annotations

import hashlib
import os
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
    return root / "build" / "notebook-outputs"


def code_key(notebook: nbformat.NotebookNode, root: Path) -> str:
    """What a notebook's outputs depend on: its code cells, the course's code, the PyTorch version."""
    digest = hashlib.sha256(metadata.version("torch").encode())
    for cell in notebook.cells:
        if cell.cell_type == "code":
            digest.update(b"\0cell\0" + cell.source.encode())
    for source in sorted((root / "llmtriad").rglob("*.py")):
        digest.update(b"\0file\0" + source.relative_to(root).as_posix().encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()[:20]


def _write(notebook: nbformat.NotebookNode, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        nbformat.write(notebook, file)
    os.replace(tmp, path)


def executed(path: Path, root: Path = ROOT) -> nbformat.NotebookNode:
    """The notebook at `path` with its outputs: from the cache, or executed now (and cached).

    A failing cell raises NotebookError.
    """
    notebook = nbformat.read(path, as_version=4)
    cached = outputs_dir(root) / f"{code_key(notebook, root)}.ipynb"
    if cached.exists():
        return nbformat.read(cached, as_version=4)
    # Run from the notebook's folder, as Jupyter would, with the kernel of this environment.
    client = NotebookClient(notebook, timeout=TIMEOUT_S, kernel_name="python3", allow_errors=False,
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except CellExecutionError as error:
        raise NotebookError(f"{path}: a cell failed.\n{error}") from None
    _write(notebook, cached)
    return notebook


def with_outputs(path: Path, language: str, root: Path = ROOT) -> Path:
    """This language's notebook with the outputs of its code cells; returns where it was written."""
    notebook = nbformat.read(path, as_version=4)
    ran = [cell for cell in executed(path, root).cells if cell.cell_type == "code"]
    for cell, done in zip((c for c in notebook.cells if c.cell_type == "code"), ran, strict=True):
        cell.outputs, cell.execution_count = done.outputs, done.execution_count
    target = root / "build" / "notebooks" / language / path.name
    _write(notebook, target)
    return target


def execute_all(paths: list[Path], root: Path = ROOT, workers: int = 2) -> None:
    """Execute the notebooks not yet cached, `workers` at a time (each runs in its own kernel)."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(executed, path, root) for path in paths]:
            future.result()
