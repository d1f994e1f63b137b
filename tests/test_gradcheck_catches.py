"""The gradient checker catches a gradient wrong in one element, too small or too large,
not finite, or missing — and names where."""

import math

import numpy as np
import pytest

import minigrad
from minigrad import GradcheckError, Tensor, gradcheck, numerical_grad


def _square_with_backward(change):
    """x ↦ x², whose backward returns ``change(2x · g)`` instead of the right 2x · g."""
    def fn(x):
        out = x * x
        return Tensor._make(out.array, (x,), _altered_square_backward, "altered_square",
                            ctx=(change,))
    return fn


def _altered_square_backward(g, parents, ctx):
    (x,), (change,) = parents, ctx
    return (change(np.array(g * 2 * x.array)),)


def _one_element_times(index, factor):
    def change(grad):
        grad[index] *= factor
        return grad
    return _square_with_backward(change)


def _large_input(n, seed=1):
    return minigrad.tensor(np.random.default_rng(seed).uniform(1, 2, n), requires_grad=True)


@pytest.mark.parametrize("factor", [1.01, 0.99, 0.0, -1.0])
def test_a_single_wrong_element_of_a_large_gradient_is_caught_and_named(factor):
    x = minigrad.tensor(np.random.default_rng(0).uniform(1, 2, (20, 40)), requires_grad=True)
    assert gradcheck(lambda t: (t * t).sum(), [x])
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda t: _one_element_times((13, 27), factor)(t).sum(), [x])
    message = str(info.value)
    assert "index (13, 27)" in message and "1 of 800 elements differ" in message


def test_an_analytical_gradient_too_small_is_caught_as_well_as_too_large():
    x = minigrad.tensor(np.array([1.5, -2.0, 3.0]), requires_grad=True)
    for factor, shown in ((1 - 5e-4, "analytical 5.997"), (1 + 5e-4, "analytical 6.003")):
        with pytest.raises(GradcheckError) as info:
            gradcheck(lambda t: _square_with_backward(lambda g: g * factor)(t).sum(), [x],
                      atol=0, rtol=1e-4)
        assert "index (2,)" in str(info.value) and shown in str(info.value)


def test_the_error_names_the_worst_element_and_counts_the_bad_ones():
    def change(grad):
        grad[1] += 0.01
        grad[3] += 1.0
        return grad
    x = minigrad.tensor(np.array([1.0, 2.0, 3.0, 4.0, 5.0]), requires_grad=True)
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda t: _square_with_backward(change)(t).sum(), [x])
    message = str(info.value)
    assert "index (3,)" in message and "2 of 5 elements differ" in message
    assert "numerical 8" in message and "analytical 9" in message


def test_an_error_just_inside_the_tolerance_passes_and_just_outside_fails():
    # allowed = atol + rtol·|numerical| = 1e-5 + 1e-3·6 = 0.00601 at x = 3
    x = minigrad.tensor(np.array([3.0]), requires_grad=True)
    assert gradcheck(lambda t: _square_with_backward(lambda g: g + 0.0059)(t).sum(), [x])
    with pytest.raises(GradcheckError):
        gradcheck(lambda t: _square_with_backward(lambda g: g + 0.0062)(t).sum(), [x])
    assert gradcheck(lambda t: _square_with_backward(lambda g: g - 0.0059)(t).sum(), [x])
    with pytest.raises(GradcheckError):
        gradcheck(lambda t: _square_with_backward(lambda g: g - 0.0062)(t).sum(), [x])


def test_atol_alone_and_rtol_alone():
    x = minigrad.tensor(np.array([100.0]), requires_grad=True)        # gradient 200
    off = lambda t: _square_with_backward(lambda g: g + 0.5)(t).sum()  # noqa: E731
    assert gradcheck(off, [x], atol=0.6, rtol=0)
    with pytest.raises(GradcheckError):
        gradcheck(off, [x], atol=0.4, rtol=0)
    assert gradcheck(off, [x], atol=0, rtol=0.003)
    with pytest.raises(GradcheckError):
        gradcheck(off, [x], atol=0, rtol=0.002)


def test_a_nan_or_infinite_analytical_gradient_is_a_failure():
    x = minigrad.tensor(np.array([1.0, 2.0]), requires_grad=True)
    for bad in (math.nan, math.inf):
        def change(grad, bad=bad):
            grad[1] = bad
            return grad
        with pytest.raises(GradcheckError, match=r"analytical gradient of input 0 is not "
                                                 r"finite at index \(1,\)"):
            gradcheck(lambda t: _square_with_backward(change)(t).sum(), [x])


def test_a_missing_gradient_counts_as_zero_and_fails():
    a = minigrad.tensor(np.array([1.0, 2.0]), requires_grad=True)
    b = minigrad.tensor(np.array([3.0, 4.0]), requires_grad=True)
    # b enters through .detach(): backward never reaches it, so its gradient is "zero".
    with pytest.raises(GradcheckError, match="input 1"):
        gradcheck(lambda p, q: (p * q.detach()).sum(), [a, b])


def test_every_element_of_a_non_scalar_output_is_weighted():
    # z = [x0², x1²] with the backward of the second output wrong: caught through ⟨r, z⟩
    x = minigrad.tensor(np.array([1.0, 2.0]), requires_grad=True)
    with pytest.raises(GradcheckError, match=r"index \(1,\)"):
        gradcheck(_one_element_times(1, 1.05), [x])


def test_fast_mode_catches_a_single_element_badly_wrong():
    x = _large_input(5000)
    assert gradcheck(lambda t: (t * t).sum(), [x], fast_mode=True)
    with pytest.raises(GradcheckError, match="random direction"):
        gradcheck(lambda t: _one_element_times(7, 0.0)(t).sum(), [x], fast_mode=True)
    with pytest.raises(GradcheckError, match=r"index \(7,\)"):           # default: every element
        gradcheck(lambda t: _one_element_times(7, 0.0)(t).sum(), [x])
    with pytest.raises(GradcheckError, match="random direction"):
        gradcheck(lambda t: _one_element_times(7, -1.0)(t).sum(), [x], fast_mode=True)


def test_fast_false_checks_every_element_of_a_large_input():
    x = _large_input(2000)
    with pytest.raises(GradcheckError, match=r"index \(7,\).*1 of 2000 elements differ"):
        gradcheck(lambda t: _one_element_times(7, 1.01)(t).sum(), [x], fast_mode=False)


def test_the_defaults_catch_one_element_one_percent_off_in_a_large_gradient():
    x = _large_input(2000)
    with pytest.raises(GradcheckError):
        gradcheck(lambda t: _one_element_times(7, 1.01)(t).sum(), [x])


def test_the_check_runs_in_float64_and_leaves_the_inputs_alone():
    x = minigrad.tensor(np.array([0.1, 0.2, 0.3]), requires_grad=True)
    seen = []

    def fn(t):
        seen.append(t.dtype)
        return (t ** 3).sum()

    assert gradcheck(fn, [x])
    assert set(seen) == {np.dtype(np.float64)}
    np.testing.assert_array_equal(x.array, [0.1, 0.2, 0.3])
    assert x.grad is None


def test_numerical_grad_is_central_and_per_element():
    x = minigrad.tensor(np.array([[0.5, -1.0], [2.0, 3.0]]))
    (grad,) = numerical_grad(lambda t: (t ** 3).sum(), [x], eps=1e-3)
    # central difference of x³: 3x² + ε² exactly (the one-sided one would be off by 3xε)
    np.testing.assert_allclose(grad, 3 * x.array ** 2 + 1e-6, rtol=0, atol=1e-9)
    (weighted,) = numerical_grad(lambda t: t * t, [x], grad_output=np.array([[1, 0], [0, 2]]))
    np.testing.assert_allclose(weighted, [[1.0, 0.0], [0.0, 12.0]], atol=1e-6)


def test_integer_and_array_inputs_are_held_constant():
    x = minigrad.tensor(np.array([1.0, 2.0]), requires_grad=True)
    k = minigrad.tensor([3, 4])
    c = np.array([0.5, 0.25])
    assert gradcheck(lambda t, i, a: (t * i * minigrad.tensor(a)).sum(), [x, k, c])
    grads = numerical_grad(lambda t, i: (t * i).sum(), [x, k])
    assert grads[1] is None
    np.testing.assert_allclose(grads[0], [3.0, 4.0], rtol=1e-8)


def test_a_backward_that_ignores_the_incoming_gradient_is_caught_on_a_non_scalar_output():
    # backward returns the local derivative 2x without multiplying by g: right only when
    # g is all ones, so the check must weight the outputs by something else.
    def ignores_g(g, parents, ctx):
        (x,) = parents
        return (2 * x.array,)

    def fn(x):
        out = x * x
        return Tensor._make(out.array, (x,), ignores_g, "ignores_g")
    x = minigrad.tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    assert gradcheck(lambda t: fn(t).sum(), [x])              # a scalar output: g = 1
    with pytest.raises(GradcheckError):
        gradcheck(fn, [x])


def test_fast_mode_compares_along_a_unit_direction():
    # An error δ in every element moves the derivative along a *unit* direction u by
    # δ·Σuᵢ; for seed 0 and n = 5000, Σuᵢ = −0.32, so δ = 3e-5 stays within atol = 1e-4.
    # Along the unnormalised Gaussian direction (norm 70) it would be δ·(−22.7) = 7e-4.
    x = _large_input(5000)
    almost = lambda t: _square_with_backward(lambda g: g + 3e-5)(t).sum()  # noqa: E731
    assert gradcheck(almost, [x], fast_mode=True, atol=1e-4, rtol=0)
    with pytest.raises(GradcheckError, match="random direction"):
        gradcheck(lambda t: _square_with_backward(lambda g: g + 1e-3)(t).sum(), [x],
                  fast_mode=True, atol=1e-4, rtol=0)
