"""Misconception: a GiB is 10**9 bytes (to_gib divides by 1e9, mixing up GiB and GB)."""

from tests.exercise_variants.e09_kv_memory.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_to_gib_uses_binary_units"


def to_gib(nbytes):
    return nbytes / 1e9
