"""Schedules driven by the loss: reduce on plateau, and article 004's loss-ratio rule."""

import math

from minigrad.optim.lr_scheduler.base import (LRScheduler, _as_float, _check_optimizer,
                                              _set_group_value)


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
    becomes :math:`\max(\eta \cdot \text{factor}, \mathrm{min\_lr})` (unless that changes
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

    Notes
    -----
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
                raise RuntimeError(f"The number of param groups in the `optimizer` "
                                   f"({len(groups)}) differs from when `ReduceLROnPlateau` "
                                   f"was initialized ({len(self.min_lrs)}), usually due to a "
                                   "new param group being added to the optimizer. Please "
                                   "modify the `min_lrs` field to match the length of the "
                                   "`optimizer` param groups.")
            self.min_lrs = [self.default_min_lr] * len(groups)
        for group, min_lr in zip(groups, self.min_lrs):
            old_lr = float(group["lr"])
            new_lr = max(old_lr * self.factor, min_lr)
            if old_lr - new_lr > self.eps:
                _set_group_value(group, "lr", new_lr)    # a Tensor rate stays a Tensor


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
        Index of the last step taken; -1 (the default) starts the schedule.
    max_factor : float, optional, keyword only
        A ceiling on the factor, :math:`\eta_t \le` ``max_factor`` :math:`\cdot\,\eta`
        (default: None, the formula as written, with no ceiling). ``1.0`` keeps the
        rate at or below the initial one.

    Notes
    -----
    **Which loss.** :math:`J_t` is the loss *after* update :math:`t`: compute it with
    the new parameters, then call ``step(J_t)``. A loss computed before the update (as
    in the usual ``loss.backward(); optimizer.step()`` loop, and as
    :func:`minigrad.train.fit` passes per step) is one step late, and the rule then
    feeds back on itself: a cut rate slows the next decrease, which cuts it again, and
    a raised one does the opposite (lesson 07 shows the rate climbing past the
    stability limit). On noisy mini-batch losses the ratio is noisy too: a tiny
    decrease followed by a large one gives a large factor, which is how the rule
    diverges there; ``max_factor`` bounds it.

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

    def __init__(self, optimizer, alpha, gamma, last_epoch=-1, *, max_factor=None):
        if not alpha >= 0:
            raise ValueError(f"Invalid alpha: {alpha} (must be >= 0)")
        if not gamma > 0:
            raise ValueError(f"Invalid gamma: {gamma} (must be > 0)")
        if max_factor is not None and not max_factor >= alpha:
            raise ValueError(f"Invalid max_factor: {max_factor} (must be >= alpha={alpha})")
        self.alpha = alpha
        self.gamma = gamma
        self.max_factor = max_factor
        self.losses = []            # the last (up to) three losses seen
        super().__init__(optimizer, last_epoch)

    def _initial_step(self):
        self._step_count = 0          # no loss yet: the rates stay as they are
        self.last_epoch += 1
        self._set_lrs(self._current_lrs())

    def factor(self):
        """:math:`\\max(\\alpha, \\gamma \\Delta J_t / \\Delta J_{t-1})` (at most
        ``max_factor``), or None when it is not defined yet (fewer than three losses, or
        :math:`\\Delta J_{t-1} = 0`)."""
        if len(self.losses) < 3:
            return None
        J_before, J_prev, J_now = self.losses
        dJ_prev, dJ = J_before - J_prev, J_prev - J_now
        if dJ_prev == 0:
            return None
        f = max(self.alpha, self.gamma * dJ / dJ_prev)
        return f if self.max_factor is None else min(f, self.max_factor)

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
