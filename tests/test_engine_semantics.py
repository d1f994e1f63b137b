"""What .data, .grad, in-place ops, versions and grad mode mean: PyTorch's meaning.

The issue's reproducers are here word for word; tests/test_torch_side_by_side.py runs the
same idioms next to PyTorch.
"""

import threading

import numpy as np
import pytest

import minigrad
from minigrad import nn, optim


# -- the reproducers ---------------------------------------------------------------------
def test_manual_sgd_with_minus_equals_updates_the_model():
    model = nn.Linear(3, 1)
    w0 = model.weight.detach().numpy().copy()
    (model(minigrad.tensor(np.ones((4, 3), np.float32))) ** 2).mean().backward()
    with minigrad.no_grad():
        for p in model.parameters():
            p -= 0.1 * p.grad
    assert not np.array_equal(w0, model.weight.detach().numpy())
    np.testing.assert_allclose(model.weight.detach().numpy(),
                               w0 - 0.1 * model.weight.grad.numpy(), rtol=1e-6)


def test_backward_after_an_optimizer_step_raises_pytorchs_error():
    p = minigrad.tensor([1.0], requires_grad=True)
    opt = optim.SGD([p], lr=0.5)
    loss = (p * p).sum()
    loss.backward(retain_graph=True)
    opt.step()
    p.grad = None
    with pytest.raises(RuntimeError, match="modified by an inplace operation.*input 0 of mul"
                                           ".*version 1; expected version 0"):
        loss.backward()


def test_an_in_place_change_in_another_thread_is_seen_by_backward():
    """backward() skips its checks only when no in-place change happened since the graph
    was built; changes made by other threads count too (even many of them at once)."""
    import threading
    p = minigrad.tensor([1.0, 2.0], requires_grad=True)
    others = [minigrad.tensor([0.0]) for _ in range(8)]
    loss = (p * p).sum()

    def change(t):
        with minigrad.no_grad():
            for _ in range(200):
                t += 1
    threads = [threading.Thread(target=change, args=(t,)) for t in others]
    threads.append(threading.Thread(target=change, args=(p,)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


def test_alias_plus_equals_changes_the_same_tensor():
    x = minigrad.tensor([1.0, 2.0])
    y = x
    y += 1
    assert y is x and x.tolist() == [2.0, 3.0] and x._version == 1


# -- .data and .grad are Tensors ---------------------------------------------------------
def test_data_is_a_detached_tensor_over_the_same_memory():
    w = minigrad.tensor([1.0, 2.0], requires_grad=True)
    d = w.data
    assert isinstance(d, minigrad.Tensor) and not d.requires_grad
    assert np.shares_memory(d.numpy(), w.detach().numpy())
    d.sub_(1.0)                        # not tracked: w's version is unchanged
    assert w.tolist() == [0.0, 1.0] and w._version == 0


def test_grad_is_a_tensor_that_pytorch_idioms_update_in_place():
    w = minigrad.tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    assert isinstance(w.grad, minigrad.Tensor) and w.grad.tolist() == [2.0, 4.0]
    w.grad.zero_()
    assert w.grad.tolist() == [0.0, 0.0]
    (w * w).sum().backward()
    w.data.sub_(0.5 * w.grad)          # d2l's from-scratch sgd
    assert w.tolist() == [0.0, 0.0]
    w.grad.data.zero_()
    assert w.grad.tolist() == [0.0, 0.0]


def test_assigning_grad_checks_type_shape_and_dtype():
    w = minigrad.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match="expected to be a Tensor or None"):
        w.grad = np.zeros(2)
    with pytest.raises(RuntimeError, match="different size"):
        w.grad = minigrad.zeros(3)
    with pytest.raises(RuntimeError, match="different type"):
        w.grad = minigrad.zeros(2, dtype=np.float64)


def test_a_kept_grad_receives_the_next_backward_in_place_as_in_pytorch():
    w = minigrad.tensor([1.0], requires_grad=True)
    (w * 3).sum().backward()
    kept = w.grad
    (w * 3).sum().backward()
    assert kept is w.grad and kept.tolist() == [6.0]


def test_numpy_refuses_a_tensor_that_requires_grad():
    w = minigrad.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"Use tensor.detach\(\).numpy\(\)"):
        w.numpy()
    with pytest.raises(RuntimeError, match="requires grad"):
        np.asarray(w)
    assert np.asarray(w.detach()).dtype == np.float32


# -- in-place rules ------------------------------------------------------------------------
def test_in_place_on_a_leaf_that_requires_grad_needs_no_grad():
    w = minigrad.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        w += 1
    with minigrad.no_grad():
        w += 1
    assert w.tolist() == [2.0] and w.requires_grad


def test_in_place_on_a_graph_tensor_is_refused_not_miscomputed():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    with pytest.raises(RuntimeError, match="in-place operations on a tensor computed by"):
        y += 1


def test_changing_a_saved_input_through_a_view_is_caught():
    x = minigrad.tensor([1.0, 2.0])
    w = minigrad.tensor([3.0, 4.0], requires_grad=True)
    loss = (w * x).sum()
    x[0].add_(10)                      # a view: x changes, and so does its version
    assert x.tolist() == [11.0, 2.0]
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


def test_an_op_that_saves_nothing_does_not_mind():
    x = minigrad.tensor([1.0, 2.0])
    w = minigrad.tensor([3.0, 4.0], requires_grad=True)
    loss = (w + x).sum()               # add's backward reads neither input
    x += 1
    loss.backward()
    assert w.grad.tolist() == [1.0, 1.0]


def test_changing_an_output_that_exp_saved_is_caught():
    x = minigrad.tensor([0.0, 1.0], requires_grad=True)
    y = x.exp()
    loss = y.sum()
    y.detach().mul_(2)                 # detach shares memory and version with y
    with pytest.raises(RuntimeError, match="the output of exp"):
        loss.backward()


def test_item_assignment_follows_the_same_rules():
    v = minigrad.zeros(3)
    v[:] = minigrad.tensor([1.0, 2.0, 3.0])
    v[1] = 7
    assert v.tolist() == [1.0, 7.0, 3.0] and v._version == 2
    w = minigrad.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        w[0] = 1.0


def test_in_place_dtype_rule_is_pytorchs():
    i = minigrad.tensor([1, 2])
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type"):
        i += 0.5
    f = minigrad.tensor([1.0, 2.0])
    f += minigrad.tensor([1, 1])
    assert f.dtype == np.float32 and f.tolist() == [2.0, 3.0]


# -- grad mode belongs to a thread --------------------------------------------------------
def test_no_grad_in_one_thread_leaves_another_recording():
    inside, outside = threading.Event(), threading.Event()
    seen = {}

    def evaluate():
        with minigrad.no_grad():
            inside.set()
            outside.wait(5)
            seen["evaluating"] = minigrad.is_grad_enabled()

    thread = threading.Thread(target=evaluate)
    thread.start()
    inside.wait(5)
    x = minigrad.tensor([1.0], requires_grad=True)
    seen["training"] = (x * 2).requires_grad
    outside.set()
    thread.join()
    assert seen == {"evaluating": False, "training": True}
    assert minigrad.is_grad_enabled()


def test_grad_mode_comes_back_after_nesting_and_errors():
    with minigrad.no_grad():
        with minigrad.no_grad():
            pass
        assert not minigrad.is_grad_enabled()
        with minigrad.enable_grad():
            assert minigrad.is_grad_enabled()
        assert not minigrad.is_grad_enabled()
    assert minigrad.is_grad_enabled()
    with pytest.raises(ZeroDivisionError):
        with minigrad.no_grad():
            1 / 0
    assert minigrad.is_grad_enabled()


def test_grad_mode_switches_as_decorators_and_calls():
    @minigrad.no_grad
    def bare():
        return minigrad.is_grad_enabled()

    @minigrad.no_grad()
    def called():
        return minigrad.is_grad_enabled()

    @minigrad.set_grad_enabled(False)
    def switched():
        return minigrad.is_grad_enabled()

    assert (bare(), called(), switched(), minigrad.is_grad_enabled()) == (False, False, False,
                                                                           True)
    minigrad.set_grad_enabled(False)
    try:
        assert not minigrad.is_grad_enabled()
    finally:
        minigrad.set_grad_enabled(True)
    with minigrad.set_grad_enabled(False):
        assert not minigrad.is_grad_enabled()
    assert minigrad.is_grad_enabled()


# -- PyTorch's spelling and dtypes ----------------------------------------------------------
def test_max_with_dim_returns_values_and_indices():
    logits = minigrad.tensor([[1.0, 3.0], [4.0, 2.0]])
    _, predicted = logits.max(1)
    assert predicted.tolist() == [1, 0]
    result = logits.max(dim=0, keepdim=True)
    assert result.values.tolist() == [[4.0, 3.0]] and result.indices.tolist() == [[1, 0]]
    assert logits.max().item() == 4.0
    assert logits.argmax(dim=1).tolist() == [1, 0]


def test_reductions_take_dim_and_axis_spellings():
    x = minigrad.tensor(np.arange(6.0).reshape(2, 3))
    assert x.sum(dim=1, keepdim=True).shape == (2, 1)
    assert x.sum(axis=(0, 1)).item() == 15.0
    assert x.mean(dim=[0]).tolist() == [1.5, 2.5, 3.5]
    assert x.softmax(dim=1).shape == (2, 3)
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'dim'"):
        x.softmax()
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range "
                                         r"of \[-2, 1\], but got 5\)"):
        x.transpose(0, 5)
    assert minigrad.tensor(3.0).mean(dim=0).item() == 3.0


@pytest.mark.parametrize("make, dtype, values", [
    (lambda: minigrad.tensor([True, False]) + 5, np.int64, [6, 5]),
    (lambda: minigrad.tensor([1, 2]) * 2.5, np.float32, [2.5, 5.0]),
    (lambda: minigrad.tensor([1.0]) + minigrad.tensor(1.0, dtype=np.float64), np.float32,
     [2.0]),
    (lambda: minigrad.tensor([1.0]) + minigrad.tensor([1], dtype=np.int64), np.float32, [2.0]),
    (lambda: minigrad.tensor([3, 4]) / 2, np.float32, [1.5, 2.0]),
    (lambda: minigrad.tensor([2.0]) ** minigrad.tensor([2]), np.float32, [4.0]),
])
def test_promotion_is_pytorchs(make, dtype, values):
    out = make()
    assert out.dtype == dtype and out.tolist() == values


def test_float_functions_of_integers_give_floats():
    out = minigrad.tensor([1, 2, 3]).sigmoid()
    assert out.dtype == np.float32 and 0.73 < out[0].item() < 0.74


def test_float16_stays_finite_where_pytorch_does():
    tens = minigrad.tensor(np.full(10_000, 10.0, np.float16))
    assert tens.mean().item() == 10.0 and tens.mean().dtype == np.float16
    small = minigrad.tensor([1e-3], dtype=np.float16)
    assert np.isfinite((small * 1e5).item())


def test_gradients_at_special_points_are_pytorchs():
    x = minigrad.tensor([0.0], requires_grad=True)
    (x ** 0).sum().backward()
    assert x.grad.tolist() == [0.0]
    assert minigrad.tensor([-np.inf]).relu().tolist() == [0.0]
    nan_in = minigrad.tensor([np.nan, -1.0, 0.0, 2.0], requires_grad=True)
    nan_in.relu().sum().backward()
    assert nan_in.grad.tolist() == [1.0, 0.0, 0.0, 1.0]    # NaN input: g passes, as PyTorch
    b = minigrad.tensor([-1.0], requires_grad=True)
    (minigrad.tensor([0.0]) ** b).sum().backward()
    assert b.grad.tolist() == [-np.inf]


def test_python_and_numpy_interop():
    t = minigrad.tensor(2.5)
    assert float(t) == 2.5 and int(minigrad.tensor([7])) == 7 and f"{t:.3f}" == "2.500"
    assert minigrad.tensor([minigrad.tensor(1.0), minigrad.tensor(2.0)]).tolist() == [1, 2]
    assert np.asarray(minigrad.tensor([1.0, 2.0])).dtype == np.float32
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d tensor"):
        len(t)
    with pytest.raises(TypeError, match="iteration over a 0-d tensor"):
        iter(t)
    assert [row.tolist() for row in minigrad.tensor([[1, 2], [3, 4]])] == [[1, 2], [3, 4]]
    assert minigrad.zeros(2, 3).size() == (2, 3) and minigrad.zeros(2, 3).size(1) == 3
    assert minigrad.zeros(2, 3).numel() == 6 and minigrad.zeros(2, 3).dim() == 2
    with pytest.raises(TypeError, match="invalid data type 'str'"):
        minigrad.tensor("abc")


def test_repr_is_pytorchs():
    assert repr(minigrad.tensor([1.0, 2.0])) == "tensor([1., 2.])"
    assert repr(minigrad.tensor([0.1, 2.0])) == "tensor([0.1000, 2.0000])"
    assert repr(minigrad.tensor([1, 2])) == "tensor([1, 2])"
    w = minigrad.tensor([1.5], requires_grad=True)
    assert repr(w) == "tensor([1.5000], requires_grad=True)"
    assert repr(w * 2) == "tensor([3.], grad_fn=<MulBackward0>)"
    with minigrad.no_grad():
        assert repr(w * 2) == "tensor([3.])"
    assert repr(minigrad.tensor([1e-5, 1.0])) == "tensor([1.0000e-05, 1.0000e+00])"


def test_optimizer_state_of_a_0d_parameter_survives_a_round_trip():
    scale = nn.Parameter(2.0)
    opt = optim.SGD([scale], lr=0.1, momentum=0.9)
    for _ in range(2):
        opt.zero_grad()
        (scale * scale).backward()
        opt.step()
    fresh = optim.SGD([scale], lr=0.1, momentum=0.9)
    fresh.load_state_dict(opt.state_dict())
    buffer = fresh.state[scale]["momentum_buffer"]
    assert isinstance(buffer, minigrad.Tensor) and buffer.shape == ()
    before = buffer.item()
    fresh.zero_grad()
    (scale * scale).backward()
    fresh.step()
    assert fresh.state[scale]["momentum_buffer"].item() != before


def test_floor_division_has_no_gradient_and_remainder_has_one():
    x = minigrad.tensor([-7.0, 7.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="derivative for floor_divide is not implemented"):
        (x // 2).sum().backward()
    z = minigrad.tensor([5.0, 7.0], requires_grad=True)
    w = minigrad.tensor([2.0, 3.0], requires_grad=True)
    (z % w).sum().backward()
    assert z.grad.tolist() == [1.0, 1.0] and w.grad.tolist() == [-2.0, -2.0]
    assert (minigrad.tensor([-7, 7]) // 2).tolist() == [-4, 3]


def test_softmax_of_integers_is_refused_as_pytorch():
    with pytest.raises(NotImplementedError, match="not implemented for 'int64'"):
        minigrad.tensor([1, 2]).softmax(0)
