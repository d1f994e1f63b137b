"""Activation functions as modules, so they can sit in a :class:`~minigrad.nn.Sequential`.

Each one applies an elementwise engine op; the formula and its derivative are in the op's
docstring (:func:`minigrad.relu`, :func:`minigrad.tanh`, :func:`minigrad.sigmoid`).
"""

from minigrad import ops
from minigrad.nn.module import Module


class ReLU(Module):
    """:math:`\\mathrm{relu}(x) = \\max(x, 0)`, elementwise."""

    def forward(self, x):
        return ops.relu(x)


class Tanh(Module):
    """:math:`\\tanh(x) = (e^x - e^{-x}) / (e^x + e^{-x})`, elementwise."""

    def forward(self, x):
        return ops.tanh(x)


class Sigmoid(Module):
    """:math:`\\sigma(x) = 1 / (1 + e^{-x})`, elementwise."""

    def forward(self, x):
        return ops.sigmoid(x)
