"""minigrad.autograd.Function (custom ops, as torch.autograd.Function) and
minigrad.autograd.grad: values, gradients, errors, and PyTorch side by side."""

import numpy as np
import pytest

import minigrad
from minigrad.autograd import Function

RNG = np.random.default_rng(0)


def values(t):
    return np.asarray(getattr(t, "array", t))


class Cube(Function):
    """P(x) = ½(5x³ − 3x), the Legendre polynomial of degree 3; P'(x) = 3/2 (5x² − 1)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return 2.5 * x ** 3 - 1.5 * x

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * (7.5 * x * x - 1.5)


class ScaleBy(Function):
    """y = a · x with a plain number a: backward returns None for the number."""

    @staticmethod
    def forward(ctx, x, a):
        ctx.a = a
        return x * a

    @staticmethod
    def backward(ctx, g):
        return g * ctx.a, None


class MulAdd(Function):
    """(x · y + z): three tensor inputs; records which need a gradient."""

    @staticmethod
    def forward(ctx, x, y, z):
        ctx.save_for_backward(x, y)
        ctx.seen_needs = ctx.needs_input_grad
        return x * y + z

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return g * y, g * x, g


def test_forward_and_backward_follow_the_formulas():
    x0 = np.array([-1.0, 0.0, 0.5, 2.0])
    x = minigrad.tensor(x0, requires_grad=True)
    y = Cube.apply(x)
    np.testing.assert_allclose(values(y), 0.5 * (5 * x0 ** 3 - 3 * x0))
    assert y.requires_grad and not y.is_leaf
    y.sum().backward()
    np.testing.assert_allclose(values(x.grad), 1.5 * (5 * x0 ** 2 - 1))


def test_gradient_matches_finite_differences_inside_a_larger_graph():
    a = minigrad.tensor(RNG.normal(size=3), requires_grad=True)
    b = minigrad.tensor(RNG.normal(size=3), requires_grad=True)
    assert minigrad.gradcheck(lambda a, b: (b * Cube.apply(a * b + 1)).sum(), [a, b])


def test_non_tensor_arguments_and_needs_input_grad():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    ScaleBy.apply(x, 3.0).sum().backward()
    np.testing.assert_allclose(values(x.grad), [3.0, 3.0])

    x, y = minigrad.tensor([1.0], requires_grad=True), minigrad.tensor([2.0])
    z = minigrad.tensor([5.0], requires_grad=True)
    ctx_probe = MulAdd.apply(x, y, z)
    ctx_probe.sum().backward()
    np.testing.assert_allclose(values(x.grad), [2.0])
    np.testing.assert_allclose(values(z.grad), [1.0])
    assert y.grad is None


def test_forward_records_no_graph_inside_and_outputs_need_no_grad_without_inputs_that_do():
    seen = {}

    class Probe(Function):
        @staticmethod
        def forward(ctx, x):
            out = x * 2
            seen["inside"] = out.requires_grad
            return out

        @staticmethod
        def backward(ctx, g):
            return g * 2

    assert Probe.apply(minigrad.tensor([1.0], requires_grad=True)).requires_grad
    assert seen["inside"] is False
    assert not Probe.apply(minigrad.tensor([1.0])).requires_grad


def test_setup_context_style():
    class Square(Function):
        @staticmethod
        def forward(x):
            return x * x

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(inputs[0])

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return 2 * x * g

    x = minigrad.tensor([3.0], requires_grad=True)
    Square.apply(x).backward()
    np.testing.assert_allclose(values(x.grad), [6.0])


def test_two_outputs_used_together():
    class SumAndDiff(Function):
        @staticmethod
        def forward(ctx, a, b):
            return a + b, a - b

        @staticmethod
        def backward(ctx, g_sum, g_diff):
            return g_sum + g_diff, g_sum - g_diff

    a = minigrad.tensor([1.0, 2.0], requires_grad=True)
    b = minigrad.tensor([3.0, 5.0], requires_grad=True)
    s, d = SumAndDiff.apply(a, b)
    (3 * s + 2 * d).sum().backward()          # ∂/∂a = 3 + 2, ∂/∂b = 3 − 2
    np.testing.assert_allclose(values(a.grad), [5.0, 5.0])
    np.testing.assert_allclose(values(b.grad), [1.0, 1.0])


def test_a_broadcastable_gradient_is_summed_to_the_input_shape():
    class ReturnsRows(Function):
        @staticmethod
        def forward(ctx, bias):
            return bias + minigrad.zeros(3, 2)

        @staticmethod
        def backward(ctx, g):
            return g                          # (3, 2) for a (2,) input

    bias = minigrad.tensor([0.0, 0.0], requires_grad=True)
    ReturnsRows.apply(bias).sum().backward()
    np.testing.assert_allclose(values(bias.grad), [3.0, 3.0])

    column = minigrad.tensor([[0.0], [0.0], [0.0]], requires_grad=True)   # (3, 1)
    (ReturnsRows.apply(column) * minigrad.tensor([1.0, 2.0])).sum().backward()
    np.testing.assert_allclose(values(column.grad), [[3.0], [3.0], [3.0]])


def test_errors_are_pytorchs():
    class TooFew(Function):
        @staticmethod
        def forward(ctx, a, b):
            return a * b

        @staticmethod
        def backward(ctx, g):
            return g

    a = minigrad.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"incorrect number of gradients \(expected 2, "
                                           r"got 1\)"):
        TooFew.apply(a, a).backward()

    class WrongShape(Function):
        @staticmethod
        def forward(ctx, a):
            return a * 1

        @staticmethod
        def backward(ctx, g):
            return minigrad.zeros(5)

    with pytest.raises(RuntimeError, match="invalid gradient at index 0"):
        WrongShape.apply(minigrad.tensor([1.0, 2.0], requires_grad=True)).sum().backward()

    class SavesANumber(Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(2.0)
            return a

    with pytest.raises(TypeError, match="save_for_backward can only save tensors"):
        SavesANumber.apply(a)
    with pytest.raises(RuntimeError, match="apply"):
        Cube()
    with pytest.raises(NotImplementedError, match="forward"):
        Function.apply(a)


def test_changing_a_saved_tensor_in_place_is_refused():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = Cube.apply(x)                      # saves x
    with minigrad.no_grad():
        x += 1                             # an update step before backward: a bug
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


# ---------------------------------------------------------------- autograd.grad
def test_grad_returns_gradients_and_leaves_dot_grad_alone():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    w = minigrad.tensor([3.0, 4.0], requires_grad=True)
    w.backward(np.ones(2))                    # w.grad = [1, 1] beforehand
    hidden = x * w
    (gx, gh) = minigrad.autograd.grad((hidden * hidden).sum(), [x, hidden])
    np.testing.assert_allclose(values(gx), 2 * np.array([3.0, 8.0]) * [3.0, 4.0])
    np.testing.assert_allclose(values(gh), 2 * np.array([3.0, 8.0]))
    assert x.grad is None
    np.testing.assert_allclose(values(w.grad), [1.0, 1.0])


def test_grad_errors():
    x = minigrad.tensor([1.0], requires_grad=True)
    unused = minigrad.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="not have been used"):
        minigrad.autograd.grad((x * 2).sum(), [x, unused])
    gx, gu = minigrad.autograd.grad((x * 2).sum(), [x, unused], allow_unused=True)
    assert gu is None and values(gx).tolist() == [2.0]
    with pytest.raises(NotImplementedError, match="create_graph"):
        minigrad.autograd.grad((x * 2).sum(), x, create_graph=True)


# ------------------------------------------------------------------- against torch
def test_the_same_function_gives_pytorchs_gradients():
    torch = pytest.importorskip("torch")

    def make(lib):
        class Cubic(lib.autograd.Function):
            @staticmethod
            def forward(ctx, u):
                ctx.save_for_backward(u)
                return 2.5 * u ** 3 - 1.5 * u

            @staticmethod
            def backward(ctx, g):
                u, = ctx.saved_tensors
                return g * (7.5 * u * u - 1.5)
        return Cubic

    x0 = RNG.normal(size=5).astype(np.float32)
    coeffs = np.array([0.1, -1.0, 0.2, 0.3], dtype=np.float32)
    grads = []
    for lib in (minigrad, torch):
        a, b, c, d = (lib.tensor(v, requires_grad=True) for v in coeffs)
        x = lib.tensor(x0)
        loss = ((a + b * make(lib).apply(c + d * x) - x) ** 2).sum()
        loss.backward()
        grads.append([values(t.grad) if lib is minigrad else t.grad.numpy()
                      for t in (a, b, c, d)] + [loss.item()])
    np.testing.assert_allclose(np.array(grads[0], dtype=float),
                               np.array(grads[1], dtype=float), rtol=1e-5)
