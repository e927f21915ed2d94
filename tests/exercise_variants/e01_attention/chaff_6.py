"""Misconception: `scale or default` reads "scale if given"; but 0.0 is a scale,
and `or` replaces it by the default."""


from tests.exercise_variants.e01_attention import wheat_1
from tests.exercise_variants.e01_attention.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_a_zero_scale_is_a_scale"


def scaled_dot_product_attention(q, k, v, mask=None, scale=None):
    return wheat_1.scaled_dot_product_attention(q, k, v, mask, scale or None)
