"""What the three language builds share: imported once, by the process they are forked from.

scripts/site.py builds each language in a process forked from a fork server
(multiprocessing's "forkserver"), a fresh process that imports this module
first. Every build needs these libraries, at about 6 s of CPU per build on a
2-core machine: MkDocs and its plugins, and what the hooks and the build-time
code blocks load (PyTorch, transformers, llmtriad), and jieba's Chinese
dictionary for the search index. Forked after they are loaded, the builds
start with them in memory. The list is only a hint: a module missing here is
imported by the build itself.
"""

from __future__ import annotations

import importlib

SHARED_IMPORTS = [
    "mkdocs.__main__", "mkdocs.commands.build", "material.plugins.search.plugin", "mkdocs_jupyter.plugin",
    "mkdocs_quiz.plugin", "markdown_exec", "pymdownx.superfences", "torch", "transformers",
    "transformers.models.gpt2.modeling_gpt2", "llmtriad", "llmtriad.bakeoff.architectures", "tinycss2",
]

for module in SHARED_IMPORTS:
    importlib.import_module(module)

import jieba  # noqa: E402

jieba.setLogLevel(60)  # its "Building prefix dict" notes would land in no build's log
jieba.initialize()
