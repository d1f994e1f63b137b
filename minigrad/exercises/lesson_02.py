"""Exercises of lesson 02: linear regression by hand and by autograd."""

import numpy as np

import minigrad
from minigrad import nn, optim
from minigrad.data import make_house_prices
from minigrad.exercises import exercise


def hessian(columns):
    """H = (2/m) X_bᵀ X_b of J = mean((X_b θ − y)²), for the given design matrix."""
    return 2 * columns.T @ columns / len(columns)


def final_loss(eta, reduction, steps=300):
    """Train nn.Linear(1, 1) on the house prices; the last loss (inf if it blew up)."""
    X, y = make_house_prices()
    inputs, targets = minigrad.tensor(X.astype(np.float32)), minigrad.tensor(
        y.astype(np.float32))
    minigrad.manual_seed(0)
    model = nn.Linear(1, 1)
    criterion = nn.MSELoss(reduction=reduction)
    optimizer = optim.SGD(model.parameters(), lr=eta)
    for _ in range(steps):
        optimizer.zero_grad()
        loss = criterion(model(inputs), targets)
        if not loss.item() < 1e12:
            return float("inf")
        loss.backward()
        optimizer.step()
    return loss.item()


@exercise(
    "02", "mse-sum-bound", "A summed loss and the bound on η",
    question=r"""
    Replace ``nn.MSELoss()`` by ``nn.MSELoss(reduction="sum")``. What happens to the
    largest stable η, $2/\lambda_{\max}$? Predict it, then train just below and just
    above your prediction.
    """,
    hint=r"""
    The sum is $m = 100$ times the mean, so its Hessian is 100 times the mean's.
    """,
    answer=r"""
    Every eigenvalue of the Hessian is multiplied by $m = 100$ ($\lambda_{\max}$ goes
    from 2.479 to 247.9), so the bound falls from 0.807 to 0.00807. At 95 % of it the
    fit converges; at 105 % it diverges. Nothing else changes: gradient descent on the
    sum with η is gradient descent on the mean with $100\eta$ — which is why a
    learning rate only means something together with the loss's reduction.
    """,
    helpers=[hessian, final_loss])
def mse_sum_bound():
    X, _ = make_house_prices()
    Xb = np.hstack([np.ones((len(X), 1)), X])
    lam_mean = np.linalg.eigvalsh(hessian(Xb))[-1]
    lam_sum = np.linalg.eigvalsh(len(X) * hessian(Xb))[-1]
    bound = 2 / lam_sum
    below, above = final_loss(0.95 * bound, "sum"), final_loss(1.05 * bound, "sum")
    assert round(lam_mean, 3) == 2.479 and round(lam_sum, 1) == 247.9
    assert round(bound, 5) == 0.00807 and below < 1.1 and above == float("inf")
    return bound, below, above


@exercise(
    "02", "centred-data", "Centring the input",
    question=r"""
    Centre the input, $x \to x - \bar x$, and compute $\lambda_{\min}$ and
    $\lambda_{\max}$ of the Hessian $\frac{2}{m}X_b^\top X_b$ again. What happens to
    their ratio, and to the bound on η?
    """,
    hint=r"""
    With a centred column the off-diagonal entries $\frac{2}{m}\sum_i (x_i - \bar x)$
    are zero, so the eigenvalues are the diagonal entries.
    """,
    answer=r"""
    The Hessian becomes diagonal: $\lambda = 2$ (the intercept) and
    $2\,\mathrm{var}(x) \approx 0.166$. The ratio $\lambda_{\max}/\lambda_{\min}$ falls
    from 18.5 to 12.0 and the bound rises from 0.807 to exactly 1. Centring removes the
    coupling between $b$ and $w$ — the tilted valley of lesson 02's contour plot — which
    is one reason inputs are normalised before training.
    """,
    helpers=[hessian])
def centred_data():
    X, _ = make_house_prices()
    ones = np.ones((len(X), 1))
    raw = np.linalg.eigvalsh(hessian(np.hstack([ones, X])))
    centred = np.linalg.eigvalsh(hessian(np.hstack([ones, X - X.mean()])))
    assert round(raw[1] / raw[0], 1) == 18.5 and round(centred[1] / centred[0], 1) == 12.0
    assert np.isclose(centred[1], 2) and round(centred[0], 3) == 0.166
    assert np.isclose(2 / centred[1], 1.0)
    return raw, centred
