"""Exercises of lesson 03: how large can η be?"""

import numpy as np

import minigrad
from minigrad.curvature import hvp
from minigrad.data import make_house_prices
from minigrad.exercises import exercise


def gd_diverges(Xb, y, eta, steps=500):
    """Plain gradient descent on mean((X_b θ − y)²) from θ = 0: does it blow up?"""
    theta = np.zeros((Xb.shape[1], 1))
    for _ in range(steps):
        theta = theta - eta * 2 * Xb.T @ (Xb @ theta - y) / len(y)
        if not np.all(np.abs(theta) < 1e6):
            return True
    return False


@exercise(
    "03", "scaled-input", "Ten times larger inputs",
    question=r"""
    Scale the house-price input by 10 ($x \to 10x$). Predict the new bound
    $2/\lambda_{\max}$ before measuring it, then check it by running gradient descent
    just below and just above.
    """,
    hint=r"""
    $H = \frac{2}{m}\begin{pmatrix} m & \sum x_i \\ \sum x_i & \sum x_i^2\end{pmatrix}$
    (divided by $m$ inside): scaling $x$ by 10 multiplies the bottom-right entry by 100
    and the off-diagonal ones by 10, but not the top-left one.
    """,
    answer=r"""
    $\lambda_{\max}$ grows from 2.48 to 62.8 — 25 times, not 100, because the
    intercept's entry does not scale — so the bound falls from 0.807 to 0.0318, and
    gradient descent indeed converges at 95 % of it and diverges at 105 %. The ratio
    $\lambda_{\max}/\lambda_{\min}$ grows from 18.5 to 119: the valley is much
    narrower, and at the largest stable η the slow direction now crawls.
    """,
    helpers=[gd_diverges])
def scaled_input():
    X, y = make_house_prices()
    ones = np.ones((len(X), 1))
    results = {}
    for scale in (1, 10):
        Xb = np.hstack([ones, scale * X])
        lam = np.linalg.eigvalsh(2 * Xb.T @ Xb / len(X))
        bound = 2 / lam[1]
        results[scale] = (lam, bound, gd_diverges(Xb, y, 0.95 * bound),
                          gd_diverges(Xb, y, 1.05 * bound))
    (lam1, bound1, *_), (lam10, bound10, below, above) = results[1], results[10]
    assert round(lam10[1], 1) == 62.8 and round(lam10[1] / lam1[1]) == 25
    assert round(bound10, 4) == 0.0318 and not below and above
    assert round(lam1[1] / lam1[0], 1) == 18.5 and round(lam10[1] / lam10[0]) == 119
    return results


@exercise(
    "03", "power-iteration-speed", "How fast does power iteration converge?",
    question=r"""
    The simplest way to find $\lambda_{\max}$ without forming $H$ is power iteration:
    repeat $w = Hv$, $\lambda = v^\top w$, $v \leftarrow w/\lVert w\rVert$, with
    :func:`minigrad.curvature.hvp` computing $Hv$. Write it for the house-price loss
    (two parameters) and measure the relative error of $\lambda$ after 1 … 6 products.
    Predict the factor by which the error shrinks per product from the two eigenvalues.
    """,
    hint=r"""
    After $k$ products the vector's component along the second eigenvector has shrunk
    like $(\lambda_2/\lambda_1)^k$; the Rayleigh quotient's error is quadratic in that
    component.
    """,
    answer=r"""
    $\lambda_2/\lambda_1 = 0.134/2.479 = 0.054$, so the error should shrink by
    $0.054^2 \approx 0.003$ per product — and it does, until it reaches the accuracy of
    the finite-difference products themselves, near $10^{-9}$. Four products reach
    $10^{-6}$ here. When the top two eigenvalues nearly tie, $\lambda_2/\lambda_1$ is
    close to 1 and power iteration crawls; that is why
    :func:`minigrad.curvature.top_eigenvalue` uses the Lanczos method, which keeps
    every vector it has seen instead of only the last.
    """)
def power_iteration_speed():
    X, y = make_house_prices()
    Xb = minigrad.tensor(np.hstack([np.ones((len(X), 1)), X]))
    theta = minigrad.tensor(np.zeros((2, 1)), requires_grad=True)
    exact = np.linalg.eigvalsh(2 * Xb.numpy().T @ Xb.numpy() / len(X))

    def loss():
        return ((Xb @ theta - y) ** 2).mean()

    v = np.random.default_rng(0).standard_normal((2, 1))
    v /= np.linalg.norm(v)
    errors = []
    for k in range(6):
        w = hvp(loss, [theta], [v])[0]                       # H v
        lam = float(np.sum(v * w))                           # Rayleigh quotient vᵀHv
        v = w / np.linalg.norm(w)
        errors.append(abs(lam - exact[1]) / exact[1])
    factors = np.array(errors[2:4]) / np.array(errors[1:3])   # after the first product
    predicted = (exact[0] / exact[1]) ** 2
    assert round(exact[0] / exact[1], 3) == 0.054
    assert np.all(np.abs(factors / predicted - 1) < 0.2), factors / predicted
    assert errors[2] > 1e-6 > errors[3]                     # 4 products reach 1e-6
    return errors
