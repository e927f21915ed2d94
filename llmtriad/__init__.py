"""llmtriad: the reference PyTorch code that the course teaches.

The notebooks, the figure scripts and the exercises' model answers all use
this package, so there is one source of truth for every piece of code the
course shows.
"""

__version__ = "0.1.0"
