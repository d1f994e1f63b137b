"""The table of ops: one row per op (and option), used by the tests and the command.

Each :class:`OpCase` names an op, calls it on Tensors, gives numpy's answer for the same
inputs, and lists the input shapes to try (broadcasting pairs included). Adding an op to
this table adds its forward test, its finite-difference gradient test and its line in
``python -m minigrad.gradcheck``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

import minigrad.ops as ops
import minigrad.ops_conv as ops_conv

# Broadcasting pairs every binary op is tried on.
BROADCAST_PAIRS = [((3, 4), (3, 4)), ((3, 4), (4,)), ((3, 1), (1, 4)),
                   ((2, 1, 4), (3, 4)), ((), (3,)), ((4,), (3, 4))]


@dataclass(frozen=True)
class OpCase:
    """One op to test.

    Attributes
    ----------
    name : str
        How the op shows in test ids and the gradcheck table.
    fn : callable
        Calls the minigrad op on Tensors.
    reference : callable
        The same computation in numpy, on arrays.
    shapes : list of tuples of shapes
        Input shapes to try, one tuple per trial.
    domain : str
        Where inputs are drawn: ``"any"`` (normal), ``"positive"`` (log, pow bases),
        ``"nonzero"`` (|x| ≥ 0.5: divisors, and kinks such as relu at 0 avoided),
        ``"distinct"`` (a permutation of well-separated values, so max has no ties).
    """

    name: str
    fn: Callable
    reference: Callable
    shapes: list
    domain: str = "any"
    domains: tuple = field(default=())  # per-input override of ``domain``

    def make_inputs(self, shapes: tuple, rng: np.random.Generator) -> list:
        """float64 inputs of the given shapes, drawn from this op's domain."""
        domains = self.domains or (self.domain,) * len(shapes)
        return [draw(shape, domain, rng) for shape, domain in zip(shapes, domains)]


def draw(shape: tuple, domain: str, rng: np.random.Generator) -> np.ndarray:
    """Random float64 values of ``shape`` from one of the domains of :class:`OpCase`."""
    if domain == "positive":
        return rng.uniform(0.5, 2.0, size=shape)
    if domain == "nonzero":
        return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.5, 2.0, size=shape)
    if domain == "distinct":
        n = int(np.prod(shape))
        return (rng.permutation(n) * 0.1 + rng.uniform(0, 0.01, size=n)).reshape(shape)
    return rng.standard_normal(shape)


def _binary(name, op, reference, domains=("any", "any"), pairs=BROADCAST_PAIRS):
    return OpCase(name, op, reference, pairs, domains=domains)


def _softmax_ref(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _conv2d_ref(x, w, b, stride, padding):
    """The convolution by its definition, one output pixel at a time."""
    x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    n, _, height, width = x.shape
    out_c, _, kh, kw = w.shape
    rows, cols = (height - kh) // stride + 1, (width - kw) // stride + 1
    out = np.empty((n, out_c, rows, cols))
    for i in range(rows):
        for j in range(cols):
            window = x[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            out[:, :, i, j] = np.einsum("ncij,ocij->no", window, w) + b
    return out


def _max_pool2d_ref(x, k=2):
    n, c, height, width = x.shape
    return x.reshape(n, c, height // k, k, width // k, k).max(axis=(3, 5))


LABELS = np.array([1, 0, 3, 3, 2])  # a repeated class: np.add.at must add, not overwrite

OP_CASES = [
    _binary("add", ops.add, np.add),
    _binary("sub", ops.sub, np.subtract),
    _binary("mul", ops.mul, np.multiply),
    OpCase("mul(x, 1.7)", lambda x: x * 1.7, lambda x: x * 1.7, [((3, 4),), ((),)]),
    OpCase("rmul(-0.6, x)", lambda x: -0.6 * x, lambda x: -0.6 * x, [((3, 4),)]),
    _binary("div", ops.div, np.divide, domains=("any", "nonzero")),
    _binary("pow", ops.pow, np.power, domains=("positive", "any")),
    OpCase("pow(x, 3)", lambda x: x ** 3, lambda x: x ** 3, [((3, 4),), ((5,),)]),
    OpCase("pow(x, 0.5)", lambda x: x ** 0.5, np.sqrt, [((3, 4),)], domain="positive"),
    OpCase("rpow(2, x)", lambda x: 2 ** x, lambda x: 2 ** x, [((3, 4),)]),
    OpCase("rsub(1, x)", lambda x: 1 - x, lambda x: 1 - x, [((3, 4),)]),
    OpCase("rdiv(1, x)", lambda x: 1 / x, lambda x: 1 / x, [((3, 4),)], domain="nonzero"),
    OpCase("neg", ops.neg, np.negative, [((3, 4),), ((),)]),
    OpCase("matmul", ops.matmul, np.matmul,
           [((3, 4), (4, 5)), ((4,), (4, 5)), ((3, 4), (4,)), ((4,), (4,)),
            ((2, 3, 4), (4, 5)), ((2, 3, 4), (2, 4, 5)), ((2, 1, 3, 4), (5, 4, 2))]),
    OpCase("matmul(x, W.T)", lambda x, w: ops.matmul(x, w.T), lambda x, w: x @ w.T,
           [((3, 4), (5, 4))]),                      # the transposed-view branch of matmul
    OpCase("mm", ops.mm, np.matmul, [((3, 4), (4, 5))]),
    OpCase("mv", ops.mv, np.matmul, [((3, 4), (4,))]),
    OpCase("dot", ops.dot, np.dot, [((4,), (4,))]),
    OpCase("bmm", ops.bmm, np.matmul, [((2, 3, 4), (2, 4, 5))]),
    OpCase("linear", ops.linear, lambda x, w, b: x @ w.T + b,
           [((4, 3), (5, 3), (5,)), ((3,), (5, 3), (5,)), ((2, 4, 3), (5, 3), (5,))]),
    OpCase("linear(no bias)", ops.linear, lambda x, w: x @ w.T, [((4, 3), (5, 3))]),
    OpCase("sum", ops.sum, np.sum, [((3, 4),), ((2, 3, 4),), ((),)]),
    OpCase("sum(axis=1)", lambda x: ops.sum(x, axis=1), lambda x: x.sum(axis=1),
           [((3, 4),), ((2, 3, 4),)]),
    OpCase("sum(axis=(0, 2), keepdims)", lambda x: ops.sum(x, (0, 2), True),
           lambda x: x.sum(axis=(0, 2), keepdims=True), [((2, 3, 4),)]),
    OpCase("mean", ops.mean, np.mean, [((3, 4),), ((2, 3, 4),)]),
    OpCase("mean(axis=0)", lambda x: ops.mean(x, axis=0), lambda x: x.mean(axis=0),
           [((3, 4),), ((2, 3, 4),)]),
    OpCase("mean(axis=-1, keepdims)", lambda x: ops.mean(x, -1, True),
           lambda x: x.mean(axis=-1, keepdims=True), [((3, 4),)]),
    OpCase("max", ops.max, np.max, [((3, 4),), ((5,),)], domain="distinct"),
    OpCase("max(dim=1).values", lambda x: ops.max(x, dim=1).values, lambda x: x.max(axis=1),
           [((3, 4),), ((2, 3, 4),)], domain="distinct"),
    OpCase("min(dim=0, keepdim).values", lambda x: ops.min(x, 0, True).values,
           lambda x: x.min(axis=0, keepdims=True), [((3, 4),)], domain="distinct"),
    OpCase("amax(axis=1)", lambda x: ops.amax(x, axis=1), lambda x: x.max(axis=1),
           [((3, 4),), ((2, 3, 4),)], domain="distinct"),
    OpCase("amax(dim=0, keepdim)", lambda x: ops.amax(x, 0, True),
           lambda x: x.max(axis=0, keepdims=True), [((3, 4),)], domain="distinct"),
    OpCase("reshape", lambda x: ops.reshape(x, (2, -1)), lambda x: x.reshape(2, -1),
           [((3, 4),), ((2, 3, 2),)]),
    OpCase("transpose(0, 2)", lambda x: ops.transpose(x, 0, 2),
           lambda x: np.swapaxes(x, 0, 2), [((2, 3, 4),)]),
    OpCase(".T", lambda x: x.T, lambda x: x.T, [((3, 4),), ((2, 3, 4),)]),
    OpCase("getitem[int]", lambda x: x[1], lambda x: x[1], [((3, 4),)]),
    OpCase("getitem[slice]", lambda x: x[:, 1:3], lambda x: x[:, 1:3], [((3, 4),)]),
    OpCase("getitem[int array]", lambda x: x[np.array([0, 2, 0])],
           lambda x: x[np.array([0, 2, 0])], [((3, 4),)]),
    OpCase("getitem[mask]", lambda x: x[x.array > 0], lambda x: x[x > 0], [((3, 4),)],
           domain="nonzero"),
    OpCase("getitem[rows, labels]", lambda x: x[np.arange(5), LABELS],
           lambda x: x[np.arange(5), LABELS], [((5, 4),)]),
    OpCase("exp", ops.exp, np.exp, [((3, 4),)]),
    OpCase("log", ops.log, np.log, [((3, 4),)], domain="positive"),
    OpCase("relu", ops.relu, lambda x: np.maximum(x, 0), [((3, 4),)], domain="nonzero"),
    OpCase("tanh", ops.tanh, np.tanh, [((3, 4),)]),
    OpCase("sigmoid", ops.sigmoid, lambda x: 1 / (1 + np.exp(-x)), [((3, 4),)]),
    OpCase("softmax(dim=-1)", lambda x: ops.softmax(x, -1), lambda x: _softmax_ref(x, -1),
           [((3, 4),), ((5,),)]),
    OpCase("softmax(axis=0)", lambda x: ops.softmax(x, 0), lambda x: _softmax_ref(x, 0),
           [((3, 4),)]),
    OpCase("log_softmax(dim=-1)", lambda x: ops.log_softmax(x, -1),
           lambda x: np.log(_softmax_ref(x, -1)),
           [((3, 4),), ((2, 3, 5),)]),
    OpCase("log_softmax(axis=0)", lambda x: ops.log_softmax(x, 0),
           lambda x: np.log(_softmax_ref(x, 0)), [((3, 4),)]),
    OpCase("sin", ops.sin, np.sin, [((3, 4),)]),
    OpCase("cos", ops.cos, np.cos, [((3, 4),)]),
    OpCase("sinh", ops.sinh, np.sinh, [((3, 4),)]),
    OpCase("cosh", ops.cosh, np.cosh, [((3, 4),)]),
    OpCase("sqrt", ops.sqrt, np.sqrt, [((3, 4),)], domain="positive"),
    OpCase("square", ops.square, np.square, [((3, 4),)]),
    OpCase("abs", ops.abs, np.abs, [((3, 4),)], domain="nonzero"),
    OpCase("clamp(-1, 1)", lambda x: ops.clamp(x, -1.0, 1.0), lambda x: np.clip(x, -1, 1),
           [((3, 4),)], domain="distinct"),
    OpCase("remainder", ops.remainder, np.remainder, [((3, 4), (3, 4)), ((3, 4), (4,))],
           domains=("positive", "positive")),
    _binary("maximum", ops.maximum, np.maximum),
    _binary("minimum", ops.minimum, np.minimum),
    OpCase("where(x > 0, x, y)", lambda x, y: ops.where(x.array > 0, x, y),
           lambda x, y: np.where(x > 0, x, y), [((3, 4), (3, 4)), ((3, 4), (4,))]),
    OpCase("cat(dim=1)", lambda x, y: ops.cat([x, y], dim=1),
           lambda x, y: np.concatenate([x, y], axis=1), [((3, 4), (3, 2))]),
    OpCase("stack(dim=1)", lambda x, y: ops.stack([x, y], dim=1),
           lambda x, y: np.stack([x, y], axis=1), [((3, 4), (3, 4))]),
    OpCase("unsqueeze(1)", lambda x: ops.unsqueeze(x, 1), lambda x: x[:, None],
           [((3, 4),)]),
    OpCase("squeeze", ops.squeeze, np.squeeze, [((3, 1, 4),)]),
    OpCase("flatten(1)", lambda x: ops.flatten(x, 1), lambda x: x.reshape(2, -1),
           [((2, 3, 4),)]),
    OpCase("permute(2, 0, 1)", lambda x: ops.permute(x, 2, 0, 1),
           lambda x: x.transpose(2, 0, 1), [((2, 3, 4),)]),
    OpCase("var(dim=1)", lambda x: ops.var(x, 1), lambda x: x.var(axis=1, ddof=1),
           [((3, 4),)]),
    OpCase("std", ops.std, lambda x: x.std(ddof=1), [((3, 4),)]),
    OpCase("norm", ops.norm, np.linalg.norm, [((3, 4),)]),
    OpCase("amin", ops.amin, np.min, [((3, 4),)], domain="distinct"),
    OpCase("clone", ops.clone, np.copy, [((3, 4),)]),
    OpCase("conv2d(stride 2, padding 1)",
           lambda x, w, b: ops_conv.conv2d(x, w, b, stride=2, padding=1),
           lambda x, w, b: _conv2d_ref(x, w, b, stride=2, padding=1),
           [((2, 3, 5, 6), (4, 3, 3, 3), (4,))]),
    OpCase("max_pool2d(2)", lambda x: ops_conv.max_pool2d(x, 2), _max_pool2d_ref,
           [((2, 3, 4, 6),)], domain="distinct"),
    OpCase("cross_entropy", lambda x: ops.cross_entropy(x, LABELS),
           lambda x: -np.log(_softmax_ref(x, 1))[np.arange(5), LABELS], [((5, 4),)]),
]
