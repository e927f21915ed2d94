"""Misconception: a decoding step needs no mask, because the newest token may
see everything cached. True for one token, wrong for a multi-token prompt:
prompt tokens then see the prompt tokens after them."""

import torch.nn.functional as F

from tests.exercise_variants.e07_kv_cache.wheat_1 import *  # noqa: F403

CAUGHT_BY = "test_prefill_then_decode_matches_full_causal_attention"


def attend_with_cache(q_new, k_new, v_new, cache):
    keys, values = cache.update(k_new, v_new)
    return F.scaled_dot_product_attention(q_new, keys, values)
