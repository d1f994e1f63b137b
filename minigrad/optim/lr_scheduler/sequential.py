"""Combining schedulers: one after another (SequentialLR) or all at once (ChainedScheduler)."""

import copy
from bisect import bisect_right

from minigrad.optim.lr_scheduler.base import (LRScheduler, _check_optimizer, _copy_value,
                                              _set_group_value)


class _HoldsSchedulers:
    """Saving and restoring a scheduler made of other schedulers (``self._schedulers``)."""

    def state_dict(self):
        """Its own counters plus every inner scheduler's ``state_dict()``."""
        state = {key: copy.deepcopy(value) for key, value in vars(self).items()
                 if key not in ("optimizer", "_schedulers")}
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state_dict):
        state = dict(state_dict)
        inner = state.pop("_schedulers")
        if len(inner) != len(self._schedulers):
            raise ValueError(f"loaded state dict has {len(inner)} schedulers, "
                             f"but this {type(self).__name__} has {len(self._schedulers)}")
        LRScheduler.load_state_dict(self, state)
        for scheduler, saved in zip(self._schedulers, inner):
            scheduler.load_state_dict(saved)


class SequentialLR(_HoldsSchedulers, LRScheduler):
    """Run schedulers one after another, switching at the given milestones.

    Parameters
    ----------
    optimizer : Optimizer
    schedulers : list of LRScheduler
        The schedulers, all built on ``optimizer``; scheduler ``i`` runs from
        ``milestones[i-1]`` to ``milestones[i]``.
    milestones : list of int
        ``len(schedulers) - 1`` switching steps.
    last_epoch : int, optional
        Index of the last step taken; -1 (the default) starts the schedule.

    Notes
    -----
    At a milestone the next scheduler restarts at its own step 0 (from its closed
    form when it has one), so e.g. ``SequentialLR(opt, [LinearLR(opt, 0.1,
    total_iters=5), CosineAnnealingLR(opt, T_max=95)], milestones=[5])`` is a
    five-step warm-up then a cosine from the initial rate. As in PyTorch, the
    constructor undoes the first step the inner schedulers took when they were built.
    Schedulers driven by the loss (:class:`ReduceLROnPlateau`, :class:`LossRatioLR`)
    cannot be used here.
    """

    def __init__(self, optimizer, schedulers, milestones, last_epoch=-1):
        _check_optimizer(optimizer)
        if len(schedulers) < 1:
            raise ValueError("SequentialLR expects at least one scheduler, but got none")
        for i, scheduler in enumerate(schedulers):
            if not isinstance(scheduler, LRScheduler):
                raise TypeError(f"SequentialLR: schedulers[{i}] is a "
                                f"{type(scheduler).__name__}, not a scheduler")
            if scheduler._needs_metric:
                raise ValueError(f"SequentialLR does not support {type(scheduler).__name__} "
                                 f"(schedulers[{i}]): its step() needs the loss")
            if scheduler.optimizer is not optimizer:
                raise ValueError(f"SequentialLR expects all schedulers to belong to the same "
                                 f"optimizer, but schedulers[{i}] "
                                 f"({type(scheduler).__name__}) has another one")
        if len(milestones) != len(schedulers) - 1:
            raise ValueError("SequentialLR expects one milestone fewer than schedulers, but "
                             f"got {len(schedulers)} schedulers and {len(milestones)} "
                             "milestones")
        self._schedulers = list(schedulers)
        self._milestones = list(milestones)
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer

        for group in optimizer.param_groups:       # back to the initial rates ...
            _set_group_value(group, "lr", group["initial_lr"])
        self._undo_initial_steps(self)             # ... and to before step 0
        first = self._schedulers[bisect_right(self._milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    @staticmethod
    def _undo_initial_steps(scheduler):
        """Step every scheduler inside (of a SequentialLR or ChainedScheduler) back by one."""
        if hasattr(scheduler, "_schedulers"):
            for inner in scheduler._schedulers:
                SequentialLR._undo_initial_steps(inner)
        elif hasattr(scheduler, "last_epoch"):
            scheduler.last_epoch -= 1

    def step(self):
        """Step the scheduler whose turn it is (restarting it at a milestone)."""
        self.last_epoch += 1
        i = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[i]
        if i > 0 and self._milestones[i - 1] == self.last_epoch:
            scheduler._update_lr(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()

    def _update_lr(self, epoch):
        raise NotImplementedError("a SequentialLR cannot be restarted inside another one")


class ChainedScheduler(_HoldsSchedulers, LRScheduler):
    r"""Step several schedulers together, each on the rate the previous one left, so
    their factors multiply: e.g. a :class:`ConstantLR` warm-up times an
    :class:`ExponentialLR` decay.

    Parameters
    ----------
    schedulers : list of LRScheduler
        The schedulers, all on the same optimizer; ``step()`` steps them in this order.
    optimizer : Optimizer, optional
        The optimizer they share (default: ``schedulers[0].optimizer``).

    Notes
    -----
    Only schedulers that update the rate recursively (``lr ← lr · factor``) compose
    this way; one computed from ``base_lrs`` alone (:class:`LambdaLR`,
    :class:`CyclicLR`, ...) overwrites what the others did. The loss-driven
    :class:`ReduceLROnPlateau` and :class:`LossRatioLR` cannot be chained (their
    ``step`` needs the loss). ``get_last_lr()`` is the last scheduler's.
    """

    def __init__(self, schedulers, optimizer=None):
        if len(schedulers) < 1:
            raise ValueError("ChainedScheduler expects at least one scheduler to be chained, "
                             "but got no scheduler.")
        optimizer = optimizer or schedulers[0].optimizer
        _check_optimizer(optimizer)
        for i, scheduler in enumerate(schedulers):
            if not hasattr(scheduler, "optimizer"):
                raise TypeError(f"ChainedScheduler at index {i} should have `optimizer` as "
                                "its attribute.")
            if getattr(scheduler, "_needs_metric", False):
                raise ValueError(f"ChainedScheduler does not support "
                                 f"{type(scheduler).__name__} (schedulers[{i}]): its step() "
                                 "needs the loss")
            if scheduler.optimizer is not optimizer:
                raise ValueError(f"ChainedScheduler expects all schedulers to belong to the "
                                 f"same optimizer, but schedulers[{i}] "
                                 f"({type(scheduler).__name__}) has another one")
        self._schedulers = schedulers
        self.optimizer = optimizer
        self._last_lr = [_copy_value(g["lr"]) for g in optimizer.param_groups]

    def step(self):
        """Step every scheduler, in order."""
        for scheduler in self._schedulers:
            scheduler.step()
        self._last_lr = [_copy_value(g["lr"]) for g in self.optimizer.param_groups]
