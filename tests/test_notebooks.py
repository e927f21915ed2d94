"""The notebooks' outputs (scripts/notebooks.py): committed, current, shared by the three languages."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest

from scripts import notebooks
from tests.conftest import LANGUAGES

ROOT = notebooks.ROOT


def code_cells(path: Path) -> list[str]:
    return [cell.source for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]


def test_the_committed_outputs_are_current() -> None:
    stale = [path.name for path in notebooks.stale(notebooks.english_notebooks())]
    assert not stale, f"outputs made from other code, or missing: {stale}. Run: make notebooks, and commit docs/notebook-outputs/"


@pytest.mark.parametrize("language", [language for language in LANGUAGES if language != "en"])
def test_every_language_runs_the_same_code(language: str) -> None:
    # One execution serves the three languages only while their code cells are the same.
    for english in notebooks.english_notebooks():
        translated = ROOT / "docs" / language / "notebooks" / english.name
        assert code_cells(translated) == code_cells(english), f"{language}/{english.name}: its code differs"


def small_project(root: Path, source: str) -> Path:
    """A project with one one-cell notebook, in the layout scripts/notebooks.py expects."""
    path = root / "docs" / "en" / "notebooks" / "tiny.ipynb"
    path.parent.mkdir(parents=True)
    (root / "llmtriad").mkdir()
    (root / "llmtriad" / "__init__.py").write_text("")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    nbformat.write(notebook, path)
    return path


def test_current_committed_outputs_are_used_without_running_anything(tmp_path: Path) -> None:
    path = small_project(tmp_path, "raise RuntimeError('this notebook must not run')")
    kept = nbformat.read(path, as_version=4)
    kept.cells[0].outputs = [nbformat.v4.new_output("stream", text="from the committed copy\n")]
    kept.metadata["outputs_key"] = notebooks.code_key(kept, tmp_path)
    notebooks.committed_dir(tmp_path).mkdir(parents=True)
    nbformat.write(kept, notebooks.committed_dir(tmp_path) / path.name)
    assert notebooks.stale([path], tmp_path) == []
    assert notebooks.executed(path, tmp_path).cells[0].outputs[0].text == "from the committed copy\n"


def test_outputs_made_from_other_code_are_stale_and_the_build_runs_the_notebook(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTER_PATH", str(Path(sys.prefix) / "share" / "jupyter"))
    path = small_project(tmp_path, "print(6 * 7)")
    old = nbformat.read(path, as_version=4)
    old.metadata["outputs_key"] = "made-from-other-code"
    notebooks.committed_dir(tmp_path).mkdir(parents=True)
    nbformat.write(old, notebooks.committed_dir(tmp_path) / path.name)
    (tmp_path / "llmtriad" / "__init__.py").write_text("# changed\n")
    assert notebooks.stale([path], tmp_path) == [path]
    assert notebooks.executed(path, tmp_path).cells[0].outputs[0].text == "42\n"
    # The build kept what it ran in build/, and left the committed copy for `make notebooks`.
    assert len(list(notebooks.outputs_dir(tmp_path).glob("*.ipynb"))) == 1
    assert nbformat.read(notebooks.committed_dir(tmp_path) / path.name, as_version=4).metadata["outputs_key"] \
        == "made-from-other-code"
    assert notebooks.refresh([path], tmp_path) == [path]
    assert notebooks.stale([path], tmp_path) == []


def test_the_key_ignores_line_endings_and_the_torch_build_tag(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = small_project(tmp_path, "print(1)")
    notebook = nbformat.read(path, as_version=4)
    key = notebooks.code_key(notebook, tmp_path)
    (tmp_path / "llmtriad" / "core.py").write_bytes(b"x = 1\n")
    unix = notebooks.code_key(notebook, tmp_path)
    (tmp_path / "llmtriad" / "core.py").write_bytes(b"x = 1\r\n")
    assert notebooks.code_key(notebook, tmp_path) == unix != key
    real_version = notebooks.metadata.version
    monkeypatch.setattr(notebooks.metadata, "version", lambda name: real_version(name).split("+")[0] + "+cu126")
    assert notebooks.code_key(notebook, tmp_path) == unix


def test_the_check_command_names_what_is_stale(capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    assert notebooks.main(["--check"]) == 0 and capsys.readouterr().out == ""
    monkeypatch.setattr(notebooks, "code_key", lambda notebook, root: "made-from-other-code")
    assert notebooks.main(["--check"]) == 1
    named = capsys.readouterr().out
    assert all(f"{path.name}: its committed outputs are out of date" in named
               for path in notebooks.english_notebooks())


# --- Running a notebook: the links above it and the setup cell (hooks/notebooks.py) ---


class FakeConfig:
    """What hooks/notebooks.py reads of MkDocs' configuration."""

    def __init__(self, language: str, repository: str = "", commit: str = "") -> None:
        self.theme = {"language": language}
        self.extra = {"repository": repository, "commit": commit}


class FakePage:
    url = "notebooks/first-attention/"

    class file:  # noqa: N801 (the attribute MkDocs' Page has)
        src_uri = "notebooks/first-attention.ipynb"


@pytest.mark.parametrize("language, folder", [("en", ""), ("zh", "zh/"), ("it", "it/")])
def test_the_published_site_links_each_notebook_to_colab(language: str, folder: str) -> None:
    from hooks.notebooks import run_bar, run_text

    bar = run_bar(FakePage(), FakeConfig(language, "owner/course", "abc123"))  # type: ignore[arg-type]
    colab = ("https://colab.research.google.com/github/owner/course/blob/colab/"
             f"{folder}notebooks/first-attention/first-attention.ipynb")
    assert f'href="{colab}"' in bar
    assert 'href="first-attention.ipynb" download' in bar
    assert run_text(language)["colab"] in bar and run_text(language)["colab_note"] in bar


def test_a_local_build_offers_the_download_and_no_colab_link() -> None:
    from hooks.notebooks import run_bar, run_text, setup_cell

    bar = run_bar(FakePage(), FakeConfig("it"))  # type: ignore[arg-type]
    assert "colab.research.google.com" not in bar and 'download>' in bar
    assert run_text("it")["local_note"] in bar
    assert setup_cell(FakeConfig("it")) is None  # type: ignore[arg-type]


def test_the_page_hides_the_setup_cell() -> None:
    # mkdocs-jupyter drops the cells tagged with one of these tags from the page.
    assert f"remove_cell_tags: [{notebooks.SETUP_TAG}]" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


def test_the_setup_cell_installs_llmtriad_from_the_sites_commit_only_where_it_is_missing(tmp_path: Path) -> None:
    from hooks.notebooks import setup_cell

    cell = setup_cell(FakeConfig("zh", "owner/course", "abc123"))  # type: ignore[arg-type]
    assert cell is not None
    assert '%pip install --quiet "llmtriad @ git+https://github.com/owner/course@abc123"' in cell
    # Where llmtriad is installed, as here, the cell does nothing: run it without the %pip line.
    namespace: dict[str, object] = {}
    exec(cell.replace("%pip install", "raise RuntimeError  #"), namespace)  # noqa: S102
    # And it comes first in the notebook readers download, tagged so that the page hides it.
    path = small_project(tmp_path, "print(1)")
    kept = nbformat.read(path, as_version=4)
    kept.metadata["outputs_key"] = notebooks.code_key(kept, tmp_path)
    notebooks.committed_dir(tmp_path).mkdir(parents=True)
    nbformat.write(kept, notebooks.committed_dir(tmp_path) / path.name)
    written = nbformat.read(notebooks.with_outputs(path, "zh", tmp_path, cell), as_version=4)
    assert written.cells[0].source == cell and written.cells[0].metadata["tags"] == [notebooks.SETUP_TAG]
    assert written.cells[1].source == "print(1)"
