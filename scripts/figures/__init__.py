"""The course's figures: one module per figure, registered here in gallery order.

Every module defines

    NAME      the file stem: figures/NAME.json holds the numbers, and
              figures/NAME.<lang>.svg the figure in each language
    MEASURED  True when the numbers depend on the machine (timings, memory
              readings); such figures record where they were measured
    compute(device, quick) -> dict
              the numbers behind the figure, JSON-serialisable; `quick`
              shrinks measured workloads (never the deterministic ones)
    draw(data, language) -> matplotlib Figure, or SVG text
              the figure with its labels in `language`

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
    "diffusion_forward",
    "diffusion_sampling",
    "mdlm_loss_weight",
    "triad_diagrams",
]
