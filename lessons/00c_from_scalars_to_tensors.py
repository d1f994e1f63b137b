r"""
From scalars to tensors
=======================

:lesson:`Lesson 00b <00b>`'s ``Value`` engine is complete but has one node per
number. minigrad has one node per *array*: the same chain rule, with numpy doing the
arithmetic of a whole layer in one call. This lesson measures what that buys (the same
MLP step timed in both engines), then looks at the three things that change when values
become arrays — broadcasting, whose gradient needs ``unbroadcast``; the matrix product,
whose gradient we derive from index notation and check with :func:`minigrad.gradcheck`;
and graphs far deeper than a recursive sort can handle — each in minigrad's own source.
"""

import ast
import gc
import math
import os
import statistics
import sys
import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import minigrad
from minigrad import nn, optim
from minigrad.plot import curves
from minigrad.viz import build_graph, draw_graph, retain_grads

FAST = os.environ.get("MINIGRAD_FAST") == "1"   # CI: fewer widths and repeats, shorter chain
WIDTHS = [2, 4] if FAST else [2, 4, 8, 16]
REPEATS = 1 if FAST else 3
CHAIN = 20_000 if FAST else 100_000
minigrad.manual_seed(0)

# %%
# The scalar engine, again
# ------------------------
#
# We need lesson 00b's ``Value``, ``Neuron``, ``Layer`` and ``MLP`` — its code, not a
# copy. This reads the class definitions out of that lesson's file and runs them:


def classes_from_lesson(filename, names):
    """The classes ``names`` as defined in ``lessons/filename`` (nothing else runs)."""
    path = Path(minigrad.__file__).resolve().parents[1] / "lessons" / filename
    tree = ast.parse(path.read_text(encoding="utf-8"))
    body = [node for node in tree.body
            if isinstance(node, ast.ClassDef) and node.name in names]
    namespace = {"math": math}
    exec(compile(ast.Module(body=body, type_ignores=[]), str(path), "exec"), namespace)
    return [namespace[name] for name in names]


Value, Neuron, Layer, MLP = classes_from_lesson("00b_a_scalar_engine.py",
                                                ["Value", "Neuron", "Layer", "MLP"])

# %%
# Why arrays: the same step in both engines
# -----------------------------------------
#
# One training step — forward pass, loss, ``backward()``, SGD update — of a
# 2 → H → H → 1 tanh MLP on a batch of 16 points, in both engines, from the same
# weights. The scalar engine builds a node for every multiplication and addition of
# every sample; minigrad builds fewer than twenty whatever H is. Timings on a shared
# machine are noisy, so the two engines run interleaved (A, B, A, B, …), three times
# each (minigrad's time is itself the median of 20 steps), and we compare medians.

rng = np.random.default_rng(0)
batch_x = rng.uniform(-1, 1, size=(16, 2))
batch_y = np.sign(batch_x[:, :1] * batch_x[:, 1:])          # an XOR-like target


def make_models(width):
    minigrad.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, width), nn.Tanh(), nn.Linear(width, width),
                          nn.Tanh(), nn.Linear(width, 1), nn.Tanh())
    state = {name: np.asarray(value, dtype=np.float64)
             for name, value in model.state_dict().items()}
    scalar = MLP([(state[f"{i}.weight"], state[f"{i}.bias"]) for i in (0, 2, 4)])
    return model, scalar


def scalar_step(mlp, lr=0.05):
    loss = sum(((mlp(list(x)) - y) ** 2 for x, y in zip(batch_x, batch_y[:, 0])),
               Value(0.0))
    for p in mlp.parameters():
        p.grad = 0.0
    loss.backward()
    for p in mlp.parameters():
        p.data -= lr * p.grad
    return loss.data


X, Y = minigrad.tensor(batch_x.astype(np.float32)), minigrad.tensor(
    batch_y.astype(np.float32))
criterion = nn.MSELoss(reduction="sum")


def minigrad_step(model, optimizer):
    loss = criterion(model(X), Y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()


def timed(step, *args):
    start = time.perf_counter()
    value = step(*args)
    return time.perf_counter() - start, value


timings = {}
for width in WIDTHS:
    model, scalar = make_models(width)
    optimizer = optim.SGD(model.parameters(), lr=0.05)
    scalar_times, minigrad_times, losses = [], [], []
    for repeat in range(REPEATS):
        seconds, scalar_loss = timed(scalar_step, scalar)
        scalar_times.append(seconds)
        runs = [timed(minigrad_step, model, optimizer) for _ in range(20)]
        minigrad_times.append(statistics.median(t for t, _ in runs))
        losses.append((scalar_loss, runs[0][1]))
    n_params = sum(p.numel() for p in model.parameters())
    timings[width] = (n_params, statistics.median(scalar_times),
                      statistics.median(minigrad_times))
    # the first step of each engine starts from the same weights: the same loss
    print(f"H = {width:>2}: {n_params:>5} parameters   "
          f"scalar {1e3 * timings[width][1]:8.1f} ms"
          f"   minigrad {1e3 * timings[width][2]:6.3f} ms   ratio "
          f"{timings[width][1] / timings[width][2]:7.0f}×   first loss "
          f"{losses[0][0]:.5f} vs {losses[0][1]:.5f}")

# %%
# Both engines compute the same first loss (to float32 precision: minigrad's layers are
# float32). The scalar engine's time grows with the number of parameters — every
# weight is a Python object touched by every sample, forward and backward — and from
# H = 8 to H = 16 it grows much faster than that. Part of the jump is Python's cyclic
# garbage collector: each ``Value``'s ``_backward`` closure refers back to its node, so
# the graph is tens of thousands of objects in reference cycles, which the collector
# rescans again and again while the graph grows. With the collector paused, the same
# step costs:

model, scalar = make_models(WIDTHS[-1])
gc.disable()
try:
    seconds, _ = timed(scalar_step, scalar)
finally:
    gc.enable()
print(f"H = {WIDTHS[-1]}, scalar engine, garbage collector paused: {1e3 * seconds:.1f} ms"
      f" = {seconds / timings[WIDTHS[-1]][2]:.0f} × minigrad's step")

# %%
# — still far slower than minigrad's step. minigrad's time barely moves with H: at these
# sizes its cost is a fixed number of Python calls per layer, and numpy's arithmetic on
# a 16 × 16 matrix is almost free. The printed ratios grow with the model, to thousands
# at H = 16 (the exact figures move from run to run on a shared machine; the growth
# does not), and they are the reason minigrad, like PyTorch, has tensors as its nodes.

params, scalar_ms, minigrad_ms = (np.array(column) for column in zip(*timings.values()))
ax = curves({"scalar engine (Value)": 1e3 * scalar_ms,
             "minigrad (tensors)": 1e3 * minigrad_ms},
            x=params, logx=True, logy=True, xlabel="number of parameters",
            ylabel="ms per training step (median)",
            title="One SGD step of a 2-H-H-1 MLP on 16 points")
for line in ax.lines:
    line.set_marker("o")
ax.set_xticks(params, [f"{n}\n(H = {width})" for n, width in zip(params, WIDTHS)])
ax.minorticks_off()
plt.show()

# %%
# The graph of a tensor MLP
# -------------------------
#
# Here is the same kind of network written with tensor ops only —
# $h_1 = \tanh(X W_1^\top + b_1)$, $h_2 = \tanh(h_1 W_2^\top + b_2)$,
# $\hat y = h_2 W_3^\top + b_3$, loss $= \operatorname{mean}\bigl((\hat y - Y)^2\bigr)$ —
# and its graph, drawn after ``backward()`` with every node's gradient norm. Its two
# kinds of node that a scalar engine never meets are the subject of the next two
# sections: ``add``, where a bias of shape (H,) is *broadcast* over the 16 rows, and
# ``matmul``.

minigrad.manual_seed(0)
layers = [(minigrad.randn(16, 2) * 0.5, minigrad.zeros(16)),
          (minigrad.randn(16, 16) * 0.25, minigrad.zeros(16)),
          (minigrad.randn(1, 16) * 0.25, minigrad.zeros(1))]
names = {}
for k, (W, b) in enumerate(layers, start=1):
    W.requires_grad_()
    b.requires_grad_()
    names[f"W{k}"], names[f"b{k}"] = W, b
h = X
for k, (W, b) in enumerate(layers):
    h = h @ W.T + b
    if k < len(layers) - 1:
        h = h.tanh()
loss = ((h - Y) ** 2).mean()
names.update(X=X, Y=Y)
print(f"graph: {len(build_graph(loss, fold_constants=True)[0])} tensors")
retain_grads(loss)                     # keep every node's .grad, to draw it
loss.backward(retain_graph=True)
draw_graph(loss, names=names, title="A 2-16-16-1 MLP and its loss, after backward()")
plt.show()

# %%
# Broadcasting and ``unbroadcast``
# --------------------------------
#
# In ``h @ W.T + b`` the product has shape (16, 16) — 16 samples, 16 units — and
# ``b`` shape (16,). numpy *broadcasts*: it acts as if ``b`` were copied into each of
# the 16 rows. The gradient arriving at the ``add`` node, $G = \partial L/\partial z$,
# has shape (16, 16), one number per copy. Each $b_j$ was used 16 times — once per
# row — so by the chain rule
# (the sum over every use, exactly as for a ``Value`` used twice) its gradient is the
# column sum
#
# .. math::
#
#    \frac{\partial L}{\partial b_j} = \sum_{i=1}^{16} G_{ij} .
#
# A (16, 16) gradient cannot be added into a (16,) ``.grad`` (numpy refuses; here a
# smaller case):

G = np.arange(12.0).reshape(3, 4)          # a small case: (3, 4) gradient, bias (4,)
try:
    bias_grad = np.zeros(4)
    bias_grad += G
except ValueError as error:
    print("np.zeros(4) += G  →", type(error).__name__, ":", error)

x = minigrad.tensor(np.ones((3, 4)), requires_grad=True)
bias = minigrad.tensor(np.zeros(4), requires_grad=True)
column = minigrad.tensor(np.zeros((3, 1)), requires_grad=True)
(x + bias + column).backward(G)
print("G =\n", G)
print("bias (4,)    gradient:", np.asarray(bias.grad), "  = G.sum(axis=0):", G.sum(axis=0))
print("column (3,1) gradient:", np.asarray(column.grad).ravel(),
      "  = G.sum(axis=1):", G.sum(axis=1))

# %%
# The bias (4,) was broadcast along a new leading axis, so its gradient sums over that
# axis; the column (3, 1) had its length-1 axis stretched to 4, so its gradient sums
# over that axis *and keeps it*, with length 1. Every op with two inputs can broadcast,
# so minigrad does this in one helper that each backward calls,
# :func:`minigrad.ops.unbroadcast`:
#
# .. literalinclude:: /../minigrad/ops.py
#    :pyobject: unbroadcast
#
# The matrix product's gradient, from index notation
# --------------------------------------------------
#
# For $Z = AB$ with $A$ of shape (n, k) and $B$ of shape (k, m), write one element:
#
# .. math::
#
#    Z_{ij} = \sum_{k} A_{ik} B_{kj} .
#
# $A_{ik}$ appears in every $Z_{ij}$ of row $i$ (for every $j$), each time multiplied
# by $B_{kj}$. With $G_{ij} = \partial L/\partial Z_{ij}$ arriving from above, the chain
# rule sums over those uses:
#
# .. math::
#
#    \frac{\partial L}{\partial A_{ik}} = \sum_j G_{ij} B_{kj} = (G B^\top)_{ik},
#    \qquad
#    \frac{\partial L}{\partial B_{kj}} = \sum_i A_{ik} G_{ij} = (A^\top G)_{kj} .
#
# The shapes confirm it — $G B^\top$ is (n, m)·(m, k) = (n, k), the shape of $A$ — but
# the index sums are the derivation; matching shapes alone cannot tell $G B^\top$ from
# $G B$ when the matrices are square. Check both formulas against ``backward()`` and
# against finite differences with :func:`minigrad.gradcheck`, in float64:

A = minigrad.tensor(rng.standard_normal((3, 4)), requires_grad=True)
B = minigrad.tensor(rng.standard_normal((4, 2)), requires_grad=True)
G = rng.standard_normal((3, 2))
(A @ B).backward(G)
a, b = A.detach().numpy(), B.detach().numpy()
print("∂L/∂A = G Bᵀ:", np.allclose(np.asarray(A.grad), G @ b.T),
      "  ∂L/∂B = Aᵀ G:", np.allclose(np.asarray(B.grad), a.T @ G))
print("index sums:   ", np.allclose(np.asarray(A.grad), np.einsum("ij,kj->ik", G, b)),
      "               ", np.allclose(np.asarray(B.grad), np.einsum("ik,ij->kj", a, G)))
print("gradcheck(A @ B):", minigrad.gradcheck(lambda A, B: A @ B, [A, B]))

# %%
# All agree, and :func:`minigrad.gradcheck` — central differences in float64, as
# :lesson:`lesson 00a <00a>` recommends — confirms ``backward()``. minigrad's
# ``matmul`` implements these two lines; the rest handles 1-D operands (a vector is
# treated as a row or a column) and batch axes (which broadcast, so ``unbroadcast``
# appears again), one speed detail for a transposed ``W.T``, and the list of inputs
# the backward will read (``saved``), so that changing one of them in place before
# ``backward()`` is reported instead of giving a wrong gradient:
#
# .. literalinclude:: /../minigrad/ops.py
#    :pyobject: matmul
#
# Deep graphs: backward without recursion
# ---------------------------------------
#
# Lesson 00b's ``build_topo`` calls itself once per level of the graph, and Python
# allows about a thousand nested calls. A graph deeper than that — an unrolled
# recurrence, or simply many small ops in a row — crashes it (the issue micrograd's
# users report, PR #90). A chain $y = x \cdot c \cdot c \cdots c$ of multiplications
# twice as long as the limit, in the scalar engine:

print("Python's recursion limit:", sys.getrecursionlimit())
v = Value(1.0)
for _ in range(2 * sys.getrecursionlimit()):
    v = v * (1 + 1e-5)
try:
    v.backward()
except RecursionError as error:
    print(f"Value chain of {2 * sys.getrecursionlimit():,} ops: RecursionError: {error}")

# %%
# minigrad's ``backward()`` sorts the graph with an explicit stack instead, so depth
# only costs memory. A chain of 100,000 tensor ops, in float64; the gradient is
# $c^{N} = (1 + 10^{-5})^{N}$, which is $\approx e$ for $N = 100{,}000$. (Python's
# cyclic garbage collector would otherwise rescan the ever larger graph again and again
# while it is built, as in the timing above; pausing it meanwhile is a common trick.)

x = minigrad.tensor(1.0, dtype=np.float64, requires_grad=True)
gc.disable()                           # no collector passes over the growing graph
try:
    start = time.perf_counter()
    y = x
    for _ in range(CHAIN):
        y = y * (1 + 1e-5)
    built = time.perf_counter() - start
    start = time.perf_counter()
    y.backward()
    walked = time.perf_counter() - start
finally:
    gc.enable()
print(f"minigrad chain of {CHAIN:,} ops: forward {built:.2f} s, backward {walked:.2f} s")
print(f"∂y/∂x = {x.grad.item():.10f}   (1 + 1e-5)^{CHAIN} = {(1 + 1e-5) ** CHAIN:.10f}")

# %%
# The sort, from ``minigrad/tensor.py``: each node is pushed once to visit its parents
# and once more, marked, to be appended after them — the recursion's call stack made
# into a list (exercise 1 of lesson 00b asks you to write it):
#
# .. literalinclude:: /../minigrad/tensor.py
#    :pyobject: topological_order
#
# Where each piece lives
# ----------------------
#
# * ``minigrad/tensor.py`` — the :class:`minigrad.Tensor`: its array, ``grad``,
#   ``requires_grad``; ``Tensor._make``, which records an op's output with its parents
#   and backward function (only when a gradient is needed and grad mode is on); and
#   ``backward()``, which walks the topological order above in reverse and accumulates
#   each node's gradient — lesson 00b's ``backward``, with arrays.
# * ``minigrad/ops.py`` (and ``ops_more.py``) — every op, forward and backward side
#   by side, plus ``unbroadcast``. The backward is a plain function that gets what the
#   forward kept for it (its ``ctx``), as in PyTorch's ``autograd.Function``, not a
#   closure as in ``Value.__mul__``: a closure would add a function and its cells to
#   the objects the garbage collector scans, for every op.
# * ``minigrad/gradcheck/`` — :func:`minigrad.numerical_grad` and
#   :func:`minigrad.gradcheck`, lesson 00a's central differences; ``python -m
#   minigrad.gradcheck`` checks every op.
# * ``minigrad/viz.py`` — :func:`minigrad.viz.draw_graph`, the drawings in these
#   lessons.
#
# Summary
# -------
#
# * Tensor nodes do the same chain rule as scalar nodes, but a layer is one node and
#   numpy does its arithmetic: on this MLP one step is tens to thousands of times
#   faster than the scalar engine, more as the model grows (printed above).
# * Broadcasting copies an input; the gradient of the copies is summed back to the
#   input's shape, once, in ``unbroadcast``.
# * $\partial L/\partial A = G B^\top$ and $\partial L/\partial B = A^\top G$ follow from
#   $Z_{ij} = \sum_k A_{ik}B_{kj}$; gradcheck confirms them.
# * A topological sort with an explicit stack handles a 100,000-op graph that a
#   recursive one cannot.
#
# Exercises, with hints and solutions
# -----------------------------------
#
# .. exercises:: 00c
