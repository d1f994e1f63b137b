"""Optimizers and learning-rate schedulers, written from the formulas.

Each optimizer reads a parameter's ``.grad`` and updates the parameter in place::

    opt = minigrad.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    sched = minigrad.optim.lr_scheduler.StepLR(opt, step_size=30)
    for epoch in range(100):
        opt.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        opt.step()
        sched.step()

Names, arguments, defaults and update rules follow ``torch.optim`` (2.13).
"""

from minigrad.optim import lr_scheduler
from minigrad.optim.adagrad import Adagrad
from minigrad.optim.adam import Adam, AdamW
from minigrad.optim.optimizer import Optimizer
from minigrad.optim.rmsprop import RMSprop
from minigrad.optim.rprop import Rprop
from minigrad.optim.sgd import SGD

__all__ = ["Optimizer", "SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "Rprop", "lr_scheduler"]
