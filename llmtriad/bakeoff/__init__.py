"""The architecture bake-off: the debate chapter's experiment, at a scale a laptop can run.

A causal LM, a prefix LM, an encoder-decoder, a masked diffusion LM and a
block diffusion LM, built from the course's own attention, masks, KV cache
and diffusion code, are trained on the same synthetic tasks with the same
tokenizer and the same parameter budget, then compared on held-out prompts.

    tasks.py          the tokenizer and the synthetic tasks, with their held-out split
    architectures.py  what differs between the architectures: mask, objective, decoding
    experiment.py     training, the metrics, and one run of every architecture and seed

scripts/bakeoff.py is the command line (make bakeoff); docs/en/bakeoff.md the chapter.
"""
