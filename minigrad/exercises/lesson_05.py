"""Exercises of lesson 05: AdaGrad and RMSprop."""

import numpy as np

import minigrad
from minigrad.exercises import exercise
from minigrad.optim import Adagrad, RMSprop
from minigrad.toy import BOWL_START, bowl, trace


@exercise(
    "05", "adagrad-initial-accumulator", "AdaGrad with a non-zero accumulator",
    question=r"""
    Run ``Adagrad(lr=0.4, initial_accumulator_value=10)`` on the bowl from $(-5, -2)$.
    Why is the first step smaller than with the default 0, and by how much in each
    coordinate?
    """,
    hint=r"""
    The first step is $\eta\, g/(\sqrt{s_0 + g^2} + \varepsilon)$ per coordinate, with
    $s_0$ the initial accumulator and $g = (0.2\theta_1, 4\theta_2) = (-1, -8)$.
    """,
    answer=r"""
    With $s_0 = 0$ the first step is $\eta\, g/\lvert g\rvert$: exactly 0.4 in both
    coordinates, whatever the gradient. With $s_0 = 10$ it is
    $0.4/\sqrt{11} \approx 0.121$ along $\theta_1$ and $0.4 \cdot 8/\sqrt{74} \approx
    0.372$ along $\theta_2$: the accumulator acts as a prior "gradients have been about
    $\sqrt{10}$ so far", which damps the first steps most where the gradient is small.
    """)
def adagrad_initial_accumulator():
    first = {}
    for s0 in (0.0, 10.0):
        path = trace(bowl, lambda p: Adagrad(p, lr=0.4, initial_accumulator_value=s0),
                     steps=1)
        first[s0] = path[1] - path[0]
    g = np.array([0.2 * BOWL_START[0], 4 * BOWL_START[1]])
    assert np.allclose(first[0.0], 0.4)
    assert np.allclose(first[10.0], -0.4 * g / np.sqrt(10 + g ** 2))
    assert np.round(first[10.0], 3).tolist() == [0.121, 0.372]
    return first


def rmsprop_rates(gradients, alpha):
    """RMSprop(lr=0.01)'s effective rate Δθ_t / g_t for the loss g_t·θ, step by step."""
    theta = minigrad.tensor(np.zeros(1), requires_grad=True)
    optimizer = RMSprop([theta], lr=0.01, alpha=alpha)
    rates, before = [], 0.0
    for g in gradients:
        optimizer.zero_grad()
        (theta * g).sum().backward()
        optimizer.step()
        now = theta.detach().numpy()[0]
        rates.append((before - now) / g)
        before = now
    return np.array(rates)


@exercise(
    "05", "rmsprop-alpha", "RMSprop's α: how fast it settles, how much it wobbles",
    question=r"""
    Give ``RMSprop(lr=0.01)`` the loss $g_t\theta$ and measure its effective rate
    $\Delta\theta_t / g_t$, with ``alpha=0.9`` and ``alpha=0.999``. First with a
    constant $g_t = 1$: after how many steps is the rate within 10 % of its final value
    $\eta/\lvert g\rvert$? Then with a noisy $g_t \sim N(1, 1)$ for 6000 steps: by
    how much does the rate wobble over the last 2000 steps (relative standard
    deviation)?
    """,
    hint=r"""
    $v_t = \alpha v_{t-1} + (1-\alpha) g_t^2$ starts at 0, so with a constant gradient
    $v_t = (1 - \alpha^t) g^2$. A moving average over about $1/(1-\alpha)$ steps of a
    noisy $g^2$ has a relative spread of about $\sqrt{(1-\alpha)/(1+\alpha)}$ times
    that of $g^2$.
    """,
    answer=r"""
    With a constant gradient the rate is $\eta/(\lvert g\rvert\sqrt{1-\alpha^t})$:
    within 10 % after 17 steps for $\alpha = 0.9$ and 1,751 steps for
    $\alpha = 0.999$ — about $1.75/(1-\alpha)$. With the noisy gradient the rate
    wobbles by about 14 % with $\alpha = 0.9$ and about 1.3 % with $\alpha = 0.999$:
    averaging a hundred times more steps makes the average ten times steadier
    ($\sqrt{1-\alpha}$). The wobble needs a long run to measure when $\alpha = 0.999$
    (its rate drifts over ~1000 steps), so the solution checks that RMSprop's rate is
    $\eta/(\sqrt{v_t} + \varepsilon)$ on 3000 steps and runs that recursion in numpy
    for 400,000.
    """,
    helpers=[rmsprop_rates])
def rmsprop_alpha():
    rng = np.random.default_rng(0)
    noisy = 1 + rng.standard_normal(400_000)
    results = {}
    for alpha in (0.9, 0.999):
        steady = rmsprop_rates(np.ones(3000), alpha)
        settled = np.argmax(np.abs(steady / 0.01 - 1) <= 0.1) + 1      # steps, 1-based
        v = np.empty_like(noisy)                   # v_t = α v_{t-1} + (1 − α) g_t²
        previous = 0.0
        for t, g in enumerate(noisy):
            previous = v[t] = alpha * previous + (1 - alpha) * g * g
        rates = 0.01 / (np.sqrt(v) + 1e-8)
        assert np.allclose(rmsprop_rates(noisy[:3000], alpha), rates[:3000], rtol=1e-9)
        late = rates[20_000:]
        results[alpha] = settled, late.std() / late.mean()
    assert results[0.9][0] == 17 and results[0.999][0] == 1751
    assert round(results[0.9][1], 2) == 0.14 and round(results[0.999][1], 3) == 0.013
    return results
