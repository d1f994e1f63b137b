r"""
A scalar autograd engine, written here
======================================

:lesson:`Lesson 00a <00a>` computed a gradient by walking a graph by hand. This lesson
writes the program that does the walk: a ``Value`` class — one number that remembers
the op and the inputs it came from — whose ``backward()`` applies the chain rule to
every node in topological order. It is short and complete (under a hundred lines, after
Karpathy's micrograd), and with it we build a neuron and a small multi-layer
perceptron and train it by gradient descent. Then the same model, started from the
same weights, trains in minigrad with ``nn.Linear`` and ``optim.SGD``, and gives the
same numbers step for step.
"""

import math
import os

import matplotlib.pyplot as plt
import numpy as np

import minigrad
from minigrad import nn, optim
from minigrad.plot import curves
from minigrad.viz import build_graph, draw_graph

FAST = os.environ.get("MINIGRAD_FAST") == "1"   # CI: fewer training steps
STEPS = 10 if FAST else 40
LR = 0.05
minigrad.manual_seed(0)

# %%
# The Value class
# ---------------
#
# A ``Value`` holds a number (``data``) and, after ``backward()``, the derivative of
# the final output with respect to it (``grad``). Every op creates a new ``Value``
# whose ``_parents`` are its inputs, and attaches a small function, ``_backward``, that
# knows the op's *local* derivatives: given the output's ``grad``, it adds each input's
# share — ``out.grad`` times the local derivative — into that input's ``grad``. The
# whole engine:


class Value:
    """A scalar that remembers how it was computed, so it can backpropagate."""

    def __init__(self, data, parents=(), op=""):
        self.data = float(data)
        self.grad = 0.0                 # ∂(output)/∂(this value), set by backward()
        self._parents = parents         # the Values this one was computed from
        self._op = op                   # which op made it (for printing)
        self._backward = lambda: None   # adds out.grad × local derivative to parents

    def __repr__(self):
        return f"Value(data={self.data:.4f}, grad={self.grad:.4f})"

    def __add__(self, other):           # out = a + b:  ∂out/∂a = 1, ∂out/∂b = 1
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):           # out = a · b:  ∂out/∂a = b, ∂out/∂b = a
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, k):               # out = aᵏ, k a plain number:  ∂out/∂a = k aᵏ⁻¹
        out = Value(self.data ** k, (self,), f"**{k}")

        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad
        out._backward = _backward
        return out

    def tanh(self):                     # out = tanh a:  ∂out/∂a = 1 − out²
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t * t) * out.grad
        out._backward = _backward
        return out

    # Everything else is built from the ops above: fewer backward rules to get wrong.
    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __truediv__(self, other):
        return self * other ** -1

    def __radd__(self, other):          # 2 + v
        return self + other

    def __rmul__(self, other):          # 2 * v
        return self * other

    def backward(self):
        """Fill .grad of every Value this one depends on: ∂self/∂value."""
        order, visited = [], set()

        def build_topo(node):           # each node after all of its parents
            if node not in visited:
                visited.add(node)
                for parent in node._parents:
                    build_topo(parent)
                order.append(node)
        build_topo(self)

        self.grad = 1.0                 # ∂self/∂self
        for node in reversed(order):    # outputs before inputs: the chain rule
            node._backward()


# %%
# Three things make this correct:
#
# * **Accumulate, never assign.** ``_backward`` adds (``+=``) into ``grad``: a value
#   used twice, as in $b = a \cdot a$, receives one contribution from each use, and the
#   multivariable chain rule says its gradient is their sum.
# * **Topological order.** A node's ``_backward`` may run only once its own ``grad`` is
#   complete, i.e. after every node that uses it has passed its share back.
#   ``build_topo`` lists every node after all of its parents; walking that list in
#   reverse visits each node after all of its users.
# * **Start from 1.** $\partial L/\partial L = 1$ seeds the walk.
#
# Subtraction, negation and division need no backward of their own: they are made of
# ``+``, ``*`` and ``**``, whose backward rules already exist.
#
# First test: lesson 00a's $L = (a \cdot b + c)\cdot f$, whose gradients we worked out
# by hand there ($\partial L/\partial a = 6$, $\partial L/\partial b = -4$,
# $\partial L/\partial c = -2$, $\partial L/\partial f = 4$):

a, b, c, f = Value(2.0), Value(-3.0), Value(10.0), Value(-2.0)
L = (a * b + c) * f
L.backward()
print(f"L = {L.data}")
print(f"∂L/∂a = {a.grad}, ∂L/∂b = {b.grad}, ∂L/∂c = {c.grad}, ∂L/∂f = {f.grad}")

# %%
# And a value used three times, $y = x \cdot x + x$ at $x = 3$, where
# $\partial y/\partial x = 2x + 1 = 7$:

x = Value(3.0)
y = x * x + x
y.backward()
print(f"y = {y.data},  ∂y/∂x = {x.grad}")

# %%
# A neuron, a layer, a network
# ----------------------------
#
# A neuron computes $\tanh\bigl(\sum_i w_i x_i + b\bigr)$; a layer is several neurons
# reading the same inputs; a multi-layer perceptron (MLP) feeds each layer's outputs
# to the next. With ``Value`` these are a few lines each. Each neuron takes its
# starting weights from one row of a weight matrix, in PyTorch's layout — ``weight``
# of shape (out_features, in_features), row $j$ holding neuron $j$'s weights — so that
# the minigrad model below can start from exactly the same numbers.


class Neuron:
    def __init__(self, weights, bias):
        self.w = [Value(w) for w in weights]
        self.b = Value(bias)

    def __call__(self, x):
        return sum((wi * xi for wi, xi in zip(self.w, x)), self.b).tanh()

    def parameters(self):
        return self.w + [self.b]


class Layer:
    def __init__(self, weight, bias):           # weight: (out, in), bias: (out,)
        self.neurons = [Neuron(row, b) for row, b in zip(weight, bias)]

    def __call__(self, x):
        return [neuron(x) for neuron in self.neurons]

    def parameters(self):
        return [p for neuron in self.neurons for p in neuron.parameters()]


class MLP:
    def __init__(self, weights_and_biases):
        self.layers = [Layer(w, b) for w, b in weights_and_biases]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x[0] if len(x) == 1 else x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]


# %%
# One neuron first: lesson 00a's, with $w = (-3, 1)$, $b = 6.8813735870195432$ and
# input $x = (2, 0)$. Its output and gradients must be the ones we worked out by hand
# there — $o \approx 0.7071$, $\partial o/\partial w = (1, 0)$,
# $\partial o/\partial b = 0.5$:

neuron = Neuron([-3.0, 1.0], 6.8813735870195432)
o = neuron([2.0, 0.0])
o.backward()
print(f"o = {o.data:.4f}   ∂o/∂w = {[round(w.grad, 4) for w in neuron.w]}   "
      f"∂o/∂b = {neuron.b.grad:.4f}")

# %%
# The data are micrograd's: four inputs with three features each, and a target of
# $+1$ or $-1$ for each. The network is 3 → 4 → 4 → 1 with $\tanh$ after every layer
# (41 parameters), and the loss is the sum of squared errors,
# $L = \sum_i (\hat y_i - y_i)^2$. The starting weights are those of minigrad's
# ``nn.Linear`` layers under ``minigrad.manual_seed(0)``, read out of the model's
# ``state_dict()``:

xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
ys = [1.0, -1.0, -1.0, 1.0]

minigrad.manual_seed(0)
model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 4), nn.Tanh(),
                      nn.Linear(4, 1), nn.Tanh())
state = {name: np.asarray(value) for name, value in model.state_dict().items()}
start = [(state[f"{i}.weight"], state[f"{i}.bias"]) for i in (0, 2, 4)]
scalar_mlp = MLP(start)
params = scalar_mlp.parameters()
print(f"{len(params)} parameters; first neuron's weights:",
      [round(w.data, 4) for w in scalar_mlp.layers[0].neurons[0].w])

# %%
# Training is the loop of every later lesson, written out: forward pass, loss, zero
# the gradients, ``backward()``, and the gradient-descent step
# $\theta \leftarrow \theta - \eta\,\partial L/\partial\theta$ on every parameter
# (η = 0.05).


def scalar_loss():
    predictions = [scalar_mlp(x) for x in xs]
    return sum(((p - y) ** 2 for p, y in zip(predictions, ys)), Value(0.0))


scalar_losses = []
for step in range(STEPS):
    loss = scalar_loss()
    for p in params:
        p.grad = 0.0                   # zero_grad: backward() accumulates
    loss.backward()
    for p in params:
        p.data -= LR * p.grad          # θ ← θ − η ∂L/∂θ
    scalar_losses.append(loss.data)
print(f"scalar engine: loss {scalar_losses[0]:.4f} at step 0, "
      f"{scalar_losses[-1]:.4f} at step {STEPS - 1}")
print("predictions:", [round(scalar_mlp(x).data, 3) for x in xs], " targets:", ys)

# %%
# The loss falls and the four predictions move towards their targets. How big is the
# graph ``backward()`` walked each step? Count the nodes of one loss:

order, seen, stack = [], set(), [scalar_loss()]
while stack:
    node = stack.pop()
    if node not in seen:
        seen.add(node)
        order.append(node)
        stack.extend(node._parents)
print(f"one loss of the scalar engine: {len(order)} Value nodes")

# %%
# The same model in minigrad
# --------------------------
#
# In minigrad the model is the ``nn.Sequential`` we took the starting weights from;
# the loss is ``nn.MSELoss(reduction="sum")``; the step is ``optim.SGD`` — the PyTorch
# loop with the import swapped. Same data, same start, same η:

X = minigrad.tensor(xs)
Y = minigrad.tensor(ys).reshape(4, 1)
criterion = nn.MSELoss(reduction="sum")
optimizer = optim.SGD(model.parameters(), lr=LR)
minigrad_losses = []
for step in range(STEPS):
    loss = criterion(model(X), Y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    minigrad_losses.append(loss.item())

relative = np.abs(np.array(minigrad_losses) - scalar_losses) / np.array(scalar_losses)
print(f"minigrad:      loss {minigrad_losses[0]:.4f} at step 0, "
      f"{minigrad_losses[-1]:.4f} at step {STEPS - 1}")
print(f"largest relative difference between the two loss curves: {relative.max():.1e}")

# %%
# The two engines agree to better than $10^{-6}$ relative, the precision of float32 (minigrad's
# ``nn.Linear`` holds float32 weights; ``Value`` computes in Python's float64). The
# curves in the figure lie on top of each other:

curves({"scalar engine (Value, float64)": scalar_losses,
        "minigrad (nn.Linear + SGD, float32)": minigrad_losses},
       xlabel="step", ylabel="loss Σ(ŷ − y)²",
       title="The same MLP, the same start, two engines")
plt.gca().lines[1].set_linestyle("--")
plt.show()

# %%
# The difference is in the graph. minigrad's graph of the same loss has one node per
# *tensor* op — a whole layer is one ``linear`` node — where the scalar engine has one
# per multiplication and addition:

optimizer.zero_grad()                  # no gradients on the drawing: none computed yet
loss = criterion(model(X), Y)
print(f"one loss of minigrad: {len(build_graph(loss, fold_constants=True)[0])} tensors")
draw_graph(loss, names={**dict(model.named_parameters()), "x": X, "targets": Y},
           title="minigrad's graph of the same loss: one node per tensor op")
plt.show()

# %%
# 17 tensors against the 398 ``Value`` nodes counted above, and the gap grows with the
# model: the scalar graph has a node for every multiplication of every sample,
# minigrad's has one per layer whatever the width and the batch size. minigrad hands
# each layer's multiplications to numpy as one matrix product, and its ``backward()``
# runs one Python function per box instead of one per number.
# :lesson:`The next lesson <00c>` measures what that is worth and looks at what changes
# when values become arrays.
#
# Summary
# -------
#
# * An autograd engine is a graph of values, each with a ``_backward`` that knows its
#   op's local derivatives, and a ``backward()`` that visits the nodes in reverse
#   topological order, starting from $\partial L/\partial L = 1$.
# * Gradients accumulate (``+=``): a value used in several places gets the sum of the
#   contributions, and a training loop must zero them before every ``backward()``.
# * Under a hundred lines of ``Value`` train an MLP; minigrad computes the same losses
#   (to float32 precision) with ``nn.Linear``, ``MSELoss`` and ``SGD``.
#
# Exercises, with hints and solutions
# -----------------------------------
#
# .. exercises:: 00b
