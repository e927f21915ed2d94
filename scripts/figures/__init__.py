"""One module per figure; each writes its files into the top-level figures/ folder."""
