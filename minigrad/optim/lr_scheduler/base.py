"""The scheduler base class and the small checks every scheduler shares."""

import copy
import warnings
import weakref
from functools import wraps

import numpy as np

from minigrad.optim.optimizer import Optimizer


EPOCH_DEPRECATION_WARNING = (
    "The epoch parameter in `scheduler.step()` was not necessary and is being "
    "deprecated where possible. Please use `scheduler.step()` to step the "
    "scheduler. During the deprecation, if epoch is different from None, the "
    "closed form is used instead of the new chainable form, where available. "
    "Please open an issue if you are unable to replicate your use case: "
    "https://github.com/pytorch/pytorch/issues/new/choose."
)   # PyTorch's text, word for word, so code that filters this warning keeps working


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

    As in PyTorch: the scheduler is built for the optimizer's groups *as they are*; a
    group added later with ``optimizer.add_param_group`` makes the schedulers that keep
    one value per group (``base_lrs``, ``lr_lambdas``) raise ValueError at the next
    ``step()``, while the recursive ones (``lr ← lr · γ``) schedule the new group too.
    A learning rate may be a one-element Tensor; it is then updated in place.
    ``step()`` called before the optimizer ever stepped gives PyTorch's warning (the
    first rate of the schedule would be skipped), and the deprecated ``step(epoch)``
    jumps to step ``epoch`` by the closed form, with PyTorch's deprecation warning.
    """

    _not_saved = ("optimizer",)     # attributes state_dict() leaves out
    _needs_metric = False           # True when step() takes the loss
    _is_initial = False             # True during the step the constructor takes

    def __init__(self, optimizer, last_epoch=-1):
        _check_optimizer(optimizer)
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", _copy_value(group["lr"]))
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(f"param 'initial_lr' is not specified in param_groups[{i}] "
                                   "when resuming scheduler with last_epoch >= 0: load the "
                                   "optimizer's state_dict first, or start with "
                                   "last_epoch=-1 and load the scheduler's state_dict")
        self.base_lrs = [_copy_value(group["initial_lr"]) for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        _track_optimizer_steps(optimizer)
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

    def step(self, epoch=None):
        """Advance one step and write the new rates into the optimizer's groups.

        ``epoch`` (deprecated, as in PyTorch) jumps to that step instead, by the
        closed form where there is one.
        """
        _warn_if_stepped_before_optimizer(self)
        self._step_count += 1
        if epoch is None:
            self.last_epoch += 1
            self._set_lrs(self.get_lr())
        else:
            warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=2)
            self._update_lr(epoch)

    def _update_lr(self, epoch):
        """Jump to step ``epoch``, by the closed form when there is one (as PyTorch)."""
        self.last_epoch = epoch
        closed_form = getattr(self, "_get_closed_form_lr", None)
        self._set_lrs(closed_form() if closed_form is not None else self.get_lr())

    def _set_lrs(self, lrs):
        groups = self.optimizer.param_groups
        _check_one_per_group(type(self).__name__, lrs, groups)
        for group, lr in zip(groups, lrs):
            _set_group_value(group, "lr", lr)
        self._last_lr = [_copy_value(group["lr"]) for group in groups]

    def _current_lrs(self):
        return [_copy_value(group["lr"]) for group in self.optimizer.param_groups]

    def _per_group_of(self, values):
        """``zip(values, param_groups)``, refusing a length mismatch (PyTorch's strict
        zip): the optimizer gained or lost a group since the scheduler was built."""
        groups = self.optimizer.param_groups
        _check_one_per_group(type(self).__name__, values, groups)
        return zip(values, groups)

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
        return [_copy_value(v) for v in value]
    return [_copy_value(value) for _ in range(n)]


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


def _check_one_per_group(name, values, groups):
    values = list(values) if not isinstance(values, list) else values
    if len(values) != len(groups):
        raise ValueError(f"{name} has {len(values)} value(s) per step but the optimizer has "
                         f"{len(groups)} param group(s): a group was added (or removed) "
                         "after the scheduler was built. Build the scheduler after the "
                         "last optimizer.add_param_group (PyTorch raises here too)")


def _is_tensor(value):
    return hasattr(value, "array") and hasattr(value, "requires_grad")


def _copy_value(value):
    """A copy of a rate that never aliases it (a Tensor rate is copied, as PyTorch's
    ``clone()``); numbers are returned as they are."""
    if _is_tensor(value):
        return value.detach().clone()
    return value


def _set_group_value(group, key, value):
    """``group[key] = value``, but a Tensor already there is overwritten in place (so
    whoever holds it sees the new rate, as in PyTorch)."""
    if key in group and _is_tensor(group[key]):
        group[key].fill_(value.item() if _is_tensor(value) else value)
    else:
        group[key] = value


# -- the scheduler.step() / optimizer.step() order check (PyTorch's) -----------------
def _track_optimizer_steps(optimizer):
    """Wrap ``optimizer.step`` (on this instance) so it records that it was called."""
    if hasattr(optimizer.step, "_wrapped_by_lr_sched"):
        return
    optimizer_ref = weakref.ref(optimizer)      # no reference cycle through the wrapper
    step = type(optimizer).step

    @wraps(step)
    def wrapper(*args, **kwargs):
        opt = optimizer_ref()
        opt._opt_called = True
        return step(opt, *args, **kwargs)

    wrapper._wrapped_by_lr_sched = True
    optimizer.step = wrapper


def _warn_if_stepped_before_optimizer(scheduler):
    if scheduler._step_count != 1:
        return
    optimizer = scheduler.optimizer
    if not hasattr(optimizer.step, "_wrapped_by_lr_sched"):
        warnings.warn("Seems like `optimizer.step()` has been overridden after learning rate "
                      "scheduler initialization. Please, make sure to call "
                      "`optimizer.step()` before `lr_scheduler.step()`. See more details at "
                      "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate",
                      UserWarning, stacklevel=3)
    elif not getattr(optimizer, "_opt_called", False):
        warnings.warn("Detected call of `lr_scheduler.step()` before `optimizer.step()`. "
                      "In PyTorch 1.1.0 and later, you should call them in the opposite "
                      "order: `optimizer.step()` before `lr_scheduler.step()`.  Failure to "
                      "do this will result in PyTorch skipping the first value of the "
                      "learning rate schedule. See more details at "
                      "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate",
                      UserWarning, stacklevel=3)
