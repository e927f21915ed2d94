"""Tests for e14_attention_rank.

Oracles: PyTorch's scaled_dot_product_attention with the identity as the
values (its output is then the attention matrix itself), torch.linalg
(matrix_rank, slogdet, svdvals through matrix_rank) on matrices of known
rank, and closed forms: the determinant of a triangular matrix is the
product of its diagonal; a diagonal matrix's singular values are its entries.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from exercises.checks import assert_tensor_close


def gaussian_qk(n: int, d: int, scale: float = 1.0, seed: int = 0):
    """Standard Gaussian queries (multiplied by scale) and keys, float64."""
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(n, d, generator=g, dtype=torch.float64) * scale
    k = torch.randn(n, d, generator=g, dtype=torch.float64)
    return q, k


def low_rank(m: int, n: int, r: int, seed: int = 0) -> torch.Tensor:
    """A random (m, n) float64 matrix of rank exactly r (with probability 1)."""
    g = torch.Generator().manual_seed(seed)
    return torch.randn(m, r, generator=g, dtype=torch.float64) @ torch.randn(r, n, generator=g, dtype=torch.float64)


# --- attention_matrix -----------------------------------------------------------


@pytest.mark.parametrize("causal", [False, True], ids=["bidirectional", "causal"])
def test_matches_sdpa_with_identity_values(solution, causal) -> None:
    q, k = gaussian_qk(32, 8, seed=1)
    expected = F.scaled_dot_product_attention(q, k, torch.eye(32, dtype=torch.float64), is_causal=causal)
    assert_tensor_close(solution.attention_matrix(q, k, causal), expected,
                        f"attention_matrix(q (32, 8), k (32, 8), causal={causal})", atol=1e-10, rtol=1e-8)


@pytest.mark.parametrize("causal", [False, True], ids=["bidirectional", "causal"])
def test_rows_sum_to_one(solution, causal) -> None:
    q, k = gaussian_qk(24, 4, seed=2)
    a = solution.attention_matrix(q, k, causal)
    assert_tensor_close(a.sum(dim=-1) if isinstance(a, torch.Tensor) else a, torch.ones(24, dtype=torch.float64),
                        f"attention_matrix(q, k, causal={causal}).sum(dim=-1)", atol=1e-12)


def test_causal_is_lower_triangular_with_positive_diagonal(solution) -> None:
    q, k = gaussian_qk(16, 4, seed=3)
    a = solution.attention_matrix(q, k, True)
    call = "attention_matrix(q (16, 4), k, causal=True)"
    assert isinstance(a, torch.Tensor) and a.shape == (16, 16), f"{call} must return a (16, 16) tensor"
    above = torch.triu(a, diagonal=1)
    assert (above == 0).all(), f"{call} has nonzero weights above the diagonal at {above.nonzero()[:3].tolist()}"
    diagonal = a.diagonal()
    assert (diagonal > 0).all(), f"{call} has diagonal {diagonal.tolist()[:4]}..., expected every entry > 0"


def test_causal_determinant_is_the_positive_product_of_the_diagonal(solution) -> None:
    q, k = gaussian_qk(64, 8, seed=4)
    a = solution.attention_matrix(q, k, True)
    sign, logabsdet = torch.linalg.slogdet(a)
    assert sign.item() == 1.0, f"attention_matrix(q (64, 8), k, causal=True) has determinant of sign {sign.item()}, expected +1"
    assert_tensor_close(logabsdet, a.diagonal().log().sum(), "log|det| of attention_matrix(q (64, 8), k, causal=True)",
                        atol=1e-8, rtol=1e-10)


# --- effective_rank -------------------------------------------------------------


@pytest.mark.parametrize("r", [1, 3, 7])
def test_effective_rank_of_known_low_rank_matrices(solution, r) -> None:
    a = low_rank(20, 30, r, seed=r)
    got = solution.effective_rank(a)
    expected = int(torch.linalg.matrix_rank(a, rtol=1e-6))
    assert isinstance(got, int) and not isinstance(got, bool), (
        f"effective_rank(rank-{r} matrix) returned {type(got).__name__}, expected a Python int (use .item())"
    )
    assert got == expected == r, f"effective_rank(a (20, 30) of rank {r}) returned {got}, expected {r}"


@pytest.mark.parametrize("factor", [1e-9, 1e6])
def test_effective_rank_is_relative_to_the_largest(solution, factor) -> None:
    a = low_rank(12, 12, 3, seed=5) * factor
    got = solution.effective_rank(a)
    assert got == 3, f"effective_rank({factor:g} * (a rank-3 matrix)) returned {got}, expected 3"


@pytest.mark.parametrize(("tol", "expected"), [(1e-1, 1), (1e-3, 2), (1e-6, 3), (None, 3)])
def test_effective_rank_follows_tol(solution, tol, expected) -> None:
    # A diagonal matrix's singular values are the absolute values of its entries;
    # rotating it by orthogonal matrices changes none of them.
    g = torch.Generator().manual_seed(6)
    u, _ = torch.linalg.qr(torch.randn(4, 4, generator=g, dtype=torch.float64))
    v, _ = torch.linalg.qr(torch.randn(4, 4, generator=g, dtype=torch.float64))
    a = u @ torch.diag(torch.tensor([1.0, -1e-2, 1e-4, 1e-8], dtype=torch.float64)) @ v.T
    got = solution.effective_rank(a) if tol is None else solution.effective_rank(a, tol=tol)
    assert got == expected, (
        f"effective_rank(matrix with singular values 1, 1e-2, 1e-4, 1e-8{'' if tol is None else f', tol={tol:g}'}) "
        f"returned {got}, expected {expected}"
    )


def test_effective_rank_uses_singular_values(solution) -> None:
    nilpotent = torch.tensor([[0.0, 1.0], [0.0, 0.0]], dtype=torch.float64)
    assert solution.effective_rank(nilpotent) == 1, "effective_rank([[0, 1], [0, 0]]) must be 1 (one singular value, 1)"
    assert solution.effective_rank(torch.zeros(3, 3, dtype=torch.float64)) == 0, "effective_rank(zeros(3, 3)) must be 0"


# --- the experiment -------------------------------------------------------------


def test_near_uniform_bidirectional_attention_is_low_rank(solution) -> None:
    n, d = 128, 8
    q, k = gaussian_qk(n, d, scale=0.05, seed=0)
    bidirectional = int(torch.linalg.matrix_rank(solution.attention_matrix(q, k, False), rtol=1e-3))
    causal = int(torch.linalg.matrix_rank(solution.attention_matrix(q, k, True), rtol=1e-3))
    # Measured with torch 2.13, float64: 9 = d + 1 and 128 for seeds 0 to 4.
    assert bidirectional <= d + 2, (
        f"attention_matrix(0.05 * q (128, 8), k, causal=False) has {bidirectional} singular values above 1e-3 "
        f"of the largest, expected at most d + 2 = {d + 2}"
    )
    assert causal == n, (
        f"attention_matrix(0.05 * q (128, 8), k, causal=True) has {causal} singular values above 1e-3 "
        f"of the largest, expected all {n}"
    )


def test_larger_scores_raise_the_bidirectional_rank(solution) -> None:
    n, d = 128, 8
    q, k = gaussian_qk(n, d, scale=1.0, seed=0)
    rank = solution.effective_rank(solution.attention_matrix(q, k, False), tol=1e-3)
    # Measured: 113 of 128.
    assert rank >= n // 2, f"effective_rank(attention_matrix(q (128, 8), k, causal=False), tol=1e-3) is {rank}, expected >= {n // 2}"


def test_the_threshold_is_relative_to_the_largest_singular_value(solution) -> None:
    # Fifty singular values of 1: relative to the largest each passes tol = 0.03; relative to their sum, none.
    got = solution.effective_rank(torch.eye(50, dtype=torch.float64), tol=0.03)
    assert got == 50, f"effective_rank(eye(50), tol=0.03) returned {got}, expected 50"


def test_small_singular_values_are_resolved(solution) -> None:
    # Singular values 1 and 1e-10 and an exact zero: float64's SVD resolves 1e-10 (it is far above
    # 1e-16); the eigenvalues of a^T a would be 1e-20, lost in its rounding.
    g = torch.Generator().manual_seed(11)
    u, _ = torch.linalg.qr(torch.randn(6, 6, generator=g, dtype=torch.float64))
    v, _ = torch.linalg.qr(torch.randn(6, 6, generator=g, dtype=torch.float64))
    a = u[:, :3] @ torch.diag(torch.tensor([1.0, 1e-10, 0.0], dtype=torch.float64)) @ v[:, :3].T
    got = solution.effective_rank(a, tol=1e-12)
    assert got == 2, f"effective_rank(a with singular values 1, 1e-10, 0, tol=1e-12) returned {got}, expected 2"
