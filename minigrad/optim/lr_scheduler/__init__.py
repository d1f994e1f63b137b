r"""Learning-rate schedulers: change ``group["lr"]`` as training goes on.

A scheduler wraps an optimizer. Build it after the optimizer, call ``step()`` once per
epoch (or per batch, for :class:`OneCycleLR` and :class:`CyclicLR`) *after*
``optimizer.step()``, and it writes the next learning rate into every parameter group::

    opt = SGD(params, lr=0.1)
    sched = StepLR(opt, step_size=30, gamma=0.1)     # sets lr for epoch 0
    for epoch in range(100):
        train_one_epoch(opt)                         # uses group["lr"]
        sched.step()                                 # lr for the next epoch

``last_epoch`` counts the ``step()`` calls (``0`` right after construction) and
``get_last_lr()`` returns the rates now in the groups. Every scheduler PyTorch also has
takes the same arguments and gives the same learning rates as
``torch.optim.lr_scheduler`` (2.13), step for step: most of them update the current
rate *recursively* (``lr ← lr · factor``), as PyTorch does, so they compose with other
changes to the rate; the closed form each docstring shows is the same number up to
rounding. :class:`InverseTimeLR` (article 003) and :class:`LossRatioLR` (article 004)
are minigrad's own.

To draw :math:`\eta(t)` without training anything, use :func:`lr_schedule`::

    lr_schedule(StepLR, 100, lr=0.1, step_size=30)              # 100 floats
    lr_schedule(lambda opt: SequentialLR(opt, [...], [10]), 100)
    lr_schedule(ReduceLROnPlateau, losses=val_losses, patience=2)

Left out from PyTorch: ``verbose`` and ``swa_utils.SWALR``. The deprecated
``step(epoch)`` works as in PyTorch (closed form, with PyTorch's deprecation warning).
Every class reports ``__module__ == "minigrad.optim.lr_scheduler"``, where it is
public (code that tells a scheduler from a plain function by its module, as d2l's
does, works).
"""

from minigrad.optim.lr_scheduler.base import EPOCH_DEPRECATION_WARNING, LRScheduler
from minigrad.optim.lr_scheduler.by_formula import (ConstantLR, CosineAnnealingLR,
                                                    ExponentialLR, InverseTimeLR, LambdaLR,
                                                    LinearLR, MultiplicativeLR, MultiStepLR,
                                                    PolynomialLR, StepLR)
from minigrad.optim.lr_scheduler.cyclic import CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR
from minigrad.optim.lr_scheduler.evaluate import lr_schedule
from minigrad.optim.lr_scheduler.loss_driven import LossRatioLR, ReduceLROnPlateau
from minigrad.optim.lr_scheduler.sequential import ChainedScheduler, SequentialLR

__all__ = [
    "LRScheduler", "LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "ConstantLR",
    "LinearLR", "ExponentialLR", "PolynomialLR", "InverseTimeLR", "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts", "OneCycleLR", "CyclicLR", "SequentialLR",
    "ChainedScheduler", "ReduceLROnPlateau", "LossRatioLR", "lr_schedule",
    "EPOCH_DEPRECATION_WARNING",
]

for _name in __all__:                  # the public home, as torch.optim.lr_scheduler's
    _object = globals()[_name]
    if isinstance(_object, type) or callable(_object):
        _object.__module__ = __name__
del _name, _object
