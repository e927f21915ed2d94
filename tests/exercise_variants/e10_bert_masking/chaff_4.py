"""Misconception: special_mask is ignored, so [CLS], [SEP] and padding can be chosen and masked."""

from tests.exercise_variants.e10_bert_masking import wheat_1

CAUGHT_BY = "test_special_tokens_are_never_chosen"


def mask_tokens(tokens, mask_id, vocab_size, generator, p=0.15, special_mask=None):
    return wheat_1.mask_tokens(tokens, mask_id, vocab_size, generator, p=p)
