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
    r"""The sharpness :math:`\lambda_{\max}`: the largest eigenvalue of the Hessian.

    *Largest* algebraically, the number the stability bound
    :math:`\eta < 2/\lambda_{\max}` needs — at a saddle with eigenvalues
    :math:`\pm 2` it is :math:`+2`, not whichever of the two is found first.

    The Lanczos method, which is power iteration that remembers: from a random unit
    vector :math:`q_1` it builds an orthonormal basis :math:`q_1, \dots, q_k` of the
    Krylov space :math:`\{q_1, Hq_1, \dots, H^{k-1}q_1\}`, one Hessian-vector product
    per step,

    .. math::

        w = Hq_j - \beta_{j-1} q_{j-1}, \quad \alpha_j = q_j^\top w, \quad
        w \leftarrow w - \alpha_j q_j, \quad \beta_j = \lVert w\rVert, \quad
        q_{j+1} = w / \beta_j,

    in which :math:`H` is the tridiagonal matrix :math:`T_k` (the :math:`\alpha_j` on
    the diagonal, the :math:`\beta_j` beside it). The largest eigenvalue
    :math:`\theta` of :math:`T_k`, with eigenvector :math:`s`, gives the estimate
    :math:`\theta` and the vector :math:`v = \sum_j s_j q_j`, whose residual is
    known without another product:

    .. math:: \lVert Hv - \theta v\rVert = \beta_k |s_k|.

    The loop stops when that residual is below ``tol`` times the largest
    :math:`|\text{eigenvalue}|` of :math:`T_k` (then an eigenvalue of :math:`H` lies
    within it of :math:`\theta`), or after ``iters`` products with a
    ``RuntimeWarning``. Plain power iteration, :math:`v \leftarrow Hv/\lVert
    Hv\rVert`, finds the eigenvalue of largest *magnitude* instead, cannot settle when
    :math:`\pm\lambda` tie, and crawls when the top two nearly tie.

    Parameters
    ----------
    loss_fn : callable
        ``loss_fn()`` returns the scalar loss Tensor (see :func:`hvp`).
    params : list of Tensor
        The parameters; they and their gradients are left as they were.
    iters : int, optional
        Maximum number of Hessian-vector products (default 100).
    tol : float, optional
        Residual :math:`\lVert Hv - \theta v\rVert`, relative to the largest
        :math:`|\text{eigenvalue}|` found, that counts as converged (default 1e-6).
    seed : int, optional
        Seed of the random start :math:`q_1` (default 0), so the result is reproducible.
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
        :math:`\lambda_{\max}`, and the unit eigenvector when ``return_vector=True``.

    Notes
    -----
    Every new :math:`q_j` is re-orthogonalised against all the earlier ones, which
    keeps the basis orthonormal in floating point (the textbook three-term recurrence
    loses it and then reports copies of the same eigenvalue); this stores ``iters``
    vectors of the parameters' size. Near a minimum the Hessian is positive
    semi-definite and :math:`\lambda_{\max}` is also the largest in magnitude; away
    from one, a negative result means the loss curves down in every direction.

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
            raise ValueError("v0 is the zero vector; the iteration needs a nonzero start")

    basis, alphas, betas = [_scale(v0, 1.0)], [], []
    converged = False
    for _ in range(iters):
        q = basis[-1]
        w = hvp(loss_fn, params, q, eps=eps)
        alphas.append(_dot(q, w))
        for _ in range(2):                    # twice is enough (Kahan's "twice is enough")
            for b in basis:
                w = _axpy(-_dot(b, w), b, w)
        beta = _norm(w)
        theta, s, spectral = _ritz(alphas, betas)
        residual = beta * abs(s[-1])
        if residual <= tol * spectral or beta == 0 or len(basis) == _size(params):
            converged = True                  # (a whole invariant subspace: exact)
            break
        betas.append(beta)
        basis.append(_scale(w, 1.0))
    if not converged:
        warnings.warn(f"top_eigenvalue did not converge in {iters} Hessian-vector products: "
                      f"the residual ||Hv - lambda v|| = {residual:.3g} is above tol * "
                      f"{spectral:.3g} = {tol * spectral:.3g}, so {theta:.6g} may be off "
                      "(raise iters, or loosen tol)", RuntimeWarning, stacklevel=2)
    if not return_vector:
        return theta
    vector = [sum(s_j * b[i] for s_j, b in zip(s, basis)) for i in range(len(params))]
    return theta, _scale(vector, 1.0)


def _ritz(alphas, betas):
    """The largest eigenvalue of the tridiagonal T (α on the diagonal, β beside it), its
    unit eigenvector, and the largest |eigenvalue| of T (the scale of the residual)."""
    T = np.diag(alphas) + np.diag(betas, 1) + np.diag(betas, -1)
    values, vectors = np.linalg.eigh(T)
    return float(values[-1]), vectors[:, -1], float(np.max(np.abs(values)))


def _axpy(a, x, y):
    """``a x + y`` for lists of arrays."""
    return [a * xi + yi for xi, yi in zip(x, y)]


def _size(params):
    return sum(p.numel() for p in params)


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
