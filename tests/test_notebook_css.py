"""The pruning of JupyterLab's stylesheet for notebook pages (hooks/notebook_css.py), on small stylesheets."""

from __future__ import annotations

import pytest

from hooks import notebook_css


@pytest.fixture
def prune(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Prune a stylesheet for pages that use these classes and read these variables."""
    def run(css: str, classes: set[str], variables: frozenset[str] = frozenset()) -> str:
        monkeypatch.setattr(notebook_css, "used_classes", classes)
        monkeypatch.setattr(notebook_css, "read_variables", set(variables))
        monkeypatch.setattr(notebook_css, "jupyterlab_css", lambda: css)
        return notebook_css.pruned_stylesheet()
    return run


def test_rules_for_classes_no_page_has_are_dropped(prune) -> None:  # type: ignore[no-untyped-def]
    css = ".jp-Cell{color:red}.jp-Toolbar{color:blue}.jp-Cell .jp-Toolbar{color:green}pre{margin:0}"
    assert prune(css, {"jp-Cell"}) == ".jp-Cell{color:red}\npre{margin:0}\n"


def test_a_selector_list_is_split_at_top_level_commas_only(prune) -> None:  # type: ignore[no-untyped-def]
    css = ".a :is(h1, h2) .b, .gone{x:1}"
    assert prune(css, {"a", "b"}) == ".a :is(h1, h2) .b{x:1}\n"


def test_a_class_under_not_need_not_be_on_the_page(prune) -> None:  # type: ignore[no-untyped-def]
    assert prune(".a:not(.absent){x:1}", {"a"}) == ".a:not(.absent){x:1}\n"


def test_root_below_another_selector_never_matches(prune) -> None:  # type: ignore[no-untyped-def]
    assert prune(".a :root{--icon:url(data:image/svg+xml;base64,AAAA)}.a{x:1}", {"a"}) == ".a{x:1}\n"


def test_only_variables_something_reads_are_kept(prune) -> None:  # type: ignore[no-untyped-def]
    css = (".a{--used:var(--chain);--chain:1px;--unused:var(--also-unused);--also-unused:2px;"
           "--read-inline:url(data:x;base64,QQ);margin:var(--used)}")
    assert prune(css, {"a"}, frozenset({"--read-inline"})) == \
        ".a{--used:var(--chain);--chain:1px;--read-inline:url(data:x;base64,QQ);margin:var(--used)}\n"


def test_media_queries_keep_what_matches_inside_them(prune) -> None:  # type: ignore[no-untyped-def]
    css = "@media print{.a{x:1}.gone{y:2}}@media screen{.gone{y:2}}@font-face{font-family:F}"
    assert prune(css, {"a"}) == "@media print{\n.a{x:1}\n}\n@font-face{font-family:F}\n"


def test_jupyterlabs_stylesheet_shrinks_for_a_typical_notebook(prune) -> None:  # type: ignore[no-untyped-def]
    full = notebook_css.jupyterlab_css.__wrapped__()
    classes = {"jupyter-wrapper", "jp-Notebook", "jp-Cell", "jp-CodeCell", "jp-InputArea", "jp-InputPrompt",
               "jp-OutputArea", "jp-OutputArea-output", "jp-RenderedText", "jp-RenderedHTMLCommon"}
    pruned = prune(full, classes)
    assert len(full) > 500_000 and 1_000 < len(pruned) < 60_000
