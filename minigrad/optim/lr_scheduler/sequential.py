"""Running schedulers one after another."""

import copy
from bisect import bisect_right

from minigrad.optim.lr_scheduler.base import LRScheduler, _check_optimizer


class SequentialLR(LRScheduler):
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
            group["lr"] = group["initial_lr"]
        self._undo_initial_steps(self)             # ... and to before step 0
        first = self._schedulers[bisect_right(self._milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    @staticmethod
    def _undo_initial_steps(scheduler):
        if isinstance(scheduler, SequentialLR):
            for inner in scheduler._schedulers:
                SequentialLR._undo_initial_steps(inner)
        else:
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
                             f"but this SequentialLR has {len(self._schedulers)}")
        super().load_state_dict(state)
        for scheduler, s in zip(self._schedulers, inner):
            scheduler.load_state_dict(s)
