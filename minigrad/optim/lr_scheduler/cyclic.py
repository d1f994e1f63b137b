"""Schedules that go up and down: one-cycle, cyclic, and cosine with warm restarts."""

import functools
import math
import types

from minigrad.optim.lr_scheduler.base import (LRScheduler, _check_optimizer,
                                              _check_positive_int, _per_group,
                                              _set_group_value,
                                              _warn_if_stepped_before_optimizer)


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
        self._anneal_func_type = anneal_strategy       # PyTorch's attribute name

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

    @staticmethod
    def _annealing_cos(start, end, pct):
        """From ``start`` at pct = 0 to ``end`` at pct = 1 along half a cosine."""
        return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)

    @staticmethod
    def _annealing_linear(start, end, pct):
        """From ``start`` to ``end`` along a straight line."""
        return (end - start) * pct + start

    def _anneal(self, start, end, pct):
        kind = getattr(self, "_anneal_func_type", None)
        if kind is None:                       # a state dict of PyTorch < 2.2 had the
            return self.anneal_func(start, end, pct)   # function itself, anneal_func
        return self._annealing_cos(start, end, pct) if kind == "cos" else \
            self._annealing_linear(start, end, pct)

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

    _not_saved = ("optimizer", "_scale_fn_ref")

    def __init__(self, optimizer, base_lr, max_lr, step_size_up=2000, step_size_down=None,
                 mode="triangular", gamma=1.0, scale_fn=None, scale_mode="cycle",
                 cycle_momentum=True, base_momentum=0.8, max_momentum=0.9, last_epoch=-1):
        _check_optimizer(optimizer)
        base_lrs = _per_group("base_lr", optimizer, base_lr)
        if last_epoch == -1:
            for group, lr in zip(optimizer.param_groups, base_lrs):
                _set_group_value(group, "lr", lr)       # never aliases base_lrs
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
        if scale_mode not in ("cycle", "iterations"):
            raise ValueError(f"scale_mode must be 'cycle' or 'iterations', got {scale_mode!r}")
        self.scale_mode = scale_mode
        self._init_scale_fn()

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

    def _init_scale_fn(self):
        """The built-in modes fix the scale and what it is a function of (as PyTorch)."""
        if self._scale_fn_custom is not None:
            return
        if self.mode == "triangular":
            self._scale_fn_ref, self.scale_mode = _triangular_scale_fn, "cycle"
        elif self.mode == "triangular2":
            self._scale_fn_ref, self.scale_mode = _triangular2_scale_fn, "cycle"
        else:
            self._scale_fn_ref = functools.partial(_exp_range_scale_fn, self.gamma)
            self.scale_mode = "iterations"

    def scale_fn(self, x):
        """The amplitude scale :math:`s(x)` (of the cycle number or of the step)."""
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        return self._scale_fn_ref(x)

    def state_dict(self):
        """As PyTorch: no function is saved; a callable object's attributes are."""
        state = super().state_dict()
        fn = self._scale_fn_custom
        state["_scale_fn_custom"] = (None if fn is None or isinstance(fn, types.FunctionType)
                                     else dict(vars(fn)))
        return state

    def load_state_dict(self, state_dict):
        state = dict(state_dict)
        saved_fn = state.pop("_scale_fn_custom", None)
        super().load_state_dict(state)
        if saved_fn is not None:
            self._scale_fn_custom.__dict__.update(saved_fn)
        self._init_scale_fn()

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




class CosineAnnealingWarmRestarts(LRScheduler):
    r"""Cosine annealing with warm restarts (Loshchilov and Hutter, SGDR, 2017): anneal
    from :math:`\eta_0` to :math:`\eta_{min}` over :math:`T_i` steps, jump back to
    :math:`\eta_0`, and make the next period :math:`T_{mult}` times longer:

    .. math::
        \eta_t = \eta_{min} + \tfrac12 (\eta_0 - \eta_{min})
                 \left(1 + \cos\frac{T_{cur}\,\pi}{T_i}\right),

    where :math:`T_{cur}` counts the steps since the last restart and :math:`T_i` is
    the current period (:math:`T_0, T_0 T_{mult}, T_0 T_{mult}^2, \dots`).

    Parameters
    ----------
    optimizer : Optimizer
    T_0 : int
        Length of the first period, in steps.
    T_mult : int, optional
        Factor by which each period is longer than the last (default: 1).
    eta_min : float, optional
        :math:`\eta_{min}` (default: 0).
    last_epoch : int, optional
        Index of the last step taken; -1 (the default) starts the schedule.

    Notes
    -----
    Computed from :math:`T_{cur}`, not recursively. ``step(epoch)`` with a fractional
    epoch (``step(epoch + i / iters)`` inside an epoch of ``iters`` batches) is a
    feature here, not deprecated, as in PyTorch: with :math:`T_{mult} > 1` the period
    containing ``epoch`` is :math:`n = \lfloor \log_{T_{mult}}(1 + \text{epoch}
    (T_{mult} - 1)/T_0) \rfloor`.
    """

    def __init__(self, optimizer, T_0, T_mult=1, eta_min=0.0, last_epoch=-1):
        if isinstance(T_0, bool) or not isinstance(T_0, int) or T_0 <= 0:
            raise ValueError(f"Expected positive integer T_0, but got {T_0}")
        if isinstance(T_mult, bool) or not isinstance(T_mult, int) or T_mult < 1:
            raise ValueError(f"Expected integer T_mult >= 1, but got {T_mult}")
        if not isinstance(eta_min, (float, int)):
            raise ValueError(f"Expected float or int eta_min, but got {eta_min} of type "
                             f"{type(eta_min)}")
        self.T_0 = T_0
        self.T_i = T_0
        self.T_mult = T_mult
        self.eta_min = eta_min
        self.T_cur = last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        cosine = (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2
        return [self.eta_min + (eta_0 - self.eta_min) * cosine
                for eta_0, _ in self._per_group_of(self.base_lrs)]

    def step(self, epoch=None):
        """Advance one step, or jump to ``epoch`` (may be fractional)."""
        _warn_if_stepped_before_optimizer(self)
        self._step_count += 1
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur = self.T_cur + 1
            if self.T_cur >= self.T_i:                  # restart
                self.T_cur = self.T_cur % self.T_i
                self.T_i = self.T_i * self.T_mult
        elif epoch < 0:
            raise ValueError(f"Expected non-negative epoch, but got {epoch}")
        elif epoch >= self.T_0:
            if self.T_mult == 1:
                self.T_cur = epoch % self.T_0
            else:
                n = int(math.log(epoch / self.T_0 * (self.T_mult - 1) + 1, self.T_mult))
                self.T_cur = epoch - self.T_0 * (self.T_mult ** n - 1) / (self.T_mult - 1)
                self.T_i = self.T_0 * self.T_mult ** n
        else:
            self.T_i = self.T_0
            self.T_cur = epoch
        self.last_epoch = math.floor(epoch)
        self._set_lrs(self.get_lr())


def _triangular_scale_fn(x):
    return 1.0


def _triangular2_scale_fn(x):
    return 1 / (2.0 ** (x - 1))


def _exp_range_scale_fn(gamma, x):
    return gamma ** x


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
        group["momentum"] = momentum     # assigned, not written in place (as PyTorch)


def _start_momentum_cycle(optimizer, use_beta1, base_momentums, max_momentums):
    for group, low, high in zip(optimizer.param_groups, base_momentums, max_momentums):
        _set_momentum(group, use_beta1, high)
        group["max_momentum"] = high
        group["base_momentum"] = low
