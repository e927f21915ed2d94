"""A correct solution written differently: einsum, an additive -inf mask, exp-normalise by hand, and matrix_rank."""

import torch


def attention_matrix(q, k, causal):
    n, d = q.shape
    logits = torch.einsum("id,jd->ij", q, k) * d ** -0.5
    if causal:
        logits = logits + torch.full((n, n), float("-inf"), dtype=q.dtype).triu(1)
    logits = logits - logits.max(dim=-1, keepdim=True).values
    w = logits.exp()
    return w / w.sum(dim=-1, keepdim=True)


def effective_rank(a, tol=1e-6):
    s = torch.linalg.svdvals(a)
    if s.max() == 0:
        return 0
    return int(torch.linalg.matrix_rank(a, rtol=tol))
