"""Assertions shared by the exercises' tests, with messages that explain themselves."""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor


def assert_tensor_close(actual: Any, expected: Tensor, call: str, atol: float = 1e-5, rtol: float = 1e-5) -> None:
    """Check type, shape, dtype, finiteness and values, in that order, naming the call.

    The default tolerance is about a hundred times float32's rounding (1.2e-7 per
    operation), which differs between CPUs, thread counts and equivalent formulas, and
    far below what any real mistake in these exercises changes.
    """
    __tracebackhide__ = True
    assert isinstance(actual, Tensor), f"{call} returned {type(actual).__name__}, expected a torch.Tensor"
    assert actual.shape == expected.shape, f"{call} returned shape {tuple(actual.shape)}, expected {tuple(expected.shape)}"
    assert actual.dtype == expected.dtype, f"{call} returned dtype {actual.dtype}, expected {expected.dtype}"
    if expected.is_floating_point():
        bad = ~torch.isfinite(actual) & torch.isfinite(expected)
        assert not bad.any(), f"{call} returned NaN or inf at {bad.nonzero()[:3].tolist()} (expected finite values)"
    if not torch.allclose(actual, expected, atol=atol, rtol=rtol, equal_nan=True):
        where = (~torch.isclose(actual, expected, atol=atol, rtol=rtol, equal_nan=True)).nonzero()[0].tolist()
        index = tuple(where)
        raise AssertionError(
            f"{call} differs at index {index}: got {actual[index].item():.6g}, expected {expected[index].item():.6g}"
        )


def assert_mask_equal(actual: Any, expected: Tensor, call: str) -> None:
    """Check a boolean mask exactly, and show both when they differ."""
    __tracebackhide__ = True
    assert isinstance(actual, Tensor), f"{call} returned {type(actual).__name__}, expected a torch.Tensor"
    assert actual.dtype == torch.bool, f"{call} returned dtype {actual.dtype}, expected torch.bool (True = may attend)"
    assert actual.shape == expected.shape, f"{call} returned shape {tuple(actual.shape)}, expected {tuple(expected.shape)}"
    if not torch.equal(actual, expected):
        raise AssertionError(f"{call} returned\n{actual.int()}\nexpected\n{expected.int()}")
