r"""Curvature of a loss: Hessian-vector products and the sharpness λ_max.

Article 001 (§3.1) writes gradient descent as :math:`\theta \leftarrow \theta - \eta
\nabla J(\theta)` and warns that too large an :math:`\eta` makes training unstable.
The curvature says exactly how large is too large. Near a minimum :math:`\theta^*` the
loss is close to the quadratic :math:`J(\theta) \approx J(\theta^*) + \tfrac12
(\theta - \theta^*)^\top H (\theta - \theta^*)`, whose gradient is :math:`H(\theta -
\theta^*)`, so one step of gradient descent does

.. math::

    \theta_{t+1} - \theta^* = (I - \eta H)\,(\theta_t - \theta^*).

Along the eigenvector of :math:`H` with eigenvalue :math:`\lambda_i` the error is
multiplied by :math:`1 - \eta\lambda_i` at every step. It shrinks when
:math:`|1 - \eta\lambda_i| < 1`, for every :math:`i` exactly when

.. math::

    0 < \eta < \frac{2}{\lambda_{\max}} .

:math:`\lambda_{\max}`, the largest eigenvalue of the Hessian, is called the
*sharpness*. On a quadratic or on linear regression the bound is exact; on a network it
holds near a minimum. This module measures it:

* :func:`hvp` — the Hessian-vector product :math:`Hv` (never forming :math:`H`),
* :func:`top_eigenvalue` — :math:`\lambda_{\max}` by power iteration on :func:`hvp`,
* :func:`hessian` — the whole matrix, one column :math:`He_j` at a time (small models).

Parameters and directions are lists: ``params`` a list of Tensors, ``v`` a list of numpy
arrays shaped like them. Together they stand for one long vector (all the parameters
flattened and concatenated); :func:`_dot` and :func:`_norm` work on that vector.
"""

import warnings

import numpy as np

from minigrad.tensor import Tensor

__all__ = ["hvp", "top_eigenvalue", "hessian"]


def hvp(loss_fn, params, v, eps=1e-7):
    r"""Hessian-vector product :math:`Hv` by central differences of the gradient.

    The gradient changes along :math:`v` at the rate :math:`Hv`, so

    .. math::

        Hv \approx \frac{\nabla L(\theta + h v) - \nabla L(\theta - h v)}{2h},
        \qquad h = \varepsilon \, \frac{\max(1, \lVert\theta\rVert)}{\lVert v\rVert}.

    The error is :math:`O(h^2)` (the :math:`h^2` terms of the two Taylor expansions
    cancel); on a quadratic loss, where the gradient is linear in :math:`\theta`, the
    formula is exact up to rounding. The step :math:`h` moves :math:`\theta` by
    :math:`\varepsilon\max(1, \lVert\theta\rVert)`, small next to :math:`\theta` itself.
    minigrad has no double backward, so this is how it gets second derivatives: two
    ordinary ``backward()`` calls.

    Parameters
    ----------
    loss_fn : callable
        ``loss_fn()`` takes no arguments and returns the scalar loss Tensor, computed
        from the Tensors in ``params`` (a closure over the model and a fixed batch).
    params : list of Tensor
        The parameters :math:`\theta` (each with ``requires_grad=True``).
    v : list of numpy.ndarray
        The direction, one array per parameter with that parameter's shape.
    eps : float, optional
        Relative step :math:`\varepsilon` (default 1e-7; see the notes).

    Returns
    -------
    list of numpy.ndarray
        :math:`Hv` in float64, one array per parameter.

    Notes
    -----
    The gradients are computed in float64 whatever the parameters' dtype: each
    parameter's array is replaced by a float64 array for the two backward passes,
    and afterwards every parameter gets back its own array and ``.grad`` (the
    same objects, untouched), so a training loop around this call is not disturbed.

    **Choice of ε.** A smaller step means a smaller :math:`O(h^2)` error but more
    rounding error, about :math:`u/\varepsilon` relative with float64's
    :math:`u \approx 10^{-16}`: only :math:`10^{-9}` at :math:`\varepsilon = 10^{-7}`.
    What decides is ReLU. Its gradient *jumps* where a pre-activation crosses 0, and if
    :math:`\theta \pm hv` lies on the two sides of such a kink, the quotient sees the
    jump divided by :math:`2h`, a huge value that is not curvature at all (the Hessian
    of a ReLU network is the one of the linear piece :math:`\theta` lies on). The
    smaller :math:`h`, the rarer such a crossing; with :math:`\varepsilon = 10^{-5}` a
    64-32-10 ReLU network on 256 digits already gives power iteration a spurious
    :math:`\lambda \approx -25` instead of 0.72.
    """
    params = _check_params(params)
    v = _check_direction(v, params)
    v_norm = _norm(v)
    if v_norm == 0:
        return [np.zeros(p.shape) for p in params]
    theta = [p.array.astype(np.float64) for p in params]
    h = eps * max(1.0, _norm(theta)) / v_norm

    saved = [(p.array, p.grad) for p in params]
    try:
        grad_plus = _gradient_at(loss_fn, params, [t + h * d for t, d in zip(theta, v)])
        grad_minus = _gradient_at(loss_fn, params, [t - h * d for t, d in zip(theta, v)])
    finally:
        for p, (data, grad) in zip(params, saved):
            p.array, p.grad = data, grad
    return [(gp - gm) / (2 * h) for gp, gm in zip(grad_plus, grad_minus)]


def top_eigenvalue(loss_fn, params, iters=100, tol=1e-6, seed=0, eps=1e-7,
                   return_vector=False, v0=None):
    r"""The sharpness :math:`\lambda_{\max}` of the loss, by power iteration.

    Start from a random unit vector :math:`v_0` and repeat

    .. math::

        w = H v_k, \qquad \lambda_k = v_k^\top w \ \text{(the Rayleigh quotient)}, \qquad
        v_{k+1} = \frac{w}{\lVert w\rVert}.

    Each multiplication by :math:`H` stretches the component along the eigenvector of
    largest :math:`|\lambda|` the most, so :math:`v_k` turns towards it (the other
    components shrink like :math:`|\lambda_2/\lambda_1|^k`) and :math:`\lambda_k`
    converges to its eigenvalue. The loop stops when :math:`\lambda_k` changes by less
    than ``tol`` (relative) or after ``iters`` products.

    Parameters
    ----------
    loss_fn : callable
        ``loss_fn()`` returns the scalar loss Tensor (see :func:`hvp`).
    params : list of Tensor
        The parameters; they and their gradients are left as they were.
    iters : int, optional
        Maximum number of Hessian-vector products (default 100).
    tol : float, optional
        Relative change of :math:`\lambda_k` that counts as converged (default 1e-6).
    seed : int, optional
        Seed of the random start :math:`v_0` (default 0), so the result is reproducible.
    eps : float, optional
        Relative finite-difference step passed to :func:`hvp`.
    return_vector : bool, optional
        Also return the eigenvector (a list of arrays shaped like ``params``).
    v0 : list of numpy.ndarray, optional
        The start vector, one array per parameter (not all zero), instead of a random
        one. Pass the eigenvector of an earlier call (``return_vector=True``) to
        warm-start after the parameters moved a little: a few products then suffice
        (lesson 03 tracks the sharpness during training this way).

    Returns
    -------
    float, or (float, list of numpy.ndarray)
        The eigenvalue, and the unit eigenvector when ``return_vector=True``.

    Notes
    -----
    Power iteration finds the eigenvalue of largest *magnitude*. Near a minimum the
    Hessian is positive semi-definite and that is :math:`\lambda_{\max}`; far from one a
    large negative eigenvalue can win, and the result is then negative. A
    ``RuntimeWarning`` says when ``iters`` ran out first (two nearly equal top
    eigenvalues converge slowly).

    Examples
    --------
    >>> model = nn.MLP([64, 32, 10])                              # doctest: +SKIP
    >>> loss_fn = lambda: nn.CrossEntropyLoss()(model(minigrad.tensor(X)), y)  # doctest: +SKIP
    >>> lam = top_eigenvalue(loss_fn, model.parameters())         # doctest: +SKIP
    >>> 2 / lam     # the largest η plain gradient descent tolerates  # doctest: +SKIP
    """
    params = _check_params(params)
    if iters < 1:
        raise ValueError(f"iters must be at least 1, got {iters}")
    if v0 is None:
        rng = np.random.default_rng(seed)
        v0 = [rng.standard_normal(p.shape) for p in params]
    else:
        v0 = _check_direction(v0, params)
        if _norm(v0) == 0:
            raise ValueError("v0 is the zero vector; power iteration needs a nonzero start")
    v = _scale(v0, 1.0)

    eigenvalue = None
    for _ in range(iters):
        w = hvp(loss_fn, params, v, eps=eps)
        rayleigh = _dot(v, w)
        converged = eigenvalue is not None and abs(rayleigh - eigenvalue) <= tol * abs(rayleigh)
        eigenvalue = rayleigh
        if converged or _norm(w) == 0:        # Hv = 0: v is an eigenvector with λ = 0
            break
        v = _scale(w, 1.0)
    else:
        warnings.warn(f"top_eigenvalue: power iteration did not converge to tol={tol} in "
                      f"{iters} iterations; the estimate {eigenvalue:.6g} may be off "
                      "(raise iters)", RuntimeWarning, stacklevel=2)
    return (eigenvalue, v) if return_vector else eigenvalue


def hessian(loss_fn, params, eps=1e-7):
    r"""The full Hessian matrix, built column by column: column :math:`j` is :math:`He_j`.

    Costs one :func:`hvp` (two backward passes) per parameter element, so it is only for
    small models, where ``numpy.linalg.eigvalsh(hessian(...))`` shows the whole spectrum.

    Parameters
    ----------
    loss_fn, params, eps
        As in :func:`hvp`.

    Returns
    -------
    numpy.ndarray
        The symmetric :math:`n \times n` matrix (float64), :math:`n` the total number of
        parameter elements, in the order of ``params`` with each one flattened. It is
        symmetrised, :math:`(H + H^\top)/2`, which removes the tiny asymmetry the finite
        differences leave.
    """
    params = _check_params(params)
    sizes = [p.numel() for p in params]
    n = sum(sizes)
    columns = []
    for j in range(n):
        e_j = np.zeros(n)
        e_j[j] = 1.0
        pieces = np.split(e_j, np.cumsum(sizes)[:-1])
        direction = [piece.reshape(p.shape) for piece, p in zip(pieces, params)]
        columns.append(np.concatenate([c.ravel() for c in hvp(loss_fn, params, direction,
                                                              eps=eps)]))
    H = np.stack(columns, axis=1)
    return (H + H.T) / 2


# ---------------------------------------------------------------------- helpers
def _gradient_at(loss_fn, params, values):
    """∇L with every parameter's data set to ``values`` (float64), as a list of arrays."""
    for p, value in zip(params, values):
        p.array, p.grad = value, None
    loss = loss_fn()
    if not isinstance(loss, Tensor):
        raise TypeError(f"loss_fn() must return a scalar Tensor, but it returned a "
                        f"{type(loss).__name__}")
    if loss.numel() != 1:
        raise ValueError(f"loss_fn() must return a scalar loss, but it returned a tensor "
                         f"of shape {loss.shape}")
    if not np.isfinite(loss.array).all():
        raise ValueError(f"loss_fn() returned a non-finite loss ({loss.item()}) near the "
                         "current parameters; the curvature is not defined there")
    if not loss.requires_grad:
        raise ValueError("the loss returned by loss_fn() does not depend on params "
                         "(or was computed inside no_grad()), so it has no gradient")
    loss.backward()
    return [np.zeros(p.shape) if p.grad is None else np.asarray(p.grad.array, dtype=np.float64)
            for p in params]


def _check_params(params):
    if isinstance(params, Tensor):
        raise TypeError("params must be a list of Tensors; wrap a single one: [p]")
    params = list(params)
    if not params:
        raise ValueError("params is empty")
    for i, p in enumerate(params):
        if not isinstance(p, Tensor):
            raise TypeError(f"params[{i}] is a {type(p).__name__}, not a Tensor")
        if not p.requires_grad:
            raise ValueError(f"params[{i}] (shape {p.shape}) has requires_grad=False, so "
                             "the loss has no gradient with respect to it")
    if len({id(p) for p in params}) != len(params):
        raise ValueError("a Tensor appears twice in params")
    return params


def _check_direction(v, params):
    if isinstance(v, (np.ndarray, Tensor)):
        raise TypeError(f"v must be a list of {len(params)} arrays, one per parameter; "
                        "wrap a single array: [v]")
    v = [np.asarray(d, dtype=np.float64) for d in v]
    if len(v) != len(params):
        raise ValueError(f"v has {len(v)} arrays, but there are {len(params)} parameters")
    for i, (d, p) in enumerate(zip(v, params)):
        if d.shape != p.shape:
            raise ValueError(f"v[{i}] has shape {d.shape}, but params[{i}] has shape "
                             f"{p.shape}")
    return v


def _dot(a, b):
    """⟨a, b⟩ of two lists of arrays, read as one long vector each."""
    return float(sum(np.vdot(x, y) for x, y in zip(a, b)))


def _norm(a):
    """‖a‖ of a list of arrays, read as one long vector."""
    return _dot(a, a) ** 0.5


def _scale(a, length):
    """``a`` rescaled to norm ``length``."""
    factor = length / _norm(a)
    return [x * factor for x in a]
