"""Layers with parameters, and containers that chain layers: Linear, Sequential, MLP."""

import math
import numbers

import numpy as np

from minigrad.nn import functional as F
from minigrad.nn import init
from minigrad.nn.activations import ReLU, Sigmoid, Tanh
from minigrad.nn.module import Module, Parameter
from minigrad.tensor import DEFAULT_DTYPE


def _check_size(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer; got {value!r}")
    return int(value)


class Linear(Module):
    r"""A fully connected layer: :math:`y = x W^\top + b`.

    Parameters
    ----------
    in_features : int
        Size of each input sample.
    out_features : int
        Size of each output sample.
    bias : bool
        Whether to add the learned bias :math:`b` (default True).

    Attributes
    ----------
    weight : Parameter, shape (out_features, in_features)
        :math:`W`, in PyTorch's layout (row ``j`` holds the weights of output ``j``), so a
        PyTorch state dict loads unchanged.
    bias : Parameter of shape (out_features,), or None

    Notes
    -----
    Initialisation is PyTorch's: ``kaiming_uniform_(weight, a=√5)``, which is
    :math:`W_{jk} \sim U(-1/\sqrt{in}, 1/\sqrt{in})`, and the same range for
    :math:`b`. The numbers come from minigrad's generator (:func:`minigrad.manual_seed`),
    so they are reproducible but not the same draws as PyTorch's.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True):
        super().__init__()
        self.in_features = _check_size("in_features", in_features)
        self.out_features = _check_size("out_features", out_features)
        self.weight = Parameter(np.empty((out_features, in_features), dtype=DEFAULT_DTYPE))
        self.bias = Parameter(np.empty(out_features, dtype=DEFAULT_DTYPE)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw fresh initial values (PyTorch's scheme, see the class notes)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features)
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x):
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Sequential(Module):
    """Apply modules one after another: ``Sequential(a, b, c)(x) == c(b(a(x)))``.

    The modules are named ``0``, ``1``, … as in PyTorch, so parameter names read
    ``0.weight``, ``2.bias``; index it (``model[0]``), iterate over it, ``len(model)``.
    """

    def __init__(self, *modules: Module):
        super().__init__()
        for i, module in enumerate(modules):
            if not isinstance(module, Module):
                raise TypeError(f"Sequential takes Modules; argument {i} is a "
                                f"{type(module).__name__} (wrap functions in a Module)")
            setattr(self, str(i), module)

    def _layers(self) -> list:
        """The modules in order: the attributes ``"0"``, ``"1"``, … set in ``__init__``."""
        return [value for value in vars(self).values() if isinstance(value, Module)]

    def forward(self, x):
        for layer in self._layers():
            x = layer(x)
        return x

    def __getitem__(self, index):
        return self._layers()[index]

    def __len__(self) -> int:
        return len(self._layers())

    def __iter__(self):
        return iter(self._layers())


ACTIVATIONS = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid}
"""The activations :class:`MLP` accepts by name."""


class MLP(Sequential):
    """A multi-layer perceptron: Linear layers with an activation between them.

    ``MLP([64, 32, 10])`` is ``Sequential(Linear(64, 32), ReLU(), Linear(32, 10))``: the
    last layer has no activation, so it outputs raw scores (logits) for
    :class:`~minigrad.nn.CrossEntropyLoss` or values for
    :class:`~minigrad.nn.MSELoss`. Parameter names are PyTorch's for that Sequential
    (``0.weight``, ``0.bias``, ``2.weight``, …).

    Parameters
    ----------
    sizes : sequence of int
        Input size, hidden sizes, output size (at least two numbers).
    activation : {"relu", "tanh", "sigmoid"} or Module class
        The nonlinearity after each hidden layer; a class is called with no arguments
        once per hidden layer.
    bias : bool
        Whether the Linear layers have biases.
    """

    def __init__(self, sizes, activation="relu", bias: bool = True):
        sizes = [_check_size("every MLP size", n) for n in sizes]
        if len(sizes) < 2:
            raise ValueError(f"MLP needs at least an input and an output size; got {sizes}")
        make_activation = _activation_class(activation)
        layers = []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            layers += [Linear(n_in, n_out, bias=bias), make_activation()]
        super().__init__(*layers[:-1])  # no activation after the output layer
        self.sizes = sizes


def _activation_class(activation):
    if isinstance(activation, str):
        if activation.lower() not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}; choose one of "
                             f"{sorted(ACTIVATIONS)} or pass a Module class")
        return ACTIVATIONS[activation.lower()]
    if isinstance(activation, type) and issubclass(activation, Module):
        return activation
    raise TypeError(f"activation must be a name {sorted(ACTIVATIONS)} or a Module class "
                    f"such as minigrad.nn.Tanh; got {activation!r}")
