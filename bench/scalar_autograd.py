"""Scalar autograd, micrograd-style: one graph node per *number*, for scale.

This is what minigrad would be without arrays — every multiply and add of a matrix
product is its own Python object with its own backward closure. It trains the same kind
of network correctly, only slowly; timing it on a small network and multiplying by the
node count of the real one shows why the engine works on whole numpy arrays.

(Written here, not installed: ``micrograd`` itself sorts the graph recursively, which
fails past about 1,000 levels; this ``Value`` sorts iteratively like minigrad.)
"""

from __future__ import annotations

import math
import time

import numpy as np

import impls


class Value:
    """A scalar that remembers how it was made (karpathy/micrograd's ``Value``)."""

    __slots__ = ("data", "grad", "_parents", "_backward")

    def __init__(self, data, parents=()):
        self.data, self.grad, self._parents, self._backward = data, 0.0, parents, None

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other))

        def backward():                       # ∂(a+b)/∂a = ∂(a+b)/∂b = 1
            self.grad += out.grad
            other.grad += out.grad
        out._backward = backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other))

        def backward():                       # ∂(ab)/∂a = b, ∂(ab)/∂b = a
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = backward
        return out

    def relu(self):
        out = Value(max(self.data, 0.0), (self,))

        def backward():
            self.grad += (out.data > 0) * out.grad
        out._backward = backward
        return out

    def exp(self):
        out = Value(math.exp(self.data), (self,))

        def backward():
            self.grad += out.data * out.grad
        out._backward = backward
        return out

    def log(self):
        out = Value(math.log(self.data), (self,))

        def backward():
            self.grad += out.grad / self.data
        out._backward = backward
        return out

    __radd__ = __add__
    __rmul__ = __mul__

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-other)

    def backward(self) -> int:
        """Fill ``.grad`` of every node; returns how many nodes the graph has."""
        order, visited, stack = [], set(), [(self, False)]
        while stack:                          # iterative depth-first topological sort
            node, parents_done = stack.pop()
            if parents_done:
                order.append(node)
            elif id(node) not in visited:
                visited.add(id(node))
                stack.append((node, True))
                stack.extend((p, False) for p in node._parents)
        self.grad = 1.0
        for node in reversed(order):
            if node._backward is not None:
                node._backward()
        return len(order)


# --------------------------------------------------------------------------------------
# The same MLP step, scalar by scalar
# --------------------------------------------------------------------------------------
def make_step(params, X, y, lr):
    """``step() -> (loss, nodes)``: forward, backward and SGD on lists of ``Value``."""
    W = [[[Value(float(w)) for w in row] for row in Wl] for Wl, _ in params]
    B = [[Value(float(b)) for b in bl] for _, bl in params]
    leaves = [v for layer in W for row in layer for v in row] + [v for bl in B for v in bl]

    def step():
        total = 0.0
        for x_row, label in zip(X, y):
            h = [float(v) for v in x_row]
            for layer, (Wl, bl) in enumerate(zip(W, B)):
                h = [sum((w * v for w, v in zip(row, h)), b) for row, b in zip(Wl, bl)]
                if layer < len(W) - 1:
                    h = [v.relu() for v in h]
            m = max(v.data for v in h)         # log-softmax, shifted by the max (a constant)
            log_sum = sum((v - m).exp() for v in h).log() + m
            total = total + (log_sum - h[label])
        loss = total * (1.0 / len(X))
        for v in leaves:
            v.grad = 0.0
        nodes = loss.backward()
        for v in leaves:
            v.data -= lr * v.grad
        return loss.data, nodes

    return step


def run(quick: bool = False, print_fn=print) -> dict:
    """Time the scalar engine on a 64-16-10 MLP (checked against numpy), then one sample
    of the 784-128-64-10 MLP, and scale that to a batch of 16 (the cost is linear in the
    batch size)."""
    small, batch = (64, 16, 10), (2 if quick else 8)
    steps = 2 if quick else 3
    params = impls.init_params(small)
    X, y = impls.make_batch(batch, small)
    step = make_step(params, X, y, impls.LR)
    losses, seconds = [], []
    for _ in range(steps):
        start = time.perf_counter()
        loss, nodes = step()
        seconds.append(time.perf_counter() - start)
        losses.append(loss)
    reference = _numpy_losses(params, X, y, steps)
    if not np.allclose(losses, reference, rtol=1e-4):
        raise AssertionError(f"scalar autograd losses {losses} differ from numpy's {reference}")
    small_seconds = float(np.median(seconds))

    print_fn("\n## Scalar autograd (micrograd-style, one node per number), for scale\n")
    print_fn(f"  MLP {'-'.join(map(str, small))}, batch {batch}: {nodes:,} nodes, "
             f"{small_seconds * 1e3:.0f} ms per step, {small_seconds / nodes * 1e6:.2f} µs "
             f"per node (forward, backward, update); losses match numpy")
    result = {"small_network": small, "small_batch": batch, "small_nodes": nodes,
              "small_ms_per_step": small_seconds * 1e3,
              "us_per_node": small_seconds / nodes * 1e6}
    if quick:
        print_fn("  (run without --quick for the 784-128-64-10 figure)")
        return result

    X1, y1 = impls.make_batch(1)
    big_step = make_step(impls.init_params(), X1, y1, impls.LR)
    start = time.perf_counter()
    _, big_nodes = big_step()
    one_sample = time.perf_counter() - start
    estimate = 16 * one_sample
    print_fn(f"  MLP {'-'.join(map(str, impls.SIZES))}, batch 1: {big_nodes:,} nodes, "
             f"{one_sample:.1f} s per step; at batch 16 about 16 × that ≈ {estimate:.0f} s "
             f"per step, where minigrad needs well under a millisecond")
    result.update(big_nodes_batch_1=big_nodes, big_seconds_batch_1=one_sample,
                  estimated_seconds_784_128_64_10_batch_16=estimate)
    return result


def _numpy_losses(params, X, y, steps) -> list:
    """The same steps in float64 numpy (the scalar engine computes in Python floats)."""
    params = [(W.astype(np.float64), b.astype(np.float64)) for W, b in params]
    X, rows, losses = X.astype(np.float64), np.arange(len(X)), []
    for _ in range(steps):
        hs, h = [X], X
        for i, (W, b) in enumerate(params):
            h = h @ W.T + b
            if i < len(params) - 1:
                h = np.maximum(h, 0)
            hs.append(h)
        shifted = h - h.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        losses.append(-(shifted[rows, y] - np.log(e.sum(axis=1))).mean())
        dz = e / e.sum(axis=1, keepdims=True)
        dz[rows, y] -= 1
        dz /= len(X)
        for i in reversed(range(len(params))):
            W, b = params[i]
            dW, db = dz.T @ hs[i], dz.sum(axis=0)
            if i > 0:
                dz = (dz @ W) * (hs[i] > 0)
            W -= impls.LR * dW
            b -= impls.LR * db
    return losses
