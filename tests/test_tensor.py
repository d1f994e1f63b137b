"""The engine's bookkeeping: graph, accumulation, dtypes, no_grad, error messages."""

import gc
import tracemalloc

import numpy as np
import pytest

import minigrad
from minigrad import Tensor


def test_reuse_accumulates():
    # b = a + a; c = b + b  =>  c = 4a, dc/da = 4
    a = minigrad.tensor(3.0, requires_grad=True)
    b = a + a
    c = b + b
    c.backward()
    assert c.item() == 12.0
    assert a.grad == 4.0


def test_diamond_graph():
    x = minigrad.tensor(2.0, requires_grad=True)
    y = x * x          # 4
    z = y * x + y      # x^3 + x^2 = 12
    z.backward()
    assert z.item() == 12.0
    assert x.grad == pytest.approx(3 * 4 + 2 * 2)


def test_gradients_accumulate_across_backward_calls_until_zeroed():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad, [6.0, 6.0])
    x.grad = None
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 3.0])


def test_long_chain_backpropagates_without_recursion():
    x = minigrad.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0 + 0.0
    y.backward()
    assert x.grad == 1.0


def test_graph_is_released_and_second_backward_says_why():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    loss = (x * x).sum()
    loss.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        loss.backward()


def test_retain_graph_allows_second_backward():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    loss = (x * x).sum()
    loss.backward(retain_graph=True)
    loss.backward()
    np.testing.assert_array_equal(x.grad, [4.0, 8.0])


def test_memory_stays_flat_over_many_steps():
    w = minigrad.randn(64, 32, requires_grad=True)
    x = minigrad.randn(16, 64)

    def step():
        loss = ((x @ w).tanh() ** 2).mean()
        loss.backward()
        w.grad = None

    gc.collect()
    tracemalloc.start()
    for _ in range(2500):  # long enough to fill Python's own free lists (2,000 tuples)
        step()
    first, _ = tracemalloc.get_traced_memory()
    for _ in range(2500):
        step()
    second, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert second - first < 16 * 1024, (first, second)


def test_intermediate_grads_are_not_kept_unless_retained():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    z = x * 3
    z.retain_grad()
    (y.sum() + z.sum()).backward()
    assert y.grad is None
    np.testing.assert_array_equal(z.grad, [1.0, 1.0])


def test_no_grad_builds_no_graph():
    x = minigrad.tensor([1.0], requires_grad=True)
    with minigrad.no_grad():
        y = x * 2
    assert not y.requires_grad and y.is_leaf
    assert minigrad.is_grad_enabled()


def test_detach_cuts_the_graph_and_shares_data():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    d = (x * 2).detach()
    assert not d.requires_grad
    y = (x * d).sum()
    y.backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])


def test_requires_grad_propagates():
    a = minigrad.tensor([1.0])
    b = minigrad.tensor([1.0], requires_grad=True)
    assert not (a * 2).requires_grad
    assert (a * b).requires_grad


def test_only_inputs_that_need_it_get_grad():
    x = minigrad.tensor(np.ones((3, 4)))
    w = minigrad.tensor(np.ones((4, 2)), requires_grad=True)
    (x @ w).sum().backward()
    assert x.grad is None and w.grad.shape == (4, 2)


def test_dtypes_follow_pytorch():
    assert minigrad.tensor([1.0, 2.0]).dtype == np.float32
    assert minigrad.tensor(1.5).dtype == np.float32
    assert minigrad.tensor([1, 2]).dtype == np.int64
    assert minigrad.tensor(np.zeros(2)).dtype == np.float64
    assert minigrad.tensor([1.0], dtype=np.float64).dtype == np.float64
    assert minigrad.zeros(2, 3).shape == (2, 3) and minigrad.ones((2,)).dtype == np.float32


def test_scalars_keep_tensor_dtype_on_either_side():
    x = minigrad.tensor([1.0, 2.0])
    for y in (x * 2.0, 2.0 * x, x + 1, 1 - x, x / 3.0, 3.0 / x, x ** 2, 2 ** x):
        assert y.dtype == np.float32, y


def test_numpy_arrays_mix_on_either_side():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = np.array([3.0, 4.0], dtype=np.float32) * x + x * np.float32(1)
    assert isinstance(y, Tensor)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [4.0, 5.0])


def test_tensor_copies_its_input():
    a = np.ones(3)
    t = minigrad.tensor(a)
    a[0] = 5
    assert t.data[0] == 1


def test_matmul_mismatch_names_both_shapes():
    with pytest.raises(RuntimeError, match=r"\(3, 4\) @ \(5, 2\).*\(4\).*\(5\)"):
        minigrad.tensor(np.ones((3, 4))) @ minigrad.tensor(np.ones((5, 2)))


def test_backward_on_non_scalar_needs_a_gradient():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"implicitly created only for scalar outputs.*shape \(2,\)"):
        (x * 2).backward()
    y = x * 2
    y.backward(np.array([1.0, 10.0]))
    np.testing.assert_array_equal(x.grad, [2.0, 20.0])


def test_backward_grad_of_wrong_shape():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"Mismatch in shape: gradient has a shape of \(3,\).*shape of \(2,\)"):
        (x * 2).backward(np.ones(3))


def test_backward_without_requires_grad_says_so():
    with pytest.raises(RuntimeError, match="does not require grad"):
        (minigrad.tensor([1.0]) * 2).sum().backward()


def test_integer_tensors_cannot_require_grad():
    with pytest.raises(RuntimeError, match="only Tensors of floating point"):
        minigrad.tensor([1, 2], requires_grad=True)


def test_item_and_reshape_errors_are_clear():
    with pytest.raises(RuntimeError, match="a Tensor with 2 elements cannot be converted"):
        minigrad.tensor([1.0, 2.0]).item()
    with pytest.raises(RuntimeError, match=r"shape '\[4\]' is invalid for input of size 6"):
        minigrad.zeros(2, 3).reshape(4)


def test_view_transpose_and_T():
    x = minigrad.tensor(np.arange(24.0).reshape(2, 3, 4))
    assert x.view(6, 4).shape == (6, 4)
    assert x.transpose(0, 2).shape == (4, 3, 2)
    assert x.T.shape == (4, 3, 2)
    assert x.transpose(0, 1).shape == (3, 2, 4)


def test_manual_seed_reproduces_randn():
    minigrad.manual_seed(3)
    a = minigrad.randn(5)
    minigrad.manual_seed(3)
    np.testing.assert_array_equal(a.data, minigrad.randn(5).data)


def test_repr_shows_grad_fn():
    x = minigrad.tensor([1.0], requires_grad=True)
    assert "requires_grad=True" in repr(x)
    assert "grad_fn=<MulBackward0>" in repr(x * 2)


def test_comparisons_and_argmax_are_outside_the_graph():
    x = minigrad.tensor([1.0, 3.0, 2.0], requires_grad=True)
    assert not (x > 1.5).requires_grad
    assert x.argmax().item() == 1


# -- .grad keeps the backward pass's array without a copy when that is safe -----------
def test_two_leaves_fed_the_same_gradient_get_separate_arrays():
    a = minigrad.tensor([1.0, 2.0], requires_grad=True)
    b = minigrad.tensor([3.0, 4.0], requires_grad=True)
    (a + b).sum().backward()
    assert a.grad is not b.grad and not np.shares_memory(a.grad, b.grad)
    a.grad += 10                      # an optimizer or a second backward writes in place
    np.testing.assert_array_equal(b.grad, [1.0, 1.0])


def test_a_gradient_passed_to_backward_is_never_kept():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    g = np.array([1.0, 1.0], dtype=np.float32)
    (x + 0).backward(g)
    assert not np.shares_memory(x.grad, g)
    x.grad += 1
    np.testing.assert_array_equal(g, [1.0, 1.0])


def test_retained_grad_and_leaf_grad_do_not_share_memory():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = x + 0
    y.retain_grad()
    (y + 0).sum().backward()
    assert not np.shares_memory(x.grad, y.grad)


def test_second_backward_accumulates_without_touching_the_other_leaf():
    a = minigrad.tensor([1.0], requires_grad=True)
    b = minigrad.tensor([1.0], requires_grad=True)
    (a + b).sum().backward()
    (a * 3).sum().backward()
    np.testing.assert_array_equal(a.grad, [4.0])
    np.testing.assert_array_equal(b.grad, [1.0])


def test_weight_gradient_of_x_at_W_T_is_row_major():
    W = minigrad.randn(5, 3, requires_grad=True)
    (minigrad.randn(4, 3) @ W.T).sum().backward()
    assert W.grad.array.flags.c_contiguous and W.grad.shape == (5, 3)
