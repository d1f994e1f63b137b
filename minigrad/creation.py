"""Ways to make a tensor: from data, filled with a constant, evenly spaced, or random.

The names and arguments are PyTorch's (``torch.zeros(2, 3, dtype=..., device=...,
requires_grad=...)``). Random tensors come from minigrad's one seeded generator
(:func:`minigrad.manual_seed`), so a run is reproducible — but the draws are numpy's,
not the same numbers as PyTorch's for the same seed.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from minigrad.device import check
from minigrad.dtypes import check_dtype
from minigrad.random import generator
from minigrad.tensor import DEFAULT_DTYPE, Tensor

__all__ = ["tensor", "as_tensor", "from_numpy", "zeros", "ones", "full", "empty",
           "zeros_like", "ones_like", "full_like", "empty_like", "rand_like",
           "randn_like", "eye", "arange", "linspace", "meshgrid", "rand", "randn",
           "randint", "normal"]


# --------------------------------------------------------------------------------------
# Arguments shared by every function: size, dtype, device, requires_grad
# --------------------------------------------------------------------------------------
def _size(size: tuple, kwargs=None) -> tuple:
    """``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])``, ``f(())`` and ``f(size=(2, 3))`` all
    mean the shape (2, 3) (or ()). ``kwargs`` are the function's other keywords: only
    ``size`` is accepted there."""
    kwargs = dict(kwargs or {})
    size_kw = kwargs.pop("size", None)
    if kwargs:
        raise TypeError(f"unexpected keyword argument(s) {sorted(kwargs)} (minigrad "
                        "accepts size=, dtype=, device= and requires_grad=)")
    if size_kw is not None:
        if size:
            raise TypeError("give the size either as arguments or as size=, not both")
        size = (size_kw,)
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    for n in size:
        if isinstance(n, bool) or not isinstance(n, numbers.Integral):
            raise TypeError(f"a size must be a tuple of ints, but got {size!r}")
        if n < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {n}: "
                               f"{list(size)}")
    return tuple(int(n) for n in size)


def _dtype(dtype, default=DEFAULT_DTYPE) -> np.dtype:
    """``dtype`` (``minigrad.float64``, a numpy dtype, or None for ``default``) as a numpy
    dtype; a TypeError for anything PyTorch has no dtype for."""
    return np.dtype(default) if dtype is None else check_dtype(dtype)


def check_device(device) -> None:
    """Accept ``device`` if it means the CPU (None, ``"cpu"``, ``minigrad.device("cpu")``);
    refuse any other with :class:`minigrad.device`'s error (minigrad runs on numpy)."""
    check(device)


def _new(array: np.ndarray, requires_grad: bool = False, device=None) -> Tensor:
    """Wrap a freshly made array (no copy) after checking ``device``."""
    check_device(device)
    t = Tensor._wrap(array)
    if requires_grad:
        t.requires_grad_(True)
    return t


# --------------------------------------------------------------------------------------
# From data
# --------------------------------------------------------------------------------------
def tensor(data, requires_grad: bool = False, dtype=None, device=None) -> Tensor:
    """Make a tensor from a number, a (nested) list or a numpy array (always copied).

    dtype rules follow PyTorch: Python floats → float32, Python ints → int64, bools →
    bool, numpy arrays keep their dtype (float64 data stays float64) unless ``dtype``
    is given.

    >>> x = tensor([1.0, 2.0], requires_grad=True)
    >>> (x * x).sum().backward(); x.grad.tolist()
    [2.0, 4.0]
    """
    check_device(device)
    return Tensor(data, requires_grad=requires_grad,
                  dtype=None if dtype is None else _dtype(dtype))


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor that *shares memory* with ``ndarray`` (changing one changes the other),
    with the same dtype, as ``torch.from_numpy``."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    return Tensor._wrap(ndarray)


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """``data`` as a tensor, without a copy when it can (``torch.as_tensor``): a Tensor
    of the right dtype is returned as is, a numpy array of the right dtype is shared
    (as :func:`from_numpy`); anything else is copied as by :func:`tensor`."""
    check_device(device)
    want = None if dtype is None else _dtype(dtype)
    if isinstance(data, Tensor):
        if want is None or data.dtype == want:
            return data
        return _new(data.array.astype(want))
    if isinstance(data, np.ndarray) and (want is None or data.dtype == want):
        return from_numpy(data)
    return tensor(data, dtype=want)


# --------------------------------------------------------------------------------------
# Filled with a constant
# --------------------------------------------------------------------------------------
def zeros(*size, dtype=None, device=None, requires_grad: bool = False, **kwargs) -> Tensor:
    """A tensor of zeros: ``zeros(2, 3)`` or ``zeros((2, 3))``."""
    shape = _size(size, kwargs)
    return _new(np.zeros(shape, dtype=_dtype(dtype)), requires_grad, device)


def ones(*size, dtype=None, device=None, requires_grad: bool = False, **kwargs) -> Tensor:
    """A tensor of ones: ``ones(2, 3)`` or ``ones((2, 3))``."""
    shape = _size(size, kwargs)
    return _new(np.ones(shape, dtype=_dtype(dtype)), requires_grad, device)


def empty(*size, dtype=None, device=None, requires_grad: bool = False, **kwargs) -> Tensor:
    """A tensor whose values are to be overwritten (minigrad fills it with zeros)."""
    return zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad, **kwargs)


def full(size, fill_value, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A tensor of shape ``size`` filled with ``fill_value``. Without ``dtype`` the value
    decides, as in PyTorch: a bool → bool, an int → int64, a float → float32."""
    if dtype is None:
        dtype = (np.bool_ if isinstance(fill_value, (bool, np.bool_)) else
                 np.int64 if isinstance(fill_value, numbers.Integral) else DEFAULT_DTYPE)
    return _new(np.full(_size((size,)), fill_value, dtype=_dtype(dtype)), requires_grad,
                device)


def _like(input, dtype):
    return input.shape, _dtype(dtype, default=input.dtype)


def zeros_like(input, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Zeros with the shape (and, unless given, the dtype) of ``input``."""
    shape, dtype = _like(input, dtype)
    return _new(np.zeros(shape, dtype=dtype), requires_grad, device)


def ones_like(input, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Ones with the shape (and, unless given, the dtype) of ``input``."""
    shape, dtype = _like(input, dtype)
    return _new(np.ones(shape, dtype=dtype), requires_grad, device)


def empty_like(input, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Like :func:`zeros_like` (minigrad fills "empty" tensors with zeros)."""
    return zeros_like(input, dtype=dtype, device=device, requires_grad=requires_grad)


def full_like(input, fill_value, dtype=None, device=None,
              requires_grad: bool = False) -> Tensor:
    """``fill_value`` everywhere, with the shape (and, unless given, dtype) of ``input``."""
    shape, dtype = _like(input, dtype)
    return _new(np.full(shape, fill_value, dtype=dtype), requires_grad, device)


def eye(n: int, m: int = None, dtype=None, device=None,
        requires_grad: bool = False) -> Tensor:
    """The identity matrix, ``n`` × ``m`` (``m`` = ``n`` by default)."""
    return _new(np.eye(n, n if m is None else m, dtype=_dtype(dtype)), requires_grad,
                device)


# --------------------------------------------------------------------------------------
# Evenly spaced
# --------------------------------------------------------------------------------------
def arange(start, end=None, step=1, dtype=None, device=None,
           requires_grad: bool = False) -> Tensor:
    r"""``start, start + step, …`` up to but excluding ``end`` (``arange(5)`` is 0…4).

    :math:`\lceil (end - start) / step \rceil` values :math:`start + i \cdot step`,
    computed in float64 and rounded once. Without ``dtype``: int64 when every argument is
    an int, float32 otherwise (PyTorch's rule).
    """
    if end is None:
        start, end = 0, start
    values = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    start, end, step = values
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    if dtype is None:
        integral = all(isinstance(v, numbers.Integral) for v in values)
        dtype = np.int64 if integral else DEFAULT_DTYPE
    count = math.ceil((end - start) / step)
    return _new((start + np.arange(count) * step).astype(_dtype(dtype)), requires_grad,
                device)


def linspace(start, end, steps: int, dtype=None, device=None,
             requires_grad: bool = False) -> Tensor:
    r"""``steps`` evenly spaced values from ``start`` to ``end``, both included.

    With :math:`h = (end - start) / (steps - 1)`, value :math:`i` is
    :math:`start + i h` in the first half and :math:`end - (steps - 1 - i) h` in the
    second (so both ends are exact), computed in the output dtype — PyTorch's formula.
    """
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 0:
        raise RuntimeError(f"number of steps must be non-negative; got {steps!r}")
    dtype = _dtype(dtype)
    work = dtype if dtype.kind in "fc" else np.dtype(np.float64)
    start, end = (np.asarray(v.item() if isinstance(v, Tensor) else v, dtype=work)
                  for v in (start, end))
    i = np.arange(steps)
    if steps == 1:
        values = np.full(1, start)
    else:
        h = (end - start) / work.type(steps - 1)
        values = np.where(i < steps // 2, start + h * i.astype(work),
                          end - h * (steps - 1 - i).astype(work))
    return _new(values.astype(dtype, copy=False), requires_grad, device)


def meshgrid(*tensors, indexing: str = None) -> tuple:
    """Coordinate grids from 1-D tensors, ``torch.meshgrid``: with ``indexing="ij"``
    (the default, as in PyTorch) output ``k`` varies along axis ``k``; with ``"xy"``
    the first two axes are swapped (numpy's default). Gradients flow back to the inputs.
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    indexing = "ij" if indexing is None else indexing
    if indexing not in ("ij", "xy"):
        raise ValueError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but "
                         f"received: {indexing}")
    tensors = [t if isinstance(t, Tensor) else tensor(t) for t in tensors]
    for t in tensors:
        if t.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor "
                               f"list but got: {t.shape}")
    sizes = [t.array.size if t.ndim else 1 for t in tensors]
    order = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) >= 2:
        order[0], order[1] = 1, 0
    shape = tuple(sizes[k] for k in order)
    grids = []
    for k, t in enumerate(tensors):
        axis = order.index(k)
        view = [1] * len(shape)
        view[axis] = sizes[k]
        grids.append(t.reshape(*view) + zeros(shape, dtype=t.dtype))
    return tuple(grids)


# --------------------------------------------------------------------------------------
# Random
# --------------------------------------------------------------------------------------
def randn(*size, dtype=None, device=None, requires_grad: bool = False, **kwargs) -> Tensor:
    """Samples of the standard normal :math:`\\mathcal{N}(0, 1)`: ``randn(2, 3)``."""
    shape = _size(size, kwargs)
    values = generator().standard_normal(shape).astype(_dtype(dtype))
    return _new(values, requires_grad, device)


def rand(*size, dtype=None, device=None, requires_grad: bool = False, **kwargs) -> Tensor:
    """Samples of the uniform distribution on :math:`[0, 1)`: ``rand(2, 3)``."""
    shape = _size(size, kwargs)
    values = generator().random(shape).astype(_dtype(dtype))
    return _new(values, requires_grad, device)


def randint(low=0, high=None, size=None, dtype=None, device=None,
            requires_grad: bool = False) -> Tensor:
    """Integers drawn uniformly from ``low`` … ``high - 1``: ``randint(10, (3,))`` or
    ``randint(2, 10, (3,))``. int64 unless ``dtype`` is given."""
    if size is None and isinstance(high, (tuple, list)):
        low, high, size = 0, low, high  # randint(high, size)
    if high is None or size is None:
        raise TypeError("randint() needs high and size: randint(high, size) or "
                        "randint(low, high, size)")
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got "
                           f"from={low} >= to={high}")
    values = generator().integers(low, high, size=_size((size,)))
    return _new(values.astype(_dtype(dtype, default=np.int64)), requires_grad, device)


def normal(mean, std=1.0, size=None, dtype=None, device=None,
           requires_grad: bool = False) -> Tensor:
    r"""Samples of :math:`\mathcal{N}(mean, std^2)`.

    ``normal(0.0, 0.01, size=(5, 1))`` draws a (5, 1) tensor; with tensors for ``mean``
    and/or ``std`` (and no ``size``) each element has its own mean and std.
    """
    tensor_args = isinstance(mean, Tensor) or isinstance(std, Tensor)
    m = mean.array if isinstance(mean, Tensor) else mean
    s = std.array if isinstance(std, Tensor) else std
    if np.any(np.asarray(s) < 0):
        raise RuntimeError(f"normal expects std >= 0.0, but found std {np.min(s)}")
    if size is None and not tensor_args:
        raise TypeError("normal() with float mean and std needs size=")
    if size is not None:
        shape = _size((size,))
    else:
        shape = np.broadcast_shapes(np.shape(m), np.shape(s))
    default = (np.result_type(*[a.dtype for a in (mean, std) if isinstance(a, Tensor)])
               if tensor_args else DEFAULT_DTYPE)
    values = generator().normal(m, s, size=shape).astype(_dtype(dtype, default=default))
    return _new(values, requires_grad, device)


def rand_like(input, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """:func:`rand` with the shape (and, unless given, the dtype) of ``input``."""
    shape, dtype = _like(input, dtype)
    return rand(shape, dtype=dtype, device=device, requires_grad=requires_grad)


def randn_like(input, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """:func:`randn` with the shape (and, unless given, the dtype) of ``input``."""
    shape, dtype = _like(input, dtype)
    return randn(shape, dtype=dtype, device=device, requires_grad=requires_grad)
