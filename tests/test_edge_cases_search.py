"""Edge cases of learning-rate search and curvature: a diverged trial first in the list,
a direction that is not of unit length, curvature too small for an absolute tolerance."""

import math
import warnings

import numpy as np
import pytest

import minigrad
from minigrad.curvature import hessian, hvp, top_eigenvalue
from minigrad.lr_search import SearchResult, TrialResult, grid_search, random_search


# -- lr_search: a NaN or diverged trial must never be the best ---------------------------
def _trial(values):
    return lambda lr: values[lr]


@pytest.mark.parametrize("first", [math.nan, math.inf, -math.inf])
def test_a_diverged_first_trial_is_never_chosen(first):
    values = {1e-3: first, 1e-2: 0.7, 1e-1: 0.2, 1.0: math.nan}
    result = grid_search(_trial(values), [1.0, 1e-1, 1e-3, 1e-2], n_jobs=1)
    assert [r.lr for r in result.results] == [1e-3, 1e-2, 1e-1, 1.0]
    assert result.best_lr == 1e-1 and result.best.value == 0.2
    assert result.results[0].diverged and not result.results[0].ok
    assert result.results[3].diverged
    assert "<- best" in str(result).splitlines()[3]


def test_a_failed_first_trial_is_never_chosen():
    def trial(lr):
        if lr < 0.01:
            raise FloatingPointError("overflow")
        return lr
    result = grid_search(trial, [1e-3, 0.5, 0.05], n_jobs=1)
    assert result.results[0].failed and math.isnan(result.results[0].value)
    assert result.best_lr == 0.05


def test_search_result_keeps_the_smallest_finite_value_whatever_the_order():
    def record(lr, value):
        return TrialResult(lr, value, {"value": value}, not math.isfinite(value), None, 0.0, 0)
    for values in ([math.nan, 3.0, 1.0, 2.0], [math.inf, math.nan, 5.0],
                   [1.0, math.nan, 0.5], [-math.inf, 4.0]):
        results = [record(0.1 * (i + 1), v) for i, v in enumerate(values)]
        finite = [v for v in values if math.isfinite(v)]
        assert SearchResult(results).best.value == min(finite)


def test_only_diverged_trials_give_no_best_and_a_warning():
    with pytest.warns(RuntimeWarning, match="all diverged"):
        result = grid_search(lambda lr: math.nan if lr < 1 else math.inf, [0.1, 10.0],
                             n_jobs=1)
    assert result.best is None and result.best_lr is None
    assert all(r.diverged for r in result.results)


def test_random_search_with_a_nan_at_its_smallest_lr():
    result = random_search(lambda lr: math.nan if lr < 1e-2 else abs(math.log10(lr) + 1),
                           1e-4, 1.0, 12, n_jobs=1, seed=5)
    lrs = [r.lr for r in result.results]
    assert lrs == sorted(lrs) and lrs[0] < 1e-2
    assert result.results[0].diverged
    assert result.best.ok and result.best_lr >= 1e-2
    assert result.best.value == min(r.value for r in result.results if r.ok)


def test_random_search_draws_are_log_uniform():
    result = random_search(lambda lr: lr, 1e-6, 1.0, 200, n_jobs=1, seed=0)
    exponents = np.log10([r.lr for r in result.results])
    counts, _ = np.histogram(exponents, bins=6, range=(-6, 0))
    assert counts.min() >= 20            # each decade gets about 200/6 ≈ 33 draws


# -- curvature: hvp with a direction that is not of unit length --------------------------
def _quartic(theta0):
    """L = Σ θᵢ⁴/4, whose Hessian is diag(3θᵢ²) (not a quadratic: the step size matters)."""
    theta = minigrad.tensor(np.array(theta0, dtype=np.float64), requires_grad=True)
    return (lambda: (theta ** 4).sum() / 4), [theta]


@pytest.mark.parametrize("length", [1e-5, 0.01, 1.0, 37.0, 1e5])
def test_hvp_along_a_direction_of_any_length_is_H_v(length):
    theta0 = np.array([0.5, -1.0, 2.0, 0.25])
    loss_fn, params = _quartic(theta0)
    direction = np.array([1.0, 2.0, -2.0, 4.0]) / 5.0                 # a unit vector
    v = length * direction
    (result,) = hvp(loss_fn, params, [v])
    np.testing.assert_allclose(result, 3 * theta0 ** 2 * v, rtol=1e-6, atol=0)


def test_hvp_is_linear_in_the_direction():
    loss_fn, params = _quartic([0.3, 1.2, -0.7])
    v = np.array([0.2, -0.5, 1.0])
    (one,) = hvp(loss_fn, params, [v])
    (three,) = hvp(loss_fn, params, [3.0 * v])
    (tiny,) = hvp(loss_fn, params, [1e-3 * v])
    np.testing.assert_allclose(three, 3.0 * one, rtol=1e-7)
    np.testing.assert_allclose(tiny, 1e-3 * one, rtol=1e-6)


def test_hvp_of_a_quadratic_with_a_long_direction_spread_over_two_parameters():
    a = minigrad.tensor(np.array([1.0, 2.0]), requires_grad=True)
    b = minigrad.tensor(np.array([[0.5]]), requires_grad=True)
    # L = a0² + 3 a0 a1 + 2 a1² + 5 b² : H = [[2, 3, 0], [3, 4, 0], [0, 0, 10]]
    loss_fn = lambda: (a[0] * a[0] + 3 * a[0] * a[1] + 2 * a[1] * a[1]  # noqa: E731
                       + 5 * (b * b).sum())
    ha, hb = hvp(loss_fn, [a, b], [np.array([10.0, -20.0]), np.array([[30.0]])])
    np.testing.assert_allclose(ha, [2 * 10 - 3 * 20, 3 * 10 - 4 * 20], rtol=1e-6)
    np.testing.assert_allclose(hb, [[300.0]], rtol=1e-6)
    np.testing.assert_allclose(hessian(loss_fn, [a, b]),
                               [[2, 3, 0], [3, 4, 0], [0, 0, 10]], atol=1e-5)


def test_the_hessian_is_exactly_symmetric():
    loss_fn, params = _quartic([0.3, 1.2])
    x = params[0]
    product = lambda: (x[0] ** 3 * x[1] + x[1] ** 2).sum()  # noqa: E731
    H = hessian(product, params)
    assert np.array_equal(H, H.T)
    np.testing.assert_allclose(H, [[6 * 0.3 * 1.2, 3 * 0.09], [3 * 0.09, 2.0]], rtol=1e-5)


# -- top_eigenvalue: tiny curvature ------------------------------------------------------
def _small_quadratic(eigenvalues, seed=3):
    q, _ = np.linalg.qr(np.random.default_rng(seed).standard_normal((len(eigenvalues),) * 2))
    A = q @ np.diag(eigenvalues) @ q.T
    theta = minigrad.tensor(np.random.default_rng(seed + 1).standard_normal(len(eigenvalues)),
                            requires_grad=True, dtype=np.float64)
    return (lambda: 0.5 * (theta @ (minigrad.tensor(A) @ theta))), [theta]


@pytest.mark.parametrize("scale", [1e-3, 1e-6, 1.0, 1e3])
def test_top_eigenvalue_tolerance_is_relative_so_tiny_curvature_converges_too(scale):
    eigenvalues = scale * np.array([1.0, 0.8, 0.5, 0.3, 0.1])
    loss_fn, params = _small_quadratic(eigenvalues)
    estimate = top_eigenvalue(loss_fn, params, iters=500, tol=1e-9)
    assert estimate == pytest.approx(eigenvalues[0], rel=1e-6)


def test_top_eigenvalue_scales_with_the_loss():
    loss_fn, params = _small_quadratic([2.0, 1.5, 0.5])
    big = top_eigenvalue(loss_fn, params, iters=300, tol=1e-10)
    small = top_eigenvalue(lambda: loss_fn() * 1e-4, params, iters=300, tol=1e-10)
    assert small == pytest.approx(1e-4 * big, rel=1e-6)


def test_top_eigenvalue_is_the_largest_not_the_largest_in_magnitude():
    # λ_max for the bound η < 2/λ_max is the largest eigenvalue: a dominant negative one
    # (the loss curving down) must not win, and with all negative the least negative wins.
    loss_fn, params = _small_quadratic([-3e-3, 1e-3, 5e-4])
    estimate, vector = top_eigenvalue(loss_fn, params, iters=500, tol=1e-10,
                                      return_vector=True)
    assert estimate == pytest.approx(1e-3, rel=1e-6)
    assert np.linalg.norm(np.concatenate([np.ravel(v) for v in vector])) == pytest.approx(1.0)
    loss_fn, params = _small_quadratic([-3e-3, -1e-3, -2e-3, -2.5e-3])
    assert top_eigenvalue(loss_fn, params, iters=500, tol=1e-10) == pytest.approx(-1e-3,
                                                                                rel=1e-6)


def _wide_quadratic(scale, n=120, seed=7):
    """½ θᵀAθ in n dimensions, eigenvalues scale·(1, 0.7, then 0.6 … 0.01): a clear gap at
    the top, and too many dimensions for Lanczos to end by exhausting the space."""
    eigenvalues = scale * np.concatenate([[1.0, 0.7], np.linspace(0.6, 0.01, n - 2)])
    loss_fn, params = _small_quadratic(eigenvalues, seed=seed)
    calls = []

    def counted():
        calls.append(1)
        return loss_fn()
    return counted, params, calls


@pytest.mark.parametrize("scale", [1e-6, 1e-3, 1.0, 1e3])
def test_the_default_tolerance_is_relative_to_the_curvature(scale):
    loss_fn, params, calls = _wide_quadratic(scale)
    with warnings.catch_warnings():
        warnings.simplefilter("error")                  # it must converge, not run out
        estimate = top_eigenvalue(loss_fn, params, iters=100)
    assert estimate == pytest.approx(scale, rel=1e-5)
    assert len(calls) < 2 * 60            # two loss evaluations per product; far below n


def test_the_stopping_rule_stops_once_the_residual_is_small():
    # The same problem, scaled: the number of products must not depend on the scale.
    counts = []
    for scale in (1e-6, 1.0):
        loss_fn, params, calls = _wide_quadratic(scale)
        top_eigenvalue(loss_fn, params, iters=100)
        counts.append(len(calls))
    assert abs(counts[0] - counts[1]) <= 4
