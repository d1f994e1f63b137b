r"""Convolution and max pooling on images, by im2col: forward and backward side by side.

Both ops see an input of shape (N, C, H, W): N images, C channels, H×W pixels. Each
output pixel looks at one kH×kW *window* of the (padded) input. ``im2col`` lays every
window out as a column, so

* a convolution becomes one matrix product: weights (O, C·kH·kW) @ columns
  (C·kH·kW, H_out·W_out), for each image;
* max pooling becomes a max over each column.

The backward passes go the other way (``col2im``): each window's gradient is added back
onto the pixels it came from — a pixel inside several windows collects a gradient from
each, by the same sum rule as everywhere in the engine.

Output size along one axis (PyTorch's formula, with padding :math:`p`, dilation
:math:`d`, kernel size :math:`k`, stride :math:`s`):

.. math::

    H_{out} = \left\lfloor \frac{H + p_{top} + p_{bottom} - d (k - 1) - 1}{s} \right\rfloor + 1
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from numpy.lib.stride_tricks import as_strided

from minigrad.tensor import Tensor

__all__ = ["conv2d", "max_pool2d"]


# --------------------------------------------------------------------------------------
# Arguments, as PyTorch takes them
# --------------------------------------------------------------------------------------
def pair(value, name: str) -> tuple:
    """``3`` → ``(3, 3)``; a pair stays a pair (PyTorch's ``_pair``)."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value), int(value)
    if isinstance(value, (tuple, list)) and len(value) == 2 and all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in value):
        return int(value[0]), int(value[1])
    raise TypeError(f"{name} must be an int or a pair of ints; got {value!r}")


def padding_amounts(padding, kernel_size: tuple, dilation: tuple, stride: tuple) -> tuple:
    """``((top, bottom), (left, right))`` for ``padding`` = an int, a pair, ``"valid"``
    (no padding) or ``"same"`` (output as large as the input; stride 1 only). As in
    PyTorch, ``"same"`` puts the odd pixel of an odd total on the bottom/right."""
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0), (0, 0)
        if padding != "same":
            raise ValueError(f"Invalid padding string {padding!r}, should be one of "
                             "{'valid', 'same'}")
        if stride != (1, 1):
            raise ValueError("padding='same' is not supported for strided convolutions")
        totals = [d * (k - 1) for d, k in zip(dilation, kernel_size)]
        return tuple((total // 2, total - total // 2) for total in totals)
    ph, pw = pair(padding, "padding")
    if ph < 0 or pw < 0:
        raise RuntimeError(f"negative padding is not supported; got padding={padding!r}")
    return (ph, ph), (pw, pw)


def output_size(size: int, pad: tuple, kernel: int, stride: int, dilation: int) -> int:
    """PyTorch's output length along one axis (the formula in the module docstring)."""
    return (size + pad[0] + pad[1] - dilation * (kernel - 1) - 1) // stride + 1


def windows(padded: np.ndarray, kernel_size: tuple, stride: tuple, dilation: tuple,
            out_hw: tuple) -> np.ndarray:
    """Every window of ``padded`` (N, C, Hp, Wp) as a read-only view of shape
    (N, C, kH, kW, H_out, W_out): ``view[n, c, i, j, y, x]`` is the pixel at row
    ``y·s + i·d`` and column ``x·s + j·d``. No copy is made."""
    sn, sc, sh, sw = padded.strides
    (kh, kw), (st_h, st_w), (dl_h, dl_w) = kernel_size, stride, dilation
    shape = padded.shape[:2] + (kh, kw) + tuple(out_hw)
    strides = (sn, sc, sh * dl_h, sw * dl_w, sh * st_h, sw * st_w)
    return as_strided(padded, shape=shape, strides=strides, writeable=False)


def add_windows_back(cols: np.ndarray, padded_shape: tuple, stride: tuple,
                     dilation: tuple) -> np.ndarray:
    """col2im: the transpose of :func:`windows`. ``cols`` (N, C, kH, kW, H_out, W_out)
    holds one value per window pixel; each is added onto the pixel it came from."""
    out = np.zeros(padded_shape, dtype=cols.dtype)
    _, _, kh, kw, h_out, w_out = cols.shape
    (st_h, st_w), (dl_h, dl_w) = stride, dilation
    for i in range(kh):
        for j in range(kw):
            out[:, :, i * dl_h: i * dl_h + st_h * h_out: st_h,
                j * dl_w: j * dl_w + st_w * w_out: st_w] += cols[:, :, i, j]
    return out


def pad(x: np.ndarray, pads: tuple, value: float = 0.0) -> np.ndarray:
    """``x`` (N, C, H, W) with ``pads = ((top, bottom), (left, right))`` added."""
    if pads == ((0, 0), (0, 0)):
        return x
    return np.pad(x, ((0, 0), (0, 0)) + tuple(pads), constant_values=value)


def unpad(x: np.ndarray, pads: tuple) -> np.ndarray:
    """Cut the padding :func:`pad` added."""
    (top, bottom), (left, right) = pads
    return x[:, :, top: x.shape[2] - bottom, left: x.shape[3] - right]


def _check_image(x: Tensor, op: str) -> None:
    if x.ndim != 4:
        raise ValueError(f"{op}: expected a 4-D input (N, C, H, W); got shape {x.shape}. "
                         "Add the batch axis for a single image: x.reshape(1, *x.shape)")


# --------------------------------------------------------------------------------------
# The ops
# --------------------------------------------------------------------------------------
def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) -> Tensor:
    r"""2-D convolution (cross-correlation, as in every deep-learning library),
    ``torch.nn.functional.conv2d``.

    .. math::

        z_{n,o,y,x} = b_o + \sum_{c,i,j} W_{o,c,i,j}\; x_{n,c,\,y s + i d,\,x s + j d}

    on the padded input. With the windows as columns :math:`X_{col}` (C·kH·kW rows) and
    the weights as a matrix :math:`W_{mat}` (O × C·kH·kW), :math:`z = W_{mat} X_{col}`,
    so the backward pass is that of a matrix product:

    .. math::

        \frac{\partial L}{\partial W_{mat}} = \sum_n g_n X_{col,n}^\top, \qquad
        \frac{\partial L}{\partial X_{col}} = W_{mat}^\top g, \qquad
        \frac{\partial L}{\partial b_o} = \sum_{n,y,x} g_{n,o,y,x},

    and :math:`\partial L/\partial X_{col}` is added back onto the pixels (col2im).

    Parameters
    ----------
    input : Tensor, shape (N, C, H, W)
    weight : Tensor, shape (O, C, kH, kW)
    bias : Tensor of shape (O,), optional
    stride, dilation : int or (int, int)
    padding : int, (int, int), "valid" or "same"
        Zeros added on each side.
    groups : int
        Only 1 (every output channel sees every input channel).
    """
    x, w = _tensor(input), _tensor(weight)
    _check_image(x, "conv2d")
    if groups != 1:
        raise NotImplementedError("conv2d: minigrad supports groups=1 only")
    if w.ndim != 4 or w.shape[1] != x.shape[1]:
        raise RuntimeError(
            f"conv2d: weight of shape {w.shape} does not fit an input with {x.shape[1]} "
            f"channels: expected weight (out_channels, {x.shape[1]}, kH, kW)")
    kernel = w.shape[2:]
    stride, dilation = pair(stride, "stride"), pair(dilation, "dilation")
    pads = padding_amounts(padding, kernel, dilation, stride)
    out_hw = tuple(output_size(n, p, k, s, d) for n, p, k, s, d in
                   zip(x.shape[2:], pads, kernel, stride, dilation))
    if min(out_hw) < 1:
        raise RuntimeError(f"conv2d: the kernel {tuple(kernel)} (dilation {dilation}) is "
                           f"larger than the padded input {x.shape[2:]}")
    parents = (x, w) if bias is None else (x, w, _tensor(bias))
    if bias is not None and parents[2].shape != (w.shape[0],):
        raise RuntimeError(f"conv2d: bias must have shape ({w.shape[0]},), one value per "
                           f"output channel; got {parents[2].shape}")

    padded = pad(x.array, pads)
    cols = windows(padded, kernel, stride, dilation, out_hw)         # N,C,kH,kW,Ho,Wo
    n, k = x.shape[0], w.shape[1] * kernel[0] * kernel[1]
    cols = cols.reshape(n, k, out_hw[0] * out_hw[1])                 # N, K, L (a copy)
    w_mat = w.array.reshape(w.shape[0], k)                           # O, K
    out = np.matmul(w_mat, cols).reshape((n, w.shape[0]) + out_hw)   # N, O, Ho, Wo
    if bias is not None:
        out += parents[2].array.reshape(-1, 1, 1)

    return Tensor._make(out.astype(np.result_type(x.dtype, w.dtype), copy=False), parents,
                        _conv2d_backward, "conv2d", saved=(w,),
                        ctx=(cols, w_mat, n, kernel, out_hw, padded.shape, pads, stride,
                             dilation))


def _conv2d_backward(g, parents, ctx):
    x, w, *bias = parents                                            # bias: [] or [b]
    cols, w_mat, n, kernel, out_hw, padded_shape, pads, stride, dilation = ctx
    g_mat = g.reshape(n, w.shape[0], -1)                             # N, O, L
    grad_x = grad_w = grad_b = None
    if x.requires_grad:
        grad_cols = np.matmul(w_mat.T, g_mat)                        # N, K, L
        grad_cols = grad_cols.reshape((n, x.shape[1]) + tuple(kernel) + out_hw)
        grad_x = unpad(add_windows_back(grad_cols, padded_shape, stride, dilation), pads)
    if w.requires_grad:
        grad_w = np.matmul(g_mat, cols.transpose(0, 2, 1)).sum(axis=0).reshape(w.shape)
    if bias and bias[0].requires_grad:
        grad_b = g.sum(axis=(0, 2, 3))
    return (grad_x, grad_w, grad_b)[:len(parents)]


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False) -> Tensor:
    r"""2-D max pooling, ``torch.nn.functional.max_pool2d``: each output pixel is the
    largest input pixel in its window,

    .. math::

        z_{n,c,y,x} = \max_{i,j}\; x_{n,c,\,y s + i d,\,x s + j d},

    and its gradient goes to that one pixel (the first one, if several tie):
    :math:`\partial z / \partial x = 1` at the maximum, 0 elsewhere.

    ``stride`` defaults to ``kernel_size``; padding (at most half the kernel, as in
    PyTorch) counts as :math:`-\infty`. ``ceil_mode=True`` and ``return_indices=True``
    are not supported (they raise).
    """
    x = _tensor(input)
    _check_image(x, "max_pool2d")
    if ceil_mode:
        raise NotImplementedError("max_pool2d: minigrad supports ceil_mode=False only")
    if return_indices:
        raise NotImplementedError("max_pool2d: minigrad does not support return_indices")
    kernel = pair(kernel_size, "kernel_size")
    stride = kernel if stride is None or stride == [] else pair(stride, "stride")
    dilation = pair(dilation, "dilation")
    pads = padding_amounts(padding, kernel, dilation, stride)
    if any(p[0] > k // 2 for p, k in zip(pads, kernel)):
        raise RuntimeError(f"max_pool2d: pad should be at most half of effective kernel "
                           f"size, but got pad={padding}, kernel_size={kernel_size}")
    out_hw = tuple(output_size(n, p, k, s, d) for n, p, k, s, d in
                   zip(x.shape[2:], pads, kernel, stride, dilation))
    if min(out_hw) < 1:
        raise RuntimeError(f"max_pool2d: output size is too small for an input of shape "
                           f"{x.shape} and kernel_size={kernel_size}")

    fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    padded = pad(x.array, pads, fill)
    view = windows(padded, kernel, stride, dilation, out_hw)         # N,C,kH,kW,Ho,Wo
    n, c = x.shape[:2]
    flat = view.reshape(n, c, kernel[0] * kernel[1], *out_hw)        # one row per window pixel
    best = flat.argmax(axis=2)                                       # N, C, Ho, Wo
    out = np.take_along_axis(flat, best[:, :, None], axis=2)[:, :, 0]

    return Tensor._make(out, (x,), _max_pool2d_backward, "max_pool2d",
                        ctx=(best, n, c, kernel, out_hw, padded.shape, pads, stride, dilation))


def _max_pool2d_backward(g, parents, ctx):
    best, n, c, kernel, out_hw, padded_shape, pads, stride, dilation = ctx
    # the padded-input pixel each output came from, as one flat index
    rows = (np.arange(out_hw[0]).reshape(-1, 1) * stride[0]
            + (best // kernel[1]) * dilation[0])
    cols = (np.arange(out_hw[1]) * stride[1] + (best % kernel[1]) * dilation[1])
    plane = np.arange(n * c).reshape(n, c, 1, 1)
    flat_index = (plane * padded_shape[2] + rows) * padded_shape[3] + cols
    grad = np.bincount(flat_index.ravel(), weights=g.ravel(),
                       minlength=math.prod(padded_shape))
    return (unpad(grad.reshape(padded_shape).astype(g.dtype), pads),)


def _tensor(value) -> Tensor:
    return value if isinstance(value, Tensor) else Tensor(value)
