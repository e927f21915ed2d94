"""Misconception: the output has the queries' shape; it has the values' width, which may
be smaller than the queries'."""


from tests.exercise_variants.e08_gqa import wheat_1
from tests.exercise_variants.e08_gqa.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_values_may_be_narrower_than_queries"


def grouped_query_attention(q, k, v, mask=None):
    out = wheat_1.grouped_query_attention(q, k, v, mask)
    return out.new_zeros(q.shape).copy_(out) if out.shape != q.shape else out
