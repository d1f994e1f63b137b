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

Left out from PyTorch: the deprecated ``step(epoch)`` argument, ``verbose``,
``MultiplicativeLR``, ``ConstantLR``, ``PolynomialLR``, ``ChainedScheduler`` and
``CosineAnnealingWarmRestarts``.
"""

import copy
import math
from bisect import bisect_right

import numpy as np

from minigrad.optim.optimizer import Optimizer

__all__ = [
    "LRScheduler", "LambdaLR", "StepLR", "MultiStepLR", "ExponentialLR", "InverseTimeLR",
    "CosineAnnealingLR", "LinearLR", "OneCycleLR", "CyclicLR", "SequentialLR",
    "ReduceLROnPlateau", "LossRatioLR", "lr_schedule",
]


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


# --------------------------------------------------------------------- by formula
class LambdaLR(LRScheduler):
    r"""The initial rate times a function of the step: :math:`\eta_t = \eta_0 \cdot
    f(t)`.

    Parameters
    ----------
    optimizer : Optimizer
    lr_lambda : callable or list of callables
        :math:`f(t)`, one for all groups or one per group.
    last_epoch : int, optional

    ``state_dict()`` leaves the functions out (PyTorch saves only the attributes of
    callable objects); build the scheduler with the same functions before loading.
    """

    _not_saved = ("optimizer", "lr_lambdas")

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        _check_optimizer(optimizer)
        n = len(optimizer.param_groups)
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != n:
                raise ValueError(f"Expected {n} lr_lambdas, but got {len(lr_lambda)}")
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * n
        for f in self.lr_lambdas:
            if not callable(f):
                raise TypeError(f"lr_lambda must be callable, but got {type(f).__name__}")
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        return [eta_0 * f(self.last_epoch) for f, eta_0 in zip(self.lr_lambdas, self.base_lrs)]


class StepLR(LRScheduler):
    r"""Step decay (article 003 §3): multiply the rate by :math:`\gamma` every
    ``step_size`` steps,

    .. math:: \eta_t = \eta_0 \, \gamma^{\lfloor t / s \rfloor}.

    Parameters
    ----------
    optimizer : Optimizer
    step_size : int
        :math:`s`, the period of the decay.
    gamma : float, optional
        :math:`\gamma`, the factor (default: 0.1).
    last_epoch : int, optional

    Computed recursively, as PyTorch does: at every non-zero multiple of :math:`s`,
    ``lr ← lr · γ``.
    """

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        _check_positive_int("step_size", step_size)
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]

    def _get_closed_form_lr(self):
        return [eta_0 * self.gamma ** (self.last_epoch // self.step_size)
                for eta_0 in self.base_lrs]


class MultiStepLR(LRScheduler):
    r"""Multiply the rate by :math:`\gamma` at each milestone:
    :math:`\eta_t = \eta_0 \, \gamma^{\#\{m_i \le t\}}`.

    Parameters
    ----------
    optimizer : Optimizer
    milestones : iterable of int
        The steps at which to decay (a milestone listed twice decays twice).
    gamma : float, optional
        The factor (default: 0.1).
    last_epoch : int, optional
    """

    def __init__(self, optimizer, milestones, gamma=0.1, last_epoch=-1):
        self.milestones = sorted(int(m) for m in milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        hits = self.milestones.count(self.last_epoch)
        if hits == 0:
            return self._current_lrs()
        return [lr * self.gamma ** hits for lr in self._current_lrs()]

    def _get_closed_form_lr(self):
        passed = bisect_right(self.milestones, self.last_epoch)
        return [eta_0 * self.gamma ** passed for eta_0 in self.base_lrs]


class ExponentialLR(LRScheduler):
    r"""Exponential decay (article 004 §3.2.2): :math:`\eta_t = \eta_0 \, \gamma^t`.

    Parameters
    ----------
    optimizer : Optimizer
    gamma : float
        :math:`\gamma`, the factor per step.
    last_epoch : int, optional

    Article 004 calls this a decay "linear in time" (时间线性衰减); it is geometric.
    Its code, ``learning_rate = learning_rate * gamma`` after every update, is this
    recursive form, and so is PyTorch's.
    """

    def __init__(self, optimizer, gamma, last_epoch=-1):
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self._is_initial:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]

    def _get_closed_form_lr(self):
        return [eta_0 * self.gamma ** self.last_epoch for eta_0 in self.base_lrs]


class InverseTimeLR(LRScheduler):
    r"""Time decay (article 003 §3): :math:`\eta_t = \eta_0 / (1 + k t)`.

    Parameters
    ----------
    optimizer : Optimizer
    k : float
        :math:`k \ge 0`, the decay coefficient. After :math:`1/k` steps the rate has
        halved, after :math:`9/k` it is a tenth; it falls like :math:`1/t`, slower
        than any exponential.
    last_epoch : int, optional

    Not in PyTorch (Keras calls it ``InverseTimeDecay``); computed from the closed
    form.
    """

    def __init__(self, optimizer, k, last_epoch=-1):
        if not k >= 0:
            raise ValueError(f"Invalid k: {k} (must be >= 0)")
        self.k = k
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        return self._get_closed_form_lr()

    def _get_closed_form_lr(self):
        return [eta_0 / (1 + self.k * self.last_epoch) for eta_0 in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    r"""Cosine annealing from :math:`\eta_0` down to :math:`\eta_{min}` over
    :math:`T_{max}` steps (Loshchilov and Hutter, SGDR, without restarts):

    .. math::
        \eta_t = \eta_{min} + \tfrac12 (\eta_0 - \eta_{min})
                 \left(1 + \cos\frac{t \pi}{T_{max}}\right).

    Parameters
    ----------
    optimizer : Optimizer
    T_max : int
        Number of steps from the top to the bottom of the cosine.
    eta_min : float, optional
        :math:`\eta_{min}` (default: 0).
    last_epoch : int, optional

    As PyTorch, the rate is updated recursively,
    :math:`\eta_t = \eta_{min} + (\eta_{t-1} - \eta_{min})
    \frac{1 + \cos(t\pi/T_{max})}{1 + \cos((t-1)\pi/T_{max})}`, and keeps following
    the cosine back up after :math:`T_{max}` (the ratio is 0/0 at
    :math:`t = T_{max} + 1`, so that step adds the increment directly).
    """

    def __init__(self, optimizer, T_max, eta_min=0.0, last_epoch=-1):
        _check_positive_int("T_max", T_max)
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        t, T, eta_min = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return self._current_lrs()
        if self._step_count == 1 and t > 0:
            return self._get_closed_form_lr()
        if (t - 1 - T) % (2 * T) == 0:            # bottom of the cosine
            return [lr + (eta_0 - eta_min) * (1 - math.cos(math.pi / T)) / 2
                    for eta_0, lr in zip(self.base_lrs, self._current_lrs())]
        return [(1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T))
                * (lr - eta_min) + eta_min for lr in self._current_lrs()]

    def _get_closed_form_lr(self):
        return [self.eta_min + (eta_0 - self.eta_min)
                * (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
                for eta_0 in self.base_lrs]


class LinearLR(LRScheduler):
    r"""Change the rate linearly by a factor going from ``start_factor`` to
    ``end_factor`` over ``total_iters`` steps (a linear warm-up, or decay):

    .. math::
        \eta_t = \eta_0 \left(f_s + (f_e - f_s) \frac{\min(t, T)}{T}\right).

    Parameters
    ----------
    optimizer : Optimizer
    start_factor : float, optional
        :math:`f_s \in (0, 1]` (default: 1/3).
    end_factor : float, optional
        :math:`f_e \in [0, 1]` (default: 1).
    total_iters : int, optional
        :math:`T` (default: 5).
    last_epoch : int, optional

    As PyTorch, each step multiplies the current rate by the ratio of consecutive
    factors, :math:`1 + \frac{f_e - f_s}{T f_s + (t-1)(f_e - f_s)}`.
    """

    def __init__(self, optimizer, start_factor=1.0 / 3, end_factor=1.0, total_iters=5,
                 last_epoch=-1):
        if start_factor > 1.0 or start_factor <= 0:
            raise ValueError(f"Invalid start_factor: {start_factor} (must be in (0, 1])")
        if end_factor > 1.0 or end_factor < 0:
            raise ValueError(f"Invalid end_factor: {end_factor} (must be in [0, 1])")
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        t, f_s, f_e, T = self.last_epoch, self.start_factor, self.end_factor, self.total_iters
        if t == 0:
            return [lr * f_s for lr in self._current_lrs()]
        if self._is_initial or t > T:
            return self._current_lrs()
        return [lr * (1.0 + (f_e - f_s) / (T * f_s + (t - 1) * (f_e - f_s)))
                for lr in self._current_lrs()]

    def _get_closed_form_lr(self):
        t, f_s, f_e, T = self.last_epoch, self.start_factor, self.end_factor, self.total_iters
        return [eta_0 * (f_s + (f_e - f_s) * min(T, t) / T) for eta_0 in self.base_lrs]


# ---------------------------------------------------------------- cyclic schedules
class OneCycleLR(LRScheduler):
    r"""The 1cycle policy (Smith and Topin, 2018): warm up to ``max_lr``, then anneal
    far below the start, while momentum moves the opposite way.

    With :math:`\eta_{max}` = ``max_lr``, the schedule starts at
    :math:`\eta_0 = \eta_{max} / \text{div\_factor}` and ends at
    :math:`\eta_0 / \text{final\_div\_factor}`. Over ``total_steps`` steps:

    * two phases (default, as fastai): :math:`\eta_0 \to \eta_{max}` during the first
      ``pct_start`` of the steps, then :math:`\eta_{max} \to \eta_{min}`;
    * ``three_phase=True`` (the paper): :math:`\eta_0 \to \eta_{max} \to \eta_0` in two
      equal phases, then :math:`\eta_0 \to \eta_{min}`.

    Each phase runs from step ``start`` to step ``end`` with
    :math:`p = (t - \text{start}) / (\text{end} - \text{start})` and

    .. math::
        \text{cos}: \; \eta = \eta_{end} + \tfrac12(\eta_{start} - \eta_{end})
        (1 + \cos \pi p), \qquad
        \text{linear}: \; \eta = \eta_{start} + (\eta_{end} - \eta_{start}) \, p.

    Parameters
    ----------
    optimizer : Optimizer
    max_lr : float or list of float
        Peak rate, for all groups or per group.
    total_steps : int, optional
        Number of steps; or give ``epochs`` and ``steps_per_epoch``.
    epochs, steps_per_epoch : int, optional
        ``total_steps = epochs * steps_per_epoch`` when ``total_steps`` is None.
    pct_start : float, optional
        Fraction of the steps spent warming up (default: 0.3).
    anneal_strategy : {'cos', 'linear'}, optional
        Shape of every phase (default: 'cos').
    cycle_momentum : bool, optional
        Cycle ``momentum`` (SGD, RMSprop) or :math:`\beta_1` (Adam) between
        ``max_momentum`` and ``base_momentum`` (default: True).
    base_momentum, max_momentum : float or list of float, optional
        Momentum at the peak rate and at the ends (defaults: 0.85, 0.95).
    div_factor : float, optional
        :math:`\eta_0 = \eta_{max} / \text{div\_factor}` (default: 25).
    final_div_factor : float, optional
        :math:`\eta_{min} = \eta_0 / \text{final\_div\_factor}` (default: 1e4).
    three_phase : bool, optional
        Use the paper's three phases (default: False).
    last_epoch : int, optional

    The schedule is computed from the step, not recursively. The constructor writes
    ``initial_lr``, ``max_lr``, ``min_lr`` (and ``max_momentum``,
    ``base_momentum``) into each group, as PyTorch does. Stepping past
    ``total_steps`` raises ValueError (PyTorch allows exactly one step too many, so
    does this).
    """

    def __init__(self, optimizer, max_lr, total_steps=None, epochs=None,
                 steps_per_epoch=None, pct_start=0.3, anneal_strategy="cos",
                 cycle_momentum=True, base_momentum=0.85, max_momentum=0.95,
                 div_factor=25.0, final_div_factor=1e4, three_phase=False, last_epoch=-1):
        _check_optimizer(optimizer)
        if total_steps is not None:
            if not isinstance(total_steps, int) or total_steps <= 0:
                raise ValueError(f"Expected positive integer total_steps, but got {total_steps}")
            self.total_steps = total_steps
        elif epochs is not None and steps_per_epoch is not None:
            _check_positive_int("epochs", epochs)
            _check_positive_int("steps_per_epoch", steps_per_epoch)
            self.total_steps = epochs * steps_per_epoch
        else:
            raise ValueError("You must define either total_steps OR (epochs AND steps_per_epoch)")
        if not isinstance(pct_start, float) or not 0 <= pct_start <= 1:
            raise ValueError(f"Expected float between 0 and 1 pct_start, but got {pct_start}")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError("anneal_strategy must be one of 'cos' or 'linear', "
                             f"instead got {anneal_strategy!r}")
        self.anneal_strategy = anneal_strategy

        n = self.total_steps
        if three_phase:
            self._schedule_phases = [
                _phase(float(pct_start * n) - 1, "initial_lr", "max_lr",
                       "max_momentum", "base_momentum"),
                _phase(float(2 * pct_start * n) - 2, "max_lr", "initial_lr",
                       "base_momentum", "max_momentum"),
                _phase(n - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"),
            ]
        else:
            self._schedule_phases = [
                _phase(float(pct_start * n) - 1, "initial_lr", "max_lr",
                       "max_momentum", "base_momentum"),
                _phase(n - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"),
            ]

        max_lrs = _per_group("max_lr", optimizer, max_lr)
        if last_epoch == -1:
            for group, top in zip(optimizer.param_groups, max_lrs):
                group["initial_lr"] = top / div_factor
                group["max_lr"] = top
                group["min_lr"] = group["initial_lr"] / final_div_factor

        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.use_beta1 = _uses_beta1(optimizer)
            if last_epoch == -1:
                _start_momentum_cycle(optimizer, self.use_beta1,
                                      _per_group("base_momentum", optimizer, base_momentum),
                                      _per_group("max_momentum", optimizer, max_momentum))
        super().__init__(optimizer, last_epoch)

    def _anneal(self, start, end, pct):
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def get_lr(self):
        t = self.last_epoch
        if t > self.total_steps:
            raise ValueError(f"Tried to step {t} times. "
                             f"The specified number of total steps is {self.total_steps}")
        lrs = []
        for group in self.optimizer.param_groups:
            start = 0.0
            for i, phase in enumerate(self._schedule_phases):
                end = phase["end_step"]
                if t <= end or i == len(self._schedule_phases) - 1:
                    pct = (t - start) / (end - start)
                    lrs.append(self._anneal(group[phase["start_lr"]],
                                            group[phase["end_lr"]], pct))
                    if self.cycle_momentum:
                        _set_momentum(group, self.use_beta1,
                                      self._anneal(group[phase["start_momentum"]],
                                                   group[phase["end_momentum"]], pct))
                    break
                start = end
        return lrs


class CyclicLR(LRScheduler):
    r"""Cyclical learning rates (Smith, 2017): go back and forth between ``base_lr``
    and ``max_lr``, changing the rate after every batch.

    With :math:`S` = ``step_size_up`` + ``step_size_down`` steps per cycle and
    :math:`r` = ``step_size_up`` / :math:`S`:

    .. math::
        c = \lfloor 1 + t / S \rfloor, \quad x = 1 + t/S - c, \quad
        h = \begin{cases} x / r & x \le r \\ (x - 1)/(r - 1) & x > r \end{cases},
        \quad
        \eta_t = \eta_{base} + (\eta_{max} - \eta_{base}) \, h \, s(\cdot),

    where the amplitude scale :math:`s` is 1 (``"triangular"``), :math:`1/2^{c-1}`
    (``"triangular2"``, halved every cycle) or :math:`\gamma^t` (``"exp_range"``), or
    your ``scale_fn`` of the cycle number (``scale_mode="cycle"``) or of :math:`t`
    (``"iterations"``).

    Parameters
    ----------
    optimizer : Optimizer
    base_lr, max_lr : float or list of float
        Lower and upper bounds of the cycle, for all groups or per group.
    step_size_up : int, optional
        Steps in the rising half (default: 2000).
    step_size_down : int, optional
        Steps in the falling half (default: ``step_size_up``).
    mode : {'triangular', 'triangular2', 'exp_range'}, optional
        Built-in amplitude scale (default: 'triangular'); ignored with ``scale_fn``.
    gamma : float, optional
        :math:`\gamma` of ``'exp_range'`` (default: 1.0).
    scale_fn : callable, optional
        Custom amplitude scale, :math:`0 \le s(x) \le 1`.
    scale_mode : {'cycle', 'iterations'}, optional
        What ``scale_fn`` is evaluated on (default: 'cycle').
    cycle_momentum : bool, optional
        Cycle momentum (or :math:`\beta_1`) inversely, between ``max_momentum`` and
        ``base_momentum`` (default: True).
    base_momentum, max_momentum : float or list of float, optional
        (defaults: 0.8, 0.9).
    last_epoch : int, optional

    The constructor sets each group's rate to ``base_lr``. ``state_dict()`` leaves a
    custom ``scale_fn`` out; build the scheduler with it again before loading.
    """

    _not_saved = ("optimizer", "_scale_fn_custom")

    def __init__(self, optimizer, base_lr, max_lr, step_size_up=2000, step_size_down=None,
                 mode="triangular", gamma=1.0, scale_fn=None, scale_mode="cycle",
                 cycle_momentum=True, base_momentum=0.8, max_momentum=0.9, last_epoch=-1):
        _check_optimizer(optimizer)
        base_lrs = _per_group("base_lr", optimizer, base_lr)
        if last_epoch == -1:
            for group, lr in zip(optimizer.param_groups, base_lrs):
                group["lr"] = lr
        self.max_lrs = _per_group("max_lr", optimizer, max_lr)

        step_size_up = float(step_size_up)
        step_size_down = float(step_size_down) if step_size_down is not None else step_size_up
        self.total_size = step_size_up + step_size_down
        self.step_ratio = step_size_up / self.total_size

        if mode not in ("triangular", "triangular2", "exp_range") and scale_fn is None:
            raise ValueError(f"mode {mode!r} is invalid and scale_fn is None")
        self.mode = mode
        self.gamma = gamma
        self._scale_fn_custom = scale_fn
        if scale_fn is None:   # the built-in modes fix what they scale by
            scale_mode = "iterations" if mode == "exp_range" else "cycle"
        if scale_mode not in ("cycle", "iterations"):
            raise ValueError(f"scale_mode must be 'cycle' or 'iterations', got {scale_mode!r}")
        self.scale_mode = scale_mode

        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.use_beta1 = _uses_beta1(optimizer)
            self.base_momentums = _per_group("base_momentum", optimizer, base_momentum)
            self.max_momentums = _per_group("max_momentum", optimizer, max_momentum)
            if last_epoch == -1:
                _start_momentum_cycle(optimizer, self.use_beta1,
                                      self.base_momentums, self.max_momentums)
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def scale_fn(self, x):
        """The amplitude scale :math:`s(x)` (of the cycle number or of the step)."""
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return 1 / (2.0 ** (x - 1))
        return self.gamma ** x

    def get_lr(self):
        t = self.last_epoch
        cycle = math.floor(1 + t / self.total_size)
        x = 1.0 + t / self.total_size - cycle
        if x <= self.step_ratio:
            height = x / self.step_ratio
        else:
            height = (x - 1) / (self.step_ratio - 1)
        scale = self.scale_fn(cycle if self.scale_mode == "cycle" else t)

        lrs = [base + (top - base) * height * scale
               for base, top in zip(self.base_lrs, self.max_lrs)]
        if self.cycle_momentum:
            for group, low, high in zip(self.optimizer.param_groups,
                                        self.base_momentums, self.max_momentums):
                _set_momentum(group, self.use_beta1, high - (high - low) * height * scale)
        return lrs


# ------------------------------------------------------------------- composition
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


# ----------------------------------------------------------------- driven by the loss
class ReduceLROnPlateau(LRScheduler):
    r"""Cut the rate when a metric stops improving (article 003 §3: "if the
    validation performance does not improve, reduce the learning rate").

    Call ``step(metric)`` once per epoch with, say, the validation loss. A value is an
    *improvement* when it beats the best so far by more than the threshold:

    * ``mode="min"``: :math:`a < \text{best}\,(1 - \text{threshold})` (``"rel"``) or
      :math:`a < \text{best} - \text{threshold}` (``"abs"``);
    * ``mode="max"``: :math:`a > \text{best}\,(1 + \text{threshold})` (``"rel"``) or
      :math:`a > \text{best} + \text{threshold}` (``"abs"``).

    After more than ``patience`` epochs in a row without one, every group's rate
    becomes :math:`\max(\eta \cdot \text{factor}, \text{min\_lr})` (unless that changes
    it by less than ``eps``), then ``cooldown`` epochs pass in which bad epochs are
    not counted.

    Parameters
    ----------
    optimizer : Optimizer
    mode : {'min', 'max'}, optional
        Whether the metric should go down (a loss) or up (an accuracy) (default: 'min').
    factor : float, optional
        Multiplier of the rate, < 1 (default: 0.1).
    patience : int, optional
        Bad epochs tolerated before cutting (default: 10).
    threshold : float, optional
        How much better counts as better (default: 1e-4).
    threshold_mode : {'rel', 'abs'}, optional
        (default: 'rel').
    cooldown : int, optional
        Epochs to wait after a cut (default: 0).
    min_lr : float or list of float, optional
        Lower bound for all groups or per group (default: 0).
    eps : float, optional
        Smallest change applied to a rate (default: 1e-8).

    ``last_epoch`` counts the ``step()`` calls (0 after construction).
    """

    _needs_metric = True

    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4,
                 threshold_mode="rel", cooldown=0, min_lr=0, eps=1e-8):
        _check_optimizer(optimizer)
        if factor >= 1.0:
            raise ValueError(f"Invalid factor: {factor} (must be < 1.0)")
        if mode not in ("min", "max"):
            raise ValueError(f"mode {mode!r} is unknown! (must be 'min' or 'max')")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"threshold mode {threshold_mode!r} is unknown! "
                             "(must be 'rel' or 'abs')")
        self.optimizer = optimizer
        self.factor = factor
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != len(optimizer.param_groups):
                raise ValueError(f"expected {len(optimizer.param_groups)} min_lrs, "
                                 f"got {len(min_lr)}")
            self.default_min_lr = None
            self.min_lrs = list(min_lr)
        else:
            self.default_min_lr = min_lr
            self.min_lrs = [min_lr] * len(optimizer.param_groups)
        self.patience = patience
        self.cooldown = cooldown
        self.eps = eps
        self.mode = mode
        self.threshold = threshold
        self.threshold_mode = threshold_mode
        self.mode_worse = math.inf if mode == "min" else -math.inf
        self.last_epoch = 0
        self._last_lr = self._current_lrs()
        self.best = self.mode_worse
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

    def is_better(self, a, best):
        """Whether metric ``a`` improves on ``best`` by more than the threshold."""
        if self.mode == "min" and self.threshold_mode == "rel":
            return a < best * (1.0 - self.threshold)
        if self.mode == "min":
            return a < best - self.threshold
        if self.threshold_mode == "rel":
            return a > best * (self.threshold + 1.0)
        return a > best + self.threshold

    def step(self, metrics):
        """Record this epoch's metric and cut the rate if it has plateaued."""
        current = _as_float(metrics, "ReduceLROnPlateau.step(metrics)")
        self.last_epoch += 1
        if self.is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0                # bad epochs in cooldown do not count
        if self.num_bad_epochs > self.patience:
            self._reduce_lr()
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = self._current_lrs()

    def _reduce_lr(self):
        groups = self.optimizer.param_groups
        if len(self.min_lrs) != len(groups):
            if self.default_min_lr is None:
                raise RuntimeError(f"the optimizer now has {len(groups)} param groups but "
                                   f"ReduceLROnPlateau was given {len(self.min_lrs)} "
                                   "min_lrs; set its min_lrs to one per group")
            self.min_lrs = [self.default_min_lr] * len(groups)
        for group, min_lr in zip(groups, self.min_lrs):
            old_lr = float(group["lr"])
            new_lr = max(old_lr * self.factor, min_lr)
            if old_lr - new_lr > self.eps:
                group["lr"] = new_lr


class LossRatioLR(LRScheduler):
    r"""The loss-change-ratio rule of article 004 §3.2.3: scale the initial rate by how
    fast the loss is still falling.

    With :math:`J_t` the loss after step :math:`t` and
    :math:`\Delta J_t = J_{t-1} - J_t` (how much it fell),

    .. math::
        \eta_t = \eta \cdot \max\!\left(\alpha, \;
                 \gamma \, \frac{\Delta J_t}{\Delta J_{t-1}}\right),

    where :math:`\eta` is each group's initial rate. While the loss keeps falling at a
    steady pace the ratio is about 1 and :math:`\eta_t \approx \gamma\eta`; when
    progress slows the ratio drops and the rate is cut, never below
    :math:`\alpha\eta`. Feed it the loss each step, ``scheduler.step(loss)``; the rate
    stays :math:`\eta` until three losses (two differences) have been seen.

    Parameters
    ----------
    optimizer : Optimizer
    alpha : float
        :math:`\alpha \ge 0`, the floor, as a fraction of :math:`\eta` (the article's
        example: 0.9).
    gamma : float
        :math:`\gamma > 0`, the scale of the ratio (the article's example: 0.99).
    last_epoch : int, optional

    Notes
    -----
    **Edge cases**, following the formula as written:

    * The loss rose this step (:math:`\Delta J_t < 0`) after falling
      (:math:`\Delta J_{t-1} > 0`): the ratio is negative and the rate drops to the
      floor :math:`\alpha\eta`.
    * The loss rose twice (both differences negative): the ratio is positive again,
      and if the rise is *accelerating* (:math:`|\Delta J_t| > |\Delta J_{t-1}|`)
      the rate can exceed :math:`\eta` — the formula speeds up a divergence. Watch the
      loss, or clip the rate yourself.
    * :math:`\Delta J_{t-1} = 0` (the loss did not move last step): the ratio is
      undefined, so the rate keeps its previous value.
    * A non-finite loss raises ValueError.

    **The article's name and code.** The article calls this "红外学习率"
    ("infrared learning rate"), a garbled name; minigrad names it for what it does.
    Its code (§4.3) does not implement the formula: it *compounds*,
    ``learning_rate = learning_rate * max(...)``, so the factors multiply from step to
    step instead of scaling the fixed :math:`\eta`; it compares whole residual
    *vectors* ``y - X @ theta`` rather than loss values (``max(alpha, vector)`` fails
    for more than one sample); and it computes the "previous" residual from the
    *current* :math:`\theta` (``theta.copy()`` is a copy of the same values), so the
    ratio is always 1. Here the rule is applied as written, to scalar losses.
    """

    _needs_metric = True

    def __init__(self, optimizer, alpha, gamma, last_epoch=-1):
        if not alpha >= 0:
            raise ValueError(f"Invalid alpha: {alpha} (must be >= 0)")
        if not gamma > 0:
            raise ValueError(f"Invalid gamma: {gamma} (must be > 0)")
        self.alpha = alpha
        self.gamma = gamma
        self.losses = []            # the last (up to) three losses seen
        super().__init__(optimizer, last_epoch)

    def _initial_step(self):
        self._step_count = 0          # no loss yet: the rates stay as they are
        self.last_epoch += 1
        self._set_lrs(self._current_lrs())

    def factor(self):
        """:math:`\\max(\\alpha, \\gamma \\Delta J_t / \\Delta J_{t-1})`, or None when
        it is not defined yet (fewer than three losses, or :math:`\\Delta J_{t-1} = 0`)."""
        if len(self.losses) < 3:
            return None
        J_before, J_prev, J_now = self.losses
        dJ_prev, dJ = J_before - J_prev, J_prev - J_now
        if dJ_prev == 0:
            return None
        return max(self.alpha, self.gamma * dJ / dJ_prev)

    def step(self, loss):
        """Record the loss of the step just taken and set the next rate."""
        J = _as_float(loss, "LossRatioLR.step(loss)")
        if not math.isfinite(J):
            raise ValueError(f"LossRatioLR.step got a non-finite loss: {J}")
        self._step_count += 1
        self.last_epoch += 1
        self.losses = (self.losses + [J])[-3:]
        f = self.factor()
        if f is None:
            self._set_lrs(self._last_lr)
        else:
            self._set_lrs([eta * f for eta in self.base_lrs])


# ------------------------------------------------------------- η(t) without training
class _Placeholder:
    """A stand-in parameter: a scheduler never looks at the parameters."""

    def __init__(self):
        self.data = np.zeros(1)
        self.grad = None
        self.requires_grad = True


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

    sched = scheduler(SGD([_Placeholder()], lr=lr), **kwargs)
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
        if losses is not None:
            sched.step(losses[t - 1])
        else:
            sched.step()
        values.append(sched.get_last_lr()[0])
    return values


# ---------------------------------------------------------------------- helpers
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


def _phase(end_step, start_lr, end_lr, start_momentum, end_momentum):
    return {"end_step": end_step, "start_lr": start_lr, "end_lr": end_lr,
            "start_momentum": start_momentum, "end_momentum": end_momentum}


def _uses_beta1(optimizer):
    """Whether momentum is cycled through ``betas[0]`` (Adam) or ``momentum`` (SGD)."""
    if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
        raise ValueError("optimizer must support momentum or beta1 with `cycle_momentum` "
                         f"option enabled ({type(optimizer).__name__} has neither; "
                         "pass cycle_momentum=False)")
    return "betas" in optimizer.defaults


def _set_momentum(group, use_beta1, momentum):
    if use_beta1:
        group["betas"] = (momentum, *group["betas"][1:])
    else:
        group["momentum"] = momentum


def _start_momentum_cycle(optimizer, use_beta1, base_momentums, max_momentums):
    for group, low, high in zip(optimizer.param_groups, base_momentums, max_momentums):
        _set_momentum(group, use_beta1, high)
        group["max_momentum"] = high
        group["base_momentum"] = low


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
