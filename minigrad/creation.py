"""Ways to make a tensor: from data, filled with a constant, or random."""

import numpy as np

from minigrad.random import generator
from minigrad.tensor import DEFAULT_DTYPE, Tensor


def tensor(data, requires_grad: bool = False, dtype=None) -> Tensor:
    """Make a tensor from a number, a (nested) list or a numpy array (always copied).

    dtype rules follow PyTorch: Python floats → float32, Python ints → int64, numpy arrays
    keep their dtype (float64 data stays float64) unless ``dtype`` is given.

    >>> x = tensor([1.0, 2.0], requires_grad=True)
    >>> (x * x).sum().backward(); x.grad
    array([2., 4.], dtype=float32)
    """
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


def _shape(shape) -> tuple:
    return tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) \
        else tuple(shape)


def zeros(*shape, requires_grad: bool = False, dtype=DEFAULT_DTYPE) -> Tensor:
    """A tensor of zeros: ``zeros(2, 3)`` or ``zeros((2, 3))``."""
    return Tensor(np.zeros(_shape(shape), dtype=dtype), requires_grad=requires_grad)


def ones(*shape, requires_grad: bool = False, dtype=DEFAULT_DTYPE) -> Tensor:
    """A tensor of ones: ``ones(2, 3)`` or ``ones((2, 3))``."""
    return Tensor(np.ones(_shape(shape), dtype=dtype), requires_grad=requires_grad)


def randn(*shape, requires_grad: bool = False, dtype=DEFAULT_DTYPE) -> Tensor:
    """Standard normal samples from minigrad's seeded generator (see ``manual_seed``)."""
    values = generator().standard_normal(_shape(shape)).astype(dtype)
    return Tensor(values, requires_grad=requires_grad)
