r"""The layers and losses as plain functions (``torch.nn.functional``'s names).

The classes in :mod:`minigrad.nn` hold parameters and settings and call these; code from
the articles that writes ``F.cross_entropy(logits, y)`` ports by
``import minigrad.nn.functional as F``. Every function is built from engine ops, so its
gradient comes from their backward rules and needs no code of its own.
"""

import numpy as np

from minigrad import ops
from minigrad.ops import as_tensor, relu, sigmoid, tanh
from minigrad.ops_conv import conv2d, max_pool2d
from minigrad.tensor import Tensor

__all__ = ["linear", "conv2d", "max_pool2d", "relu", "tanh", "sigmoid", "softmax",
           "log_softmax", "mse_loss", "cross_entropy"]

REDUCTIONS = ("mean", "sum", "none")


def linear(input, weight, bias=None) -> Tensor:
    r"""The affine map :math:`y = x W^\top + b`, with ``weight`` :math:`W` of shape
    (out_features, in_features) as in PyTorch: the op :func:`minigrad.ops.linear`.

    ``bias`` normally has shape (out_features,). As in PyTorch, any bias that
    broadcasts to the output's shape is accepted (a (1,) bias is added to every output,
    and its gradient is summed to shape (1,)); any other shape is an error.
    """
    if bias is None or getattr(bias, "shape", None) == weight.shape[:1]:  # (out,): usual
        return ops.linear(input, weight, bias)
    bias = as_tensor(bias)
    out = ops.linear(input, weight)
    _check_expandable(bias.shape, out.shape)
    return out + bias


def softmax(input, dim=None, *, axis=None) -> Tensor:  # noqa: A002
    """:func:`minigrad.ops.softmax`; as in PyTorch, an omitted ``dim`` is guessed with a
    warning (0 for 0-, 1- and 3-D inputs, else 1)."""
    return ops.softmax(input, dim, axis=axis, _legacy_default=True)


def log_softmax(input, dim=None, *, axis=None) -> Tensor:  # noqa: A002
    """:func:`minigrad.ops.log_softmax`, with PyTorch's guess for an omitted ``dim``."""
    return ops.log_softmax(input, dim, axis=axis, _legacy_default=True)


def _check_expandable(shape: tuple, target: tuple) -> None:
    """Raise PyTorch's error unless ``shape`` broadcasts to ``target`` (``expand``)."""
    if len(shape) > len(target):
        raise RuntimeError(f"expand({list(shape)}, size={list(target)}): the number of "
                           f"sizes provided ({len(target)}) must be greater or equal to "
                           f"the number of dimensions in the tensor ({len(shape)})")
    offset = len(target) - len(shape)
    for i in reversed(range(len(shape))):          # from the last axis, as PyTorch
        if shape[i] not in (1, target[offset + i]):
            raise RuntimeError(
                f"The expanded size of the tensor ({target[offset + i]}) must match the "
                f"existing size ({shape[i]}) at non-singleton dimension {offset + i}.  "
                f"Target sizes: {list(target)}.  Tensor sizes: {list(shape)} (linear: a "
                f"bias has shape (out_features,) = ({target[-1]},))")


def _reduce(losses: Tensor, reduction: str) -> Tensor:
    """Average (``"mean"``), add up (``"sum"``) or keep (``"none"``) per-sample losses."""
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    return losses


def check_reduction(reduction: str) -> str:
    """Return ``reduction`` if it is ``"mean"``, ``"sum"`` or ``"none"``; else raise."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}; got {reduction!r}")
    return reduction


def mse_loss(input, target, reduction: str = "mean") -> Tensor:
    r"""Mean squared error, :math:`L = \frac1n \sum_i (\hat y_i - y_i)^2`.

    Its gradient is :math:`\partial L / \partial \hat y_i = \frac2n (\hat y_i - y_i)`.

    ``input`` and ``target`` must have the same shape. (PyTorch only warns when they
    broadcast — a (N, 1) prediction against a (N,) target silently becomes an (N, N)
    table of every pair — here it is an error.)
    """
    check_reduction(reduction)
    input, target = as_tensor(input), as_tensor(target)
    if input.shape != target.shape:
        raise ValueError(
            f"mse_loss: input has shape {input.shape} but target has shape {target.shape}; "
            "they must match (broadcasting them would compare every prediction with "
            "every target). Reshape one, e.g. target.reshape(input.shape)")
    diff = input - target
    return _reduce(diff * diff, reduction)


def cross_entropy(input, target, reduction: str = "mean") -> Tensor:
    r"""Cross-entropy between logits and integer class labels.

    For logits :math:`z_i \in \mathbb{R}^C` of sample :math:`i` and its class
    :math:`y_i \in \{0, …, C-1\}`,

    .. math::

        \ell_i = -\log \operatorname{softmax}(z_i)_{y_i}
               = -z_{i,y_i} + \log \sum_{c=1}^{C} e^{z_{i,c}},

    computed by the op :func:`minigrad.ops.cross_entropy` (the same as
    ``-log_softmax(z, axis=1)[arange(N), y]``, in one graph node), whose log-sum-exp
    subtracts :math:`\max_c z_{i,c}` first so no exponential overflows. The gradient
    that flows back is :math:`\partial \ell_i / \partial z_{i,c} =
    \operatorname{softmax}(z_i)_c - [c = y_i]`.

    Parameters
    ----------
    input : Tensor, shape (N, C)
        Unnormalised scores (logits), one row per sample.
    target : array_like or Tensor of int, shape (N,)
        The class of each sample, in ``0 … C-1``.
    reduction : {"mean", "sum", "none"}
        Average or add up the :math:`\ell_i`, or return them all.
    """
    check_reduction(reduction)
    input = as_tensor(input)
    labels = _check_labels(input, target)
    return ops.cross_entropy(input, labels, reduction)       # the op reduces as well


class TargetOutOfRange(IndexError, ValueError):
    """A class index outside ``0 … C-1``. PyTorch raises ``IndexError`` ("Target 4 is
    out of bounds."), so this is one; it is a ``ValueError`` too, as it was before."""


def _check_labels(input: Tensor, target) -> np.ndarray:
    """The targets as an int array of shape (N,) in 0…C-1, or a clear error."""
    if input.ndim != 2:
        raise ValueError(f"cross_entropy: input must have shape (N, C) — one row of C "
                         f"logits per sample; got shape {input.shape}")
    labels = np.asarray(target.array if isinstance(target, Tensor) else target)
    n_samples, n_classes = input.shape
    if labels.dtype.kind not in "iu":
        raise TypeError(f"cross_entropy: target must hold integer class indices; got dtype "
                        f"{labels.dtype} (class probabilities are not supported; convert "
                        "labels with .astype(np.int64))")
    if labels.shape != (n_samples,):
        raise ValueError(f"cross_entropy: target must have shape ({n_samples},), one class "
                         f"per row of the input {input.shape}; got shape {labels.shape}")
    # One pass checks both ends: read as unsigned integers, negative labels are huge.
    if labels.size and labels.view(f"u{labels.itemsize}").max() >= n_classes:
        bad = labels[(labels < 0) | (labels >= n_classes)][0]
        ignored = (" (PyTorch would ignore it: ignore_index=-100 is its default, which "
                   "minigrad does not support; drop those samples)" if bad == -100 else "")
        raise TargetOutOfRange(f"cross_entropy: target {bad} is out of range; with "
                               f"{n_classes} classes a target must be in 0 … "
                               f"{n_classes - 1}{ignored}")
    return labels

