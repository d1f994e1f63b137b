"""The engine by value: results the mutation tests (``tools/mutants.py``) showed no other
test pinned down — ``alpha=`` arguments, dim checks, square and batched matrix products,
dtype rules, reductions' gradients. Expected values are PyTorch 2.13's, written as numbers."""

import numpy as np
import pytest

import minigrad
import minigrad.nn.functional as F
from minigrad import gradcheck


def _leaf(values, dtype=np.float64):
    return minigrad.tensor(np.array(values, dtype=dtype), requires_grad=True)


# -- alpha= ------------------------------------------------------------------------------
def test_add_and_sub_with_alpha_and_their_gradients():
    a, b = _leaf([1.0, 2.0]), _leaf([10.0, 20.0])
    out = minigrad.add(a, b, alpha=3)
    np.testing.assert_array_equal(out.array, [31.0, 62.0])
    out.sum().backward()
    np.testing.assert_array_equal(a.grad.array, [1.0, 1.0])
    np.testing.assert_array_equal(b.grad.array, [3.0, 3.0])
    a.grad = b.grad = None
    out = a.sub(b, alpha=0.5)
    np.testing.assert_array_equal(out.array, [-4.0, -8.0])
    out.sum().backward()
    np.testing.assert_array_equal(b.grad.array, [-0.5, -0.5])


def test_in_place_add_and_sub_with_alpha():
    t = minigrad.tensor(np.array([1.0, 2.0]))
    t.add_(minigrad.tensor(np.array([1.0, 1.0])), alpha=4)
    np.testing.assert_array_equal(t.array, [5.0, 6.0])
    t.sub_(np.array([1.0, 2.0]), alpha=2)
    np.testing.assert_array_equal(t.array, [3.0, 2.0])
    assert t._version == 2


# -- dims out of range -------------------------------------------------------------------
@pytest.mark.parametrize("call", [
    lambda x: x.sum(dim=2), lambda x: x.mean(dim=-3), lambda x: x.max(2),
    lambda x: x.amax(dim=2), lambda x: x.softmax(dim=2), lambda x: x.transpose(0, 2),
    lambda x: x.unsqueeze(4), lambda x: x.size(2),
])
def test_a_dim_out_of_range_is_pytorchs_index_error(call):
    x = minigrad.tensor(np.ones((2, 3)))
    with pytest.raises(IndexError, match="Dimension out of range"):
        call(x)


def test_the_last_valid_dims_work():
    x = minigrad.tensor(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(x.sum(dim=1).array, [3.0, 12.0])
    np.testing.assert_array_equal(x.sum(dim=-2).array, [3.0, 5.0, 7.0])
    assert x.unsqueeze(2).shape == (2, 3, 1) and x.unsqueeze(-1).shape == (2, 3, 1)
    assert x.unsqueeze(0).shape == (1, 2, 3) and x.unsqueeze(-3).shape == (1, 2, 3)


# -- matrix products ---------------------------------------------------------------------
@pytest.mark.parametrize("a_shape, b_shape", [((3, 3), (3, 3)), ((2, 3), (3, 3)),
                                              ((4, 2, 2), (2, 2)), ((3,), (3, 3)),
                                              ((2, 3, 3), (2, 3, 3))])
def test_matrix_products_with_square_factors_check_out(a_shape, b_shape):
    rng = np.random.default_rng(0)
    a = minigrad.tensor(rng.standard_normal(a_shape), requires_grad=True)
    b = minigrad.tensor(rng.standard_normal(b_shape), requires_grad=True)
    assert gradcheck(lambda x, y: x @ y, [a, b])


def test_linear_on_a_batch_of_sequences():
    rng = np.random.default_rng(1)
    x = minigrad.tensor(rng.standard_normal((2, 4, 3)), requires_grad=True)
    w = minigrad.tensor(rng.standard_normal((5, 3)), requires_grad=True)
    b = minigrad.tensor(rng.standard_normal(5), requires_grad=True)
    assert gradcheck(F.linear, [x, w, b])
    np.testing.assert_allclose(F.linear(x, w, b).array, x.array @ w.array.T + b.array)


# -- dtypes: PyTorch's promotion, not numpy's --------------------------------------------
@pytest.mark.parametrize("make, dtype", [
    (lambda: minigrad.tensor([1, 2]) + 1, np.int64),
    (lambda: minigrad.tensor([1, 2]) * 2.5, np.float32),
    (lambda: minigrad.tensor([1, 2]) / 2, np.float32),
    (lambda: minigrad.tensor([True, False]) + 5, np.int64),
    (lambda: minigrad.tensor([1.0, 2.0]) + minigrad.tensor(np.float64(3.0)), np.float32),
    (lambda: minigrad.tensor([1.0, 2.0]) + minigrad.tensor([1, 2]), np.float32),
    (lambda: minigrad.tensor([1, 2]) + minigrad.tensor(np.array([1.0], dtype=np.float16)),
     np.float16),
    (lambda: minigrad.tensor(np.array([1, 2], dtype=np.int32)) + minigrad.tensor(7),
     np.int32),
    (lambda: minigrad.tensor(np.array([1, 2], dtype=np.int32)) + minigrad.tensor(7.0),
     np.float32),
    (lambda: minigrad.tensor(np.float64(1.0)) + minigrad.tensor(2), np.float64),
])
def test_result_dtypes_follow_pytorch(make, dtype):
    assert make().dtype == dtype


def test_integer_division_gives_floats():
    np.testing.assert_array_equal((minigrad.tensor([1, 3]) / 2).array, [0.5, 1.5])
    np.testing.assert_array_equal((3 / minigrad.tensor([2, 4])).array, [1.5, 0.75])


def test_an_in_place_change_cannot_turn_an_integer_tensor_into_floats():
    t = minigrad.tensor([1, 2])
    with pytest.raises(RuntimeError, match="can't be cast"):
        t += 0.5
    with pytest.raises(RuntimeError, match="can't be cast"):
        t /= 2
    t += 3
    np.testing.assert_array_equal(t.array, [4, 5])
    f = minigrad.tensor([1.0, 2.0])
    f += minigrad.tensor(np.array([0.25, 0.25]))     # float64 into float32: allowed, cast
    assert f.dtype == np.float32 and f.array.tolist() == [1.25, 2.25]


def test_the_gradient_through_a_dtype_change_comes_back_in_the_inputs_dtype():
    x = _leaf([1.0, 2.0])
    y = x.to(minigrad.float32) * 3
    assert y.dtype == np.float32
    y.sum().backward()
    assert x.grad.dtype == np.float64
    np.testing.assert_array_equal(x.grad.array, [3.0, 3.0])
    # the gradient flowing back above the cast is float64 again: 0.1 stays exactly 0.1
    x.grad = None
    u = (x * 0.1).retain_grad()
    u.to(minigrad.float32).sum().backward()
    assert u.grad.dtype == np.float64
    np.testing.assert_array_equal(x.grad.array, [0.1, 0.1])
    h = _leaf([1.0, 2.0], dtype=np.float16)
    (h.float() * 2).sum().backward()
    assert h.grad.dtype == np.float16


# -- softmax without a dim (nn.functional's legacy rule) ---------------------------------
@pytest.mark.parametrize("shape, dim", [((4,), 0), ((2, 3), 1), ((2, 3, 4), 0),
                                        ((2, 3, 4, 5), 1)])
def test_functional_softmax_guesses_pytorchs_legacy_dim(shape, dim):
    x = minigrad.tensor(np.random.default_rng(0).standard_normal(shape))
    with pytest.warns(UserWarning, match="Implicit dimension"):
        out = F.softmax(x)
    np.testing.assert_allclose(out.array.sum(axis=dim), 1.0)
    np.testing.assert_allclose(out.array, F.softmax(x, dim=dim).array)


def test_tensor_softmax_needs_a_dim():
    with pytest.raises(TypeError, match="dim"):
        minigrad.softmax(minigrad.tensor([1.0, 2.0]))


# -- variance and joins ------------------------------------------------------------------
def test_variance_corrections():
    values = np.array([[1.0, 2.0, 4.0], [3.0, 5.0, 9.0]])
    x = minigrad.tensor(values)
    assert x.var().item() == pytest.approx(np.var(values, ddof=1))
    assert x.var(unbiased=False).item() == pytest.approx(np.var(values))
    assert x.var(correction=0).item() == pytest.approx(np.var(values))
    np.testing.assert_allclose(x.var(dim=1).array, np.var(values, axis=1, ddof=1))
    np.testing.assert_allclose(x.std(dim=0).array, np.std(values, axis=0, ddof=1))
    assert float(np.var(x)) == pytest.approx(np.var(values))        # numpy's ddof=0


def test_cat_gives_each_input_its_own_slice_of_the_gradient():
    a, b = _leaf([[1.0], [2.0]]), _leaf([[3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])
    c = _leaf([[9.0, 9.0]] * 2)
    weights = minigrad.tensor(np.arange(12.0).reshape(2, 6))
    (minigrad.cat([a, b, c], dim=1) * weights).sum().backward()
    np.testing.assert_array_equal(a.grad.array, [[0.0], [6.0]])
    np.testing.assert_array_equal(b.grad.array, [[1, 2, 3], [7, 8, 9]])
    np.testing.assert_array_equal(c.grad.array, [[4, 5], [10, 11]])


# -- reductions: gradients over one dim of a square input --------------------------------
@pytest.mark.parametrize("reduce", ["sum", "mean"])
@pytest.mark.parametrize("dim", [0, 1])
def test_a_reduction_over_one_dim_of_a_square_input(reduce, dim):
    x = _leaf(np.arange(9.0).reshape(3, 3))
    weights = minigrad.tensor(np.array([1.0, 10.0, 100.0]))
    (getattr(x, reduce)(dim=dim) * weights).sum().backward()
    expected = np.broadcast_to(weights.array if dim == 0 else weights.array[:, None], (3, 3))
    np.testing.assert_array_equal(x.grad.array, expected / (3 if reduce == "mean" else 1))


# -- remainder with mixed signs ----------------------------------------------------------
def test_remainder_takes_the_sign_of_the_divisor_and_its_gradient_the_floor():
    a, b = _leaf([-7.0, 7.0, -7.0, 5.5]), _leaf([2.0, -2.0, -2.0, 2.0])
    z = a % b
    np.testing.assert_array_equal(z.array, [1.0, -1.0, -1.0, 1.5])
    (z * minigrad.tensor(np.array([1.0, 2.0, 3.0, 4.0]))).sum().backward()
    np.testing.assert_array_equal(a.grad.array, [1.0, 2.0, 3.0, 4.0])
    np.testing.assert_array_equal(b.grad.array, [4.0, 8.0, -9.0, -8.0])    # −⌊a/b⌋·g
