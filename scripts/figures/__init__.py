"""The course's figures: one module per figure, registered here in gallery order.

A figure is named by its module: rank_spectra.py writes figures/rank-spectra.json
(its numbers) and figures/rank-spectra.<lang>.svg (one per language). Every
module defines

    MEASURED_ON  the device types ("cpu", "cuda") on which the numbers are
              measurements of the machine (timings, memory readings), which
              then record where they were measured; () for a figure that is
              deterministic everywhere
    compute(device, quick) -> dict
              the numbers behind the figure, JSON-serialisable; `quick`
              shrinks measured workloads (never the deterministic ones)
    draw(data, language) -> matplotlib Figure, or SVG text
              the figure with its labels in `language`; it is also drawn from
              the JSON (make_figures --redraw), whose keys are sorted, so it
              must not rely on the order of the dicts in `data`

A module's labels are its table in locales/figures/LANG.toml (the table
[rank_spectra] for rank_spectra.py), read with common.labels(__name__,
language); every number drawn as text goes through common.number(), or
Labels.format(), so that it is written in the language's convention.

scripts/make_figures.py runs them; see `python -m scripts.make_figures --help`.
"""

FIGURES = [
    "learning_path",
    "mask_gallery",
    "causal_alignment",
    "kv_decoding_time",
    "kv_memory_measured",
    "kv_memory_models",
    "decode_roofline",
    "rank_spectra",
    "dlm_taxonomy",
    "diffusion_forward",
    "diffusion_sampling",
    "mdlm_loss_weight",
    "triad_diagrams",
    "bakeoff",
]
