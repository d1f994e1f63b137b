"""Exercises of lesson 03b: stochastic gradients and mini-batches."""

import numpy as np

import minigrad
from minigrad.exercises import exercise
from minigrad.optim import SGD


@exercise(
    "03b", "minibatch-noise-formula", "The mini-batch noise, without replacement",
    question=r"""
    On a least-squares problem with $N = 50$ examples, $\ell_i(\theta) = (x_i^\top\theta
    - y_i)^2$, compute every per-example gradient at a fixed θ, then the mean squared
    error $\mathbb E\lVert g_{\mathcal B} - \nabla J\rVert^2$ of 4000 mini-batches drawn
    without replacement, for $B$ = 1, 5, 25 and 50. Compare with
    $\frac{\sigma^2}{B}\frac{N-B}{N-1}$. Why is it exactly 0 at $B = N$?
    """,
    hint=r"""
    $\nabla\ell_i = 2(x_i^\top\theta - y_i)\,x_i$. ``rng.choice(N, B, replace=False)``
    draws one batch. At $B = N$ every batch is the whole set.
    """,
    answer=r"""
    The measured errors agree with the formula within the Monte-Carlo error (a few per
    cent), falling like $1/B$ at first and faster near $B = N$, where the factor
    $(N-B)/(N-1)$ takes over. At $B = N$ every "mini-batch" is the full data set, so
    its gradient *is* $\nabla J$: no noise at all, which is why full-batch gradient
    descent has no noise floor.
    """)
def minibatch_noise_formula():
    rng = np.random.default_rng(0)
    N = 50
    X, y, theta = rng.standard_normal((N, 3)), rng.standard_normal(N), rng.standard_normal(3)
    per_example = 2 * (X @ theta - y)[:, None] * X               # ∇ℓ_i, one row each
    full = per_example.mean(axis=0)                              # ∇J
    sigma2 = np.mean(np.sum((per_example - full) ** 2, axis=1))
    measured, predicted = {}, {}
    for B in (1, 5, 25, 50):
        errors = [np.sum((per_example[rng.choice(N, B, replace=False)].mean(axis=0)
                          - full) ** 2) for _ in range(4000)]
        measured[B], predicted[B] = np.mean(errors), sigma2 / B * (N - B) / (N - 1)
    for B in (1, 5, 25):
        assert abs(measured[B] / predicted[B] - 1) < 0.06
    assert measured[50] < 1e-25 and predicted[50] == 0
    return measured, predicted


@exercise(
    "03b", "noise-floor", "The noise floor of a constant η",
    question=r"""
    Minimise $f(\theta) = \frac{\lambda}{2}\theta^2$ with ``SGD`` whose gradient carries
    noise of variance $s^2/B$ (the loss $\frac{\lambda}{2}\theta^2 + \xi_t\theta$ with
    $\xi_t \sim N(0, s^2/B)$), for λ = 1, $s = 1$ and (η, B) = (0.1, 1), (0.1, 4),
    (0.4, 4). Measure the stationary mean of $\theta^2$ over steps 500–3000 and compare
    it with $\frac{\eta s^2}{B\,\lambda(2 - \eta\lambda)}$.
    """,
    hint=r"""
    One step is $\theta_{t+1} = (1 - \eta\lambda)\theta_t - \eta\xi_t$. At stationarity
    $\mathbb E\theta^2 = (1-\eta\lambda)^2\,\mathbb E\theta^2 + \eta^2 s^2/B$.
    """,
    answer=r"""
    The floors match the formula within the sampling error (about 10 %): quadrupling B
    lowers the floor fourfold, quadrupling η raises it about fivefold (fourfold times
    $(2 - 0.1)/(2 - 0.4)$). For small η the floor is $\approx \eta s^2/(2\lambda B)$:
    it depends on η and B only through $\eta/B$ — the reason the linear scaling rule
    multiplies them together.
    """)
def noise_floor():
    results = {}
    for eta, B in [(0.1, 1), (0.1, 4), (0.4, 4)]:
        rng = np.random.default_rng(1)
        theta = minigrad.tensor(np.zeros(1), requires_grad=True)
        optimizer = SGD([theta], lr=eta)
        squares = []
        for t in range(3000):
            xi = rng.normal(0.0, 1.0 / np.sqrt(B))
            optimizer.zero_grad()
            (0.5 * theta ** 2 + xi * theta).sum().backward()
            optimizer.step()
            if t >= 500:
                squares.append(theta.detach().numpy()[0] ** 2)
        results[eta, B] = np.mean(squares), eta / (B * (2 - eta))
    for measured, predicted in results.values():
        assert abs(measured / predicted - 1) < 0.15
    return results
