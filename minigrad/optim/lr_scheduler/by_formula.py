"""Schedules given by a formula of the step: η(t) = η₀ · factor(t)."""

import math
import types
from bisect import bisect_right
from collections import Counter

from minigrad.optim.lr_scheduler.base import (LRScheduler, _check_optimizer,
                                              _check_positive_int, _plain)


class LambdaLR(LRScheduler):
    r"""The initial rate times a function of the step: :math:`\eta_t = \eta_0 \cdot
    f(t)`.

    Parameters
    ----------
    optimizer : Optimizer
    lr_lambda : callable or list of callables
        :math:`f(t)`, one for all groups or one per group.
    last_epoch : int, optional
        Index of the last step taken; -1 (the default) starts the schedule.

    Notes
    -----
    As in PyTorch, ``state_dict()["lr_lambdas"]`` has one entry per group: None for a
    plain function (code is not saved), or the attributes (``__dict__``) of a callable
    object, which ``load_state_dict`` puts back into the object. Build the scheduler
    with the same functions before loading.
    """

    _not_saved = ("optimizer", "lr_lambdas")

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        _check_optimizer(optimizer)
        self.lr_lambdas = _lambdas_per_group(optimizer, lr_lambda)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        return [eta_0 * f(self.last_epoch)
                for f, (eta_0, _) in zip(self.lr_lambdas, self._per_group_of(self.base_lrs))]

    def state_dict(self):
        return _state_with_lambdas(self)

    def load_state_dict(self, state_dict):
        _load_state_with_lambdas(self, state_dict)


class MultiplicativeLR(LRScheduler):
    r"""Multiply the current rate by a function of the step:
    :math:`\eta_t = \eta_{t-1} \cdot f(t)` for :math:`t \ge 1`, so
    :math:`\eta_t = \eta_0 \prod_{s=1}^{t} f(s)`.

    Parameters
    ----------
    optimizer : Optimizer
    lr_lambda : callable or list of callables
        :math:`f(t)`, one for all groups or one per group. A constant ``lambda t:
        0.95`` is :class:`ExponentialLR` with :math:`\gamma = 0.95`.
    last_epoch : int, optional
        Index of the last step taken; -1 (the default) starts the schedule.

    Notes
    -----
    ``state_dict()`` saves the functions as :class:`LambdaLR` does.
    """

    _not_saved = ("optimizer", "lr_lambdas")

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        _check_optimizer(optimizer)
        self.lr_lambdas = _lambdas_per_group(optimizer, lr_lambda)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self._is_initial:
            return self._current_lrs()
        return [group["lr"] * f(self.last_epoch)
                for f, group in self._per_group_of(self.lr_lambdas)]

    def state_dict(self):
        return _state_with_lambdas(self)

    def load_state_dict(self, state_dict):
        _load_state_with_lambdas(self, state_dict)


def _number(key):
    """A milestone back from a JSON key: ``"30"`` → 30, ``"2.5"`` → 2.5."""
    if isinstance(key, str):
        value = float(key)
        return int(value) if value.is_integer() and "." not in key else value
    return key


def _lambdas_per_group(optimizer, lr_lambda):
    n = len(optimizer.param_groups)
    if isinstance(lr_lambda, (list, tuple)):
        if len(lr_lambda) != n:
            raise ValueError(f"Expected {n} lr_lambdas, but got {len(lr_lambda)}")
        lambdas = list(lr_lambda)
    else:
        lambdas = [lr_lambda] * n
    for f in lambdas:
        if not callable(f):
            raise TypeError(f"lr_lambda should be a function, but got {type(f).__name__}")
    return lambdas


def _state_with_lambdas(scheduler):
    """PyTorch's layout: None for a function, its attributes for a callable object."""
    state = LRScheduler.state_dict(scheduler)
    state["lr_lambdas"] = [None if isinstance(f, types.FunctionType) else dict(vars(f))
                           for f in scheduler.lr_lambdas]
    return state


def _load_state_with_lambdas(scheduler, state_dict):
    state = dict(state_dict)
    saved = state.pop("lr_lambdas", None) or []
    LRScheduler.load_state_dict(scheduler, state)
    for f, attributes in zip(scheduler.lr_lambdas, saved):
        if attributes is not None:
            f.__dict__.update(_plain(attributes))


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
        Index of the last step taken; -1 (the default) starts the schedule.

    Notes
    -----
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
        The steps at which to decay (a milestone listed twice decays twice). As in
        PyTorch, a milestone that is not a whole number (``2.5``) is never reached by
        ``step()``; only the closed form (``step(epoch)``, :class:`SequentialLR`)
        counts it once ``t`` has passed it.
    gamma : float, optional
        The factor (default: 0.1).
    last_epoch : int, optional
        Index of the last step taken; -1 (the default) starts the schedule.
    """

    def __init__(self, optimizer, milestones, gamma=0.1, last_epoch=-1):
        self.milestones = Counter(milestones)       # milestone -> how many times listed
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        hits = self.milestones.get(self.last_epoch, 0)
        if hits == 0:
            return self._current_lrs()
        return [lr * self.gamma ** hits for lr in self._current_lrs()]

    def load_state_dict(self, state_dict):
        super().load_state_dict(state_dict)
        # a JSON round trip (checkpoint) turns the milestone keys into strings
        self.milestones = Counter({_number(m): n for m, n in self.milestones.items()})

    def _get_closed_form_lr(self):
        passed = bisect_right(sorted(self.milestones.elements()), self.last_epoch)
        return [eta_0 * self.gamma ** passed for eta_0 in self.base_lrs]


class ExponentialLR(LRScheduler):
    r"""Exponential decay (article 004 §3.2.2): :math:`\eta_t = \eta_0 \, \gamma^t`.

    Parameters
    ----------
    optimizer : Optimizer
    gamma : float
        :math:`\gamma`, the factor per step.
    last_epoch : int, optional
        Index of the last step taken; -1 (the default) starts the schedule.

    Notes
    -----
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
        Index of the last step taken; -1 (the default) starts the schedule.

    Notes
    -----
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
        Index of the last step taken; -1 (the default) starts the schedule.

    Notes
    -----
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
        Index of the last step taken; -1 (the default) starts the schedule.

    Notes
    -----
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


class ConstantLR(LRScheduler):
    r"""Run at a fraction of the rate for the first ``total_iters`` steps, then at the
    full rate (a constant warm-up):

    .. math::
        \eta_t = \begin{cases} f\,\eta_0 & t < T \\ \eta_0 & t \ge T. \end{cases}

    Parameters
    ----------
    optimizer : Optimizer
    factor : float, optional
        :math:`f \in [0, 1]` (default: 1/3).
    total_iters : int, optional
        :math:`T`, the number of steps at the reduced rate (default: 5).
    last_epoch : int, optional
        Index of the last step taken; -1 (the default) starts the schedule.

    Notes
    -----
    Recursive, as PyTorch: step 0 multiplies the rate by :math:`f`, step :math:`T`
    divides it by :math:`f` (so ``factor=0`` fails there, as in PyTorch).
    """

    def __init__(self, optimizer, factor=1.0 / 3, total_iters=5, last_epoch=-1):
        if factor > 1.0 or factor < 0:
            raise ValueError("Constant multiplicative factor expected to be between 0 and 1.")
        self.factor = factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch == 0:
            return [lr * self.factor for lr in self._current_lrs()]
        if self.last_epoch != self.total_iters:
            return self._current_lrs()
        return [lr * (1.0 / self.factor) for lr in self._current_lrs()]

    def _get_closed_form_lr(self):
        reached = self.last_epoch >= self.total_iters
        return [eta_0 * (self.factor + reached * (1 - self.factor)) for eta_0 in self.base_lrs]


class PolynomialLR(LRScheduler):
    r"""Polynomial decay to zero over ``total_iters`` steps:

    .. math::
        \eta_t = \eta_0 \left(1 - \frac{\min(t, T)}{T}\right)^{p}.

    Parameters
    ----------
    optimizer : Optimizer
    total_iters : int, optional
        :math:`T`, the step at which the rate reaches 0 (default: 5).
    power : float, optional
        :math:`p` (default: 1.0, a linear decay).
    last_epoch : int, optional
        Index of the last step taken; -1 (the default) starts the schedule.

    Notes
    -----
    Recursive, as PyTorch: each step multiplies the rate by
    :math:`\left(\frac{1 - t/T}{1 - (t-1)/T}\right)^p`; after :math:`T` it stays 0.
    """

    def __init__(self, optimizer, total_iters=5, power=1.0, last_epoch=-1):
        self.total_iters = total_iters
        self.power = power
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        t, T = self.last_epoch, self.total_iters
        if self._is_initial or t > T:
            return self._current_lrs()
        decay = ((1.0 - t / T) / (1.0 - (t - 1) / T)) ** self.power
        return [lr * decay for lr in self._current_lrs()]

    def _get_closed_form_lr(self):
        t, T = self.last_epoch, self.total_iters
        return [eta_0 * (1.0 - min(T, t) / T) ** self.power for eta_0 in self.base_lrs]
