"""The toy problems every lesson shares, so optimizers and schedules compare directly.

* :func:`bowl` — the ill-conditioned quadratic f(θ) = 0.1·θ₁² + 2·θ₂² that d2l.ai's
  optimization chapter uses for every optimizer: 20 times steeper along θ₂ than θ₁, so a
  learning rate that is cautious enough for θ₂ crawls along θ₁.
* :func:`parabola` — f(θ) = θ², the one-dimensional picture of gradient descent.
* :func:`trace` — run any minigrad optimizer (and optionally a scheduler) on such a
  function and return the path θ₀, θ₁, …, θ_T.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from minigrad.tensor import Tensor

BOWL_START = (-5.0, -2.0)  # where traces on the bowl start


def bowl(theta: Tensor) -> Tensor:
    """f(θ) = 0.1·θ₁² + 2·θ₂²;  ∇f = (0.2·θ₁, 4·θ₂);  Hessian eigenvalues 0.2 and 4.

    Gradient descent on it is stable for η < 2/4 = 0.5 (the steep direction decides).
    ``theta`` has shape (2,) (or (..., 2) to evaluate a grid at once).
    """
    return 0.1 * theta[..., 0] ** 2 + 2 * theta[..., 1] ** 2


def parabola(theta: Tensor) -> Tensor:
    """f(θ) = θ²;  f'(θ) = 2θ. Gradient descent multiplies θ by (1 − 2η) each step."""
    return (theta ** 2).sum()


def trace(f: Callable, make_optimizer: Callable, start=BOWL_START, steps: int = 20,
          make_scheduler: Callable | None = None) -> np.ndarray:
    """Minimise ``f`` from ``start`` and return every iterate, shape (steps + 1, dim).

    Parameters
    ----------
    f : callable
        Tensor → scalar Tensor, e.g. :func:`bowl`.
    make_optimizer : callable
        ``params → optimizer``, e.g. ``lambda p: minigrad.optim.SGD(p, lr=0.4)``.
    start : sequence of float
        θ₀.
    steps : int
        Number of updates T.
    make_scheduler : callable, optional
        ``optimizer → scheduler``; its ``step()`` is called after every update.

    Each step is the loop every lesson teaches::

        optimizer.zero_grad(); loss = f(θ); loss.backward(); optimizer.step()
    """
    theta = Tensor(np.array(start, dtype=np.float64), requires_grad=True)
    optimizer = make_optimizer([theta])
    scheduler = make_scheduler(optimizer) if make_scheduler else None
    path = [theta.detach().numpy().copy()]
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is a result here
        for _ in range(steps):
            optimizer.zero_grad()
            f(theta).backward()
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
            path.append(theta.detach().numpy().copy())
    return np.array(path)
