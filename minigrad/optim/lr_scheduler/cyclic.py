"""Schedules that go up and down: one-cycle and cyclic learning rates."""

import math

from minigrad.optim.lr_scheduler.base import LRScheduler, _check_optimizer, _check_positive_int, _per_group


class OneCycleLR(LRScheduler):
    r"""The 1cycle policy (Smith and Topin, 2018): warm up to ``max_lr``, then anneal
    far below the start, while momentum moves the opposite way.

    With :math:`\eta_{max}` = ``max_lr``, the schedule starts at
    :math:`\eta_0 = \eta_{max} / \mathrm{div\_factor}` and ends at
    :math:`\eta_0 / \mathrm{final\_div\_factor}`. Over ``total_steps`` steps:

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
        :math:`\eta_0 = \eta_{max} / \mathrm{div\_factor}` (default: 25).
    final_div_factor : float, optional
        :math:`\eta_{min} = \eta_0 / \mathrm{final\_div\_factor}` (default: 1e4).
    three_phase : bool, optional
        Use the paper's three phases (default: False).
    last_epoch : int, optional
        Index of the last step taken; -1 (the default) starts the schedule.

    Notes
    -----
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
        Index of the last step taken; -1 (the default) starts the schedule.

    Notes
    -----
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
