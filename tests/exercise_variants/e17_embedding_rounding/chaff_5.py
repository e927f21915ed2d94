"""Misconception: the nearest embedding is the one with the largest dot product, as an output layer
scores tokens; that is true only when every embedding has the same norm."""


from tests.exercise_variants.e17_embedding_rounding import wheat_1
from tests.exercise_variants.e17_embedding_rounding.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_rounding_uses_euclidean_distance_not_dot_product"


def round_to_tokens(x, embedding):
    wheat_1.check_table(x, embedding)
    return (x @ embedding.T).argmax(dim=-1)
