"""One seeded random generator for all of minigrad (initialisation, shuffling, ``randn``).

``minigrad.manual_seed(0)`` makes every run that follows identical, like
``torch.manual_seed``. Code that needs random numbers asks :func:`generator` for the
current :class:`numpy.random.Generator` instead of keeping its own.
"""

import numpy as np

_generator = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Reset minigrad's random generator to ``seed`` and return it."""
    global _generator
    _generator = np.random.default_rng(seed)
    return _generator


def generator() -> np.random.Generator:
    """The generator minigrad draws from (reset by :func:`manual_seed`)."""
    return _generator
