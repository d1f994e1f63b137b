"""Gradients at the special points finite differences never visit: a base of 0 in ``pow``,
ties in ``max``, a kink hit exactly (relu, abs, clamp at 0 or at a bound).

The expected values are PyTorch 2.13's (checked side by side once and written here as
numbers, so these tests run without PyTorch).
"""

import math

import numpy as np
import pytest

import minigrad


def _leaf(values):
    return minigrad.tensor(np.array(values, dtype=np.float64), requires_grad=True)


def _grads(fn, *values):
    leaves = [_leaf(v) for v in values]
    fn(*leaves).sum().backward()
    return [leaf.grad.array for leaf in leaves]


# -- pow ---------------------------------------------------------------------------------
def test_pow_exponent_gradient_at_base_zero():
    # ∂(aᵇ)/∂b = aᵇ ln a; at a = 0 PyTorch takes the limit 0 for b >= 0, −∞ for b < 0.
    base, exponent = [0.0, 0.0, 0.0, 0.0, 2.0], [2.0, 0.0, 0.5, -1.0, 3.0]
    grad_a, grad_b = _grads(lambda a, b: a ** b, base, exponent)
    np.testing.assert_array_equal(grad_b, [0.0, 0.0, 0.0, -math.inf, 8 * math.log(2)])
    np.testing.assert_array_equal(grad_a, [0.0, 0.0, math.inf, -math.inf, 12.0])


def test_pow_base_gradient_is_zero_where_the_exponent_is_zero():
    # b·aᵇ⁻¹ at b = 0 would be 0·a⁻¹ (0·∞ = nan at a = 0): PyTorch gives 0 everywhere.
    grad_a, grad_b = _grads(lambda a, b: a ** b, [0.0, 3.0, -2.0], [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(grad_a, [0.0, 0.0, 0.0])
    assert grad_b[0] == 0.0 and grad_b[1] == pytest.approx(math.log(3.0))
    assert math.isnan(grad_b[2])                   # ln of a negative base: nan, as PyTorch


def test_pow_with_a_number_exponent_at_zero():
    (grad,) = _grads(lambda a: a ** 2, [0.0, -1.5, 2.0])
    np.testing.assert_array_equal(grad, [0.0, -3.0, 4.0])
    (grad,) = _grads(lambda a: a ** 0, [0.0, 5.0])
    np.testing.assert_array_equal(grad, [0.0, 0.0])


def test_a_number_to_a_tensor_power():
    (grad,) = _grads(lambda b: 2.0 ** b, [0.0, 1.0, 3.0])
    np.testing.assert_allclose(grad, np.log(2) * np.array([1.0, 2.0, 8.0]), rtol=1e-12)
    (grad,) = _grads(lambda b: 0.0 ** b, [1.0, 2.0])          # 0ᵇ: flat for b > 0
    np.testing.assert_array_equal(grad, [0.0, 0.0])


def test_pow_gradients_broadcast_back_to_each_input():
    grad_a, grad_b = _grads(lambda a, b: a ** b, [[1.0, 2.0], [3.0, 4.0]], [2.0])
    np.testing.assert_allclose(grad_a, [[2.0, 4.0], [6.0, 8.0]])
    assert grad_b.shape == (1,)
    expected = sum(v * v * math.log(v) for v in (1.0, 2.0, 3.0, 4.0))
    assert grad_b[0] == pytest.approx(expected, rel=1e-12)


# -- max and min: ties -------------------------------------------------------------------
TIES = [[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]]


def test_max_over_everything_splits_the_gradient_between_ties():
    (grad,) = _grads(lambda x: x.max(), TIES)
    np.testing.assert_array_equal(grad, [[0.0, 0.5, 0.5], [0.0, 0.0, 0.0]])


def test_min_over_everything_splits_the_gradient_between_ties():
    (grad,) = _grads(lambda x: x.min(), [[1.0, 3.0, 1.0], [2.0, 1.0, 5.0]])
    np.testing.assert_allclose(grad, [[1 / 3, 0, 1 / 3], [0, 1 / 3, 0]])


def test_amax_along_a_dim_splits_within_each_row():
    (grad,) = _grads(lambda x: minigrad.amax(x, dim=1) * minigrad.tensor([1.0, 6.0]),
                     TIES)
    np.testing.assert_allclose(grad, [[0.0, 0.5, 0.5], [2.0, 2.0, 2.0]])


def test_amax_keepdim_and_over_several_dims():
    (grad,) = _grads(lambda x: minigrad.amax(x, dim=0, keepdim=True), [[1.0, 4.0], [1.0, 2.0]])
    np.testing.assert_array_equal(grad, [[0.5, 1.0], [0.5, 0.0]])
    (grad,) = _grads(lambda x: minigrad.amax(x, dim=(0, 1)), TIES)
    np.testing.assert_array_equal(grad, [[0.0, 0.5, 0.5], [0.0, 0.0, 0.0]])
    (grad,) = _grads(lambda x: minigrad.amin(x, dim=1), TIES)
    np.testing.assert_allclose(grad, [[1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3]])


def test_max_along_a_dim_sends_the_gradient_to_the_first_maximum():
    # PyTorch's max(dim) is an index selection: the element `indices` points at gets all.
    x = _leaf(TIES)
    values, indices = x.max(1)
    np.testing.assert_array_equal(values.array, [3.0, 2.0])
    np.testing.assert_array_equal(indices.array, [1, 0])
    assert indices.dtype == np.int64
    (values * minigrad.tensor([1.0, 5.0])).sum().backward()
    np.testing.assert_array_equal(x.grad.array, [[0.0, 1.0, 0.0], [5.0, 0.0, 0.0]])


def test_max_and_min_along_dim_zero_with_keepdim():
    x = _leaf([[1.0, 7.0], [4.0, 7.0], [4.0, 0.0]])
    values, indices = x.max(0, keepdim=True)
    assert values.shape == (1, 2) and indices.shape == (1, 2)
    np.testing.assert_array_equal(indices.array, [[1, 0]])
    values.sum().backward()
    np.testing.assert_array_equal(x.grad.array, [[0, 1], [1, 0], [0, 0]])
    low, where = minigrad.min(x.detach(), dim=0)
    np.testing.assert_array_equal(low.array, [1.0, 0.0])
    np.testing.assert_array_equal(where.array, [0, 2])


def test_elementwise_maximum_and_minimum_split_ties_in_half():
    grad_a, grad_b = _grads(minigrad.maximum, [1.0, 2.0, 2.0], [0.0, 2.0, 3.0])
    np.testing.assert_array_equal(grad_a, [1.0, 0.5, 0.0])
    np.testing.assert_array_equal(grad_b, [0.0, 0.5, 1.0])
    grad_a, grad_b = _grads(minigrad.minimum, [1.0, 2.0, 2.0], [0.0, 2.0, 3.0])
    np.testing.assert_array_equal(grad_a, [0.0, 0.5, 1.0])
    np.testing.assert_array_equal(grad_b, [1.0, 0.5, 0.0])


# -- kinks hit exactly -------------------------------------------------------------------
def test_relu_gradient_at_exactly_zero_is_zero():
    x = _leaf([-1.0, 0.0, -0.0, 2.0, 1e-300])
    out = x.relu()
    np.testing.assert_array_equal(out.array, [0.0, 0.0, 0.0, 2.0, 1e-300])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.array, [0.0, 0.0, 0.0, 1.0, 1.0])


def test_relu_passes_the_gradient_on_at_nan_and_blocks_it_at_minus_infinity():
    x = _leaf([math.nan, -math.inf, math.inf])
    out = minigrad.relu(x)
    assert math.isnan(out.array[0]) and out.array[1] == 0.0 and out.array[2] == math.inf
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.array, [1.0, 0.0, 1.0])


def test_abs_sign_and_clamp_at_their_kinks():
    (grad,) = _grads(lambda x: x.abs(), [-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(grad, [-1.0, 0.0, 1.0])
    (grad,) = _grads(minigrad.sign, [-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(grad, [0.0, 0.0, 0.0])
    # An element exactly on a bound keeps its gradient; outside it gets none.
    (grad,) = _grads(lambda x: x.clamp(0.0, 2.0), [-1.0, 0.0, 1.0, 2.0, 3.0])
    np.testing.assert_array_equal(grad, [0.0, 1.0, 1.0, 1.0, 0.0])
    (grad,) = _grads(lambda x: x.clamp(min=0.0), [-1.0, 0.0, 5.0])
    np.testing.assert_array_equal(grad, [0.0, 1.0, 1.0])
    (grad,) = _grads(lambda x: x.clamp(max=1.0), [-1.0, 1.0, 5.0])
    np.testing.assert_array_equal(grad, [1.0, 1.0, 0.0])


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")
def test_sqrt_at_zero_has_an_infinite_gradient():
    (grad,) = _grads(minigrad.sqrt, [0.0, 4.0])
    np.testing.assert_array_equal(grad, [math.inf, 0.25])


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")
def test_log_of_zero_and_division_by_zero():
    (grad,) = _grads(minigrad.log, [0.0, 2.0])
    np.testing.assert_array_equal(grad, [math.inf, 0.5])
    grad_a, grad_b = _grads(lambda a, b: a / b, [1.0, 6.0], [2.0, 3.0])
    np.testing.assert_allclose(grad_a, [0.5, 1 / 3])
    np.testing.assert_allclose(grad_b, [-0.25, -6 / 9])
