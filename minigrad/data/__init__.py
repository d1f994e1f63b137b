"""Data sets and mini-batches for minigrad, as plain numpy arrays.

This package never imports the engine: it hands numpy arrays to whoever asks,
and the caller wraps them in Tensors.

- :func:`make_house_prices` — article 001's ``y = 2x + 1 + noise``, bit for bit.
- :func:`make_regression` — linear data with known true weights.
- :func:`load_digits` — 1,797 bundled 8×8 handwritten digits (no network).
- :func:`load_mnist` / :func:`download_mnist` — MNIST from IDX files.
- :func:`train_val_test_split` — seeded three-way split.
- :func:`batches` / :class:`DataLoader` — seeded mini-batches.
"""

from ._checks import ChecksumError
from .batching import DataLoader, batches
from .digits import load_digits
from .mnist import download_mnist, load_mnist, read_idx
from .split import train_val_test_split
from .synthetic import make_house_prices, make_regression

__all__ = [
    "ChecksumError",
    "DataLoader",
    "batches",
    "download_mnist",
    "load_digits",
    "load_mnist",
    "make_house_prices",
    "make_regression",
    "read_idx",
    "train_val_test_split",
]
