"""Each recorded op adds two objects for Python's garbage collector to scan — the output
Tensor and its parents tuple — plus, when its backward reads an input, the tuple of
saved inputs whose versions backward() checks. So building a long graph stays cheap.

The collector rescans every tracked object it holds each time a full collection runs, and
a full collection runs every ~70,000 new tracked objects: a graph that added eight per op
(a closure, its cells and their tuple) made a 100,000-op chain four times slower to build
than PyTorch's. These tests fail if an op goes back to recording a closure (three objects or
more of its own), or puts a Tensor or a function in its ``ctx``.
"""

import gc

import numpy as np
import pytest

import minigrad
import minigrad.nn.functional as F
from minigrad.tensor import topological_order

N = 300          # ops recorded per count: the list that keeps them adds one object


def _leaf(shape, seed=0):
    values = np.random.default_rng(seed).uniform(0.5, 1.5, shape).astype(np.float32)
    return minigrad.tensor(values, requires_grad=True)


A, B = _leaf((4, 3)), _leaf((4, 3), 1)
M, W, BIAS = _leaf((3, 5), 2), _leaf((2, 3), 3), _leaf((2,), 4)
IMAGES, KERNELS = _leaf((2, 1, 6, 6), 5), _leaf((3, 1, 3, 3), 6)
TARGETS = minigrad.tensor([0, 2, 1, 0])

ONE_OP = {
    "mul by a number": lambda: A * 1.5,
    "mul": lambda: A * B,
    "add": lambda: A + B,
    "add a number": lambda: A + 1.0,
    "sub": lambda: A - B,
    "div": lambda: A / B,
    "pow": lambda: A ** 2,
    "neg": lambda: -A,
    "matmul": lambda: A @ M,
    "linear": lambda: F.linear(A, W, BIAS),
    "relu": lambda: A.relu(),
    "exp": lambda: A.exp(),
    "log": lambda: A.log(),
    "tanh": lambda: A.tanh(),
    "sigmoid": lambda: A.sigmoid(),
    "sin": lambda: A.sin(),
    "sqrt": lambda: A.sqrt(),
    "clamp": lambda: A.clamp(0.7, 1.2),
    "maximum": lambda: minigrad.maximum(A, B),
    "where": lambda: minigrad.where(A > B, A, B),
    "sum": lambda: A.sum(),
    "mean over a dim": lambda: A.mean(dim=0),
    "amax": lambda: A.amax(dim=1),
    "reshape": lambda: A.reshape(3, 4),
    "transpose": lambda: A.T,
    "index": lambda: A[1:3],
    "cat": lambda: minigrad.cat([A, B]),
    "stack": lambda: minigrad.stack([A, B]),
    "log_softmax": lambda: F.log_softmax(A, dim=1),
    "conv2d": lambda: F.conv2d(IMAGES, KERNELS),
    "max_pool2d": lambda: F.max_pool2d(IMAGES, 2),
}


def _recorded_ops(make) -> int:
    return sum(not t.is_leaf for t in topological_order(make()))


def _tracked_objects_per_call(make) -> float:
    """Tracked objects that ``N`` results of ``make()`` add, per result."""
    kept = []
    before = _tracked_after_collecting()
    for _ in range(N):
        kept.append(make())
    return (_tracked_after_collecting() - before - 1) / N


def _tracked_after_collecting() -> int:
    """Each collection untracks the tuples that hold only untracked objects (a ctx of
    arrays and numbers), one level of nesting at a time: collect until nothing changes."""
    previous, now = None, len(gc.get_objects())
    for _ in range(6):
        if now == previous:
            break
        gc.collect()
        previous, now = now, len(gc.get_objects())
    return now


READS_AN_INPUT = {"mul", "div", "pow", "matmul", "linear", "log", "sin", "clamp", "maximum",
                  "amax", "conv2d"}               # their saved tuple holds an input Tensor


@pytest.mark.parametrize("name", ONE_OP)
def test_an_op_adds_two_tracked_objects_three_if_it_saves_an_input(name):
    per_op = _tracked_objects_per_call(ONE_OP[name]) / _recorded_ops(ONE_OP[name])
    allowed = 3 if name in READS_AN_INPUT else 2
    if name == "index":
        allowed = 5          # its ctx keeps the index: a tuple of slices, which 3.11 tracks
    assert per_op <= allowed + 0.02, f"{name}: {per_op:.2f} tracked objects per recorded op"


def test_a_closure_backward_would_be_caught():
    """The count above does see what a closure-style op would add."""
    x = _leaf((3,))

    def square_with_a_closure():
        y = x.array

        def backward(g, parents, ctx):
            return (2 * y * g,)
        return minigrad.Tensor._make(y * y, (x,), backward, "square")

    assert _recorded_ops(square_with_a_closure) == 1
    assert _tracked_objects_per_call(square_with_a_closure) >= 4


def test_without_a_graph_an_op_adds_only_its_tensor():
    with minigrad.no_grad():
        assert _tracked_objects_per_call(lambda: A * B) <= 1.02
