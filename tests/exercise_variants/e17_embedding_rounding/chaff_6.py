"""Misconception: the nearest embedding is the most similar in direction, the largest cosine
similarity, as when looking up word vectors; it ignores how far the vectors are."""

import torch

from tests.exercise_variants.e17_embedding_rounding import wheat_1
from tests.exercise_variants.e17_embedding_rounding.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_rounding_is_not_cosine_similarity"


def round_to_tokens(x, embedding):
    wheat_1.check_table(x, embedding)
    cosine = torch.nn.functional.normalize(x, dim=-1) @ torch.nn.functional.normalize(embedding, dim=-1).T
    return cosine.argmax(dim=-1)
