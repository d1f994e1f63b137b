r"""Initialisation: how to fill a weight matrix before training starts.

The scale of the first weights decides whether signals shrink, grow or keep their size
as they pass through the layers. With ``fan_in`` inputs per unit, a unit's output
:math:`\sum_{j=1}^{fan\_in} w_j x_j` has variance :math:`fan\_in \cdot \mathrm{Var}(w)
\mathrm{Var}(x)`, so keeping the variance fixed asks for
:math:`\mathrm{Var}(w) \propto 1 / fan\_in`:

* Kaiming (He et al., 2015): :math:`\mathrm{Var}(w) = gain^2 / fan\_in`, with
  :math:`gain = \sqrt{2}` for ReLU (which zeroes half the signal);
* Xavier (Glorot and Bengio, 2010): :math:`\mathrm{Var}(w) = gain^2 \cdot 2 /
  (fan\_in + fan\_out)`, a compromise between the forward and the backward pass.

A uniform distribution :math:`U(-b, b)` has variance :math:`b^2/3`, so the uniform
versions use :math:`b = \sqrt{3} \cdot std`.

Every function fills ``tensor`` in place from minigrad's seeded generator
(:func:`minigrad.manual_seed`), keeps its dtype, and returns the tensor — the names and
arguments are ``torch.nn.init``'s.
"""

import math

import numpy as np

from minigrad.random import generator
from minigrad.tensor import no_grad

_LINEAR_GAINS = {"linear": 1.0, "identity": 1.0, "sigmoid": 1.0, "conv1d": 1.0,
                 "conv2d": 1.0, "tanh": 5.0 / 3, "relu": math.sqrt(2.0), "selu": 3.0 / 4}


def calculate_gain(nonlinearity: str, param=None) -> float:
    """The factor that keeps the variance of a signal through ``nonlinearity``.

    ``relu`` → √2, ``tanh`` → 5/3, ``leaky_relu`` with slope ``a`` → √(2 / (1 + a²)),
    ``linear``/``sigmoid`` → 1 (PyTorch's table).
    """
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity not in _LINEAR_GAINS:
        raise ValueError(f"unknown nonlinearity {nonlinearity!r}; choose one of "
                         f"{sorted(_LINEAR_GAINS) + ['leaky_relu']}")
    return _LINEAR_GAINS[nonlinearity]


def fan_in_and_fan_out(tensor) -> tuple:
    """``(fan_in, fan_out)`` of a weight: for a Linear weight (out, in) that is (in, out).

    For more than two dimensions (convolution kernels (out, in, k₁, k₂, …)) both are
    multiplied by the size of the kernel, as in PyTorch.
    """
    if tensor.ndim < 2:
        raise ValueError(f"fan in and fan out need a weight with at least 2 dimensions; "
                         f"got shape {tensor.shape}")
    receptive_field = int(np.prod(tensor.shape[2:]))
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


def _fan(tensor, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out'; got {mode!r}")
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _fill(tensor, values):
    """Write ``values`` into ``tensor`` in place (keeping its dtype); return tensor.

    Done under ``no_grad``, as PyTorch's ``nn.init`` does: initialising a parameter is not
    part of any computation to differentiate."""
    with no_grad():
        tensor.copy_(values)
    return tensor


def uniform_(tensor, a: float = 0.0, b: float = 1.0):
    """Fill with samples of :math:`U(a, b)`."""
    return _fill(tensor, generator().uniform(a, b, size=tensor.shape))


def normal_(tensor, mean: float = 0.0, std: float = 1.0):
    """Fill with samples of :math:`\\mathcal{N}(mean, std^2)`."""
    return _fill(tensor, generator().normal(mean, std, size=tensor.shape))


def constant_(tensor, value: float):
    """Fill with ``value``."""
    return _fill(tensor, value)


def zeros_(tensor):
    """Fill with 0."""
    return constant_(tensor, 0.0)


def ones_(tensor):
    """Fill with 1."""
    return constant_(tensor, 1.0)


def kaiming_uniform_(tensor, a: float = 0.0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu"):
    r"""He initialisation, uniform: :math:`U(-b, b)` with
    :math:`b = gain \cdot \sqrt{3 / fan}`.

    ``nn.Linear`` uses ``a=√5`` (leaky-ReLU gain :math:`\sqrt{2/(1+5)} = 1/\sqrt3`),
    which gives :math:`b = 1/\sqrt{fan\_in}`.
    """
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    return uniform_(tensor, -math.sqrt(3.0) * std, math.sqrt(3.0) * std)


def kaiming_normal_(tensor, a: float = 0.0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu"):
    r"""He initialisation, normal: :math:`\mathcal{N}(0, std^2)`,
    :math:`std = gain / \sqrt{fan}`."""
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    return normal_(tensor, 0.0, std)


def xavier_uniform_(tensor, gain: float = 1.0):
    r"""Glorot initialisation, uniform: :math:`U(-b, b)`,
    :math:`b = gain \cdot \sqrt{6 / (fan\_in + fan\_out)}`."""
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound)


def xavier_normal_(tensor, gain: float = 1.0):
    r"""Glorot initialisation, normal: :math:`std = gain \cdot \sqrt{2 / (fan\_in +
    fan\_out)}`."""
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)))
