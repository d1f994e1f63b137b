"""The scheduler base class and the small checks every scheduler shares."""

import copy

import numpy as np

from minigrad.optim.optimizer import Optimizer


class LRScheduler:
    """Base class of the schedulers that set the rate from the step count.

    Parameters
    ----------
    optimizer : Optimizer
        The optimizer whose ``param_groups[i]["lr"]`` this scheduler sets.
    last_epoch : int, optional
        The index of the last step taken; ``-1`` (the default) starts the schedule.
        Resuming with ``last_epoch >= 0`` needs ``"initial_lr"`` in every group (a
        scheduler records it there when it starts); loading a ``state_dict`` is the
        simpler way to resume.

    Attributes
    ----------
    base_lrs : list of float
        Each group's initial rate (``group["initial_lr"]``), :math:`\\eta_0`.
    last_epoch : int
        How many times ``step()`` has been called (0 after construction).

    Notes
    -----
    A subclass writes :meth:`get_lr`: the rates for step ``last_epoch``, usually from
    the current ``group["lr"]`` (the recursive form), and optionally
    ``_get_closed_form_lr``: the same rates from ``base_lrs`` alone, which
    :class:`SequentialLR` uses to restart a scheduler at step 0.
    """

    _not_saved = ("optimizer",)     # attributes state_dict() leaves out
    _needs_metric = False           # True when step() takes the loss
    _is_initial = False             # True during the step the constructor takes

    def __init__(self, optimizer, last_epoch=-1):
        _check_optimizer(optimizer)
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(f"param_groups[{i}] has no 'initial_lr', needed to resume "
                                   f"a scheduler with last_epoch={last_epoch}: load the "
                                   "optimizer's state_dict first, or start with "
                                   "last_epoch=-1 and load the scheduler's state_dict")
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self):
        """Take step 0 (or step ``last_epoch + 1`` when resuming) in the constructor."""
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self):
        """The learning rates for step ``last_epoch`` (one per parameter group)."""
        raise NotImplementedError

    def get_last_lr(self):
        """The learning rates the scheduler last set, one per parameter group."""
        return list(self._last_lr)

    def step(self):
        """Advance one step and write the new rates into the optimizer's groups."""
        self._step_count += 1
        self.last_epoch += 1
        self._set_lrs(self.get_lr())

    def _update_lr(self, epoch):
        """Jump to step ``epoch``, by the closed form when there is one (as PyTorch)."""
        self.last_epoch = epoch
        closed_form = getattr(self, "_get_closed_form_lr", None)
        self._set_lrs(closed_form() if closed_form is not None else self.get_lr())

    def _set_lrs(self, lrs):
        for group, lr in zip(self.optimizer.param_groups, lrs):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _current_lrs(self):
        return [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self):
        """The scheduler's state: plain numbers, lists and dicts (no functions).

        Everything in the scheduler's ``__dict__`` except the optimizer (and, for
        :class:`LambdaLR` and :class:`CyclicLR`, the user's functions), as in PyTorch.
        """
        return {key: copy.deepcopy(value) for key, value in vars(self).items()
                if key not in self._not_saved}

    def load_state_dict(self, state_dict):
        """Restore what :meth:`state_dict` returned (``.npz`` arrays are turned back
        into numbers and lists)."""
        self.__dict__.update({key: _plain(value) for key, value in state_dict.items()})

    def __repr__(self):
        return f"{type(self).__name__}(last_epoch={self.last_epoch}, lr={self._last_lr})"




def _check_optimizer(optimizer):
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")


def _check_positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"Expected positive integer {name}, but got {value!r}")


def _per_group(name, optimizer, value):
    """One value per parameter group, from a scalar or a list of the right length."""
    n = len(optimizer.param_groups)
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(f"{name} must have one value per param group: got "
                             f"{len(value)} values for {n} groups")
        return list(value)
    return [value] * n


def _as_float(value, where):
    """A Python float from a number, a numpy scalar or a one-element Tensor/array."""
    if hasattr(value, "item"):
        value = value.item()
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{where} needs a number (or a one-element tensor), "
                        f"got {type(value).__name__}") from None


def _plain(value):
    """Undo what a ``.npz`` round trip does to a state dict: arrays back to lists and
    0-d arrays back to numbers."""
    if isinstance(value, np.ndarray):
        return value.item() if value.ndim == 0 else [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return copy.deepcopy(value)
