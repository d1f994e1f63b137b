"""dtypes: PyTorch's names for them, and PyTorch's rules for mixing them.

minigrad stores values in numpy arrays, so its dtypes *are* numpy's
(``minigrad.float32 is numpy.float32``). What it takes from PyTorch is the rule that says
what dtype ``a + b`` has when ``a`` and ``b`` differ. numpy and PyTorch disagree there,
and a teaching library must not silently compute in another precision than the code it
was ported from:

==========================================  ==================  ==================
expression                                  PyTorch             numpy
==========================================  ==================  ==================
``int64 tensor * 2.5``                      float32             float64
``float32 tensor + int64 tensor``           float32             float64
``float32 tensor (3,) + float64 0-d``       float32             float64
``bool tensor + 5``                         int64               int64
``int64 tensor / 2``                        float32             float64
==========================================  ==================  ==================

PyTorch's rule (``torch.result_type``) ranks the operands in three tiers — tensors with
at least one dimension, 0-d tensors, Python numbers — and a lower tier can only raise the
*category* of the result (bool < integer < floating point), never its size within a
category. A Python float counts as the default dtype (float32), a Python int as int64.
"""

from __future__ import annotations

import builtins
import numbers

import numpy as np

# PyTorch's names (``torch.float32`` …), so ``dtype=minigrad.float64`` reads as in PyTorch.
float16 = half = np.float16
float32 = float = np.float32  # noqa: A001 - PyTorch's name
float64 = double = np.float64
int8 = np.int8
uint8 = np.uint8
int16 = short = np.int16
int32 = int = np.int32  # noqa: A001 - PyTorch's name
int64 = long = np.int64
bool = np.bool_  # noqa: A001 - PyTorch's name

DEFAULT_DTYPE = np.dtype(np.float32)
_SUPPORTED = {np.dtype(t) for t in (float16, float32, float64, int8, uint8, int16, int32,
                                    int64, bool)}


def check_dtype(dtype) -> np.dtype:
    """``dtype`` as a numpy dtype, or a TypeError naming it if PyTorch has no such dtype."""
    try:
        resolved = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{dtype!r} is not a dtype; use one of minigrad.float32, "
                        "float64, float16, int64, int32, int16, int8, uint8, bool") from None
    if resolved not in _SUPPORTED:
        raise TypeError(f"minigrad has no dtype {resolved} (PyTorch has none either); use "
                        "float32, float64, float16, int64, int32, int16, int8, uint8 or bool")
    return resolved


def category(dtype: np.dtype) -> int:
    """0 for bool, 1 for integers, 2 for floating point."""
    return 0 if dtype.kind == "b" else 1 if dtype.kind in "iu" else 2


def promote_types(a: np.dtype, b: np.dtype) -> np.dtype:
    """``torch.promote_types``: the smallest dtype both fit in, by PyTorch's table.

    Within one category this is numpy's rule; across categories the higher category's
    dtype wins as it is (int64 with float16 gives float16, where numpy says float64).
    """
    if a == b:
        return a
    ca, cb = category(a), category(b)
    if ca != cb:
        return a if ca > cb else b
    return np.promote_types(a, b)


def python_scalar_dtype(value) -> np.dtype:
    """The dtype PyTorch gives a Python number in an op: bool, int64 or float32."""
    if isinstance(value, (builtins.bool, np.bool_)):
        return np.dtype(np.bool_)
    if isinstance(value, numbers.Integral):
        return np.dtype(np.int64)
    return DEFAULT_DTYPE


def result_type(*operands) -> np.dtype:
    """``torch.result_type`` over ``operands`` (numpy arrays stand for tensors; anything
    else is a Python number).

    Each tier — arrays with dimensions, 0-d arrays, Python numbers — is promoted on its
    own; then the tiers are combined from the bottom up by :func:`_combine`.
    """
    tiers = [None, None, None]
    for value in operands:
        if isinstance(value, np.ndarray):
            tier, dtype = (0 if value.ndim else 1), value.dtype
        else:
            tier, dtype = 2, python_scalar_dtype(value)
        tiers[tier] = dtype if tiers[tier] is None else promote_types(tiers[tier], dtype)
    dimensioned, zero_dim, numbers_ = tiers
    return _combine(dimensioned, _combine(zero_dim, numbers_))


def _combine(higher, lower):
    """Fold a lower tier into a higher one (PyTorch's ``combine_categories``).

    A floating-point higher tier wins outright; otherwise the lower tier counts only if it
    is floating point or the higher one is bool (``bool tensor + 5`` is int64).
    """
    if higher is None:
        return lower
    if lower is None or higher.kind == "f":
        return higher
    if higher.kind == "b" or lower.kind == "f":
        return promote_types(higher, lower)
    return higher
