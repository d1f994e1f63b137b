"""Every differentiable op: the numpy forward and its backward, side by side.

Each op follows one pattern::

    def op(a, b):
        out = <numpy forward>
        def backward(g):            # g = ∂L/∂out, an array shaped like out
            return ∂L/∂a, ∂L/∂b     # one gradient per input, by the chain rule
        return Tensor._make(out, (a, b), backward, "op")

and its docstring gives the derivative the backward implements. ``g`` is the gradient
flowing in from above, so every backward is "g times the local derivative".

Broadcasting. numpy lets ``(3, 4) + (4,)`` stretch the second input across rows. Every
element of the input then contributed to several outputs, so its gradient is the *sum*
of theirs; :func:`unbroadcast` does that summing, once, for every op.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from minigrad.tensor import Tensor, _operand


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
    """Both operands of a binary op as Tensors; plain numbers take the other's dtype."""
    if isinstance(a, Tensor):
        return a, _operand(b, like=a)
    b = as_tensor(b)
    return _operand(a, like=b), b


def _axes(axis, ndim: int) -> tuple:
    """``axis`` (None, an int or a tuple; negatives allowed) as a tuple of positive axes."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, numbers.Integral):
        axis = (axis,)
    return tuple(sorted(a % ndim for a in axis))


def _restore_reduced(g: np.ndarray, axis, keepdims: bool, shape: tuple) -> np.ndarray:
    """Put back the axes a reduction removed (as length 1), so ``g`` broadcasts against
    the reduction's input of shape ``shape``."""
    if keepdims:
        return g
    reduced = _axes(axis, len(shape))
    return g.reshape(tuple(1 if i in reduced else n for i, n in enumerate(shape)))


# --------------------------------------------------------------------------------------
# Arithmetic
# --------------------------------------------------------------------------------------
def add(a, b) -> Tensor:
    """z = a + b.   ∂z/∂a = 1,  ∂z/∂b = 1."""
    a, b = _pair(a, b)

    def backward(g):
        return unbroadcast(g, a.shape), unbroadcast(g, b.shape)

    return Tensor._make(a.data + b.data, (a, b), backward, "add")


def sub(a, b) -> Tensor:
    """z = a − b.   ∂z/∂a = 1,  ∂z/∂b = −1."""
    a, b = _pair(a, b)

    def backward(g):
        return unbroadcast(g, a.shape), unbroadcast(-g, b.shape)

    return Tensor._make(a.data - b.data, (a, b), backward, "sub")


def neg(a) -> Tensor:
    """z = −a.   ∂z/∂a = −1."""
    a = as_tensor(a)
    return Tensor._make(-a.data, (a,), lambda g: (-g,), "neg")


def mul(a, b) -> Tensor:
    """z = a · b (elementwise).   ∂z/∂a = b,  ∂z/∂b = a."""
    a, b = _pair(a, b)
    a_data, b_data = a.data, b.data

    def backward(g):
        return (unbroadcast(g * b_data, a.shape) if a.requires_grad else None,
                unbroadcast(g * a_data, b.shape) if b.requires_grad else None)

    return Tensor._make(a_data * b_data, (a, b), backward, "mul")


def div(a, b) -> Tensor:
    """z = a / b.   ∂z/∂a = 1/b,  ∂z/∂b = −a/b²."""
    a, b = _pair(a, b)
    a_data, b_data = a.data, b.data

    def backward(g):
        return (unbroadcast(g / b_data, a.shape) if a.requires_grad else None,
                unbroadcast(-g * a_data / (b_data * b_data), b.shape)
                if b.requires_grad else None)

    return Tensor._make(a_data / b_data, (a, b), backward, "div")


def pow(a, b) -> Tensor:  # noqa: A001 - mirrors torch.pow
    """z = aᵇ.   ∂z/∂a = b·aᵇ⁻¹,  ∂z/∂b = aᵇ·ln a.

    The exponent may be a number or a Tensor. Where ``a = 0`` the derivative with respect
    to ``b`` is taken as 0 (the limit of aᵇ·ln a for b > 0), as PyTorch does; for a < 0
    it is nan, since ln a is undefined.
    """
    a, b = _pair(a, b)
    a_data, b_data = a.data, b.data
    out = a_data ** b_data

    def backward(g):
        grad_a = grad_b = None
        if a.requires_grad:
            grad_a = unbroadcast(g * b_data * a_data ** (b_data - 1), a.shape)
        if b.requires_grad:
            with np.errstate(divide="ignore", invalid="ignore"):
                log_a = np.where(a_data == 0, 0, np.log(a_data))
            grad_b = unbroadcast(g * out * log_a, b.shape)
        return grad_a, grad_b

    return Tensor._make(out, (a, b), backward, "pow")


def matmul(a, b) -> Tensor:
    """Z = A @ B (matrix product; leading axes are batch axes and broadcast).

    ∂L/∂A = ∂L/∂Z · Bᵀ,   ∂L/∂B = Aᵀ · ∂L/∂Z.

    A 1-D ``a`` is treated as a row vector and a 1-D ``b`` as a column vector, and the
    added axis is removed from the result, as in numpy.
    """
    a, b = _pair(a, b)
    _check_matmul_shapes(a.shape, b.shape)
    a2 = a.data if a.ndim > 1 else a.data[np.newaxis, :]
    b2 = b.data if b.ndim > 1 else b.data[:, np.newaxis]
    out2 = a2 @ b2

    def backward(g):
        g2 = g.reshape(out2.shape)
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

    out = out2
    if a.ndim == 1:
        out = out.squeeze(-2)
    if b.ndim == 1:
        out = out.squeeze(-1)
    return Tensor._make(out, (a, b), backward, "matmul")


def linear(x, weight, bias=None) -> Tensor:
    """z = x Wᵀ + b, a fully connected layer (``torch.nn.functional.linear``).

    W has shape (out_features, in_features), as in PyTorch; x has shape (..., in_features).

    ∂L/∂x = g W,   ∂L/∂W = gᵀ x,   ∂L/∂b = Σ g over every row.

    The same numbers as ``x @ W.T + b``, as one node instead of three (transpose, matmul,
    add), with ∂L/∂W computed directly in W's own row-major layout.
    """
    x, weight = as_tensor(x), as_tensor(weight)
    if x.ndim == 0 or weight.ndim != 2 or x.shape[-1] != weight.shape[1]:
        raise ValueError(f"linear: input of shape {x.shape} does not fit a weight of shape "
                         f"{weight.shape}; the input's last dimension must be "
                         f"in_features = {weight.shape[1]}")
    parents = (x, weight) if bias is None else (x, weight, as_tensor(bias))
    out = x.data @ weight.data.T
    if bias is not None:
        out += parents[2].data

    def backward(g):
        rows = g.reshape(-1, g.shape[-1])                       # every row of the batch
        return (g @ weight.data if x.requires_grad else None,
                rows.T @ x.data.reshape(-1, x.shape[-1]) if weight.requires_grad else None,
                rows.sum(axis=0) if bias is not None and parents[2].requires_grad else None)

    return Tensor._make(out, parents, backward, "linear")


def _is_transposed(x: np.ndarray) -> bool:
    """True for a 2-D array stored column by column, such as the view ``W.T``."""
    return x.ndim == 2 and x.flags.f_contiguous and not x.flags.c_contiguous


def _check_matmul_shapes(a_shape: tuple, b_shape: tuple) -> None:
    if len(a_shape) == 0 or len(b_shape) == 0:
        raise ValueError(f"matmul needs tensors with at least one dimension; got shapes "
                         f"{a_shape} and {b_shape} (use * for scalars)")
    inner_b = b_shape[0] if len(b_shape) == 1 else b_shape[-2]
    if a_shape[-1] != inner_b:
        raise ValueError(
            f"matmul shape mismatch: {a_shape} @ {b_shape} — the last dimension of the "
            f"first ({a_shape[-1]}) must equal the "
            f"{'first' if len(b_shape) == 1 else 'second-to-last'} dimension of the "
            f"second ({inner_b})")
    if len(a_shape) <= 2 and len(b_shape) <= 2:
        return                                          # no batch dimensions to check
    try:
        np.broadcast_shapes(a_shape[:-2], b_shape[:-2])
    except ValueError:
        raise ValueError(f"matmul: the batch dimensions of {a_shape} and {b_shape} do "
                         f"not broadcast") from None


# --------------------------------------------------------------------------------------
# Reductions
# --------------------------------------------------------------------------------------
def sum(a, axis=None, keepdims=False) -> Tensor:  # noqa: A001 - mirrors torch.sum
    """z = Σ a over ``axis``.   ∂z/∂aᵢ = 1: the gradient is copied back to every element."""
    a = as_tensor(a)

    def backward(g):
        return (np.full(a.shape, _restore_reduced(g, axis, keepdims, a.shape)),)

    return Tensor._make(a.data.sum(axis=axis, keepdims=keepdims), (a,), backward, "sum")


def mean(a, axis=None, keepdims=False) -> Tensor:
    """z = (1/n) Σ a over ``axis``.   ∂z/∂aᵢ = 1/n, n the number of elements averaged."""
    a = as_tensor(a)
    n = math.prod(a.shape[i] for i in _axes(axis, a.ndim))

    def backward(g):
        return (np.full(a.shape, _restore_reduced(g, axis, keepdims, a.shape) / n),)

    # Σ/n rather than np.mean: the same float32 sum, without np.mean's Python overhead.
    return Tensor._make(a.data.sum(axis=axis, keepdims=keepdims) / n, (a,), backward,
                        "mean")


def max(a, axis=None, keepdims=False) -> Tensor:  # noqa: A001 - mirrors torch.max
    """z = max a over ``axis``.   ∂z/∂aᵢ = 1 where aᵢ is the maximum, else 0.

    When several elements tie for the maximum the gradient is split evenly between them
    (as ``torch.amax``), so the check against finite differences holds either way.
    """
    a = as_tensor(a)
    out = a.data.max(axis=axis, keepdims=True)

    def backward(g):
        is_max = a.data == out
        share = is_max / is_max.sum(axis=axis, keepdims=True)
        return (_restore_reduced(g, axis, keepdims, a.shape) * share,)

    result = out if keepdims else np.squeeze(out, axis=_axes(axis, a.ndim))
    return Tensor._make(result, (a,), backward, "max")


# --------------------------------------------------------------------------------------
# Shape
# --------------------------------------------------------------------------------------
def reshape(a, *shape) -> Tensor:
    """Same values, new shape.   The gradient is reshaped back: ∂L/∂a = reshape(g, a.shape)."""
    a = as_tensor(a)
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    try:
        out = a.data.reshape(shape)
    except ValueError:
        raise ValueError(f"cannot reshape a tensor of shape {a.shape} ({a.size} elements) "
                         f"into shape {shape}") from None
    return Tensor._make(out, (a,), lambda g: (g.reshape(a.shape),), "reshape")


def permute(a, axes: tuple) -> Tensor:
    """Reorder the axes.   The gradient is permuted back by the inverse permutation."""
    a = as_tensor(a)
    inverse = tuple(axes.index(i) for i in range(len(axes)))  # axis i went to axes.index(i)
    return Tensor._make(a.data.transpose(axes), (a,), lambda g: (g.transpose(inverse),),
                        "permute")


def transpose(a, dim0: int, dim1: int) -> Tensor:
    """Swap two axes (``torch.transpose``); its own inverse, so the gradient swaps back."""
    a = as_tensor(a)
    axes = list(range(a.ndim))
    axes[dim0], axes[dim1] = axes[dim1], axes[dim0]
    return permute(a, tuple(axes))


def getitem(a, index) -> Tensor:
    """z = a[index] (ints, slices, integer arrays, boolean masks).

    ∂L/∂a is zero except at the selected positions, which receive g. An integer array may
    select the same element twice, so contributions are *added* with ``np.add.at``.
    """
    a = as_tensor(a)
    index = _plain_index(index)

    def backward(g):
        grad = np.zeros(a.shape, dtype=g.dtype)
        if _is_basic(index):
            grad[index] = g
        else:
            np.add.at(grad, index, g)
        return (grad,)

    return Tensor._make(a.data[index], (a,), backward, "getitem")


def _plain_index(index):
    """Replace Tensors inside an index by their numpy arrays."""
    if isinstance(index, tuple):
        return tuple(_plain_index(i) for i in index)
    return index.data if isinstance(index, Tensor) else index


def _is_basic(index) -> bool:
    """True for indices made only of ints, slices, None and Ellipsis (no repeats possible)."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(isinstance(p, (numbers.Integral, slice)) or p is None or p is Ellipsis
               for p in parts)


# --------------------------------------------------------------------------------------
# Elementwise functions
# --------------------------------------------------------------------------------------
def exp(a) -> Tensor:
    """z = eᵃ.   ∂z/∂a = eᵃ = z."""
    a = as_tensor(a)
    out = np.exp(a.data)
    return Tensor._make(out, (a,), lambda g: (g * out,), "exp")


def log(a) -> Tensor:
    """z = ln a.   ∂z/∂a = 1/a."""
    a = as_tensor(a)
    a_data = a.data
    return Tensor._make(np.log(a_data), (a,), lambda g: (g / a_data,), "log")


def relu(a) -> Tensor:
    """z = max(a, 0).   ∂z/∂a = 1 where a > 0, else 0 (0 at a = 0, as PyTorch)."""
    a = as_tensor(a)
    positive = a.data > 0
    return Tensor._make(a.data * positive, (a,), lambda g: (g * positive,), "relu")


def tanh(a) -> Tensor:
    """z = tanh a.   ∂z/∂a = 1 − z²."""
    a = as_tensor(a)
    out = np.tanh(a.data)
    return Tensor._make(out, (a,), lambda g: (g * (1 - out * out),), "tanh")


def sigmoid(a) -> Tensor:
    """z = σ(a) = 1 / (1 + e⁻ᵃ).   ∂z/∂a = z (1 − z).

    Computed as exp(−log(1 + e⁻ᵃ)) with ``logaddexp`` so a large ``|a|`` neither overflows
    nor loses precision.
    """
    a = as_tensor(a)
    out = np.exp(-np.logaddexp(0, -a.data)).astype(a.dtype, copy=False)
    return Tensor._make(out, (a,), lambda g: (g * out * (1 - out),), "sigmoid")


def softmax(a, axis: int = -1) -> Tensor:
    """sᵢ = e^{aᵢ} / Σⱼ e^{aⱼ} along ``axis``.

    ∂L/∂aᵢ = sᵢ (gᵢ − Σⱼ gⱼ sⱼ). The maximum is subtracted first (softmax does not change
    when a constant is added), so e^{aᵢ} cannot overflow.
    """
    a = as_tensor(a)
    shifted = np.exp(a.data - a.data.max(axis=axis, keepdims=True))
    out = shifted / shifted.sum(axis=axis, keepdims=True)

    def backward(g):
        return (out * (g - (g * out).sum(axis=axis, keepdims=True)),)

    return Tensor._make(out, (a,), backward, "softmax")


def log_softmax(a, axis: int = -1) -> Tensor:
    """zᵢ = aᵢ − log Σⱼ e^{aⱼ} along ``axis`` (the log-sum-exp computed stably).

    ∂L/∂aᵢ = gᵢ − sᵢ Σⱼ gⱼ with s = softmax(a) = e^z. Stable: with m = max a,
    log Σ e^{aⱼ} = m + log Σ e^{aⱼ − m}, and every exponent is ≤ 0.
    """
    a = as_tensor(a)
    shifted = a.data - a.data.max(axis=axis, keepdims=True)
    out = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))

    def backward(g):
        return (g - np.exp(out) * g.sum(axis=axis, keepdims=True),)

    return Tensor._make(out, (a,), backward, "log_softmax")


# --------------------------------------------------------------------------------------
# Losses
# --------------------------------------------------------------------------------------
def cross_entropy(logits, labels) -> Tensor:
    """ℓᵢ = −log softmax(zᵢ)_{yᵢ} = log Σ_c e^{z_ic} − z_{i,yᵢ}: one loss per row of logits.

    ``logits`` z has shape (N, C), ``labels`` y holds N integer classes in 0 … C−1; the
    result has shape (N,) (take ``.mean()`` for the usual loss).

    ∂L/∂z_ic = gᵢ · (softmax(zᵢ)_c − [c = yᵢ]): the predicted probabilities minus the
    one-hot target. It is ``-log_softmax(z, axis=1)[arange(N), y]`` computed as one op, so
    the graph gets one node instead of three and the backward is that formula directly.
    """
    z = as_tensor(logits)
    labels = np.asarray(labels.data if isinstance(labels, Tensor) else labels)
    rows = np.arange(len(labels))
    shifted = z.data - z.data.max(axis=1, keepdims=True)     # log-sum-exp, stably
    log_sum = np.log(np.exp(shifted).sum(axis=1))

    def backward(g):
        grad = np.exp(shifted - log_sum[:, np.newaxis])      # softmax(z)
        grad[rows, labels] -= 1                              # − one-hot(y)
        return (grad * g[:, np.newaxis],)

    return Tensor._make(log_sum - shifted[rows, labels], (z,), backward, "cross_entropy")
