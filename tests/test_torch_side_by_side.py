"""PyTorch idioms side by side: each one run under ``torch`` and under ``minigrad``.

Every idiom below is written once, in PyTorch's spelling, as a function of the library
module (``def idiom(lib): ...``), and its expected result is written out above it — the
numbers PyTorch 2.13 gives. Two tests run over the table:

* ``test_minigrad_gives_pytorchs_result`` runs the idiom under minigrad and compares with
  the written-out result. It needs no torch, so the suite checks something everywhere.
* ``test_minigrad_matches_torch`` (skipped when torch is not installed) runs the idiom
  under torch too: torch must give the written-out result (so the numbers above are
  PyTorch's, not wishful), and minigrad must give the same values, dtypes, shapes and
  ``requires_grad`` — or an error of the same class, with PyTorch's key phrase.

A ``refusal`` marks the few places where minigrad deliberately raises where PyTorch
computes (in-place changes of tensors inside a graph, mse_loss of shapes that broadcast):
minigrad must raise that error. An ``xfail`` (strict) marks a known difference not fixed
yet, with the reason; when it is fixed the test passes, fails as "XPASS", and the mark goes.

The idioms use ``lib.nn``, ``lib.optim``, ``lib.no_grad`` …, so they run unchanged under
both libraries; the comparison itself lives in ``tests/torch_pairs.py``.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass

import numpy as np
import pytest

import minigrad
from torch_pairs import A, Raises, T, assert_same, run

INF, NAN = float("inf"), float("nan")


@dataclass
class Idiom:
    name: str
    fn: object
    expected: object
    refusal: Raises | None = None
    xfail: str | None = None


IDIOMS: list[Idiom] = []


def idiom(expected, refusal: Raises | None = None, xfail: str | None = None):
    """Register the decorated ``fn(lib)`` with the result PyTorch gives."""
    def register(fn):
        IDIOMS.append(Idiom(fn.__name__, fn, expected, refusal, xfail))
        return fn
    return register


# A small regression problem shared by the model idioms: fixed weights, so both libraries
# start from the same numbers (their random initialisations differ).
X = [[1.0, 2.0, 3.0], [0.0, 1.0, 0.0], [-1.0, 0.0, 2.0], [2.0, 2.0, 2.0]]
Y = [[1.0], [0.0], [2.0], [-1.0]]
W, B = [[0.1, -0.2, 0.3]], [0.5]


def linear_model(lib):
    model = lib.nn.Linear(3, 1)
    with lib.no_grad():
        model.weight.copy_(lib.tensor(W))
        model.bias.copy_(lib.tensor(B))
    return model


def mse(lib, model):
    return ((model(lib.tensor(X)) - lib.tensor(Y)) ** 2).mean()


# ======================================================================================
# Parameter updates written by hand
# ======================================================================================
@idiom((T([[-0.145, -0.415, 0.195]]), T([0.435])))
def manual_sgd_with_minus_equals(lib):
    model = linear_model(lib)
    mse(lib, model).backward()
    with lib.no_grad():
        for p in model.parameters():
            p -= 0.1 * p.grad
    return model.weight.detach(), model.bias.detach()


@idiom((T([[-0.145, -0.415, 0.195]]), T([0.435]), 0, True))
def data_sub_(lib):
    model = linear_model(lib)
    mse(lib, model).backward()
    version = model.weight._version
    for p in model.parameters():
        p.data.sub_(0.1 * p.grad)          # d2l's from-scratch SGD: not tracked by autograd
    return (model.weight.detach(), model.bias.detach(), model.weight._version - version,
            isinstance(model.weight.data, lib.Tensor))


@idiom((T([2.0, 4.0]), T([2.0, 4.0]), T([0.0, 0.0])))
def grad_zero_(lib):
    w = lib.tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    w.grad.zero_()
    (w * w).sum().backward()
    first = w.grad.clone()
    w.grad.data.zero_()
    (w * w).sum().backward()
    second = w.grad.clone()
    w.grad.zero_()
    return first, second, w.grad


@idiom((T([4.0, 8.0]), T([4.0, 8.0]), True))
def grad_accumulates_into_the_same_tensor(lib):
    p = lib.tensor([1.0, 2.0], requires_grad=True)
    (p * p).sum().backward()
    kept = p.grad                        # the caller keeps the gradient of the first pass
    (p * p).sum().backward()             # the second pass adds into that same tensor
    return kept.clone(), p.grad.clone(), kept is p.grad


@idiom((Raises(RuntimeError, "Trying to backward through the graph a second time"),
        Raises(RuntimeError, "grad can be implicitly created only for scalar outputs"),
        Raises(RuntimeError, "Only Tensors of floating point"),
        Raises(RuntimeError, "can't be cast to the desired output type"),
        T([3.0, 6.0]), None, False, True))
def graph_rules(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    loss = (x * x).sum()
    loss.backward()
    errors = (run(lambda _: loss.backward(), lib), run(lambda _: (x * 2).backward(), lib),
              run(lambda _: lib.tensor([1, 2], requires_grad=True), lib),
              run(lambda _: lib.tensor([1, 2]).div_(2), lib))
    y, z = x * 2, x * 3
    y.retain_grad()
    (y * z).sum().backward()
    return errors + (y.grad, z.grad, y.is_leaf, x.is_leaf)    # z.grad: None (and a warning)


@idiom((T([3.5, 1.0 + 0.5 + 0.5 / 3 ** 0.5 + 0.5, 0.5 + 0.5 / 3 ** 0.5 + 0.5, INF]),
        T([0.0, 2.0, 0.0])))
def gradients_at_ties_bounds_and_repeated_indices(lib):
    w = lib.tensor([1.0, 3.0, 3.0, 0.0], requires_grad=True)
    total = (w.max()                              # a tie: half to each 3
             + w.max(0).values                    # with dim: all to the first 3
             + w.clamp(0, 1).sum()                # at a bound the gradient passes
             + w.sqrt().sum()                     # ∞ at 0
             + lib.maximum(w, lib.tensor(3.0)).sum()        # a tie: half
             + w[lib.tensor([0, 0, 3])].sum())    # a repeated index: counted twice
    total.backward()
    masked = lib.tensor([-1.0, 2.0, -3.0])
    masked[masked < 0] = 0
    return w.grad, masked


# ======================================================================================
# Other libraries' tests and tutorials, word for word
# ======================================================================================
@idiom((-20.0, 46.0))
def micrograd_test_sanity_check(lib):
    x = lib.Tensor([-4.0]).double()
    x.requires_grad = True
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    return y.item(), x.grad.item()


@idiom((24.70408163265306, 138.83381924198252, 645.5772594752186))
def micrograd_test_more_ops(lib):
    a = lib.Tensor([-4.0]).double()
    b = lib.Tensor([2.0]).double()
    a.requires_grad = True
    b.requires_grad = True
    c = a + b
    d = a * b + b**3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g = g + 10.0 / f
    g.backward()
    return g.item(), a.grad.item(), b.grad.item()


@idiom((T([[-0.37484974], [-0.1779569]]), T([1.87048221]), 2.20171976))
def d2l_linear_regression_from_scratch(lib):
    """d2l.ai 3.2: linreg, squared_loss and sgd as the book writes them, on fixed data."""
    def linreg(X, w, b):
        return lib.matmul(X, w) + b

    def squared_loss(y_hat, y):
        return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2

    def sgd(params, lr, batch_size):
        with lib.no_grad():
            for param in params:
                param -= lr * param.grad / batch_size
                param.grad.zero_()

    features = lib.tensor(np.linspace(-1, 1, 20).reshape(10, 2), dtype=lib.float32)
    labels = lib.matmul(features, lib.tensor([2.0, -3.4])) + 4.2
    w = lib.zeros((2, 1), requires_grad=True)
    b = lib.zeros(1, requires_grad=True)
    for epoch in range(3):
        for start in range(0, 10, 5):
            X, y = features[start:start + 5], labels[start:start + 5]
            loss = squared_loss(linreg(X, w, b), y)
            loss.sum().backward()
            sgd([w, b], 0.1, 5)
    return w.detach(), b.detach(), squared_loss(linreg(features, w, b), labels).mean().item()


@idiom((2.0, 1.1775))               # residuals 0.1, 0.3, −1, 1.9: mean square 1.1775
def pytorch_quickstart_accuracy(lib):
    """The evaluation loop of PyTorch's quickstart tutorial."""
    model = linear_model(lib)
    loss_fn = lib.nn.MSELoss()
    test_loss, correct = 0, 0
    pred = lib.tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
    y = lib.tensor([1, 1, 1])
    with lib.no_grad():
        test_loss += loss_fn(model(lib.tensor(X)), lib.tensor(Y)).item()
        correct += (pred.argmax(1) == y).type(lib.float).sum().item()
    return correct, round(test_loss, 6)


# ======================================================================================
# Reductions: dim=, keepdim=, max(dim) pairs, argmax
# ======================================================================================
SCORES = [[0.1, 2.0, -1.0], [3.0, 0.5, 0.5]]


@idiom((T([2.0, 3.0]), T([1, 0], "int64"), T([2.0, 3.0]), T([1, 0], "int64"),
        T([1, 0], "int64"), T([[2.0], [3.0]]), T([[1], [0]], "int64"),
        T([-1.0, 0.5]), T([2, 1], "int64")))
def max_with_dim_unpacks(lib):
    x = lib.tensor(SCORES)
    values, indices = x.max(1)
    result = x.max(dim=1)
    _, pred = x.max(1)                                   # the classifier's idiom
    kept = x.max(1, keepdim=True)
    smallest = lib.min(x, dim=1)
    return (values, indices, result.values, result.indices, pred, kept.values,
            kept.indices, smallest.values, smallest.indices)


@idiom((T([1, 0], "int64"), T(3, "int64"), T([[1, 0, 1]], "int64"), T([2, 1], "int64")))
def argmax_with_dim(lib):
    x = lib.tensor(SCORES)
    return x.argmax(1), x.argmax(), x.argmax(dim=0, keepdim=True), lib.argmin(x, dim=1)


@idiom((T([3.1, 2.5, -0.5]), T([[1.1], [4.0]]), T(5.1 / 6), T([[1.1 / 3, 4.0 / 3]]),
        T([[1.1 / 3], [4.0 / 3]]), T([[0.5, 0.5, 0.5], [1.0, 1.0, 1.0]])))
def sum_and_mean_with_dim_and_keepdim(lib):
    x = lib.tensor(SCORES, requires_grad=True)
    per_row = x.mean(dim=1, keepdim=True)
    (per_row * lib.tensor([[1.5], [3.0]])).sum().backward()
    return (x.sum(dim=0).detach(), x.sum(1, keepdim=True).detach(),
            x.mean(dim=(0, 1)).detach(), lib.mean(x, -1).unsqueeze(0).detach(),
            per_row.detach(), x.grad)


@idiom((T([[0.11416068, 0.76326632, 0.03800079, 0.08457232]]),
        T([[-2.12692801, -3.04858735], [-0.12692801, -0.04858735]]),
        T([[0.26894142, 0.73105858], [0.11920292, 0.88079708]]),
        T([[0.73105858, -0.73105858], [0.88079708, -0.88079708]])))
def softmax_and_log_softmax_with_dim(lib):
    x = lib.tensor([[1.0, 2.0], [3.0, 5.0]], requires_grad=True)
    lib.log_softmax(x, dim=1)[:, 0].sum().backward()
    return (lib.softmax(lib.tensor([[0.5, 2.4, -0.6, 0.2]]), dim=-1),
            x.log_softmax(dim=0).detach(), lib.nn.functional.softmax(x, dim=1).detach(),
            x.grad)


@idiom(T([[0.26894142, 0.73105858], [0.11920292, 0.88079708]]))
def functional_softmax_guesses_the_dim(lib):
    return lib.nn.functional.softmax(lib.tensor([[1.0, 2.0], [3.0, 5.0]]))  # warns


@idiom((Raises(TypeError, "missing 1 required positional argument"),
        Raises(IndexError, "Dimension out of range")))
def softmax_needs_dim_and_dims_are_checked(lib):
    x = lib.tensor([[1.0, 2.0]])
    return run(lambda _: x.softmax(), lib), run(lambda _: x.sum(dim=2), lib)


@idiom(Raises(RuntimeError, "could not infer output dtype"))
def mean_of_integers(lib):
    return lib.tensor([1, 2]).mean()


@idiom((T(22.0), T(22.0 / 6), T(7.0), T(14.0 / 3), T([[22.0]]),
        T([[False, True, True], [True, True, True]], "bool")))
def an_empty_dim_list_reduces_every_dim(lib):
    x = lib.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 7.0]])
    return (x.sum(dim=()), x.mean(dim=[]), x.amax(dim=()), x.var(dim=()),
            x.sum(dim=(), keepdim=True), (x > 1).any(dim=()))     # any: () reduces none


# ======================================================================================
# In-place changes: leaves, saved tensors, versions
# ======================================================================================
@idiom((Raises(RuntimeError, "a leaf Variable that requires grad is being used in an "
                             "in-place operation"),
        Raises(RuntimeError, "a leaf Variable that requires grad is being used in an "
                             "in-place operation"),
        T([2.0, 3.0], requires_grad=True), 1))
def in_place_on_a_leaf_that_requires_grad(lib):
    w = lib.tensor([1.0, 2.0], requires_grad=True)

    def plus_equals(_):
        nonlocal w
        w += 1
    errors = run(plus_equals, lib), run(lambda _: w.add_(1), lib)
    with lib.no_grad():
        w.add_(1)                                          # allowed: not recorded
    return errors + (w, w._version)


@idiom((Raises(RuntimeError, "modified by an inplace operation"), 1))
def backward_after_an_optimizer_step(lib):
    p = lib.tensor([1.0], requires_grad=True)
    opt = lib.optim.SGD([p], lr=0.5)
    loss = (p * p).sum()
    loss.backward(retain_graph=True)
    opt.step()
    p.grad = None
    return run(lambda _: loss.backward(), lib), p._version


@idiom((Raises(RuntimeError, "modified by an inplace operation"), T([4.0, 5.0])))
def in_place_on_an_input_mul_saved(lib):
    w = lib.tensor([1.0, 2.0], requires_grad=True)
    c = lib.tensor([3.0, 4.0])
    y = w * c                                 # ∂y/∂w = c: mul saved c
    c.add_(1)
    return run(lambda _: y.sum().backward(), lib), c


@idiom(Raises(RuntimeError, "modified by an inplace operation"))
def in_place_on_a_base_pow_saved(lib):
    w = lib.tensor([1.0, 2.0], requires_grad=True)
    y = w ** 2                                # ∂y/∂w = 2w: pow saved w
    with lib.no_grad():
        w.mul_(2)
    y.sum().backward()


@idiom(Raises(RuntimeError, "modified by an inplace operation"))
def in_place_on_an_exponent_pow_saved(lib):
    w = lib.tensor([1.0, 2.0], requires_grad=True)
    b = lib.tensor([2.0, 3.0])
    y = w ** b                                # ∂y/∂w = b·w^(b−1): pow saved b
    b.add_(1)
    y.sum().backward()


@idiom(Raises(RuntimeError, "modified by an inplace operation"),
       refusal=Raises(RuntimeError, "modified by an inplace operation",
                      minigrad_phrase="does not support in-place operations on a tensor "
                                      "computed by an op"))
def in_place_on_the_output_exp_saved(lib):
    w = lib.tensor([1.0, 2.0], requires_grad=True)
    y = w.exp()                               # ∂y/∂w = y: exp saved its output
    y.add_(1)                                 # PyTorch: allowed here, caught by backward
    y.sum().backward()


@idiom((T([1.0, 1.0]), T([4.0, 6.0]), T([4.0, 5.0])))
def in_place_on_an_input_add_did_not_save(lib):
    w = lib.tensor([1.0, 2.0], requires_grad=True)
    c = lib.tensor([3.0, 4.0])
    y = w + c                                 # ∂y/∂w = 1: add saved nothing
    c.add_(1)
    y.sum().backward()
    return w.grad, y.detach(), c


@idiom(T([12.0, 20.0]),
       refusal=Raises(RuntimeError, "", minigrad_phrase="does not support in-place "
                                                         "operations on a tensor computed"))
def in_place_on_a_graph_tensor(lib):
    w = lib.tensor([1.0, 2.0], requires_grad=True)
    y = w * 2
    y.add_(1)                                 # PyTorch records it; minigrad refuses
    (y * y).sum().backward()
    return w.grad


@idiom((T([[2.0, 3.0], [13.0, 14.0]], requires_grad=True), 3, [2.0, 3.0], 1,
        T([[2.0, 3.0], [13.0, 14.0]]), 3, 3))
def a_view_shares_memory_and_version(lib):
    x = lib.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    with lib.no_grad():
        row = x[0]
        row.add_(1)
        seen_through_row = row.tolist(), row._version
    y = x.detach()
    y[1] += 10                                # y[1].add_(10), then y[1] = …: two changes
    return (x, x._version) + seen_through_row + (y, y._version, x._version)


@idiom((T([2.0, 3.0]), 1, 1))
def detach_shares_memory_and_version(lib):
    x = lib.tensor([1.0, 2.0])
    d = x.detach()
    d.add_(1)
    return x, x._version, d._version


@idiom((T([2.0, 4.0], requires_grad=True), 0, False, T([4.0, 8.0])))
def data_changes_are_not_tracked(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = x * x                                 # saves x …
    x.data.mul_(2)                            # … but a change through .data goes unseen
    y.sum().backward()                        # so the gradient uses the new values: 2·x
    return x, x._version, x.data.requires_grad, x.grad


@idiom((T([2.0, 3.0]), True, 1))
def alias_plus_equals(lib):
    x = lib.tensor([1.0, 2.0])
    y = x
    y += 1
    return x, y is x, x._version


@idiom((Raises(RuntimeError, "can't be cast to the desired output type"), T([1, 2], "int64"),
        Raises(RuntimeError, "fill_ only supports 0-dimension value tensor"), T([3.0, 3.0]),
        Raises(RuntimeError, "output with shape [2] doesn't match the broadcast shape"),
        Raises(RuntimeError, ""), T([[1.0, 2.0], [1.0, 2.0]]), T([1, 1], "int64")))
def in_place_casts_and_shapes(lib):
    ints = lib.tensor([1, 5])
    return (run(lambda _: ints.clamp_(0.5, 2.5), lib), ints.clamp_(0, 2),
            run(lambda _: lib.zeros(2).fill_(lib.tensor([3.0])), lib),
            lib.zeros(2).fill_(lib.tensor(3.0)),
            run(lambda _: lib.zeros(2).add_(lib.ones(3, 2)), lib),
            run(lambda _: lib.zeros(2).copy_(lib.tensor([1.0, 2.0, 3.0])), lib),
            lib.zeros(2, 2).copy_(lib.tensor([1.0, 2.0])),
            lib.zeros(2, dtype=lib.int64).copy_(lib.tensor([1.7, 1.2])))     # truncates


@idiom(T([0.0, 2.0, 0.0]),
       refusal=Raises(RuntimeError, "", minigrad_phrase="does not record in-place operations"))
def item_assignment_of_a_tensor_that_requires_grad(lib):
    w = lib.tensor(2.0, requires_grad=True)
    t = lib.zeros(3)
    t[1] = w                                  # PyTorch records it (CopySlices); minigrad refuses
    t.sum().backward()
    return t.detach()


# ======================================================================================
# dtypes: PyTorch's promotion
# ======================================================================================
@idiom((T([6, 5], "int64"), T([2.5, 5.0]), T([1.5, 2.5]), T([0.5, 1.0, 1.5]),
        T([0.010002136], "float16"), T([8.0]), T([1.0, 5.656854249492381], "float64"),
        T([2, 3], "int32"), T([1.5, 2.5]), T([True, True], "bool"), T([0, 0], "uint8")))
def promotion(lib):
    ints = lib.tensor([1, 2])
    return (lib.tensor([True, False]) + 5,
            ints * 2.5,
            lib.tensor([1.0, 2.0]) + lib.tensor(0.5, dtype=lib.float64),
            lib.tensor([1, 2, 3]) / 2,
            lib.tensor([1000.0], dtype=lib.float16) / 1e5,
            lib.tensor([2.0]) ** lib.tensor([3]),
            ints ** lib.tensor(2.5, dtype=lib.float64),
            lib.tensor([1, 2], dtype=lib.int32) + lib.tensor(1),
            ints + lib.tensor([0.5]),
            lib.tensor([True, False]) | lib.tensor([False, True]),
            lib.tensor([255, 0], dtype=lib.uint8) + lib.tensor([1, 0], dtype=lib.uint8))


@idiom((T([0.5, 0.73105858, 0.88079708]), T([1.0, 2.71828183, 7.3890561]),
        T([0.0, 0.76159416, 0.96402758]), T([0.0, 1.38629436])))
def float_functions_of_integers(lib):
    ints = lib.tensor([0, 1, 2])
    return ints.sigmoid(), lib.exp(ints), ints.tanh(), lib.log(lib.tensor([1, 4]))


@idiom((Raises(RuntimeError, "Subtraction, the `-` operator, with a bool tensor"),
        Raises(RuntimeError, "Subtraction, the `-` operator, with"),
        Raises(RuntimeError, "Subtraction, the `-` operator, with a bool tensor"),
        Raises(RuntimeError, "Negation, the `-` operator, on a bool tensor"),
        T([False, True], "bool"), T([True, False], "bool"), T([2, 0], "int64")))
def bools_are_not_subtracted(lib):
    mask = lib.tensor([True, False])
    return (run(lambda _: 1 - mask, lib), run(lambda _: mask - mask, lib),
            run(lambda _: lib.tensor([1.0, 2.0]) - True, lib), run(lambda _: -mask, lib),
            ~mask, mask * mask, mask + mask * 1)


@idiom((T([1.0, 2.5]), T([1, 2], "int64"), T([1.0, 2.5], "float64"), T([4, 9], "int64"),
        Raises(RuntimeError, "Integers to negative integer powers are not allowed"),
        T([2.0, 4.0]), "lib.FloatTensor", "lib.LongTensor", "lib.BoolTensor",
        "lib.DoubleTensor"))
def promotion_in_functions_and_type_names(lib):
    ints = lib.tensor([1, 5])
    return (ints.clamp(0.5, 2.5), ints.clamp(1, 2),
            ints.clamp(max=lib.tensor(2.5, dtype=lib.float64)), lib.tensor([2, 3]) ** 2,
            run(lambda _: lib.tensor([2]) ** -1, lib), 2 ** lib.tensor([1.0, 2.0]),
            *(t.type().replace(lib.__name__ + ".", "lib.") for t in (
                lib.zeros(1), ints, ints > 2, lib.zeros(1, dtype=lib.float64))))


@idiom((T(10.0, "float16"), T(INF, "float16"), T(10.0, "float16")))
def float16_reductions(lib):
    tens = lib.ones(10_000, dtype=lib.float16) * 10
    return tens.mean(), tens.sum(), tens.mean(dim=0)


# ======================================================================================
# Special points
# ======================================================================================
@idiom((T([0.0, 0.0]), T([0.0, 0.0, 3.0]), T([1.0, 0.0, 0.0, 1.0]),
        T([INF, 0.0, 1.0]), T([-INF, 0.0, 0.0])))
def gradients_at_special_points(lib):
    x = lib.tensor([0.0, 1.0], requires_grad=True)
    (x ** 0).sum().backward()                                    # d(x⁰)/dx at 0 is 0
    relu_of_inf = lib.relu(lib.tensor([-INF, 0.0, 3.0]))
    r = lib.tensor([NAN, 0.0, -1.0, 2.0], requires_grad=True)     # relu' at nan and 0
    r.relu().sum().backward()
    b = lib.tensor([-1.0, 2.0, 0.0], requires_grad=True)         # d(0ᵇ)/db at b = −1
    power = lib.tensor(0.0) ** b
    power.sum().backward()
    return x.grad, relu_of_inf, r.grad, power.detach(), b.grad


@idiom((T([0.0, 0.0, 0.0]), T([0.0, 0.0]), T([[0.0, -0.70710678], [0.0, 0.70710678]])))
def norm_and_std_gradients_at_zero(lib):
    z = lib.zeros(3, requires_grad=True)
    z.norm().backward()                       # ‖0‖: PyTorch's gradient is 0, not nan
    same = lib.tensor([3.0, 3.0], requires_grad=True)
    same.std().backward()
    x = lib.tensor([[1.0, 2.0], [1.0, 5.0]], requires_grad=True)
    x.std(dim=0).sum().backward()
    return z.grad, same.grad, x.grad


# ======================================================================================
# Python and numpy interop
# ======================================================================================
@idiom((A([1.0, 2.0], "float32"), Raises(RuntimeError, "Can't call numpy() on Tensor that "
                                                        "requires grad"),
        Raises(RuntimeError, "Can't call numpy() on Tensor that requires grad"),
        A([1.0, 2.0], "float32"), 1.5, 2, -2, "1.500", 1.5, 7,
        Raises(ValueError, "only one element tensors can be converted to Python scalars")))
def numpy_and_python_numbers(lib):
    t = lib.tensor([1.0, 2.0])
    w = lib.tensor([1.0, 2.0], requires_grad=True)
    return (np.asarray(t), run(lambda _: np.asarray(w), lib), run(lambda _: w.numpy(), lib),
            w.detach().numpy(), float(lib.tensor(1.5)), int(lib.tensor(2.7)),
            int(lib.tensor(-2.7)), format(lib.tensor(1.5), ".3f"), lib.tensor([1.5]).item(),
            lib.tensor(7).item(), run(lambda _: float(t), lib))


@idiom((False, True, T([True, False], "bool"), True))
def comparing_with_none(lib):
    w = lib.tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    return (w.grad == None, w.grad != None,  # noqa: E711 - the beginner's spelling, on purpose
            w == lib.tensor([1.0, 3.0]), w.grad is not None)


@idiom((T([1.5, 2.5]), T([[1.0, 2.0], [3.0, 4.0]]), [[1, 2], [3, 4]], [1.5, 2.5], 2.5,
        Raises(TypeError, "len() of a 0-d tensor"),
        Raises(TypeError, "iteration over a 0-d tensor"), 2, [T(1.5), T(2.5)],
        (2, 2), 4, 2, 2))
def tensors_from_tensors_and_lists(lib):
    t0, t1 = lib.tensor(1.5), lib.tensor(2.5)
    rows = [lib.tensor([1.0, 2.0]), lib.tensor([3.0, 4.0])]
    m = lib.tensor([[1, 2], [3, 4]])
    v = lib.tensor([1.5, 2.5])
    return (lib.tensor([t0, t1]), lib.stack(rows), m.tolist(), v.tolist(), t1.tolist(),
            run(lambda _: len(t0), lib), run(lambda _: iter(t0), lib), len(v), list(v),
            m.size(), m.numel(), m.dim(), m.size(1))


@idiom(("tensor([0.1000, 2.0000])", "tensor([1., 2.])", "tensor([ 1, 10, -5])",
        "tensor([1.0000e-05, 1.0000e+00, 1.0000e+03])",
        "tensor([[ 1.5000, -2.0000],\n        [ 3.0000,  4.2500]])",
        "tensor([0.1000, 2.0000], dtype=lib.float64)", "tensor([ True, False])",
        "tensor(2.5000, requires_grad=True)", "tensor([2., 4.], grad_fn=<MulBackward0>)",
        "tensor([2., 4.])", "tensor([inf, nan, 1.])", "tensor([   inf, 0.5000])",
        "tensor([  0., 100.])", "tensor([1.0000e+10, 1.0000e+00])",
        "tensor([1, 2], dtype=lib.int32)", "tensor([])", "tensor([], dtype=lib.int64)",
        "tensor([], size=(0, 3))"))
def repr_of_tensors(lib):
    def text(t):
        return repr(t).replace(lib.__name__ + ".", "lib.")
    w = lib.tensor([1.0, 2.0], requires_grad=True)
    with lib.no_grad():
        not_recorded = w * 2
    return tuple(text(t) for t in (
        lib.tensor([0.1, 2.0]), lib.tensor([1.0, 2.0]), lib.tensor([1, 10, -5]),
        lib.tensor([1e-5, 1.0, 1000.0]), lib.tensor([[1.5, -2.0], [3.0, 4.25]]),
        lib.tensor([0.1, 2.0], dtype=lib.float64), lib.tensor([True, False]),
        lib.tensor(2.5, requires_grad=True), w * 2, not_recorded, lib.tensor([INF, NAN, 1.0]),
        lib.tensor([INF, 0.5]), lib.tensor([0.0, 100.0]), lib.tensor([1e10, 1.0]),
        lib.tensor([1, 2], dtype=lib.int32), lib.tensor([]), lib.tensor([], dtype=lib.int64),
        lib.zeros(0, 3)))


# ======================================================================================
# Grad mode
# ======================================================================================
@idiom({"evaluator": False, "trainer": True, "trainer_mode": True, "after": True})
def no_grad_in_two_threads(lib):
    """One thread evaluates under no_grad while another records a graph."""
    inside, checked = threading.Event(), threading.Event()
    seen = {}

    def evaluator():
        with lib.no_grad():
            inside.set()
            checked.wait(5)
            seen["evaluator"] = (lib.ones(2, requires_grad=True) * 2).requires_grad

    def trainer():
        inside.wait(5)
        seen["trainer"] = (lib.ones(2, requires_grad=True) * 2).requires_grad
        seen["trainer_mode"] = lib.is_grad_enabled()
        checked.set()

    threads = [threading.Thread(target=evaluator), threading.Thread(target=trainer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    return {key: seen.get(key) for key in ("evaluator", "trainer", "trainer_mode")} | \
        {"after": lib.is_grad_enabled()}


@idiom((False, True, False, True, Raises(ValueError, "inside"), True))
def nested_no_grad_and_errors(lib):
    w = lib.ones(1, requires_grad=True)
    with lib.no_grad():
        outer = (w * 2).requires_grad
        with lib.enable_grad():
            enabled = (w * 2).requires_grad
        with lib.no_grad():
            inner = (w * 2).requires_grad
    after = (w * 2).requires_grad

    def fails_inside(_):
        with lib.no_grad():
            raise ValueError("inside")
    return outer, enabled, inner, after, run(fails_inside, lib), lib.is_grad_enabled()


@idiom((False, True, False, True, False, False, True, True))
def set_grad_enabled_and_decorators(lib):
    w = lib.ones(1, requires_grad=True)
    lib.set_grad_enabled(False)
    switched_off = (w * 2).requires_grad
    lib.set_grad_enabled(True)
    switched_on = (w * 2).requires_grad
    with lib.set_grad_enabled(False):
        in_block = (w * 2).requires_grad
    after_block = (w * 2).requires_grad

    @lib.no_grad()
    def evaluate_called():
        return (w * 2).requires_grad

    @lib.no_grad
    def evaluate_bare():
        return (w * 2).requires_grad

    @lib.enable_grad()
    def record():
        return (w * 2).requires_grad

    with lib.no_grad():
        recorded_inside_no_grad = record()
    return (switched_off, switched_on, in_block, after_block, evaluate_called(),
            evaluate_bare(), recorded_inside_no_grad, lib.is_grad_enabled())


# ======================================================================================
# State dicts
# ======================================================================================
def three_layers(lib):
    model = lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.ReLU(), lib.nn.Linear(3, 1))
    with lib.no_grad():
        for i, p in enumerate(model.parameters()):
            p.copy_(lib.tensor(np.linspace(-1, 1, p.numel()).reshape(p.shape) * (i + 1),
                               dtype=lib.float32))
    return model


@idiom((["0.weight", "0.bias", "2.weight", "2.bias"], T([-1.0, 1.0, 3.0]),
        T([[-0.1], [8.6]]), False))
def module_state_dict_round_trip(lib):
    model = three_layers(lib)
    state = model.state_dict()
    copy = lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.ReLU(), lib.nn.Linear(3, 1))
    copy.load_state_dict(state)
    x = lib.tensor([[0.5, -1.0], [2.0, 1.0]])
    with lib.no_grad():
        model[0].bias.add_(1)                  # the state dict shares the model's memory
    return (list(state), state["0.bias"], copy(x).detach(), state["0.bias"].requires_grad)


def scaled_model(lib, scale: float):
    """A module with a 0-d parameter, subclassing either library's nn.Module."""
    class Scaled(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = lib.nn.Parameter(lib.tensor(scale))
            self.shift = lib.nn.Parameter(lib.tensor([0.5, -0.5]))

        def forward(self, x):
            return x * self.scale + self.shift
    return Scaled()


@idiom(({"scale": T(1.50472045), "shift": T([0.99996507, -0.99564302])},
        {"scale": T(1.50472045), "shift": T([0.99996507, -0.99564302])},
        ["exp_avg", "exp_avg_sq", "step"], 5.0, (), A([0.00497566, 0.30738088], "float32")))
def optimizer_state_dict_round_trip_with_a_0d_parameter(lib):
    """Save model and optimizer (deep copies, as torch.save/torch.load would give), load
    them into a fresh pair, and train both on: they must stay step for step equal."""
    def train(model, opt, steps):
        for _ in range(steps):
            opt.zero_grad()
            ((model(lib.tensor([1.0, 2.0])) - lib.tensor([3.0, -1.0])) ** 2).sum().backward()
            opt.step()

    model = scaled_model(lib, 2.0)
    opt = lib.optim.Adam(model.parameters(), lr=0.1)
    train(model, opt, 3)
    saved_model, saved_opt = copy.deepcopy(model.state_dict()), copy.deepcopy(opt.state_dict())
    twin = scaled_model(lib, 0.0)
    twin.load_state_dict(saved_model)
    twin_opt = lib.optim.Adam(twin.parameters(), lr=0.1)
    twin_opt.load_state_dict(saved_opt)
    train(model, opt, 2)
    train(twin, twin_opt, 2)
    state = twin_opt.state_dict()["state"]
    return (model.state_dict(), twin.state_dict(), sorted(state[0]), float(state[0]["step"]),
            np.asarray(state[0]["exp_avg"]).shape, np.asarray(state[1]["exp_avg_sq"]))


@idiom((True, [0.2, 0.4], [0.38, 0.76]))
def optimizer_state_dict_holds_the_state_tensors(lib):
    p = lib.tensor([1.0, 2.0], requires_grad=True)
    opt = lib.optim.Adam([p], lr=0.1)
    (p * p).sum().backward()
    opt.step()
    state = opt.state_dict()["state"][0]
    first = np.asarray(state["exp_avg"]).tolist()
    opt.step()                                      # the same gradient again
    return (all(isinstance(v, lib.Tensor) for v in state.values()), first,
            np.asarray(state["exp_avg"]).tolist())


# ======================================================================================
# nn containers and functional
# ======================================================================================
@idiom(T(2.5), refusal=Raises(ValueError, "", minigrad_phrase="must match"))
def mse_loss_of_shapes_that_broadcast(lib):
    prediction, target = lib.tensor([[1.0], [2.0]]), lib.tensor([0.0, 0.0])
    return lib.nn.functional.mse_loss(prediction, target)   # PyTorch warns, compares (2, 2)

# ======================================================================================
@idiom(("Sequential", 3, ["Linear", "ReLU", "Linear"], "Linear", 4, "Sequential"))
def sequential_like_pytorch(lib):
    model = three_layers(lib)
    head = model[0:2]
    names = [type(m).__name__ for m in model]
    last = type(model[-1]).__name__
    model.append(lib.nn.Sigmoid())
    return type(head).__name__, len(model) - 1, names, last, len(model), type(model).__name__


@idiom((T([[0.5, 0.5]] * 4), T([8.0]), Raises(RuntimeError, "expanded size"),
        Raises(RuntimeError, "expanded size")))
def functional_linear_bias_shapes(lib):
    F = lib.nn.functional
    x, w = lib.ones(4, 3), lib.zeros(2, 3, requires_grad=True)
    b = lib.tensor([0.5], requires_grad=True)            # (1,) broadcasts over outputs
    out = F.linear(x, w, b)
    out.sum().backward()
    return (out.detach(), b.grad, run(lambda _: F.linear(x, w, lib.zeros(3)), lib),
            run(lambda _: F.linear(x, w, lib.zeros(2, 1)), lib))


# ======================================================================================
# Known differences not yet fixed (strict xfail: an unexpected pass says "remove the mark")
# ======================================================================================
@idiom((True, True), xfail="minigrad's dtypes are numpy's: x.dtype is a numpy.dtype, and "
                           "minigrad.float32 is the scalar type numpy.float32, so `is` fails "
                           "(== works); minigrad/dtypes.py")
def dtype_identity(lib):
    x = lib.zeros(2)
    return x.dtype == lib.float32, x.dtype is lib.float32


@idiom((T([-4, 3], "int64"), T([2.0, 1.0]), True))
def floor_division_and_remainder(lib):
    x = lib.tensor([-7.0, 7.0])
    return lib.tensor([-7, 7]) // 2, x % 3, x.is_floating_point()


@idiom((Raises(RuntimeError, "same dtype"), Raises(RuntimeError, "same dtype")),
       xfail="matrix products of two dtypes: PyTorch raises, minigrad promotes (ops.matmul, "
             "ops.linear); refusing them breaks minigrad/curvature.py, which runs float32 "
             "models on float64 parameters")
def matrix_products_do_not_promote(lib):
    a, b = lib.ones(2, 3), lib.ones(3, 2, dtype=lib.float64)
    return run(lambda _: a @ b, lib), run(lambda _: lib.nn.functional.linear(a, b.T), lib)


# ======================================================================================
# The tests
# ======================================================================================
def _cases():
    marks = lambda case: [pytest.mark.xfail(strict=True, reason=case.xfail)] \
        if case.xfail else []                                             # noqa: E731
    return [pytest.param(case, id=case.name, marks=marks(case)) for case in IDIOMS]


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


@pytest.mark.parametrize("case", _cases())
def test_minigrad_gives_pytorchs_result(case):
    """minigrad's result equals PyTorch's, written out (runs without torch)."""
    assert_same(case.refusal or case.expected, run(case.fn, minigrad), case.name)


@pytest.mark.parametrize("case", _cases())
def test_minigrad_matches_torch(case, torch):
    """torch gives the written-out result, and minigrad gives torch's."""
    torch_result = run(case.fn, torch)
    assert_same(case.expected, torch_result, case.name, library="torch")
    minigrad_result = run(case.fn, minigrad)
    if case.refusal is not None:
        assert_same(case.refusal, minigrad_result, case.name)
    else:
        assert_same(torch_result, minigrad_result, case.name)


def test_the_table_covers_every_idiom_once():
    names = [case.name for case in IDIOMS]
    assert len(names) == len(set(names)) and len(names) >= 30


@pytest.mark.parametrize("expected, actual", [
    (T([1.0, 2.0]), T([1.0, 2.0], "float64")),                       # dtype
    (T([1.0, 2.0]), T([1.0, 2.5])),                                  # values
    (T([1.0, 2.0]), T([[1.0, 2.0]])),                                # shape
    (T([1.0]), T([1.0], requires_grad=True)),                        # requires_grad
    (T([1.0]), A([1.0], "float32")),                                 # Tensor vs ndarray
    (T([NAN]), T([0.0])),                                            # nan is not 0
    (1, 1.0), (True, 1), ("tensor([1.])", "tensor([1.0])"),          # types, texts
    ((1, 2), [1, 2]), ({"a": 1}, {"b": 1}),                          # containers
    (Raises(RuntimeError, "leaf"), T([1.0])),                        # no error raised
    (Raises(RuntimeError, "leaf"), run(lambda _: 1 / 0, None)),       # another class
    (Raises(ZeroDivisionError, "by zero!"), run(lambda _: 1 / 0, None)),  # phrase missing
    (T([1.0]), run(lambda _: 1 / 0, None)),                          # an unexpected error
])
def test_the_comparison_catches_each_kind_of_difference(expected, actual):
    with pytest.raises(AssertionError):
        assert_same(expected, actual)
