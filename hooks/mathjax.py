"""Serve MathJax 3 from the site itself.

The site makes no request to another host, so MathJax comes from a package
registry at build time: the PyPI package django-static-mathjax ships the
MathJax 3.2.2 distribution. This hook publishes the parts the pages use as
`assets/mathjax/`; overrides/assets/javascripts/math.js loads it on pages
that contain math.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

# The TeX-to-HTML bundle, the extensions it loads on demand (for example
# \boldsymbol), its fonts and its licence.
PARTS = [
    "tex-chtml.js",
    "input/tex/extensions",
    "output/chtml/fonts/woff-v2",
]


def mathjax_dir() -> Path:
    spec = importlib.util.find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        raise PluginError(
            "MathJax not found: install the docs extra (pip install -e '.[docs]'), "
            "which brings django-static-mathjax."
        )
    return Path(next(iter(spec.submodule_search_locations))) / "static" / "mathjax"


def on_files(files: Files, config: MkDocsConfig) -> Files:
    root = mathjax_dir()
    es5 = root / "es5"
    paths: list[Path] = [root / "LICENSE"]
    for part in PARTS:
        path = es5 / part
        if not path.exists():
            raise PluginError(f"MathJax file missing: {path}")
        paths += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for path in paths:
        relative = path.relative_to(es5 if path.is_relative_to(es5) else root).as_posix()
        files.append(File.generated(config, f"assets/mathjax/{relative}", abs_src_path=str(path)))
    return files
