"""Hessian-vector products and the sharpness λ_max, against exact Hessians.

The last test is the point of the module: on linear regression, gradient descent
converges exactly when η < 2/λ_max, and λ_max from ``top_eigenvalue`` predicts where.
"""

import warnings

import numpy as np
import pytest

import minigrad
from minigrad import nn
from minigrad.curvature import hessian, hvp, top_eigenvalue


# ------------------------------------------------------------------ a quadratic
def _quadratic(A, b, dtype=np.float32):
    """L = ½ θᵀAθ + bᵀθ with θ = [x (3,), w (2, 2) flattened]; its Hessian is A."""
    rng = np.random.default_rng(0)
    x = minigrad.tensor(rng.standard_normal(3), dtype=dtype, requires_grad=True)
    w = minigrad.tensor(rng.standard_normal((2, 2)), dtype=dtype, requires_grad=True)
    A11, A12, A22 = A[:3, :3], A[:3, 3:], A[3:, 3:]

    def loss_fn():
        flat_w = w.reshape(4)
        return (0.5 * (x @ (A11 @ x)) + x @ (A12 @ flat_w) + 0.5 * (flat_w @ (A22 @ flat_w))
                + b[:3] @ x + b[3:] @ flat_w)

    return loss_fn, [x, w]


def _symmetric(eigenvalues, seed=1):
    """A random symmetric matrix with the given eigenvalues."""
    q, _ = np.linalg.qr(np.random.default_rng(seed).standard_normal((len(eigenvalues),) * 2))
    return q @ np.diag(eigenvalues) @ q.T


A = _symmetric([9.0, 4.0, 2.5, 1.0, 0.5, 0.2, 0.1])
B = np.random.default_rng(2).standard_normal(7)


def _flat(arrays):
    return np.concatenate([np.ravel(a) for a in arrays])


def _split(vector, params):
    pieces = np.split(vector, np.cumsum([p.numel() for p in params])[:-1])
    return [piece.reshape(p.shape) for piece, p in zip(pieces, params)]


def test_hvp_of_quadratic_is_A_v():
    loss_fn, params = _quadratic(A, B)
    for seed in range(3):
        v = np.random.default_rng(10 + seed).standard_normal(7)
        Hv = hvp(loss_fn, params, _split(v, params))
        assert [h.shape for h in Hv] == [(3,), (2, 2)]
        np.testing.assert_allclose(_flat(Hv), A @ v, rtol=1e-7, atol=1e-8)


def test_hessian_of_quadratic_is_A():
    loss_fn, params = _quadratic(A, B)
    np.testing.assert_allclose(hessian(loss_fn, params), A, atol=1e-8)


def test_hvp_restores_params_and_grads_exactly():
    loss_fn, params = _quadratic(A, B)
    loss_fn().backward()
    before = [(p.array, p.array.copy(), p.grad, p.grad.clone()) for p in params]
    hvp(loss_fn, params, [np.ones(3), np.ones((2, 2))])
    for p, (data, values, grad, grad_values) in zip(params, before):
        assert p.array is data and p.grad is grad         # the same arrays ...
        assert p.dtype == np.float32                      # ... float32 as before ...
        np.testing.assert_array_equal(p.data, values)     # ... with the same values
        np.testing.assert_array_equal(p.grad, grad_values)


def test_hvp_of_zero_direction_is_zero():
    loss_fn, params = _quadratic(A, B)
    Hv = hvp(loss_fn, params, [np.zeros(3), np.zeros((2, 2))])
    assert all(np.all(h == 0) for h in Hv)


# ------------------------------------------------------------------ a small MLP
SIZES = [(3, 2), (3,), (1, 3), (1,)]       # W1, b1, W2, b2 of a 2-3-1 tanh network
X_MLP = np.random.default_rng(3).standard_normal((8, 2))
Y_MLP = np.sin(X_MLP[:, :1] + X_MLP[:, 1:])


def _mlp_loss_numpy(theta):
    """The same loss in plain float64 numpy, from one flat parameter vector."""
    pieces = np.split(theta, np.cumsum([int(np.prod(s)) for s in SIZES])[:-1])
    W1, b1, W2, b2 = [piece.reshape(s) for piece, s in zip(pieces, SIZES)]
    out = np.tanh(X_MLP @ W1.T + b1) @ W2.T + b2
    return np.mean((out - Y_MLP) ** 2)


def _finite_difference_hessian(f, theta, h=1e-4):
    """Hᵢⱼ ≈ [f(θ+heᵢ+heⱼ) − f(θ+heᵢ−heⱼ) − f(θ−heᵢ+heⱼ) + f(θ−heᵢ−heⱼ)] / 4h², column by
    column, from loss values only (no backward involved)."""
    n = len(theta)
    H = np.empty((n, n))
    steps = np.eye(n) * h
    for j in range(n):
        for i in range(n):
            H[i, j] = (f(theta + steps[i] + steps[j]) - f(theta + steps[i] - steps[j])
                       - f(theta - steps[i] + steps[j]) + f(theta - steps[i] - steps[j])
                       ) / (4 * h * h)
    return H


def test_hvp_of_small_mlp_matches_finite_difference_hessian():
    rng = np.random.default_rng(4)
    params = [minigrad.tensor(rng.standard_normal(s), requires_grad=True) for s in SIZES]
    W1, b1, W2, b2 = params
    X, Y = minigrad.tensor(X_MLP), minigrad.tensor(Y_MLP)

    def loss_fn():
        out = (X @ W1.T + b1).tanh() @ W2.T + b2
        return ((out - Y) ** 2).mean()

    theta = _flat([p.array.astype(np.float64) for p in params])
    np.testing.assert_allclose(loss_fn().item(), _mlp_loss_numpy(theta), rtol=1e-6)
    H = _finite_difference_hessian(_mlp_loss_numpy, theta)
    scale = np.abs(H).max()

    np.testing.assert_allclose(hessian(loss_fn, params), H, atol=1e-5 * scale)
    for seed in range(3):
        v = np.random.default_rng(20 + seed).standard_normal(len(theta))
        np.testing.assert_allclose(_flat(hvp(loss_fn, params, _split(v, params))), H @ v,
                                   atol=1e-5 * scale * np.abs(v).sum())


def test_a_relu_kink_within_the_step_is_seen_as_a_spike():
    """The limitation of finite differences the default ε = 1e-7 keeps rare: relu(w) is
    linear on each side of 0 (no curvature), but a step across the kink sees the jump of
    the gradient, 1, divided by 2h."""
    w = minigrad.tensor([3e-6], dtype=np.float64, requires_grad=True)
    assert hvp(lambda: w.relu().sum(), [w], [np.ones(1)])[0][0] == 0
    spike = hvp(lambda: w.relu().sum(), [w], [np.ones(1)], eps=1e-5)[0][0]
    assert spike == pytest.approx(1 / (2 * 1e-5))


# ------------------------------------------------------------------ power iteration
def test_top_eigenvalue_matches_eigvalsh():
    loss_fn, params = _quadratic(A, B)
    lam, vector = top_eigenvalue(loss_fn, params, iters=300, tol=1e-9, return_vector=True)
    assert lam == pytest.approx(np.linalg.eigvalsh(A)[-1], rel=1e-6)
    v = _flat(vector)
    assert np.linalg.norm(v) == pytest.approx(1.0)
    np.testing.assert_allclose(A @ v, lam * v, atol=1e-4)


def test_top_eigenvalue_warm_start_from_the_eigenvector_needs_few_products():
    loss_fn, params = _quadratic(A, B)
    lam, vector = top_eigenvalue(loss_fn, params, iters=300, tol=1e-9, return_vector=True)
    calls = []

    def counted():
        calls.append(1)
        return loss_fn()

    warm = top_eigenvalue(counted, params, iters=300, tol=1e-9, v0=vector)
    assert warm == pytest.approx(lam, rel=1e-6)
    assert len(calls) <= 2 * 3 * 2          # ≤ 3 products, 2 gradients each (+ slack)
    with pytest.raises(ValueError, match="zero vector"):
        top_eigenvalue(loss_fn, params, v0=[np.zeros(p.shape) for p in params])
    with pytest.raises(ValueError, match="shape"):
        top_eigenvalue(loss_fn, params, v0=[np.zeros((2, 2)) for p in params])


def test_top_eigenvalue_is_reproducible_for_a_seed():
    loss_fn, params = _quadratic(A, B)
    assert top_eigenvalue(loss_fn, params, seed=5) == top_eigenvalue(loss_fn, params, seed=5)


def test_top_eigenvalue_is_the_largest_algebraically_not_in_magnitude():
    """λ_max is what η < 2/λ_max needs: 3 here, although −6 is larger in magnitude."""
    loss_fn, params = _quadratic(_symmetric([-6.0, 3.0, 2.0, 1.0, 0.5, 0.2, 0.1]), B)
    lam = top_eigenvalue(loss_fn, params, iters=300, tol=1e-9)
    assert lam == pytest.approx(3.0, rel=1e-6)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_top_eigenvalue_at_a_saddle_with_plus_minus_lambda(seed):
    """Eigenvalues ±2: power iteration gave −0.10, −1.40, −1.54, −0.44 for these seeds."""
    loss_fn, params = _quadratic(_symmetric([2.0, -2.0, 1.0, -1.0, 0.5, -0.5, 0.0], seed=7), B)
    with warnings.catch_warnings():
        warnings.simplefilter("error")                     # converges, so no warning
        lam, v = top_eigenvalue(loss_fn, params, seed=seed, return_vector=True)
    assert lam == pytest.approx(2.0, rel=1e-6)
    Hv = hvp(loss_fn, params, v)
    assert np.sqrt(sum(np.sum((h - lam * x) ** 2) for h, x in zip(Hv, v))) < 1e-5


@pytest.mark.parametrize("gap", [1e-3, 1e-5])
def test_top_eigenvalue_separates_a_near_tie(gap):
    """(2, 2 − gap): the old tolerance on the change of λ stopped at 1.9995."""
    loss_fn, params = _quadratic(_symmetric([2.0, 2.0 - gap, 1.0, 0.5, 0.2, 0.1, -1.0]), B)
    lam = top_eigenvalue(loss_fn, params, tol=1e-9)
    assert lam == pytest.approx(2.0, abs=1e-8)


@pytest.mark.parametrize("seed", range(8))
def test_top_eigenvalue_matches_eigvalsh_on_random_indefinite_matrices(seed):
    rng = np.random.default_rng(100 + seed)
    M = rng.standard_normal((7, 7))
    A_random = (M + M.T) / 2                               # indefinite, in general
    loss_fn, params = _quadratic(A_random, B)
    expected = np.linalg.eigvalsh(A_random)[-1]
    assert top_eigenvalue(loss_fn, params, tol=1e-10) == pytest.approx(expected, abs=1e-7)


def test_top_eigenvalue_on_a_larger_spectrum_with_a_negative_direction():
    """60 parameters, eigenvalues −5 … 4 with the top two 1e-3 apart."""
    rng = np.random.default_rng(3)
    eigenvalues = np.concatenate([[4.0, 3.999, -5.0], rng.uniform(-4, 3.5, 57)])
    A_big = _symmetric(eigenvalues, seed=4)
    theta = minigrad.tensor(rng.standard_normal(60), dtype=np.float64, requires_grad=True)
    lam = top_eigenvalue(lambda: 0.5 * (theta @ (A_big @ theta)), [theta], tol=1e-10)
    assert lam == pytest.approx(4.0, abs=1e-7)


def test_top_eigenvalue_warns_when_iters_run_out():
    loss_fn, params = _quadratic(_symmetric([1.0, 0.99, 0.5, 0.4, 0.3, 0.2, 0.1]), B)
    with pytest.warns(RuntimeWarning, match="did not converge"):
        top_eigenvalue(loss_fn, params, iters=3)


def test_top_eigenvalue_of_an_nn_model_leaves_its_float32_parameters_alone():
    """nn.Linear + MSELoss is linear regression: H = 2 AᵀA / n with A = [X, 1]."""
    X = np.random.default_rng(6).standard_normal((50, 3)).astype(np.float32)
    y = X @ np.array([[1.0], [2.0], [-1.0]], dtype=np.float32)
    minigrad.manual_seed(0)
    model = nn.Linear(3, 1)
    params = model.parameters()
    before = [(p.array, p.array.copy()) for p in params]

    lam = top_eigenvalue(lambda: nn.MSELoss()(model(minigrad.tensor(X)), y), params,
                         iters=300, tol=1e-9)
    A = np.column_stack([X, np.ones(50)]).astype(np.float64)
    assert lam == pytest.approx(np.linalg.eigvalsh(2 * A.T @ A / 50)[-1], rel=1e-6)
    for p, (data, values) in zip(params, before):
        assert p.array is data and p.dtype == np.float32 and p.grad is None
        np.testing.assert_array_equal(p.data, values)


# ------------------------------------------------------------------ clear errors
def test_bad_input_gets_a_clear_error():
    loss_fn, params = _quadratic(A, B)
    v = [np.ones(3), np.ones((2, 2))]
    with pytest.raises(TypeError, match="must return a scalar Tensor"):
        hvp(lambda: 1.0, params, v)
    with pytest.raises(ValueError, match="scalar loss"):
        hvp(lambda: params[0] * 2, params, v)
    with pytest.raises(ValueError, match=r"v\[1\] has shape \(4,\)"):
        hvp(loss_fn, params, [np.ones(3), np.ones(4)])
    with pytest.raises(TypeError, match="list of 2 arrays"):
        hvp(loss_fn, params, np.ones(7))
    frozen = minigrad.tensor([1.0, 2.0])
    with pytest.raises(ValueError, match="requires_grad=False"):
        hvp(lambda: (frozen ** 2).sum(), [frozen], [np.ones(2)])
    nan_param = minigrad.tensor([np.nan], requires_grad=True)
    with pytest.raises(ValueError, match="non-finite loss"):
        hvp(lambda: (nan_param ** 2).sum(), [nan_param], [np.ones(1)])


# ------------------------------------------------------------------ η < 2/λ_max
def _regression_problem():
    """X with an intercept column and features on different scales; L = ‖Xθ − y‖²/n."""
    rng = np.random.default_rng(5)
    n = 200
    features = rng.standard_normal((n, 3)) * [3.0, 1.0, 0.3] + [0.5, -1.0, 2.0]
    X = np.column_stack([features, np.ones(n)])
    y = X @ [1.0, -2.0, 0.5, 3.0] + 0.1 * rng.standard_normal(n)
    return X, y


def _gradient_descent_converges(X, y, lr, steps=400):
    """Run GD from θ = 0 with minigrad; True when it ends nearer θ* than it started."""
    theta_star = np.linalg.lstsq(X, y, rcond=None)[0]
    theta = minigrad.tensor(np.zeros(X.shape[1]), requires_grad=True)
    Xt, yt = minigrad.tensor(X), minigrad.tensor(y)
    for _ in range(steps):
        theta.grad = None
        (((Xt @ theta - yt) ** 2).mean()).backward()
        theta.data -= lr * theta.grad
    return np.linalg.norm(theta.data - theta_star) < np.linalg.norm(theta_star)


def test_gradient_descent_is_stable_exactly_below_two_over_lambda_max():
    X, y = _regression_problem()
    n = len(y)
    theta = minigrad.tensor(np.zeros(4), requires_grad=True)
    Xt, yt = minigrad.tensor(X), minigrad.tensor(y)

    lam = top_eigenvalue(lambda: ((Xt @ theta - yt) ** 2).mean(), [theta], iters=500,
                         tol=1e-9)
    assert lam == pytest.approx(np.linalg.eigvalsh(2 * X.T @ X / n)[-1], rel=1e-6)

    predicted = 2 / lam
    assert _gradient_descent_converges(X, y, 0.97 * predicted)
    assert not _gradient_descent_converges(X, y, 1.03 * predicted)

    # The largest η on a 1% grid at which GD still converges is within 1% of 2/λ_max.
    factors = [0.90, 0.95, 0.98, 0.99, 1.01, 1.02, 1.05, 1.10]
    converged = [f for f in factors if _gradient_descent_converges(X, y, f * predicted)]
    assert max(converged) == 0.99
