"""Print fingerprints of computations whose last bits depend on the CPU's code paths.

    python -m tests.backend_probe

tests/test_figures.py runs this under each backend variation: a variation that
does not change these bits on this machine would make its byte-for-byte figure
check meaningless, so the test demands that it does.
"""

import hashlib

import numpy as np

from llmtriad.rank import singular_values


def fingerprint(array: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()[:16]


if __name__ == "__main__":
    # PyTorch and MKL: the raw spectrum that scripts/figures/rank_spectra.py rounds.
    print("torch", fingerprint(singular_values(256, 16, 3.0, causal=True).numpy()))
    # NumPy: the transcendental functions matplotlib uses to place points on log axes.
    print("numpy", fingerprint(np.log10(np.geomspace(1e-8, 1.0, 10_000))))
