"""More ops, in the pattern of :mod:`minigrad.ops`: elementwise maths, shapes, joins.

These are the rest of PyTorch's everyday surface (``sin``, ``sqrt``, ``clamp``,
``unsqueeze``, ``cat``, …), so that tutorial code runs unchanged. Each one is again a
numpy forward and its backward side by side, with the derivative in the docstring.
"""

from __future__ import annotations

import builtins

import numpy as np

from minigrad import dtypes
from minigrad.ops import (_floating, _pair, _plain_index, _reduced_dims, _reshape_backward,
                          as_tensor, unbroadcast)
from minigrad.tensor import Tensor, _check_clamp_bounds, _dim


# --------------------------------------------------------------------------------------
# Elementwise maths
# --------------------------------------------------------------------------------------
def _elementwise(input, forward, backward, name, saved=(0,)):  # noqa: A002
    """z = f(a), recorded with ``backward(g, parents, (x, out))`` = (g · f′(a),)."""
    a = as_tensor(input)
    x = _floating(a)
    out = forward(x)
    return Tensor._make(out, (a,), backward, name,
                        tuple(None if s == "out" else a for s in saved), ctx=(x, out))


def sin(input) -> Tensor:  # noqa: A002
    """z = sin a.   ∂z/∂a = cos a."""
    return _elementwise(input, np.sin, _sin_backward, "sin")


def _sin_backward(g, parents, ctx):
    x, out = ctx
    return (g * np.cos(x),)


def cos(input) -> Tensor:  # noqa: A002
    """z = cos a.   ∂z/∂a = −sin a."""
    return _elementwise(input, np.cos, _cos_backward, "cos")


def _cos_backward(g, parents, ctx):
    x, out = ctx
    return (g * -np.sin(x),)


def sinh(input) -> Tensor:  # noqa: A002
    """z = sinh a.   ∂z/∂a = cosh a."""
    return _elementwise(input, np.sinh, _sinh_backward, "sinh")


def _sinh_backward(g, parents, ctx):
    x, out = ctx
    return (g * np.cosh(x),)


def cosh(input) -> Tensor:  # noqa: A002
    """z = cosh a.   ∂z/∂a = sinh a."""
    return _elementwise(input, np.cosh, _cosh_backward, "cosh")


def _cosh_backward(g, parents, ctx):
    x, out = ctx
    return (g * np.sinh(x),)


def sqrt(input) -> Tensor:  # noqa: A002
    """z = √a.   ∂z/∂a = 1 / (2√a) (∞ at a = 0, as PyTorch)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return _elementwise(input, np.sqrt, _sqrt_backward, "sqrt", ("out",))


def _sqrt_backward(g, parents, ctx):
    x, out = ctx
    return (g * (0.5 / out),)


def _root_of_square_sum(input) -> Tensor:  # noqa: A002
    """√a for a sum of squares (``norm``, ``std``): as :func:`sqrt`, except that the
    gradient is 0 where the result is 0, as PyTorch's norm and std give (not 0 · ∞)."""
    return _elementwise(input, np.sqrt, _root_of_square_sum_backward, "sqrt", ("out",))


def _root_of_square_sum_backward(g, parents, ctx):
    x, out = ctx
    with np.errstate(divide="ignore"):
        return (g * np.where(out == 0, 0.0, 0.5 / out).astype(out.dtype),)


def square(input) -> Tensor:  # noqa: A002
    """z = a².   ∂z/∂a = 2a.  (Integers stay integers, as in PyTorch.)"""
    a = as_tensor(input)
    x = a.array
    return Tensor._make(x * x, (a,), _square_backward, "square", (a,), ctx=(x,))


def _square_backward(g, parents, ctx):
    (x,) = ctx
    return (g * 2 * x,)


def abs(input) -> Tensor:  # noqa: A001, A002
    """z = abs(a).   ∂z/∂a = sign a (0 at a = 0, as PyTorch)."""
    a = as_tensor(input)
    x = a.array
    return Tensor._make(np.abs(x), (a,), _abs_backward, "abs", (a,), ctx=(x,))


def _abs_backward(g, parents, ctx):
    (x,) = ctx
    return (g * np.sign(x),)


def sign(input) -> Tensor:  # noqa: A002
    """z = sign a (−1, 0 or 1).   ∂z/∂a = 0 wherever it is defined."""
    a = as_tensor(input)
    return Tensor._make(np.sign(a.array), (a,), _sign_backward, "sign")


def _sign_backward(g, parents, ctx):
    return (np.zeros_like(g),)


def clamp(input, min=None, max=None) -> Tensor:  # noqa: A001, A002
    """z = min(max(a, lo), hi).   ∂z/∂a = 1 inside [lo, hi], 0 where a was clipped.

    As PyTorch, an element exactly at a bound still gets the gradient.
    """
    _check_clamp_bounds(min, max)
    a = as_tensor(input)
    low = min.array if isinstance(min, Tensor) else min
    high = max.array if isinstance(max, Tensor) else max
    x = a.array
    dtype = dtypes.result_type(x, *[b for b in (low, high) if b is not None])  # PyTorch's rule
    out = np.clip(x, low, high).astype(dtype, copy=False)
    inside = np.ones(x.shape, dtype=bool)
    if low is not None:
        inside &= x >= low
    if high is not None:
        inside &= x <= high
    return Tensor._make(out, (a,), _clamp_backward, "clamp", (a,), ctx=(inside,))


def _clamp_backward(g, parents, ctx):
    (inside,) = ctx
    return (np.where(inside, g, 0),)


clip = clamp


def remainder(input, other) -> Tensor:  # noqa: A002
    """z = a mod b, with the sign of b (Python's ``%``).   ∂z/∂a = 1,  ∂z/∂b = −⌊a/b⌋."""
    a, b, x, y, dtype = _pair(input, other)
    quotient = np.floor_divide(x, y)
    return Tensor._make(np.remainder(x, y).astype(dtype, copy=False), (a, b),
                        _remainder_backward, "remainder", (a, b), ctx=(quotient,))


def _remainder_backward(g, parents, ctx):
    (a, b), (quotient,) = parents, ctx
    return (unbroadcast(g, a.shape) if a.requires_grad else None,
            unbroadcast(-g * quotient, b.shape) if b.requires_grad else None)


def floor_divide(input, other) -> Tensor:  # noqa: A002
    """z = ⌊a / b⌋ (Python's ``//``). It has no derivative: as in PyTorch, backward()
    through it raises."""
    a, b, x, y, dtype = _pair(input, other)
    return Tensor._make(np.floor_divide(x, y).astype(dtype, copy=False), (a, b),
                        _floor_divide_backward, "floor_divide")


def _floor_divide_backward(g, parents, ctx):
    raise RuntimeError("derivative for floor_divide is not implemented")


def maximum(input, other) -> Tensor:  # noqa: A002
    """z = max(a, b) elementwise.   The gradient goes to the larger; ties split it in half."""
    return _pick(input, other, np.greater, "maximum")


def minimum(input, other) -> Tensor:  # noqa: A002
    """z = min(a, b) elementwise.   The gradient goes to the smaller; ties split it in half."""
    return _pick(input, other, np.less, "minimum")


def _pick(input, other, wins, name) -> Tensor:  # noqa: A002
    a, b, x, y, dtype = _pair(input, other)
    a_share = np.where(wins(x, y), 1.0, np.where(x == y, 0.5, 0.0))
    out = np.where(a_share >= 0.5, x, y).astype(dtype, copy=False)
    return Tensor._make(out, (a, b), _pick_backward, name, (a, b), ctx=(a_share,))


def _pick_backward(g, parents, ctx):
    (a, b), (a_share,) = parents, ctx
    return (unbroadcast(g * a_share, a.shape), unbroadcast(g * (1 - a_share), b.shape))


def where(condition, input, other) -> Tensor:  # noqa: A002
    """z = a where the condition holds, else b.   The gradient is routed the same way."""
    mask = np.asarray(condition.array if isinstance(condition, Tensor) else condition,
                      dtype=bool)
    a, b, x, y, dtype = _pair(input, other)
    out = np.where(mask, x, y).astype(dtype, copy=False)
    return Tensor._make(out, (a, b), _where_backward, "where", ctx=(mask,))


def _where_backward(g, parents, ctx):
    (a, b), (mask,) = parents, ctx
    return (unbroadcast(np.where(mask, g, 0), a.shape),
            unbroadcast(np.where(mask, 0, g), b.shape))


def norm(input, p="fro", dim=None, keepdim=False) -> Tensor:  # noqa: A002
    """The Euclidean (Frobenius) norm ‖a‖ = √(Σ aᵢ²), built from differentiable ops."""
    if p not in ("fro", 2):
        raise NotImplementedError(f"minigrad's norm computes only the 2-norm, not p={p!r}")
    a = as_tensor(input)
    from minigrad.ops import sum as total
    return _root_of_square_sum(total(a * a, dim=dim, keepdim=keepdim))


def var(input, dim=None, *, correction=1, keepdim=False, unbiased=None,  # noqa: A002
        axis=None, ddof=None, dtype=None, out=None, keepdims=None) -> Tensor:
    """Variance s² = Σ (aᵢ − ā)² / (n − correction), built from differentiable ops.

    PyTorch's default ``correction=1`` divides by n − 1 (numpy's ``var`` divides by n);
    ``unbiased=False`` is the older spelling of ``correction=0``. numpy's ``np.var(t)``
    lands here too, with its ``ddof`` (default 0) as the correction.
    """
    from minigrad.ops import _no_out, mean, sum as total
    _no_out(out)
    a = as_tensor(input)
    if axis is not None:
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    if ddof is not None:
        correction = ddof
    if unbiased is not None:
        correction = 1 if unbiased else 0
    dims = _reduced_dims(dim, None, a.ndim) or None         # dim=() means all, as PyTorch
    n = a.numel() if dims is None else int(np.prod([a.shape[d] for d in dims]))
    centred = a - mean(a, dims, keepdim=True)
    return total(centred * centred, dims, keepdim) / builtins.max(n - correction, 0)


def std(input, dim=None, **kwargs) -> Tensor:  # noqa: A002
    """Standard deviation √(var), with PyTorch's ``correction=1`` by default (see :func:`var`)."""
    return _root_of_square_sum(var(input, dim, **kwargs))


def to_dtype(input, dtype) -> Tensor:  # noqa: A002
    """The same values in another dtype.   The gradient is cast back to the input's dtype."""
    a = as_tensor(input)
    dtype = dtypes.check_dtype(dtype)
    if dtype == a.dtype:
        return a
    return Tensor._make(a.array.astype(dtype), (a,), _to_dtype_backward, "to_copy")


def _to_dtype_backward(g, parents, ctx):
    (a,) = parents
    return (g.astype(a.dtype),)


def clone(input) -> Tensor:  # noqa: A002
    """A copy with its own memory.   ∂z/∂a = 1."""
    a = as_tensor(input)
    return Tensor._make(a.array.copy(), (a,), _clone_backward, "clone")


def _clone_backward(g, parents, ctx):
    return (g,)


# --------------------------------------------------------------------------------------
# Shapes (views of the input, as in PyTorch)
# --------------------------------------------------------------------------------------
def unsqueeze(input, dim: int) -> Tensor:  # noqa: A002
    """Insert an axis of length 1 at ``dim``.   The gradient drops it again."""
    a = as_tensor(input)
    d = _dim(dim, a.ndim + 1)
    return Tensor._make(np.expand_dims(a.array, d), (a,), _reshape_backward,
                        "unsqueeze", view_of=a)


def squeeze(input, dim=None) -> Tensor:  # noqa: A002
    """Remove axes of length 1 (all of them, or only ``dim`` if it has length 1)."""
    a = as_tensor(input)
    if dim is None:
        dims = tuple(i for i, n in enumerate(a.shape) if n == 1)
    else:
        dims = tuple(d for d in _reduced_dims(dim, None, a.ndim) or () if a.shape[d] == 1)
    return Tensor._make(np.squeeze(a.array, dims), (a,), _reshape_backward,
                        "squeeze", view_of=a)


def flatten(input, start_dim: int = 0, end_dim: int = -1) -> Tensor:  # noqa: A002
    """Merge the axes ``start_dim`` … ``end_dim`` into one."""
    a = as_tensor(input)
    if a.ndim == 0:
        from minigrad.ops import reshape
        return reshape(a, (1,))
    start, end = _dim(start_dim, a.ndim), _dim(end_dim, a.ndim)
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    from minigrad.ops import reshape
    return reshape(a, a.shape[:start] + (-1,) + a.shape[end + 1:])


# --------------------------------------------------------------------------------------
# Joins
# --------------------------------------------------------------------------------------
def cat(tensors, dim: int = 0) -> Tensor:
    """Join tensors along an existing axis.   Each input's gradient is its slice of g."""
    parts = _joined(tensors, "cat")
    d = _dim(dim, parts[0].ndim)
    sizes = np.cumsum([t.shape[d] for t in parts])[:-1]
    dtype = dtypes.result_type(*[t.array for t in parts])
    try:
        out = np.concatenate([t.array for t in parts], axis=d).astype(dtype, copy=False)
    except ValueError as error:
        raise RuntimeError(f"cat: the tensors' shapes {[t.shape for t in parts]} do not "
                           f"fit together along dim {dim} ({error})") from None
    return Tensor._make(out, tuple(parts), _cat_backward, "cat", ctx=(sizes, d))


def _cat_backward(g, parents, ctx):
    sizes, d = ctx
    return tuple(np.split(g, sizes, axis=d))


concat = concatenate = cat


def stack(tensors, dim: int = 0) -> Tensor:
    """Join same-shaped tensors along a new axis.   Each input's gradient is its slice."""
    parts = _joined(tensors, "stack")
    if len({t.shape for t in parts}) != 1:
        raise RuntimeError(f"stack expects each tensor to be equal size, but got "
                           f"{[t.shape for t in parts]}")
    d = _dim(dim, parts[0].ndim + 1)
    dtype = dtypes.result_type(*[t.array for t in parts])
    out = np.stack([t.array for t in parts], axis=d).astype(dtype, copy=False)
    return Tensor._make(out, tuple(parts), _stack_backward, "stack", ctx=(d,))


def _stack_backward(g, parents, ctx):
    (d,) = ctx
    return tuple(np.moveaxis(g, d, 0))


def _joined(tensors, name) -> list:
    if isinstance(tensors, Tensor) or not hasattr(tensors, "__iter__"):
        raise TypeError(f"{name}() expects a sequence of tensors, not a "
                        f"{type(tensors).__name__}")
    parts = [as_tensor(t) for t in tensors]
    if not parts:
        raise RuntimeError(f"{name}() expects a non-empty list of Tensors")
    return parts


__all__ = ["abs", "cat", "clamp", "clip", "clone", "concat", "cos", "cosh", "flatten",
           "floor_divide", "maximum", "minimum", "norm", "remainder", "sign", "sin", "sinh", "sqrt", "square",
           "squeeze", "stack", "std", "to_dtype", "unsqueeze", "var", "where", "_plain_index"]
