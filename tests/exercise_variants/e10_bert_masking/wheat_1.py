"""A correct solution written differently: Bernoulli draws in stages (as in Hugging Face's collator) and in-place writes on a clone."""

import torch


def mask_tokens(tokens, mask_id, vocab_size, generator, p=0.15, special_mask=None):
    probability = torch.full(tokens.shape, float(p))
    if special_mask is not None:
        probability = probability.masked_fill(special_mask, 0.0)
    chosen = torch.bernoulli(probability, generator=generator).bool()

    labels = tokens.clone()
    labels[~chosen] = -100

    inputs = tokens.clone()
    masked = torch.bernoulli(torch.full(tokens.shape, 0.8), generator=generator).bool() & chosen
    inputs[masked] = mask_id
    # Half of the remaining 20% get a random token; the other half stay.
    randomized = torch.bernoulli(torch.full(tokens.shape, 0.5), generator=generator).bool() & chosen & ~masked
    inputs[randomized] = torch.randint(vocab_size, (int(randomized.sum()),), generator=generator, dtype=tokens.dtype)
    return inputs, labels
