"""Misconception: squeezing the mask removes a harmless axis; a (B, 1, L, S) mask then
lines its batch axis up with the heads."""


from tests.exercise_variants.e01_attention import wheat_1
from tests.exercise_variants.e01_attention.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_a_mask_per_sequence_broadcasts_over_the_heads"


def scaled_dot_product_attention(q, k, v, mask=None, scale=None):
    return wheat_1.scaled_dot_product_attention(q, k, v, None if mask is None else mask.squeeze(), scale)
