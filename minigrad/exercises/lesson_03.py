"""Exercises of lesson 03: how large can η be?"""

import warnings

import numpy as np

import minigrad
from minigrad.curvature import top_eigenvalue
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
    :func:`minigrad.curvature.top_eigenvalue` multiplies a vector by the Hessian again
    and again. On the house-price loss (two parameters), how many products does it need
    to get $\lambda_{\max}$ to a relative error of $10^{-6}$? Predict the error's
    factor per iteration from the two eigenvalues, then run it with ``iters=k``,
    ``tol=0`` for k = 1 … 6.
    """,
    hint=r"""
    After $k$ products the vector's component along the second eigenvector has shrunk
    like $(\lambda_2/\lambda_1)^k$; the Rayleigh quotient's error is quadratic in that
    component.
    """,
    answer=r"""
    $\lambda_2/\lambda_1 = 0.134/2.479 = 0.054$, so the error should shrink by
    $0.054^2 \approx 0.003$ per product — and it does (errors of $3 \cdot 10^{-2}$,
    $9 \cdot 10^{-5}$ and $3 \cdot 10^{-7}$ after 2, 3 and 4 products), until the
    finite-difference Hessian-vector products' own error, about $10^{-9}$, is reached.
    Four products reach $10^{-6}$. A Hessian whose top two eigenvalues are close
    converges far more slowly: that is what ``iters`` is for.
    """)
def power_iteration_speed():
    X, y = make_house_prices()
    Xb = minigrad.tensor(np.hstack([np.ones((len(X), 1)), X]))
    theta = minigrad.tensor(np.zeros((2, 1)), requires_grad=True)
    exact = np.linalg.eigvalsh(2 * Xb.numpy().T @ Xb.numpy() / len(X))
    errors = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # "did not converge": we know
        for k in range(1, 7):
            lam = top_eigenvalue(lambda: ((Xb @ theta - y) ** 2).mean(), [theta],
                                 iters=k, tol=0)
            errors.append(abs(lam - exact[1]) / exact[1])
    factors = np.array(errors[2:4]) / np.array(errors[1:3])   # before the noise floor
    predicted = (exact[0] / exact[1]) ** 2
    assert round(exact[0] / exact[1], 3) == 0.054
    assert np.all(np.abs(factors / predicted - 1) < 0.15)
    assert errors[2] > 1e-6 > errors[3]                     # 4 products reach 1e-6
    assert [f"{e:.0e}" for e in errors[1:4]] == ["3e-02", "9e-05", "3e-07"]
    return errors
