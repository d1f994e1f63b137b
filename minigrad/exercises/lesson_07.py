"""Exercises of lesson 07: learning-rate schedules."""

import numpy as np

from minigrad.exercises import exercise
from minigrad.optim.lr_scheduler import (CosineAnnealingLR, ExponentialLR, MultiStepLR,
                                         StepLR, lr_schedule)


@exercise(
    "07", "exponential-per-epoch", "γ = 0.99 per epoch or per mini-batch?",
    question=r"""
    A run of 30 epochs of 25 mini-batches starts at $\eta_0 = 0.1$ with
    ``ExponentialLR(gamma=0.99)``. Where does η end if ``scheduler.step()`` is called
    once per epoch, and where if it is called once per mini-batch (as article 004's
    code does)? Which per-batch γ gives the per-epoch schedule at the end of every
    epoch?
    """,
    hint=r"""
    After $t$ calls η is $\eta_0\gamma^t$; count the calls. For the last question,
    25 per-batch factors must make one per-epoch factor.
    """,
    answer=r"""
    Per epoch: 30 calls, $0.1 \cdot 0.99^{30} \approx 0.074$. Per mini-batch: 750
    calls, $0.1 \cdot 0.99^{750} \approx 5.3 \cdot 10^{-5}$ — training has stopped long
    before the end. $\gamma_{\text{batch}} = 0.99^{1/25} \approx 0.9996$ matches the
    per-epoch schedule at every epoch boundary. A γ means nothing until you say what
    $t$ counts.
    """)
def exponential_per_epoch():
    per_epoch = lr_schedule(ExponentialLR, 31, lr=0.1, gamma=0.99)
    per_batch = lr_schedule(ExponentialLR, 751, lr=0.1, gamma=0.99)
    gamma_batch = 0.99 ** (1 / 25)
    matched = lr_schedule(ExponentialLR, 751, lr=0.1, gamma=gamma_batch)
    assert round(per_epoch[-1], 3) == 0.074 and round(per_batch[-1], 6) == 5.3e-5
    assert round(gamma_batch, 4) == 0.9996 and np.allclose(matched[::25], per_epoch)
    return per_epoch[-1], per_batch[-1], gamma_batch


@exercise(
    "07", "steplr-as-multistep", "StepLR as MultiStepLR",
    question=r"""
    Write the rate of ``StepLR(step_size=10, gamma=0.5)`` as a formula in $t$, and give
    the ``MultiStepLR`` milestones that produce the same 50 rates. Check both with
    :func:`minigrad.optim.lr_scheduler.lr_schedule`.
    """,
    hint=r"""
    StepLR multiplies by γ every ``step_size`` steps; MultiStepLR at each milestone.
    """,
    answer=r"""
    $\eta_t = \eta_0\,\gamma^{\lfloor t/10\rfloor}$, and MultiStepLR with
    ``milestones=[10, 20, 30, 40]`` gives the same 50 values. StepLR is the special
    case of evenly spaced milestones.
    """)
def steplr_as_multistep():
    step = lr_schedule(StepLR, 50, lr=0.1, step_size=10, gamma=0.5)
    multi = lr_schedule(MultiStepLR, 50, lr=0.1, milestones=[10, 20, 30, 40], gamma=0.5)
    formula = [0.1 * 0.5 ** (t // 10) for t in range(50)]
    assert np.allclose(step, formula) and np.allclose(multi, formula)
    return step


@exercise(
    "07", "cosine-average", "The average rate of a cosine schedule",
    question=r"""
    ``CosineAnnealingLR(T_max=100, eta_min=0.001)`` from $\eta_0 = 0.1$: what is the
    average η over the 100 steps $t = 0 \dots 99$? What constant η covers the same
    total "distance" $\sum_t \eta_t$?
    """,
    hint=r"""
    $\eta_t = \eta_{\min} + \frac{1}{2}(\eta_0 - \eta_{\min})(1 + \cos(\pi t/T))$; the
    cosine averages to about zero over a half period.
    """,
    answer=r"""
    The average is $(\eta_0 + \eta_{\min})/2 = 0.0505$ (to within half a step's
    worth, 0.0005: the sum runs over $t = 0 \dots 99$ and includes the top but not the
    bottom), so a constant $\eta \approx 0.051$ takes the same total step. The cosine
    spends it differently: large steps early, small ones at the end.
    """)
def cosine_average():
    rates = np.array(lr_schedule(CosineAnnealingLR, 100, lr=0.1, T_max=100, eta_min=0.001))
    assert abs(rates.mean() - 0.0505) < 0.0005 and round(rates.mean(), 3) == 0.051
    return rates.mean()
