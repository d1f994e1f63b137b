"""η(t) as a plain function of the step, without training anything."""


import numpy as np

from minigrad.optim.lr_scheduler.base import LRScheduler
from minigrad.tensor import Tensor




def lr_schedule(scheduler, steps=None, *, lr=0.1, losses=None, **kwargs):
    r"""The learning rates a scheduler gives, as a plain function of the step.

    Builds a throwaway :class:`~minigrad.optim.SGD` with one placeholder parameter and
    initial rate ``lr``, wraps it in the scheduler and steps it; nothing is trained.

    Parameters
    ----------
    scheduler : class or callable
        A scheduler class, called as ``scheduler(optimizer, **kwargs)``, or any
        function ``optimizer -> scheduler`` (e.g. a lambda building a
        :class:`SequentialLR`).
    steps : int, optional
        How many values to return. Defaults to ``len(losses) + 1`` when ``losses`` is
        given.
    lr : float, optional
        The optimizer's initial rate :math:`\eta_0` (default: 0.1). Schedulers that
        set their own rates (:class:`CyclicLR`, :class:`OneCycleLR`) ignore it.
    losses : sequence of float, optional
        For schedulers driven by the loss (:class:`ReduceLROnPlateau`,
        :class:`LossRatioLR`): ``losses[t-1]`` is passed to the ``t``-th
        ``step()``.
    **kwargs
        Passed to the scheduler class.

    Returns
    -------
    list of float
        ``values[t]`` is the rate of step ``t``, i.e. after ``t`` calls to
        ``scheduler.step()`` — ``values[0]`` is the rate right after construction.

    Examples
    --------
    >>> lr_schedule(StepLR, 7, lr=1.0, step_size=3, gamma=0.5)
    [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25]
    >>> lr_schedule(InverseTimeLR, 3, lr=1.0, k=1.0)
    [1.0, 0.5, 0.3333333333333333]
    """
    from minigrad.optim.sgd import SGD      # the optimizer module does not import us

    optimizer = SGD([Tensor(np.zeros(1), requires_grad=True)], lr=lr)
    sched = scheduler(optimizer, **kwargs)
    if not isinstance(sched, LRScheduler):
        raise TypeError(f"lr_schedule needs a scheduler, but building it gave a "
                        f"{type(sched).__name__}")
    if sched._needs_metric and losses is None:
        raise ValueError(f"{type(sched).__name__} is driven by the loss: pass losses=[...]")
    if not sched._needs_metric and losses is not None:
        raise ValueError(f"{type(sched).__name__} does not use losses")
    if steps is None:
        if losses is None:
            raise ValueError("lr_schedule needs steps (or losses)")
        steps = len(losses) + 1
    if losses is not None and len(losses) < steps - 1:
        raise ValueError(f"{steps} values need {steps - 1} losses, got {len(losses)}")

    values = [sched.get_last_lr()[0]]
    for t in range(1, steps):
        optimizer.step()                  # nothing to update; keeps the usual order
        if losses is not None:
            sched.step(losses[t - 1])
        else:
            sched.step()
        values.append(sched.get_last_lr()[0])
    return values
