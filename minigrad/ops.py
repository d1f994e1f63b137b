"""Every differentiable op: the numpy forward and its backward, side by side.

Each op follows one pattern::

    def op(a, b):
        out = <numpy forward on a.array, b.array>
        return Tensor._make(out, (a, b), _op_backward, "op", saved=(…), ctx=(…))

    def _op_backward(g, parents, ctx):  # g = ∂L/∂out, an array shaped like out
        (a, b), (…) = parents, ctx
        return ∂L/∂a, ∂L/∂b              # one gradient per input, by the chain rule

and its docstring gives the derivative the backward implements. ``g`` is the gradient
flowing in from above, so every backward is "g times the local derivative". ``ctx``
holds what the backward needs from the forward (arrays, numbers, shapes; the input
Tensors are its ``parents``). The backward is a plain function handed its inputs, as
with ``ctx`` in PyTorch's ``autograd.Function``, because a closure would cost Python's
garbage collector several objects per op (a function, its cells and their tuple).
``saved`` lists the inputs whose values the backward reads (``None``: the output), so
that ``backward()`` can refuse to run if one of them was changed in place since.

Broadcasting. numpy lets ``(3, 4) + (4,)`` stretch the second input across rows. Every
element of the input then contributed to several outputs, so its gradient is the *sum*
of theirs; :func:`unbroadcast` does that summing, once, for every op.

dtypes. When the two inputs of an op differ in dtype, the result's dtype follows
PyTorch's rule (:func:`minigrad.dtypes.result_type`), not numpy's.

More elementwise maths (``sin``, ``sqrt``, ``clamp``, …) and joins (``cat``, ``stack``)
follow the same pattern in :mod:`minigrad.ops_more`.
"""

from __future__ import annotations

import collections
import math
import numbers

import numpy as np

from minigrad import dtypes
from minigrad.dtypes import DEFAULT_DTYPE
from minigrad.tensor import Tensor, _dim


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------
def unbroadcast(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum ``grad`` over the axes that broadcasting added or stretched, giving ``shape``.

    If ``x`` of shape ``(4,)`` was broadcast to ``(3, 4)``, each ``x[j]`` fed three
    outputs, so ``∂L/∂x[j] = Σ_i ∂L/∂z[i, j]``: sum over the added leading axis. An axis
    of length 1 that was stretched (``(3, 1)`` → ``(3, 4)``) is summed with its length kept.
    """
    if grad.shape == shape:
        return grad
    added = grad.ndim - len(shape)
    stretched = tuple(added + i for i, n in enumerate(shape)
                      if n == 1 and grad.shape[added + i] != 1)
    return grad.sum(axis=tuple(range(added)) + stretched).reshape(shape)


def as_tensor(value) -> Tensor:
    """``value`` as a Tensor (Tensors pass through unchanged)."""
    return value if isinstance(value, Tensor) else Tensor(value)


def _pair(a, b) -> tuple:
    """Both operands as Tensors, their arrays in the result's dtype, and that dtype.

    Python numbers stay numbers (numpy then keeps the other operand's dtype, as PyTorch
    does: ``x * 2.0`` stays float32). float16 is computed in float32 and rounded back
    once, as PyTorch's CPU kernels do, so ``half_x * 1e5 / 1e5`` does not overflow.
    """
    x = a.array if isinstance(a, Tensor) else _number_or_array(a)
    y = b.array if isinstance(b, Tensor) else _number_or_array(b)
    if isinstance(x, np.ndarray) and isinstance(y, np.ndarray) and x.dtype == y.dtype:
        dtype = x.dtype                                      # the common cases: no work
    elif isinstance(y, float) and isinstance(x, np.ndarray) and x.dtype.kind == "f":
        dtype = x.dtype                                      # float tensor × Python float
    elif isinstance(x, float) and isinstance(y, np.ndarray) and y.dtype.kind == "f":
        dtype = y.dtype
    else:
        dtype = dtypes.result_type(x, y)
        x, y = _cast(x, dtype), _cast(y, dtype)
    if dtype == _FLOAT16:
        x, y = _cast(x, np.dtype(np.float32)), _cast(y, np.dtype(np.float32))
    return _as_parent(a, x), _as_parent(b, y), x, y, dtype


def _as_parent(value, array_or_number) -> Tensor:
    """What an op lists as its parent for this operand: the Tensor itself; for a numpy
    array a new tensor around it; for a Python number one shared constant (it needs no
    gradient, so which tensor stands for it does not matter, and none is made per op)."""
    if isinstance(value, Tensor):
        return value
    if isinstance(array_or_number, np.ndarray):
        return Tensor._wrap(array_or_number)
    return _NUMBER


_NUMBER = Tensor._wrap(np.zeros(()))
_FLOAT16 = np.dtype(np.float16)


def _is_bool(value) -> bool:
    """A bool tensor, array or Python bool (which PyTorch will not subtract or negate)."""
    if isinstance(value, Tensor):
        return value.array.dtype.kind == "b"
    return isinstance(value, (bool, np.bool_)) or getattr(value, "dtype", None) == np.bool_


def _number_or_array(value):
    if isinstance(value, (float, int)):         # the usual numbers, before the slower check
        return value
    if isinstance(value, numbers.Number) and not isinstance(value, np.ndarray):
        return value.item() if isinstance(value, np.generic) else value
    return np.asarray(value)


def _cast(x, dtype: np.dtype):
    if isinstance(x, np.ndarray):
        return x if x.dtype == dtype else x.astype(dtype)
    return x                      # a Python number: numpy treats it as "weak", like PyTorch


def _in_dtype(out: np.ndarray, dtype: np.dtype) -> np.ndarray:
    return out if out.dtype == dtype else out.astype(dtype)


def _floating(a: Tensor) -> np.ndarray:
    """``a``'s values for a function defined on reals: integers and bools become float32
    (``tensor([1, 2]).exp()`` is a float tensor, as in PyTorch)."""
    return a.array if a.array.dtype.kind == "f" else a.array.astype(DEFAULT_DTYPE)


def _reduced_dims(dim, axis, ndim: int):
    """The dims a reduction runs over as a sorted tuple (None: all), from PyTorch's
    ``dim=`` or numpy's ``axis=`` (an int, or a list or tuple of ints).

    An empty list gives ``()``; ``sum``, ``mean``, ``amax`` and ``var`` read it as
    "every dim", as PyTorch does (``x.sum(dim=())`` is the total).
    """
    if axis is not None:
        if dim is not None:
            raise TypeError("pass dim= or axis= (the same thing), not both")
        dim = axis
    if dim is None:
        return None
    dims = (dim,) if isinstance(dim, numbers.Integral) else tuple(dim)
    wrapped = tuple(sorted({_dim(d, ndim) for d in dims}))
    if len(wrapped) != len(dims):
        raise RuntimeError(f"dim {dims} appears multiple times in the list of dims")
    return wrapped if ndim else None


def _no_out(out) -> None:
    """numpy's functions (``np.mean(t)``) call the method with ``out=None``; refuse others."""
    if out is not None:
        raise TypeError("minigrad reductions write no out= array; use the returned tensor")


def _spread(g: np.ndarray, shape: tuple) -> np.ndarray:
    """``g`` copied back over every element it was reduced from (a new array of ``shape``)."""
    out = np.empty(shape, dtype=g.dtype)
    out[...] = g
    return out


def _keep(keepdim, keepdims) -> bool:
    return bool(keepdim if keepdims is None else keepdims)


def _restore_reduced(g: np.ndarray, dims, keepdim: bool, shape: tuple) -> np.ndarray:
    """Put back the axes a reduction removed (as length 1), so ``g`` broadcasts against
    the reduction's input of shape ``shape``."""
    if keepdim or dims is None and g.ndim == len(shape):
        return g
    reduced = range(len(shape)) if dims is None else dims
    return g.reshape(tuple(1 if i in reduced else n for i, n in enumerate(shape)))


# --------------------------------------------------------------------------------------
# Arithmetic
# --------------------------------------------------------------------------------------
def add(a, b, alpha=1) -> Tensor:
    """z = a + α·b.   ∂z/∂a = 1,  ∂z/∂b = α."""
    if alpha != 1:
        b = mul(b, alpha)
    a, b, x, y, dtype = _pair(a, b)
    return Tensor._make(_in_dtype(x + y, dtype), (a, b), _add_backward, "add")


def _add_backward(g, parents, ctx):
    a, b = parents
    return (unbroadcast(g, a.shape) if a.requires_grad else None,
            unbroadcast(g, b.shape) if b.requires_grad else None)


def sub(a, b, alpha=1) -> Tensor:
    """z = a − α·b.   ∂z/∂a = 1,  ∂z/∂b = −α.   (Bools refused, as PyTorch: use ``~``.)"""
    if _is_bool(a) or _is_bool(b):
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not "
                           "supported. If you are trying to invert a mask, use the `~` or "
                           "`logical_not()` operator instead.")
    if alpha != 1:
        b = mul(b, alpha)
    a, b, x, y, dtype = _pair(a, b)
    return Tensor._make(_in_dtype(x - y, dtype), (a, b), _sub_backward, "sub")


def _sub_backward(g, parents, ctx):
    a, b = parents
    return (unbroadcast(g, a.shape) if a.requires_grad else None,
            unbroadcast(-g, b.shape) if b.requires_grad else None)


def neg(a) -> Tensor:
    """z = −a.   ∂z/∂a = −1."""
    a = as_tensor(a)
    if _is_bool(a):
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or "
                           "`logical_not()` operator instead.")
    return Tensor._make(-a.array, (a,), _neg_backward, "neg")


def _neg_backward(g, parents, ctx):
    return (-g,)


def mul(a, b) -> Tensor:
    """z = a · b (elementwise).   ∂z/∂a = b,  ∂z/∂b = a."""
    a, b, x, y, dtype = _pair(a, b)
    if a is _NUMBER or b is _NUMBER:       # times a Python number c: ∂z/∂(the tensor) = c
        c = x if a is _NUMBER else y
        return Tensor._make(_in_dtype(x * y, dtype), (a, b), _mul_by_number_backward,
                            "mul", ctx=c)
    # ∂L/∂a reads b, ∂L/∂b reads a.
    saved = ((b,) if a.requires_grad else ()) + ((a,) if b.requires_grad else ())
    return Tensor._make(_in_dtype(x * y, dtype), (a, b), _mul_backward, "mul", saved,
                        ctx=(x, y))


def _mul_backward(g, parents, ctx):
    (a, b), (x, y) = parents, ctx
    return (unbroadcast(g * y, a.shape) if a.requires_grad else None,
            unbroadcast(g * x, b.shape) if b.requires_grad else None)


def _mul_by_number_backward(g, parents, c):
    a, b = parents                       # one of them is the number: it needs no gradient
    return (g * c if a.requires_grad else None, g * c if b.requires_grad else None)


def div(a, b) -> Tensor:
    """z = a / b (true division: integers give floats).   ∂z/∂a = 1/b,  ∂z/∂b = −a/b²."""
    a, b, x, y, dtype = _pair(a, b)
    if dtype.kind != "f":
        dtype = DEFAULT_DTYPE
        x, y = _cast(x, dtype), _cast(y, dtype)
    saved = (b, a) if b.requires_grad else (b,) if b is not _NUMBER else ()
    return Tensor._make(_in_dtype(x / y, dtype), (a, b), _div_backward, "div", saved,
                        ctx=(x, y))


def _div_backward(g, parents, ctx):
    (a, b), (x, y) = parents, ctx
    return (unbroadcast(g / y, a.shape) if a.requires_grad else None,
            unbroadcast(-g * x / (y * y), b.shape) if b.requires_grad else None)


def pow(a, b) -> Tensor:  # noqa: A001 - mirrors torch.pow
    """z = aᵇ.   ∂z/∂a = b·aᵇ⁻¹,  ∂z/∂b = aᵇ·ln a.

    The exponent may be a number or a Tensor. At the special points PyTorch's values are
    used: ∂z/∂a is 0 where b = 0 (even at a = 0, where b·aᵇ⁻¹ would be 0·∞); ∂z/∂b is 0
    where a = 0 and b ≥ 0 (the limit of aᵇ·ln a), and follows the formula elsewhere
    (−∞ at a = 0, b < 0; nan for a < 0, where ln a is undefined).
    """
    a, b, x, y, dtype = _pair(a, b)
    if dtype.kind in "iu" and isinstance(y, numbers.Integral) and y < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    with np.errstate(divide="ignore", invalid="ignore"):    # 0⁻¹ = inf, (−1)^½ = nan
        out = _in_dtype(x ** y, dtype)
    # ∂z/∂a reads the exponent too (unless it is a Python number, which cannot change)
    saved = (a, b, None) if b.requires_grad else (a, b) if b is not _NUMBER else (a,)
    return Tensor._make(out, (a, b), _pow_backward, "pow", saved, ctx=(x, y, out))


def _pow_backward(g, parents, ctx):
    (a, b), (x, y, out) = parents, ctx
    grad_a = grad_b = None
    with np.errstate(divide="ignore", invalid="ignore"):
        if a.requires_grad and isinstance(y, np.ndarray):
            local = np.where(y == 0, 0, y * x ** (y - 1))
            grad_a = unbroadcast(g * local, a.shape)
        elif a.requires_grad:                          # a number: no where() needed
            grad_a = g * (y * x ** (y - 1)) if y != 0 else np.zeros_like(g)
        if b.requires_grad:
            local = np.where((x == 0) & (y >= 0), 0, out * np.log(x))
            grad_b = unbroadcast(g * local, b.shape)
    return grad_a, grad_b


def compare(ufunc, a, b) -> Tensor:
    """``a < b``, ``a == b``, ``a & b``, …: a tensor outside the graph (no gradient)."""
    _, _, x, y, _ = _pair(a, b)
    return Tensor._wrap(np.asarray(ufunc(x, y)))


# --------------------------------------------------------------------------------------
# Matrix products
# --------------------------------------------------------------------------------------
def matmul(input, other) -> Tensor:  # noqa: A002 - PyTorch's argument names
    """Z = A @ B (matrix product; leading axes are batch axes and broadcast).

    ∂L/∂A = ∂L/∂Z · Bᵀ,   ∂L/∂B = Aᵀ · ∂L/∂Z.

    A 1-D ``a`` is treated as a row vector and a 1-D ``b`` as a column vector, and the
    added axis is removed from the result, as in numpy.
    """
    a, b, x, y, dtype = _pair(input, other)
    _check_matmul_shapes(a.shape, b.shape)
    a2 = x if a.ndim > 1 else x[np.newaxis, :]
    b2 = y if b.ndim > 1 else y[:, np.newaxis]
    out2 = a2 @ b2
    out = out2
    if a.ndim == 1:
        out = out.squeeze(-2)
    if b.ndim == 1:
        out = out.squeeze(-1)
    saved = ((b,) if a.requires_grad else ()) + ((a,) if b.requires_grad else ())
    return Tensor._make(_in_dtype(out, dtype), (a, b), _matmul_backward, "matmul", saved,
                        ctx=(a2, b2, out2.shape))


def _matmul_backward(g, parents, ctx):
    (a, b), (a2, b2, out2_shape) = parents, ctx   # a2, b2: x, y with a vector made 2-D
    g2 = g.reshape(out2_shape)
    grad_a = grad_b = None
    if a.requires_grad:
        grad_a = unbroadcast(g2 @ b2.swapaxes(-1, -2), a2.shape).reshape(a.shape)
    if b.requires_grad:
        if a2.ndim == 2 and _is_transposed(b2):
            # b is a transposed view, as W.T in ``x @ W.T``: compute ∂L/∂B as (gᵀ·A)ᵀ,
            # the same numbers, so that ∂L/∂W comes out row-major like W itself —
            # W.grad can then keep it without a copy, and the optimizer's update runs
            # over contiguous memory (on a strided gradient both cost ~5× more).
            grad_b = (g2.T @ a2).T
        else:
            grad_b = unbroadcast(a2.swapaxes(-1, -2) @ g2, b2.shape)
        grad_b = grad_b.reshape(b.shape)
    return grad_a, grad_b


def mm(input, mat2) -> Tensor:  # noqa: A002
    """Matrix × matrix (both 2-D), as ``torch.mm``."""
    _require_dims("mm", input, 2, "self must be a matrix")
    _require_dims("mm", mat2, 2, "mat2 must be a matrix")
    return matmul(input, mat2)


def mv(input, vec) -> Tensor:  # noqa: A002
    """Matrix × vector, as ``torch.mv``."""
    _require_dims("mv", input, 2, "input must be a matrix")
    _require_dims("mv", vec, 1, "vec must be a vector")
    return matmul(input, vec)


def dot(input, other) -> Tensor:  # noqa: A002
    """Inner product of two 1-D tensors of the same length, as ``torch.dot``."""
    a, b = as_tensor(input), as_tensor(other)
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if len(a.array) != len(b.array):
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{len(a.array)}] "
                           f"and src [{len(b.array)}] to have the same number of elements")
    return matmul(a, b)


def bmm(input, mat2) -> Tensor:  # noqa: A002
    """Batched matrix product of two 3-D tensors with the same batch size (``torch.bmm``)."""
    _require_dims("bmm", input, 3, "batch1 must be a 3D tensor")
    _require_dims("bmm", mat2, 3, "batch2 must be a 3D tensor")
    if input.shape[0] != mat2.shape[0]:
        raise RuntimeError(f"bmm: batch sizes differ: {input.shape[0]} and {mat2.shape[0]}")
    return matmul(input, mat2)


def _require_dims(name, t, ndim, message) -> None:
    if as_tensor(t).ndim != ndim:
        raise RuntimeError(f"{name}: {message} (got {as_tensor(t).ndim} dimensions)")


def linear(input, weight, bias=None) -> Tensor:  # noqa: A002
    """z = x Wᵀ + b, a fully connected layer (``torch.nn.functional.linear``).

    W has shape (out_features, in_features), as in PyTorch; x has shape (..., in_features);
    b, if given, has shape (out_features,) — or any shape that broadcasts to the output,
    such as (1,) or a single number, as in PyTorch.

    ∂L/∂x = g W,   ∂L/∂W = gᵀ x,   ∂L/∂b = Σ g over every row.

    The same numbers as ``x @ W.T + b``, as one node instead of three (transpose, matmul,
    add), with ∂L/∂W computed directly in W's own row-major layout.
    """
    x, weight = as_tensor(input), as_tensor(weight)
    X, W = x.array, weight.array
    if X.ndim == 0 or W.ndim != 2 or X.shape[-1] != W.shape[1]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied: an input of shape "
                           f"{X.shape} does not fit a weight of shape {W.shape}; the input's "
                           f"last dimension must be "
                           f"in_features = {W.shape[1] if W.ndim == 2 else '?'}")
    usual_bias = False
    if bias is not None:
        bias = as_tensor(bias)
        usual_bias = bias.array.shape == (W.shape[0],)        # the usual shape: no check
        if not usual_bias:
            _check_bias_broadcasts(bias.array.shape, X.shape[:-1] + (W.shape[0],))
    parents = (x, weight) if bias is None else (x, weight, bias)
    X2 = X if X.ndim == 2 else X.reshape(-1, X.shape[-1])    # the input's rows
    out = X @ W.T
    if bias is not None:
        out += bias.array
    saved = ((weight,) if x.requires_grad else ()) + ((x,) if weight.requires_grad else ())
    return Tensor._make(out, parents, _linear_backward, "linear", saved,
                        ctx=(W, X2, usual_bias))


def _linear_backward(g, parents, ctx):
    W, X2, usual_bias = ctx
    x, weight = parents[0], parents[1]
    bias = parents[2] if len(parents) == 3 else None         # linear(x, W): no bias
    rows = g if g.ndim == 2 else g.reshape(-1, g.shape[-1])  # every row of the batch
    grad_bias = None
    if bias is not None and bias.requires_grad:
        grad_bias = rows.sum(axis=0) if usual_bias else \
            unbroadcast(g, bias.array.shape)               # Σ over what b was spread on
    return (g @ W if x.requires_grad else None,
            rows.T @ X2 if weight.requires_grad else None,
            grad_bias)


def _check_bias_broadcasts(bias_shape: tuple, out_shape: tuple) -> None:
    """PyTorch's rule: the bias must broadcast to the output (usually shape (out_features,))."""
    try:
        fits = np.broadcast_shapes(bias_shape, out_shape) == out_shape
    except ValueError:
        fits = False
    if not fits:
        raise RuntimeError(f"The expanded size of the tensor does not match: linear's bias of "
                           f"shape {bias_shape} does not broadcast to the output's shape "
                           f"{out_shape}; give it shape ({out_shape[-1]},)")


def _is_transposed(x: np.ndarray) -> bool:
    """True for a 2-D array stored column by column, such as the view ``W.T``."""
    return x.ndim == 2 and x.flags.f_contiguous and not x.flags.c_contiguous


def _check_matmul_shapes(a_shape: tuple, b_shape: tuple) -> None:
    if len(a_shape) == 0 or len(b_shape) == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{len(a_shape)}D and {len(b_shape)}D (use * for scalars)")
    inner_b = b_shape[0] if len(b_shape) == 1 else b_shape[-2]
    if a_shape[-1] != inner_b:
        raise RuntimeError(
            f"matmul shape mismatch: {a_shape} @ {b_shape} — the last dimension of the "
            f"first ({a_shape[-1]}) must equal the "
            f"{'first' if len(b_shape) == 1 else 'second-to-last'} dimension of the "
            f"second ({inner_b})")
    if len(a_shape) <= 2 and len(b_shape) <= 2:
        return                                          # no batch dimensions to check
    try:
        np.broadcast_shapes(a_shape[:-2], b_shape[:-2])
    except ValueError:
        raise RuntimeError(f"matmul: the batch dimensions of {a_shape} and {b_shape} do "
                           f"not broadcast") from None


# --------------------------------------------------------------------------------------
# Reductions. Each takes PyTorch's dim=/keepdim= or numpy's axis=/keepdims=.
# --------------------------------------------------------------------------------------
def sum(input, dim=None, keepdim=False, *, dtype=None, axis=None,  # noqa: A001, A002
        keepdims=None, out=None) -> Tensor:
    """z = Σ a over ``dim``.   ∂z/∂aᵢ = 1: the gradient is copied back to every element.

    Integers and bools are summed as int64, float16 in float32 (then rounded), as PyTorch.
    """
    _no_out(out)
    a = as_tensor(input)
    dims, keep = _reduced_dims(dim, axis, a.ndim) or None, _keep(keepdim, keepdims)
    x = a.array
    out_dtype = np.dtype(dtype) if dtype is not None else \
        np.dtype(np.int64) if x.dtype.kind in "biu" else x.dtype
    accumulate = np.float32 if out_dtype == np.float16 else out_dtype
    out = _in_dtype(np.asarray(x.sum(axis=dims, keepdims=keep, dtype=accumulate)), out_dtype)
    return Tensor._make(out, (a,), _sum_backward, "sum", ctx=(dims, keep))


def _sum_backward(g, parents, ctx):
    (a,), (dims, keep) = parents, ctx
    return (_spread(_restore_reduced(g, dims, keep, a.shape), a.shape),)


def mean(input, dim=None, keepdim=False, *, dtype=None, axis=None,  # noqa: A002
         keepdims=None, out=None) -> Tensor:
    """z = (1/n) Σ a over ``dim``.   ∂z/∂aᵢ = 1/n, n the number of elements averaged."""
    _no_out(out)
    a = as_tensor(input)
    if a.dtype.kind != "f" and dtype is None:
        raise RuntimeError("mean(): could not infer output dtype. Input dtype must be "
                           f"either a floating point or complex dtype. Got: {a.dtype}")
    dims, keep = _reduced_dims(dim, axis, a.ndim) or None, _keep(keepdim, keepdims)
    n = a.array.size if dims is None else math.prod(a.shape[i] for i in dims)
    out_dtype = np.dtype(dtype) if dtype is not None else a.dtype
    accumulate = np.float32 if out_dtype == np.float16 else out_dtype
    # Σ/n rather than np.mean: the same sum, without np.mean's Python overhead.
    total = np.asarray(a.array.sum(axis=dims, keepdims=keep, dtype=accumulate))
    return Tensor._make(_in_dtype(total / n, out_dtype), (a,), _mean_backward, "mean",
                        ctx=(dims, keep, n))


def _mean_backward(g, parents, ctx):
    (a,), (dims, keep, n) = parents, ctx
    return (_spread(_restore_reduced(g, dims, keep, a.shape) / n, a.shape),)


MaxResult = collections.namedtuple("max", ["values", "indices"])
MinResult = collections.namedtuple("min", ["values", "indices"])


def amax(input, dim=(), keepdim=False, *, axis=None, keepdims=None) -> Tensor:  # noqa: A002
    """z = max a over ``dim`` (all dims by default).   ∂z/∂aᵢ = 1 where aᵢ is the maximum.

    When several elements tie for the maximum the gradient is split evenly between them
    (as ``torch.amax``), so the check against finite differences holds either way.
    """
    return _extreme(input, dim, keepdim, axis, keepdims, np.max, "amax")


def amin(input, dim=(), keepdim=False, *, axis=None, keepdims=None) -> Tensor:  # noqa: A002
    """z = min a over ``dim``; the gradient is split evenly between ties, as ``amax``."""
    return _extreme(input, dim, keepdim, axis, keepdims, np.min, "amin")


def _extreme(input, dim, keepdim, axis, keepdims, reduce, name) -> Tensor:  # noqa: A002
    a = as_tensor(input)
    dims = _reduced_dims(None if dim == () else dim, axis, a.ndim) or None  # () is all dims
    keep = _keep(keepdim, keepdims)
    if a.array.size == 0:
        raise RuntimeError(f"{name}(): Expected reduction dim to be specified for "
                           "input.numel() == 0")
    out = reduce(a.array, axis=dims, keepdims=True)
    result = out if keep else np.squeeze(out, axis=dims)
    return Tensor._make(result, (a,), _extreme_backward, name, (a, None),
                        ctx=(out, dims, keep))


def _extreme_backward(g, parents, ctx):
    (a,), (out, dims, keep) = parents, ctx          # out: the extremes, dims kept
    is_extreme = a.array == out
    share = is_extreme / is_extreme.sum(axis=dims, keepdims=True)
    return (_restore_reduced(g, dims, keep, a.shape) * share,)


def max(input, dim=None, keepdim=False, *, axis=None, keepdims=None, out=None):  # noqa: A001, A002
    """``max(a)``: the largest element. ``max(a, dim)``: a pair ``(values, indices)`` of
    the largest element along ``dim`` and where it is, as ``torch.max``.
    ``max(a, other)`` (a tensor): the elementwise maximum.

    With ``dim`` the gradient goes to the element ``indices`` points at (the first
    maximum); over the whole tensor it is split between ties, as in PyTorch.
    """
    _no_out(out)
    return _max_or_min(input, dim, keepdim, axis, keepdims, np.argmax, MaxResult, "max")


def min(input, dim=None, keepdim=False, *, axis=None, keepdims=None, out=None):  # noqa: A001, A002
    """``min(a)``, ``min(a, dim)`` → ``(values, indices)``, ``min(a, other)``: as :func:`max`."""
    _no_out(out)
    return _max_or_min(input, dim, keepdim, axis, keepdims, np.argmin, MinResult, "min")


def _max_or_min(input, dim, keepdim, axis, keepdims, arg, pair, name):  # noqa: A002
    if isinstance(dim, Tensor):
        from minigrad.ops_more import maximum, minimum
        return (maximum if name == "max" else minimum)(input, dim)
    a = as_tensor(input)
    if dim is None and axis is None:
        return _extreme(a, (), False, None, None, np.max if name == "max" else np.min, name)
    dims = _reduced_dims(dim, axis, a.ndim)
    if dims is not None and len(dims) != 1:
        raise TypeError(f"{name}() takes one dim, not {dim!r}")
    keep = _keep(keepdim, keepdims)
    d = dims[0] if dims else 0
    x = a.array if a.ndim else a.array.reshape(1)
    chosen = np.expand_dims(arg(x, axis=d), d)          # where the extreme is, dim kept
    values, indices = np.take_along_axis(x, chosen, axis=d), chosen
    if not keep or not a.ndim:
        values, indices = values.squeeze(d), indices.squeeze(d)
    if not a.ndim:
        values, indices = values.reshape(()), indices.reshape(())
    out = Tensor._make(values, (a,), _max_or_min_backward, name, ctx=(x, chosen, d))
    return pair(out, Tensor._wrap(indices.astype(np.int64)))


def _max_or_min_backward(g, parents, ctx):
    (a,), (x, chosen, d) = parents, ctx             # x: a's values, at least 1-D
    grad = np.zeros(x.shape, dtype=g.dtype)
    np.put_along_axis(grad, chosen, g.reshape(chosen.shape), axis=d)
    return (grad.reshape(a.shape),)


def argmax(input, dim=None, keepdim=False, *, axis=None, keepdims=None,  # noqa: A002
           out=None) -> Tensor:
    """Index of the largest value (of the flattened tensor, or along ``dim``)."""
    _no_out(out)
    return _arg(input, dim, keepdim, axis, keepdims, np.argmax)


def argmin(input, dim=None, keepdim=False, *, axis=None, keepdims=None,  # noqa: A002
           out=None) -> Tensor:
    """Index of the smallest value (of the flattened tensor, or along ``dim``)."""
    _no_out(out)
    return _arg(input, dim, keepdim, axis, keepdims, np.argmin)


def _arg(input, dim, keepdim, axis, keepdims, arg) -> Tensor:  # noqa: A002
    a = as_tensor(input)
    dims = _reduced_dims(dim, axis, a.ndim)
    keep = _keep(keepdim, keepdims)
    if dims is None:
        out = np.asarray(arg(a.array))
        if keep:
            out = out.reshape((1,) * a.ndim)
    else:
        out = arg(a.array, axis=dims[0], keepdims=keep)
    return Tensor._wrap(np.asarray(out, dtype=np.int64))


def logical_reduce(input, how: str, dim=None, keepdim=False, *, axis=None,  # noqa: A002
                   keepdims=None, out=None) -> Tensor:
    """``any`` / ``all`` over ``dim`` (a bool tensor outside the graph)."""
    _no_out(out)
    a = as_tensor(input)
    dims = _reduced_dims(dim, axis, a.ndim)
    reduce = np.any if how == "any" else np.all
    return Tensor._wrap(np.asarray(reduce(a.array, axis=dims, keepdims=_keep(keepdim, keepdims))))


# --------------------------------------------------------------------------------------
# Shape. These return views: the output shares the input's memory and version count.
# --------------------------------------------------------------------------------------
def reshape(input, *shape) -> Tensor:  # noqa: A002
    """Same values, new shape.   The gradient is reshaped back: ∂L/∂a = reshape(g, a.shape)."""
    a = as_tensor(input)
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    try:
        out = a.array.reshape(shape)
    except (ValueError, TypeError):
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size "
                           f"{a.array.size} (a tensor of shape {a.shape})") from None
    view = a if np.shares_memory(out, a.array) else None
    return Tensor._make(out, (a,), _reshape_backward, "reshape", view_of=view)


def _reshape_backward(g, parents, ctx):
    """g in the input's shape (also the backward of squeeze and unsqueeze)."""
    (a,) = parents
    return (g.reshape(a.shape),)


def permute(input, *dims) -> Tensor:  # noqa: A002
    """Reorder the axes.   The gradient is permuted back by the inverse permutation."""
    a = as_tensor(input)
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = tuple(dims[0])
    axes = tuple(_dim(d, a.ndim) for d in dims)
    if sorted(axes) != list(range(a.ndim)):
        raise RuntimeError(f"permute(): dims {dims} are not a permutation of the "
                           f"{a.ndim} dimensions of the input")
    inverse = tuple(axes.index(i) for i in range(len(axes)))  # axis i went to axes.index(i)
    return Tensor._make(a.array.transpose(axes), (a,), _permute_backward, "permute",
                        view_of=a, ctx=(inverse,))


def _permute_backward(g, parents, ctx):
    (inverse,) = ctx
    return (g.transpose(inverse),)


def transpose(input, dim0: int, dim1: int) -> Tensor:  # noqa: A002
    """Swap two axes (``torch.transpose``); its own inverse, so the gradient swaps back."""
    a = as_tensor(input)
    axes = list(range(a.ndim))
    d0, d1 = _dim(dim0, a.ndim), _dim(dim1, a.ndim)
    if a.ndim == 0:
        return permute(a, ())
    axes[d0], axes[d1] = axes[d1], axes[d0]
    return permute(a, tuple(axes))


def getitem(input, index) -> Tensor:  # noqa: A002
    """z = a[index] (ints, slices, integer arrays, boolean masks).

    ∂L/∂a is zero except at the selected positions, which receive g. An integer array may
    select the same element twice, so contributions are *added* with ``np.add.at``.
    Ints and slices select a view (it shares memory with ``a``, as in PyTorch); integer
    arrays and masks copy.
    """
    a = as_tensor(input)
    index = _plain_index(index)
    basic = _is_basic(index)
    if basic:   # a trailing ... makes numpy return a 0-d view rather than a scalar copy
        index = (index if isinstance(index, tuple) else (index,))
        if Ellipsis not in index:
            index = index + (Ellipsis,)
    return Tensor._make(a.array[index], (a,), _getitem_backward, "getitem",
                        view_of=a if basic else None, ctx=(index, basic))


def _getitem_backward(g, parents, ctx):
    (a,), (index, basic) = parents, ctx
    grad = np.zeros(a.shape, dtype=g.dtype)
    if basic:
        grad[index] = g
    else:
        np.add.at(grad, index, g)
    return (grad,)


def _plain_index(index):
    """Replace Tensors inside an index by their numpy arrays."""
    if isinstance(index, tuple):
        return tuple(_plain_index(i) for i in index)
    if isinstance(index, list):
        return np.asarray(_plain_index(tuple(index)))
    return index.array if isinstance(index, Tensor) else index


def _is_basic(index) -> bool:
    """True for indices made only of ints, slices, None and Ellipsis (no repeats possible)."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(isinstance(p, (numbers.Integral, slice)) or p is None or p is Ellipsis
               for p in parts)


# --------------------------------------------------------------------------------------
# Elementwise functions
# --------------------------------------------------------------------------------------
def exp(input) -> Tensor:  # noqa: A002
    """z = eᵃ.   ∂z/∂a = eᵃ = z."""
    a = as_tensor(input)
    out = np.exp(_floating(a))
    return Tensor._make(out, (a,), _exp_backward, "exp", (None,), ctx=(out,))


def _exp_backward(g, parents, ctx):
    (out,) = ctx
    return (g * out,)


def log(input) -> Tensor:  # noqa: A002
    """z = ln a.   ∂z/∂a = 1/a."""
    a = as_tensor(input)
    x = _floating(a)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.log(x)
    return Tensor._make(out, (a,), _log_backward, "log", (a,), ctx=(x,))


def _log_backward(g, parents, ctx):
    (x,) = ctx
    return (g / x,)


def relu(input) -> Tensor:  # noqa: A002
    """z = max(a, 0).   ∂z/∂a = 1 where a > 0, else 0 (0 at a = 0, as PyTorch).

    ``relu(−∞) = 0`` and ``relu(nan) = nan``; the gradient is g where a is positive or
    nan (PyTorch passes it on there) and 0 where a ≤ 0 — computed as g·[a > 0 or nan],
    so an incoming gradient that is itself nan stays nan there (PyTorch writes 0).
    """
    a = as_tensor(input)
    out = np.maximum(a.array, 0)               # not a·[a > 0]: that gives nan at a = −∞
    passes = out != 0                          # True where a > 0, and where a is nan
    return Tensor._make(out, (a,), _relu_backward, "relu", (None,), ctx=(passes,))


def _relu_backward(g, parents, ctx):
    (passes,) = ctx
    return (g * passes,)


def tanh(input) -> Tensor:  # noqa: A002
    """z = tanh a.   ∂z/∂a = 1 − z²."""
    a = as_tensor(input)
    out = np.tanh(_floating(a))
    return Tensor._make(out, (a,), _tanh_backward, "tanh", (None,), ctx=(out,))


def _tanh_backward(g, parents, ctx):
    (out,) = ctx
    return (g * (1 - out * out),)


def sigmoid(input) -> Tensor:  # noqa: A002
    """z = σ(a) = 1 / (1 + e⁻ᵃ).   ∂z/∂a = z (1 − z).

    Computed as exp(−log(1 + e⁻ᵃ)) with ``logaddexp`` so a large ``|a|`` neither overflows
    nor loses precision.
    """
    a = as_tensor(input)
    x = _floating(a)
    out = np.exp(-np.logaddexp(0, -x)).astype(x.dtype, copy=False)
    return Tensor._make(out, (a,), _sigmoid_backward, "sigmoid", (None,), ctx=(out,))


def _sigmoid_backward(g, parents, ctx):
    (out,) = ctx
    return (g * out * (1 - out),)


def softmax(input, dim=None, *, axis=None, _legacy_default=False) -> Tensor:  # noqa: A002
    """sᵢ = e^{aᵢ} / Σⱼ e^{aⱼ} along ``dim``.

    ∂L/∂aᵢ = sᵢ (gᵢ − Σⱼ gⱼ sⱼ). The maximum is subtracted first (softmax does not change
    when a constant is added), so e^{aᵢ} cannot overflow.
    """
    a = as_tensor(input)
    _refuse_integers(a, "softmax")
    d = _softmax_dim(dim, axis, a.ndim, "softmax", _legacy_default)
    x = _floating(a)
    shifted = np.exp(x - x.max(axis=d, keepdims=True))
    out = shifted / shifted.sum(axis=d, keepdims=True)
    return Tensor._make(out, (a,), _softmax_backward, "softmax", (None,), ctx=(out, d))


def _softmax_backward(g, parents, ctx):
    out, d = ctx
    return (out * (g - (g * out).sum(axis=d, keepdims=True)),)


def log_softmax(input, dim=None, *, axis=None, _legacy_default=False) -> Tensor:  # noqa: A002
    """zᵢ = aᵢ − log Σⱼ e^{aⱼ} along ``dim`` (the log-sum-exp computed stably).

    ∂L/∂aᵢ = gᵢ − sᵢ Σⱼ gⱼ with s = softmax(a) = e^z. Stable: with m = max a,
    log Σ e^{aⱼ} = m + log Σ e^{aⱼ − m}, and every exponent is ≤ 0.
    """
    a = as_tensor(input)
    _refuse_integers(a, "log_softmax")
    d = _softmax_dim(dim, axis, a.ndim, "log_softmax", _legacy_default)
    x = _floating(a)
    shifted = x - x.max(axis=d, keepdims=True)
    out = shifted - np.log(np.exp(shifted).sum(axis=d, keepdims=True))
    return Tensor._make(out, (a,), _log_softmax_backward, "log_softmax", (None,),
                        ctx=(out, d))


def _log_softmax_backward(g, parents, ctx):
    out, d = ctx
    return (g - np.exp(out) * g.sum(axis=d, keepdims=True),)


def _refuse_integers(a: Tensor, name: str) -> None:
    if a.array.dtype.kind != "f":
        raise NotImplementedError(f"\"{name}\" not implemented for '{a.dtype}': convert the "
                                  f"input to floats first (x.float())")


def _softmax_dim(dim, axis, ndim: int, name: str, legacy_default: bool) -> int:
    """The one dim a softmax normalises over.

    ``torch.softmax(x)`` needs the dim; only ``torch.nn.functional.softmax`` still guesses
    one when it is left out (0 for 0-, 1- and 3-D inputs, else 1), with a warning.
    """
    if axis is not None:
        if dim is not None:
            raise TypeError("pass dim= or axis= (the same thing), not both")
        dim = axis
    if dim is None and not legacy_default:
        raise TypeError(f"{name}() missing 1 required positional argument: 'dim' (the "
                        f"axis to normalise over, e.g. dim=-1 or dim=1 for (batch, classes))")
    if dim is None:          # PyTorch's legacy rule, with its warning
        import warnings
        warnings.warn("Implicit dimension choice for softmax has been deprecated. Change "
                      "the call to include dim=X as an argument.", UserWarning, stacklevel=3)
        dim = 0 if ndim in (0, 1, 3) else 1
    return _dim(dim, ndim) if ndim else None


# --------------------------------------------------------------------------------------
# Losses
# --------------------------------------------------------------------------------------
def cross_entropy(logits, labels, reduction: str = "none") -> Tensor:
    """ℓᵢ = −log softmax(zᵢ)_{yᵢ} = log Σ_c e^{z_ic} − z_{i,yᵢ}: one loss per row of logits.

    ``logits`` z has shape (N, C), ``labels`` y holds N integer classes in 0 … C−1. With
    ``reduction="none"`` the result is the N losses; ``"mean"`` gives (1/N) Σᵢ ℓᵢ and
    ``"sum"`` Σᵢ ℓᵢ, as one node (PyTorch's loss functions reduce inside the op too).

    ∂L/∂z_ic = gᵢ · (softmax(zᵢ)_c − [c = yᵢ]): the predicted probabilities minus the
    one-hot target (times 1/N for the mean). It is ``-log_softmax(z, dim=1)[arange(N), y]``
    computed as one op, so the graph gets one node instead of three or four and the
    backward is that formula directly.
    """
    z = as_tensor(logits)
    labels = np.asarray(labels.array if isinstance(labels, Tensor) else labels)
    rows = np.arange(len(labels))
    x = _floating(z)
    shifted = x - x.max(axis=1, keepdims=True)               # log-sum-exp, stably
    exps = np.exp(shifted)
    sums = exps.sum(axis=1, keepdims=True)
    losses = np.log(sums[:, 0]) - shifted[rows, labels]
    if reduction == "none":
        out, divisor = losses, None
    elif reduction in ("mean", "sum"):
        divisor = len(labels) if reduction == "mean" else 1
        out = np.asarray(losses.sum() / divisor if divisor else np.nan,  # mean of no rows
                         dtype=losses.dtype)
    else:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return Tensor._make(out, (z,), _cross_entropy_backward, "cross_entropy",
                        ctx=(exps, sums, rows, labels, divisor))


def _cross_entropy_backward(g, parents, ctx):
    exps, sums, rows, labels, divisor = ctx              # divisor None: one loss per row
    grad = exps / sums                                   # softmax(z), kept from forward
    grad[rows, labels] -= 1                              # − one-hot(y)
    grad *= g[:, np.newaxis] if divisor is None else g / divisor
    return (grad,)


# More elementwise maths and joins, same pattern (they use the helpers above).
from minigrad.ops_more import (abs, cat, clamp, clone, cos, cosh, flatten,  # noqa: E402,F401
                               floor_divide, maximum, minimum, norm, remainder, sign, sin,
                               sinh, sqrt, square,
                               squeeze, stack, std, to_dtype, unsqueeze, var, where)
