"""Exercises of lesson 04: momentum and Nesterov."""

import numpy as np

import minigrad
from minigrad.exercises import exercise
from minigrad.optim import SGD
from minigrad.toy import bowl, trace


def spectral_radius(eta, lam, mu):
    """Largest |eigenvalue| of heavy-ball momentum on f = λθ²/2, PyTorch's form.

    b_t = μ b_{t−1} + λθ_{t−1},  θ_t = θ_{t−1} − η b_t  is the linear map
    (θ, b) ↦ ((1 − ηλ)θ − ημ b,  λθ + μ b).
    """
    step = np.array([[1 - eta * lam, -eta * mu], [lam, mu]])
    return np.abs(np.linalg.eigvals(step)).max()


@exercise(
    "04", "momentum-largest-eta", "The largest η with momentum",
    question=r"""
    Find the largest η at which ``SGD(momentum=0.9)`` still converges on the bowl and
    compare it with $2(1+\mu)/\lambda_{\max}$. Write one step of heavy-ball momentum on
    $f = \frac{\lambda}{2}\theta^2$ as a 2×2 linear map of $(\theta_t, b_t)$ and find
    where its spectral radius reaches 1; then confirm with runs just below and above.
    """,
    hint=r"""
    PyTorch's form: $b_t = \mu b_{t-1} + \lambda\theta_{t-1}$,
    $\theta_t = \theta_{t-1} - \eta b_t$. Substitute the first into the second to get
    the matrix. Bisect on η.
    """,
    answer=r"""
    The spectral radius reaches 1 at $\eta = 0.95 = 2(1 + 0.9)/4$, almost twice plain
    gradient descent's 0.5. With 500 steps, $\eta = 0.93$ converges (to $10^{-10}$) and
    $\eta = 0.97$ diverges (the $\theta_2$ coordinate passes $10^{50}$).
    """,
    helpers=[spectral_radius])
def momentum_largest_eta():
    low, high = 0.1, 2.0                        # radius < 1 at low, > 1 at high
    for _ in range(50):
        mid = (low + high) / 2
        low, high = (mid, high) if spectral_radius(mid, 4.0, 0.9) < 1 else (low, mid)
    finals = {eta: trace(bowl, lambda p: SGD(p, lr=eta, momentum=0.9), steps=500)[-1]
              for eta in (0.93, 0.97)}
    assert abs(low - 2 * (1 + 0.9) / 4) < 1e-9
    assert np.abs(finals[0.93]).max() < 1e-9 and np.abs(finals[0.97][1]) > 1e50
    return low, finals


@exercise(
    "04", "nesterov-bound", "Nesterov on either side of its bound",
    question=r"""
    Run Nesterov momentum (``SGD(momentum=0.9, nesterov=True)``) on the bowl at
    $\eta = 0.3$ and $\eta = 0.35$ for 200 steps. Which side of its bound
    $2(1+\mu)/((1+2\mu)\lambda_{\max}) \approx 0.339$ is each on?
    """,
    hint=r"""
    Look at $\theta_2$, the steep coordinate ($\lambda = 4$), after 200 steps.
    """,
    answer=r"""
    $\eta = 0.3$ is below the bound: $\theta_2$ has shrunk to about $10^{-36}$.
    $\eta = 0.35$ is above it: $\theta_2$ has grown to about $-9 \cdot 10^{7}$. Both
    are below plain gradient descent's bound 0.5, yet 0.35 diverges: Nesterov in
    PyTorch's form tolerates a *smaller* η than plain gradient descent, and far smaller
    than heavy-ball momentum's 0.95, as the lesson found.
    """)
def nesterov_bound():
    bound = 2 * (1 + 0.9) / ((1 + 2 * 0.9) * 4)
    finals = {eta: trace(bowl, lambda p: SGD(p, lr=eta, momentum=0.9, nesterov=True),
                         steps=200)[-1] for eta in (0.3, 0.35)}
    assert round(bound, 3) == 0.339
    assert abs(finals[0.3][1]) < 1e-30 and -1e8 < finals[0.35][1] < -5e7
    return bound, finals


@exercise(
    "04", "dampening", "Dampening equal to momentum",
    question=r"""
    Set ``dampening=0.9`` with ``momentum=0.9`` and give SGD a constant gradient $g$
    (the loss $g\theta$). What does $b_t/g$ tend to? How far does θ move per step?
    """,
    hint=r"""
    With dampening τ, PyTorch's buffer is $b_t = \mu b_{t-1} + (1-\tau) g_t$ — except
    on the first step, where it is set to $g_1$ itself.
    """,
    answer=r"""
    $b_1 = g$, and then $b_t = 0.9\,g + 0.1\,g = g$ at every step: $b_t/g = 1$ exactly,
    and θ moves by $\eta g$ per step, as with no momentum at all. Without dampening
    the buffer grows towards $g/(1-\mu) = 10g$ instead. In general the steady state
    is $b = \frac{1-\tau}{1-\mu}\,g$.
    """)
def dampening():
    g, eta = 2.5, 0.01
    moves = {}
    for tau in (0.9, 0.0):
        theta = minigrad.tensor(np.zeros(1), requires_grad=True)
        optimizer = SGD([theta], lr=eta, momentum=0.9, dampening=tau)
        path = [0.0]
        for _ in range(100):
            optimizer.zero_grad()
            (theta * g).sum().backward()
            optimizer.step()
            path.append(theta.detach().numpy()[0])
        moves[tau] = -np.diff(path) / (eta * g)         # b_t / g, step by step
    assert np.allclose(moves[0.9], 1.0, rtol=1e-12)
    assert moves[0.0][0] == 1.0 and abs(moves[0.0][-1] - 10) < 1e-3
    return moves
