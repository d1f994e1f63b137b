"""Loss functions as modules: settings in the constructor, ``loss_fn(input, target)``.

The computation is in :mod:`minigrad.nn.functional` (:func:`~minigrad.nn.functional.mse_loss`,
:func:`~minigrad.nn.functional.cross_entropy`), where the formulas are.
"""

from minigrad.nn import functional as F
from minigrad.nn.module import Module


class _Loss(Module):
    """A loss with a ``reduction``: ``"mean"`` (default), ``"sum"`` or ``"none"``."""

    def __init__(self, reduction: str = "mean"):
        super().__init__()
        self.reduction = F.check_reduction(reduction)

    def extra_repr(self) -> str:
        return "" if self.reduction == "mean" else f"reduction={self.reduction!r}"


class MSELoss(_Loss):
    r"""Mean squared error :math:`\frac1n \sum_i (\hat y_i - y_i)^2` (see
    :func:`~minigrad.nn.functional.mse_loss`). Input and target must have the same shape.
    """

    def forward(self, input, target):
        return F.mse_loss(input, target, self.reduction)


class CrossEntropyLoss(_Loss):
    r"""Cross-entropy of logits (N, C) and integer classes (N,):
    :math:`\ell_i = -z_{i,y_i} + \log \sum_c e^{z_{i,c}}` (see
    :func:`~minigrad.nn.functional.cross_entropy`). It applies log-softmax itself, so the
    model outputs raw scores, as with PyTorch's ``CrossEntropyLoss``.
    """

    def forward(self, input, target):
        return F.cross_entropy(input, target, self.reduction)
