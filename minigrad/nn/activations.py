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


class Softmax(Module):
    """:math:`s_i = e^{x_i} / \\sum_j e^{x_j}` along ``dim``, as ``torch.nn.Softmax(dim)``.

    Only for outputs you want as probabilities: :class:`CrossEntropyLoss` takes the raw
    scores (logits) and applies ``log_softmax`` itself, so a model that ends in
    ``Softmax`` and is trained with it applies softmax twice (article 002's Keras bug).
    """

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        # dim=None: PyTorch's legacy guess (with its warning), as nn.Softmax() does there.
        return ops.softmax(x, self.dim, _legacy_default=True)
