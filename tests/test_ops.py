"""Every op in the table: forward against numpy, backward against finite differences."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad
from minigrad.gradcheck.cases import OP_CASES, draw

CASES = [(case, shapes) for case in OP_CASES for shapes in case.shapes]


def _id(item):
    case, shapes = item
    return f"{case.name}-{'&'.join(str(s) for s in shapes)}"


@pytest.mark.parametrize("case,shapes", CASES, ids=[_id(c) for c in CASES])
def test_forward_matches_numpy(case, shapes):
    arrays = case.make_inputs(shapes, np.random.default_rng(1))
    out = case.fn(*[minigrad.tensor(a) for a in arrays])
    np.testing.assert_allclose(out.array, case.reference(*arrays), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case,shapes", CASES, ids=[_id(c) for c in CASES])
def test_gradient_matches_finite_differences(case, shapes):
    arrays = case.make_inputs(shapes, np.random.default_rng(2))
    inputs = [minigrad.tensor(a, requires_grad=True) for a in arrays]
    assert minigrad.gradcheck(case.fn, inputs)


@pytest.mark.parametrize("case", OP_CASES, ids=[c.name for c in OP_CASES])
def test_float32_stays_float32(case):
    arrays = case.make_inputs(case.shapes[0], np.random.default_rng(3))
    inputs = [minigrad.tensor(a.astype(np.float32), requires_grad=True) for a in arrays]
    out = case.fn(*inputs)
    assert out.dtype == np.float32
    out.backward(np.ones(out.shape, dtype=np.float32))
    for x in inputs:
        assert x.grad.dtype == np.float32 and x.grad.shape == x.shape


# -- Hypothesis: random shapes and values for the elementwise and broadcasting ops ----
def _broadcastable_pair():
    return hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3,
                                             max_side=4)


BINARY = {c.name: c for c in OP_CASES if c.name in ("add", "sub", "mul", "div", "pow")}


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(sorted(BINARY)), shapes=_broadcastable_pair(),
       seed=st.integers(0, 2**32 - 1))
def test_binary_ops_on_random_broadcast_shapes(name, shapes, seed):
    case = BINARY[name]
    arrays = case.make_inputs(shapes.input_shapes, np.random.default_rng(seed))
    inputs = [minigrad.tensor(a, requires_grad=True) for a in arrays]
    np.testing.assert_allclose(case.fn(*inputs).array, case.reference(*arrays), rtol=1e-12)
    assert minigrad.gradcheck(case.fn, inputs)


UNARY = {c.name: c for c in OP_CASES
         if c.name in ("exp", "tanh", "sigmoid", "softmax", "log_softmax", "neg")}


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(sorted(UNARY)),
       x=hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=4),
                    elements=st.floats(-5, 5)))
def test_unary_ops_on_random_values(name, x):
    case = UNARY[name]
    np.testing.assert_allclose(case.fn(minigrad.tensor(x)).array, case.reference(x),
                               rtol=1e-10, atol=1e-12)
    assert minigrad.gradcheck(case.fn, [minigrad.tensor(x, requires_grad=True)])


def test_log_softmax_is_stable_for_huge_logits():
    x = minigrad.tensor([[1000.0, 0.0, -1000.0]], requires_grad=True)
    out = minigrad.log_softmax(x, axis=1)
    assert np.all(np.isfinite(out.array))
    np.testing.assert_allclose(out.array, [[0.0, -1000.0, -2000.0]])
    out.sum().backward()
    np.testing.assert_allclose(x.grad, [[1 - 3, 1, 1]], atol=1e-6)


def test_sigmoid_does_not_overflow():
    x = minigrad.tensor([-1000.0, 0.0, 1000.0])
    np.testing.assert_allclose(minigrad.sigmoid(x).array, [0.0, 0.5, 1.0])


def test_draw_domains():
    rng = np.random.default_rng(0)
    assert np.all(draw((50,), "positive", rng) > 0)
    assert np.all(np.abs(draw((50,), "nonzero", rng)) >= 0.5)
    assert len(np.unique(draw((50,), "distinct", rng))) == 50
