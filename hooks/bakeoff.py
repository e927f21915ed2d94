"""The bake-off chapter's tables, written at build time from figures/bakeoff.json.

`[[bakeoff-table:NAME]]` on a line of its own becomes a Markdown table in the
page's language, its numbers in that language's convention:

    summary   one row per architecture: parameters, training FLOPs per token,
              epochs, exact match and NLL averaged over the five generated
              tasks, decoding speed, network calls per token
    exact     exact match per task, mean ± standard deviation over the seeds,
              and the masked diffusion model again unmasking two tokens per call
    nll       NLL per task in nats per answer token, mean ± standard deviation
              over the seeds; "≤" marks the diffusion models' upper bounds, each
              followed by the Monte-Carlo standard error of its estimate

So the tables always show the committed run, and a rerun that is committed
changes them with the figure. The labels are the figure's, table [bakeoff]
of locales/figures/LANG.toml.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from llmtriad.bakeoff.architectures import ARCHITECTURES
from scripts.figures.labels import Labels, labels, number

RESULTS = Path(__file__).resolve().parent.parent / "figures" / "bakeoff.json"
TABLE = re.compile(r"^\[\[bakeoff-table:(\w+)\]\]$", re.MULTILINE)
GENERATED = ("copy", "reverse", "sort", "add", "infill")  # the summary's means; the fact tasks are a probe apart


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(header: list[str], rows: list[list[str]]) -> str:
    align = ["---"] + ["--:"] * (len(header) - 1)  # names left, numbers right
    return "\n".join([_row(header), _row(align), *(_row(row) for row in rows)])


def _mean_std(summary: dict[str, float], spec: str, language: str, scale: float = 1.0) -> str:
    return f"{number(scale * summary['mean'], spec, language)} ± {number(scale * summary['std'], spec, language)}"


def _names(data: dict) -> list[str]:
    return [name for name in ARCHITECTURES if name in data["architectures"]]  # the JSON's keys are sorted


def summary_table(data: dict, t: Labels, language: str) -> str:
    rows = []
    for name in _names(data):
        entry = data["architectures"][name]
        runs = entry["runs"]
        # Per seed, the mean over the generated tasks; then the mean over the seeds.
        exact = [sum(run["exact_match"][task] for task in GENERATED) / len(GENERATED) for run in runs]
        nll = [sum(run["nll"][task] for task in GENERATED) / len(GENERATED) for run in runs]
        bound = "≤ " if entry["nll_kind"] != "exact" else ""
        summary = entry["summary"]
        rows.append([
            t["arch"][name],
            number(entry["params"], ",d", language),
            number(entry["train_flops_per_token"] / 1e6, ".2f", language),
            number(summary["epochs"]["mean"], ".1f", language),
            t.format("percent", value=100 * sum(exact) / len(exact)),
            bound + number(sum(nll) / len(nll), ".3f", language),
            number(summary["tokens_per_s"]["mean"], ",.0f", language),
            number(summary["nfe_per_token"]["mean"], ".2f", language),
        ])
    return _table(list(t["table"]["summary"]), rows)


def per_task_table(data: dict, t: Labels, language: str, metric: str) -> str:
    tasks = data["tasks"]
    rows = []
    for name in _names(data):
        entry = data["architectures"][name]
        summary = entry["summary"][metric]
        if metric == "exact_match":
            rows.append([t["arch"][name], *(_mean_std(summary[task], ".0f", language, scale=100) for task in tasks)])
            if "exact_match_parallel" in entry["summary"]:  # the same model, unmasking two tokens per call
                parallel = entry["summary"]["exact_match_parallel"]
                rows.append([t["table"].format("parallel", name=t["arch"][name]),
                             *(_mean_std(parallel[task], ".0f", language, scale=100) for task in tasks)])
        elif entry["nll_kind"] == "exact":
            rows.append([t["arch"][name], *(_mean_std(summary[task], ".3f", language) for task in tasks)])
        else:  # a bound: its spread over the seeds, then the Monte-Carlo standard error of one seed's estimate
            rows.append([t["arch"][name], *("≤ " + _mean_std(summary[task], ".3f", language) for task in tasks)])
            error = entry["summary"]["nll_stderr"]
            rows.append([t["table"].format("mc_error", name=t["arch"][name], k=data["settings"]["nll_samples"]),
                         *("± " + number(error[task]["mean"], ".3f", language) for task in tasks)])
    return _table([t["table"]["architecture"], *(t["task"][task] for task in tasks)], rows)


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if "[[bakeoff-table:" not in markdown:
        return markdown
    language = config.theme["language"]
    t = labels("bakeoff", language)
    data = json.loads(RESULTS.read_text(encoding="utf-8"))

    def table(match: re.Match[str]) -> str:
        kind = match.group(1)
        if kind == "summary":
            return summary_table(data, t, language)
        if kind in ("exact", "nll"):
            return per_task_table(data, t, language, "exact_match" if kind == "exact" else "nll")
        raise PluginError(f"{page.file.src_uri}: {match.group(0)}: the tables are summary, exact and nll")

    markdown = TABLE.sub(table, markdown)
    if "[[bakeoff-table:" in markdown:
        raise PluginError(f"{page.file.src_uri}: a [[bakeoff-table:...]] that is not on a line of its own")
    return markdown
