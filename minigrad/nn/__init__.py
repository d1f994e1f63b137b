"""Neural-network building blocks: modules, layers, activations, losses, initialisation.

Names and behaviour follow ``torch.nn``, so a model from the articles ports by swapping
the import::

    from minigrad import nn
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    loss = nn.CrossEntropyLoss()(model(x), y)

- :class:`Module`, :class:`Parameter` — parameters found from attributes; state dicts.
- :class:`Linear`, :class:`Sequential`, :class:`MLP` — layers and containers.
- :class:`Conv2d`, :class:`MaxPool2d` — image layers (N, C, H, W);
  :class:`Flatten`, :class:`Unflatten`, :class:`Identity` — shape-only layers.
- :class:`ReLU`, :class:`Tanh`, :class:`Sigmoid`, :class:`Softmax` — activations.
- :class:`MSELoss`, :class:`CrossEntropyLoss` — losses.
- :mod:`minigrad.nn.init` — initialisation schemes; :mod:`minigrad.nn.functional` —
  the same computations as functions.
"""

from minigrad.nn import functional, init
from minigrad.nn.activations import ReLU, Sigmoid, Softmax, Tanh
from minigrad.nn.conv import Conv2d, MaxPool2d
from minigrad.nn.layers import MLP, Flatten, Identity, Linear, Sequential, Unflatten
from minigrad.nn.losses import CrossEntropyLoss, MSELoss
from minigrad.nn.module import LoadResult, Module, Parameter

__all__ = ["Module", "Parameter", "Linear", "Sequential", "MLP", "Conv2d", "MaxPool2d",
           "Flatten", "Unflatten", "Identity", "ReLU", "Tanh", "Sigmoid", "Softmax",
           "MSELoss", "CrossEntropyLoss", "init", "functional", "LoadResult"]
