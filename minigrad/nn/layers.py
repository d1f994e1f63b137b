"""Layers with parameters, and containers that chain layers: Linear, Sequential, MLP,
and the shape-only layers Flatten, Unflatten and Identity."""

import math
import numbers

import numpy as np

from minigrad.nn import functional as F
from minigrad.nn import init
from minigrad.nn.activations import ReLU, Sigmoid, Tanh
from minigrad.nn.module import Module, Parameter
from minigrad.tensor import DEFAULT_DTYPE


def parameter_dtype(dtype, device) -> np.dtype:
    """The dtype of a new layer's parameters (float32 unless ``dtype`` says otherwise),
    after checking ``device`` (the CPU only)."""
    from minigrad.creation import _dtype, check_device
    check_device(device)
    return _dtype(dtype, default=DEFAULT_DTYPE)


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

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 device=None, dtype=None):
        super().__init__()
        self.in_features = _check_size("in_features", in_features)
        self.out_features = _check_size("out_features", out_features)
        dtype = parameter_dtype(dtype, device)
        self.weight = Parameter(np.empty((out_features, in_features), dtype=dtype))
        self.bias = Parameter(np.empty(out_features, dtype=dtype)) if bias else None
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
    ``0.weight``, ``2.bias``; ``Sequential(OrderedDict([("conv", …), ("act", …)]))``
    names them instead. As a list: ``model[0]``, ``model[-1]``, ``model[1:3]`` (a
    Sequential of those layers, shared, under their names ``1``, ``2``), ``len(model)``,
    ``for layer in model``, ``model.append(layer)``, ``model[0] = layer``,
    ``del model[0]``.
    """

    def __init__(self, *modules: Module):
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], dict):    # named layers
            for name, module in modules[0].items():
                _check_module(module, repr(name))
                setattr(self, name, module)
            return
        for module in modules:
            self.append(module)

    def _layers(self) -> list:
        """The modules in order: the attributes ``"0"``, ``"1"``, … set in ``__init__``."""
        return [value for value in vars(self).values() if isinstance(value, Module)]

    def forward(self, x):
        for layer in vars(self).values():       # the layers, in the order they were set
            if isinstance(layer, Module):
                x = layer(x)
        return x

    def _name_at(self, index) -> str:
        """The attribute name of the layer at ``index`` (negative counts from the end)."""
        names = [name for name, value in vars(self).items() if isinstance(value, Module)]
        if isinstance(index, bool) or not isinstance(index, numbers.Integral):
            raise TypeError(f"Sequential indices must be integers or slices, not "
                            f"{type(index).__name__}")
        if not -len(names) <= index < len(names):
            raise IndexError(f"index {index} is out of range")
        return names[index]

    def __getitem__(self, index):
        if isinstance(index, slice):               # keeps the names, as PyTorch does
            part = Sequential()
            for name, value in [(n, v) for n, v in vars(self).items()
                                if isinstance(v, Module)][index]:
                setattr(part, name, value)
            return part
        return getattr(self, self._name_at(index))

    def __setitem__(self, index, module: Module) -> None:
        _check_module(module, index)
        setattr(self, self._name_at(index), module)

    def __delitem__(self, index) -> None:
        layers = self._layers()
        keep = set(range(len(layers))) - set(range(len(layers))[index]
                                             if isinstance(index, slice) else
                                             [int(self._name_at(index))])
        for name in [n for n, v in vars(self).items() if isinstance(v, Module)]:
            delattr(self, name)
        for i in sorted(keep):                 # renumber 0, 1, … as PyTorch does
            self.append(layers[i])

    def __len__(self) -> int:
        return len(self._layers())

    def __iter__(self):
        return iter(self._layers())

    def append(self, module: Module) -> "Sequential":
        """Add ``module`` at the end; returns the Sequential."""
        _check_module(module, len(self))
        setattr(self, str(len(self)), module)
        return self

    def extend(self, modules) -> "Sequential":
        """Append every module of ``modules``; returns the Sequential."""
        for module in modules:
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> "Sequential":
        """Put ``module`` before position ``index``; returns the Sequential."""
        layers = self._layers()
        if not -len(layers) <= index <= len(layers):
            raise IndexError(f"Index out of range: {index}")
        layers.insert(index if index >= 0 else len(layers) + index, module)
        for name in [n for n, v in vars(self).items() if isinstance(v, Module)]:
            delattr(self, name)
        for layer in layers:
            self.append(layer)
        return self


def _check_module(module, position) -> None:
    if not isinstance(module, Module):
        raise TypeError(f"Sequential takes Modules; argument {position} is a "
                        f"{type(module).__name__} (wrap functions in a Module)")


class Flatten(Module):
    """Merge the axes ``start_dim`` … ``end_dim`` into one, as ``torch.nn.Flatten``:
    by default every axis but the first (the batch), so (N, C, H, W) → (N, C·H·W)."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x):
        return flatten(x, self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


def flatten(x, start_dim: int = 0, end_dim: int = -1):
    """``x`` with axes ``start_dim`` … ``end_dim`` merged (``torch.flatten``)."""
    shape = tuple(x.shape)
    if not shape:
        return x.reshape(1)
    ndim = len(shape)
    for dim in (start_dim, end_dim):
        if not -ndim <= dim < ndim:
            raise IndexError(f"Dimension out of range (expected to be in range of "
                             f"[{-ndim}, {ndim - 1}], but got {dim})")
    start, end = start_dim % ndim, end_dim % ndim
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after "
                           "end_dim")
    merged = int(np.prod(shape[start:end + 1]))
    return x.reshape(*(shape[:start] + (merged,) + shape[end + 1:]))


class Unflatten(Module):
    """Split axis ``dim`` into ``unflattened_size``, the inverse of :class:`Flatten`."""

    def __init__(self, dim: int, unflattened_size):
        super().__init__()
        self.dim, self.unflattened_size = dim, tuple(unflattened_size)

    def forward(self, x):
        dim = self.dim % x.ndim
        return x.reshape(*(tuple(x.shape[:dim]) + self.unflattened_size
                           + tuple(x.shape[dim + 1:])))

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


class Identity(Module):
    """Return the input unchanged (a placeholder layer); any arguments are ignored."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


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
