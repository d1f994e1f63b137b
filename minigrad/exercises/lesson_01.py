"""Exercises of lesson 01: gradient descent and the learning rate η."""

import numpy as np

import minigrad
from minigrad.exercises import exercise
from minigrad.optim import SGD
from minigrad.toy import bowl, trace


def bowl_losses(path):
    return np.asarray(bowl(minigrad.tensor(path)).detach().numpy())


@exercise(
    "01", "bowl-best-fixed-eta", "The best fixed η on the bowl",
    question=r"""
    On the bowl each step multiplies $\theta_1$ by $1 - 0.2\eta$ and $\theta_2$ by
    $1 - 4\eta$. Find the η that minimises the slower of the two,
    $\max(\lvert 1 - 0.2\eta\rvert, \lvert 1 - 4\eta\rvert)$, and run 20 and then 100
    steps of ``SGD`` with it from $(-5, -2)$. Does it beat the lesson's $\eta = 0.4$?
    """,
    hint=r"""
    One factor falls with η and the other's absolute value rises past $\eta = 0.25$;
    the maximum is smallest where $1 - 0.2\eta = -(1 - 4\eta)$.
    """,
    answer=r"""
    $\eta^* = 2/(0.2 + 4) \approx 0.476$, where both factors have size
    $3.8/4.2 \approx 0.905$. After 20 steps it is *worse* than $\eta = 0.4$ (loss 0.19
    against 0.089): 0.4 kills $\theta_2$ fast (factor $-0.6$) and only $\theta_1$
    remains, while at $\eta^*$ the steep direction still oscillates with factor
    $-0.905$. After 100 steps $\eta^*$ wins ($2.1 \cdot 10^{-8}$ against
    $1.4 \cdot 10^{-7}$): it is the best *rate*, the best in the long run; which η
    is best after a few steps depends on where you start.
    """,
    helpers=[bowl_losses])
def bowl_best_fixed_eta():
    eta_star = 2 / (0.2 + 4)
    factors = abs(1 - 0.2 * eta_star), abs(1 - 4 * eta_star)
    results = {}
    for eta in (eta_star, 0.4):
        for steps in (20, 100):
            path = trace(bowl, lambda params: SGD(params, lr=eta), steps=steps)
            results[eta, steps] = bowl_losses(path)[-1]
    assert round(eta_star, 3) == 0.476 and np.isclose(*factors)
    assert round(factors[0], 3) == 0.905
    assert round(results[eta_star, 20], 2) == 0.19 and round(results[0.4, 20], 3) == 0.089
    assert round(results[eta_star, 100], 9) == 2.1e-8
    assert round(results[0.4, 100], 8) == 1.4e-7
    return eta_star, results


@exercise(
    "01", "bowl-start-on-axis", "A start on the axis",
    question=r"""
    Start the bowl at $(-5, 0)$ instead of $(-5, -2)$ and run ``SGD`` with
    $\eta = 0.6$, above the bound 0.5. Why does it converge? Then start at
    $(-5, 10^{-12})$ and run 100 steps.
    """,
    hint=r"""
    The gradient is $(0.2\,\theta_1, 4\,\theta_2)$. What is its second component when
    $\theta_2 = 0$, and what does $1 - 4\eta = -1.4$ do to a tiny $\theta_2$?
    """,
    answer=r"""
    With $\theta_2 = 0$ the gradient has no $\theta_2$ component, so $\theta_2$ stays
    exactly 0 and only the shallow direction (factor $1 - 0.2 \cdot 0.6 = 0.88$)
    moves: after 20 steps $f = 0.015$. The bound is about *every* direction a
    perturbation can take: from $\theta_2 = 10^{-12}$ the factor $-1.4$ grows it to
    about 410 in 100 steps ($1.4^{100} \approx 4 \cdot 10^{14}$). In a real model
    rounding alone provides such a perturbation.
    """,
    helpers=[bowl_losses])
def bowl_start_on_axis():
    on_axis = trace(bowl, lambda params: SGD(params, lr=0.6), start=(-5.0, 0.0), steps=20)
    nudged = trace(bowl, lambda params: SGD(params, lr=0.6), start=(-5.0, 1e-12),
                   steps=100)
    assert np.all(on_axis[:, 1] == 0) and round(bowl_losses(on_axis)[-1], 3) == 0.015
    assert 400 < abs(nudged[-1, 1]) < 420
    return bowl_losses(on_axis)[-1], nudged[-1]
