r"""
Derivatives and the chain rule, by hand
=======================================

Every lesson after this one calls ``loss.backward()`` and trusts the gradient it leaves
in ``.grad``. This lesson computes such a gradient by hand, so that nothing about it is
magic: what a derivative measures, a small expression drawn as a graph, the *local*
derivative at each node, and the chain rule that multiplies them along the graph — the
whole of backpropagation. Each number is checked three ways (by hand, by minigrad's
``backward()``, by finite differences), and the last section asks how accurate finite
differences can be, which is why :func:`minigrad.gradcheck` works in float64 with
central differences and ε = 1e-6.

The articles take gradients for granted (article 000 §3 writes $\nabla J(\theta)$ and
moves on); the examples here follow Karpathy's micrograd lecture.
"""

import math
import os

import matplotlib.pyplot as plt
import numpy as np

import minigrad
from minigrad.viz import draw_graph, retain_grads

FAST = os.environ.get("MINIGRAD_FAST") == "1"   # CI: a coarser ε grid, same lesson
minigrad.manual_seed(0)                          # nothing here is random; kept by habit
# sphinx_gallery_thumbnail_number = 3

# %%
# What a derivative measures
# --------------------------
#
# The derivative of $f$ at $x$ is how much $f$ changes per unit change of $x$, for a
# very small change:
#
# .. math::
#
#    f'(x) = \lim_{h \to 0} \frac{f(x + h) - f(x)}{h} .
#
# Take $f(x) = 3x^2 - 4x + 5$. By the rules of calculus $f'(x) = 6x - 4$, so
# $f'(3) = 14$. Nudge $x = 3$ by smaller and smaller $h$ and watch the ratio approach 14:


def f(x):
    return 3 * x ** 2 - 4 * x + 5


x = 3.0
for h in [1.0, 0.1, 0.01, 0.001]:
    slope = (f(x + h) - f(x)) / h
    print(f"h = {h:<6}  (f(x+h) − f(x))/h = {slope:.4f}   error = {slope - 14:.4f}")

# %%
# The error is exactly $3h$ here (expand $f(3 + h)$): it shrinks in proportion to $h$.
# A derivative is a *local* statement — it says what happens to $f$ for tiny moves of
# $x$ — and that is all gradient descent uses: a step of size η against it.
#
# An expression as a graph
# ------------------------
#
# Now several inputs. micrograd's example: with $a = 2$, $b = -3$, $c = 10$, $f = -2$,
#
# .. math::
#
#    e = a \cdot b, \qquad d = e + c, \qquad L = d \cdot f .
#
# Each line is one *node* that computes one simple op from its inputs. minigrad records
# exactly these nodes when the computation runs on tensors with ``requires_grad=True``,
# and :func:`minigrad.viz.draw_graph` draws what it recorded:

a = minigrad.tensor(2.0, dtype=np.float64, requires_grad=True)
b = minigrad.tensor(-3.0, dtype=np.float64, requires_grad=True)
c = minigrad.tensor(10.0, dtype=np.float64, requires_grad=True)
f_ = minigrad.tensor(-2.0, dtype=np.float64, requires_grad=True)
e = a * b
d = e + c
L = d * f_
print(f"e = a·b = {e.item()},  d = e + c = {d.item()},  L = d·f = {L.item()}")

draw_graph(L, names=dict(a=a, b=b, c=c, f=f_, e=e, d=d, L=L),
           title="L = (a·b + c)·f: the graph minigrad recorded (before backward)")
plt.show()

# %%
# Read the graph left to right and it is the forward pass: each box is a tensor, with
# the op that made it, its shape (here every value is a scalar) and dtype. The blue
# boxes are the *leaves* we created with ``requires_grad=True`` — the numbers we want
# gradients for.
#
# Local derivatives and the chain rule
# ------------------------------------
#
# Each op knows only its own inputs and output, and its derivative with respect to
# them — the *local* derivative:
#
# * $L = d \cdot f$: $\;\partial L/\partial d = f = -2$, $\;\partial L/\partial f = d = 4$;
# * $d = e + c$: $\;\partial d/\partial e = 1$, $\;\partial d/\partial c = 1$;
# * $e = a \cdot b$: $\;\partial e/\partial a = b = -3$, $\;\partial e/\partial b = a = 2$.
#
# The **chain rule** connects them: if $L$ depends on $e$ only through $d$, then
#
# .. math::
#
#    \frac{\partial L}{\partial e} = \frac{\partial L}{\partial d}\,
#    \frac{\partial d}{\partial e},
#    \qquad
#    \frac{\partial L}{\partial a} = \frac{\partial L}{\partial d}\,
#    \frac{\partial d}{\partial e}\,\frac{\partial e}{\partial a} .
#
# So start at the output with $\partial L/\partial L = 1$ and walk the graph right to
# left, multiplying each node's gradient by the local derivatives of its op to get its
# inputs' gradients. That walk is **backpropagation**. By hand:

dL_dL = 1.0
dL_dd = dL_dL * f_.item()        # ∂L/∂d = f
dL_df = dL_dL * d.item()         # ∂L/∂f = d
dL_de = dL_dd * 1.0              # + passes the gradient through unchanged
dL_dc = dL_dd * 1.0
dL_da = dL_de * b.item()         # ∂e/∂a = b
dL_db = dL_de * a.item()         # ∂e/∂b = a
by_hand = {"a": dL_da, "b": dL_db, "c": dL_dc, "f": dL_df}
print("by hand:", by_hand)

# %%
# minigrad does the same walk when we call ``backward()``. Intermediate tensors
# (``e``, ``d``) do not keep their gradient unless asked, as in PyTorch; asking with
# :func:`minigrad.viz.retain_grads` lets the drawing show every node's gradient. We
# also keep the graph (``retain_graph=True``) so that it can be drawn afterwards.

retain_grads(L)
L.backward(retain_graph=True)
autograd = {name: t.grad.item() for name, t in dict(a=a, b=b, c=c, f=f_).items()}
print("backward():", autograd)
print(f"intermediates: ∂L/∂e = {e.grad.item()},  ∂L/∂d = {d.grad.item()}")

draw_graph(L, names=dict(a=a, b=b, c=c, f=f_, e=e, d=d, L=L),
           title="The same graph after L.backward(): ‖grad‖ = |∂L/∂node| in each box")
plt.show()

# %%
# Every box now carries $\lvert\partial L/\partial \text{node}\rvert$: 6 at $a$, 4 at
# $b$, 2 at $c$, $e$ and $d$, 4 at $f$, 1 at $L$ itself — the numbers computed by hand.
# (The drawing shows norms, so the signs are in the printed values: $\partial L/\partial
# a = 6$, $\partial L/\partial b = -4$, $\partial L/\partial c = -2$, $\partial
# L/\partial f = 4$.)
#
# The third check needs no calculus at all: nudge one input, rerun the forward pass,
# and measure the change of $L$ — a *finite difference*. The central difference
# $\frac{L(a + \varepsilon) - L(a - \varepsilon)}{2\varepsilon}$ is the accurate kind
# (the last section shows why):


def L_of(a, b, c, f):
    return (a * b + c) * f


values = dict(a=2.0, b=-3.0, c=10.0, f=-2.0)
eps = 1e-6
for name in values:
    plus, minus = dict(values), dict(values)
    plus[name] += eps
    minus[name] -= eps
    finite = (L_of(**plus) - L_of(**minus)) / (2 * eps)
    print(f"∂L/∂{name}:  by hand {by_hand[name]:+.1f}   backward() {autograd[name]:+.1f}"
          f"   finite difference {finite:+.10f}")

# %%
# A nonlinear node: a neuron
# --------------------------
#
# Products and sums have simple local derivatives. A neuron adds a nonlinearity:
# $n = x_1 w_1 + x_2 w_2 + b$ and $o = \tanh(n)$, whose local derivative is
# $\partial o/\partial n = 1 - \tanh^2(n) = 1 - o^2$ — a number the forward pass has
# already computed. With micrograd's values ($x_1 = 2$, $x_2 = 0$, $w_1 = -3$,
# $w_2 = 1$, $b = 6.8813735870195432$, chosen so that $o \approx 0.7071$):

x1, x2, w1, w2, bias = 2.0, 0.0, -3.0, 1.0, 6.8813735870195432
n = x1 * w1 + x2 * w2 + bias
o = math.tanh(n)
do_dn = 1 - o ** 2
grads_by_hand = {"w1": do_dn * x1, "w2": do_dn * x2, "x1": do_dn * w1, "b": do_dn}
print(f"n = {n:.4f}   o = tanh(n) = {o:.4f}   ∂o/∂n = 1 − o² = {do_dn:.4f}")

inputs = {k: minigrad.tensor(v, dtype=np.float64, requires_grad=True)
          for k, v in dict(x1=x1, x2=x2, w1=w1, w2=w2, b=bias).items()}
out = (inputs["x1"] * inputs["w1"] + inputs["x2"] * inputs["w2"] + inputs["b"]).tanh()
out.backward()
for name, value in grads_by_hand.items():
    print(f"∂o/∂{name}: by hand {value:+.4f}   backward() {inputs[name].grad.item():+.4f}")

# %%
# $\partial o/\partial n = 0.5$, and every input's gradient is that 0.5 times the local
# derivative of the sum and product below it: $\partial o/\partial w_1 = 0.5 \cdot x_1
# = 1$, $\partial o/\partial x_1 = 0.5 \cdot w_1 = -1.5$, and $\partial o/\partial w_2 =
# 0$ because $x_2 = 0$: a weight whose input is zero gets no gradient, whatever the
# loss.
#
# How accurate is a finite difference?
# ------------------------------------
#
# Finite differences need no derivative rules, which makes them the referee for every
# gradient in this package (:func:`minigrad.gradcheck`). But their accuracy depends on
# ε, in two opposite ways:
#
# * **truncation**: $f(x+\varepsilon) = f + \varepsilon f' + \frac{\varepsilon^2}{2}f''
#   + \frac{\varepsilon^3}{6}f''' + \dots$, so the forward difference
#   $(f(x+\varepsilon) - f(x))/\varepsilon$ is off by about $\frac{\varepsilon}{2}f''$,
#   and the central difference $(f(x+\varepsilon) - f(x-\varepsilon))/2\varepsilon$ —
#   where the $f''$ terms cancel — by about $\frac{\varepsilon^2}{6}f'''$. Smaller ε is
#   better;
# * **rounding**: $f(x \pm \varepsilon)$ are stored with a relative error of about
#   $u$ ($1.1 \cdot 10^{-16}$ in float64, $6 \cdot 10^{-8}$ in float32), and dividing
#   their difference by ε amplifies that to about $u\lvert f\rvert/\varepsilon$. Larger
#   ε is better.
#
# Measure both on the neuron, $o(w_1)$, whose exact derivative we know (1.0 up to
# float64 rounding), for ε from $10^{-15}$ to $10^{-1}$:


def neuron(w1, dtype):
    """o(w₁) = tanh(x₁w₁ + x₂w₂ + b), computed entirely in ``dtype``."""
    w1, x1_, x2_, w2_, b_ = (dtype(v) for v in (w1, x1, x2, w2, bias))
    return np.tanh(x1_ * w1 + x2_ * w2_ + b_)


exact = float((1 - np.tanh(x1 * w1 + bias) ** 2) * x1)
epsilons = np.logspace(-15, -1, 29 if FAST else 113)
errors = {}
for dtype, kind in [(np.float64, "central"), (np.float64, "forward"),
                    (np.float32, "central")]:
    w = dtype(w1)
    if kind == "central":
        estimate = [(neuron(w + dtype(e), dtype) - neuron(w - dtype(e), dtype))
                    / (2 * dtype(e)) for e in epsilons]
    else:
        estimate = [(neuron(w + dtype(e), dtype) - neuron(w, dtype)) / dtype(e)
                    for e in epsilons]
    errors[f"{kind}, {np.dtype(dtype).name}"] = np.abs(np.array(estimate, float) - exact)

for label, err in errors.items():
    finite = np.where(err > 0, err, np.inf)   # an exact 0 is luck, not accuracy
    best = np.argmin(finite)
    at_1e6 = np.argmin(np.abs(np.log10(epsilons) + 6))
    print(f"{label:<16} smallest error {finite[best]:.1e} at ε = {epsilons[best]:.0e};"
          f"   at ε = 1e-6: {err[at_1e6]:.1e}")

# %%
# The figure puts the three error curves on log-log axes, with the two laws drawn as
# guides: the truncation lines ($\frac{\varepsilon}{2}\lvert f''\rvert$ and
# $\frac{\varepsilon^2}{6}\lvert f'''\rvert$, slopes 1 and 2) and the float64 rounding
# line ($u/\varepsilon$, slope −1).

t = math.tanh(x1 * w1 + bias)                # derivatives of o(w₁) = tanh(x₁w₁ + b)
f2 = abs(x1 ** 2 * (-2 * t * (1 - t ** 2)))                       # o''
f3 = abs(x1 ** 3 * (-2 * (1 - t ** 2) ** 2 + 4 * t ** 2 * (1 - t ** 2)))   # o'''
u64 = np.finfo(np.float64).eps / 2

fig, ax = plt.subplots(figsize=(7.5, 4.8), layout="constrained")
for (label, err), style in zip(errors.items(), ["-o", "-s", "-^"]):
    shown = np.where(err > 0, err, np.nan)
    ax.loglog(epsilons, shown, style, markersize=3, linewidth=1, label=label)
ax.loglog(epsilons, f2 * epsilons / 2, ":", color="C1", label="truncation ε·|f''|/2")
ax.loglog(epsilons, f3 * epsilons ** 2 / 6, ":", color="C0",
          label="truncation ε²·|f'''|/6")
ax.loglog(epsilons, u64 * t / epsilons, "--", color="0.4", label="float64 rounding u·|f|/ε")
ax.axvline(1e-6, color="C2", linewidth=0.8)
ax.annotate("gradcheck's ε = 1e-6", (1e-6, 1e-15), xytext=(4, 0),
            textcoords="offset points", fontsize=8, color="C2")
ax.set_ylim(1e-16, 1e1)
ax.set_xlabel("step ε")
ax.set_ylabel("|estimate − exact derivative|")
ax.set_title("Finite-difference error against ε, on o(w₁) = tanh(x₁w₁ + x₂w₂ + b)")
ax.legend(fontsize="small", loc="lower left")
ax.grid(alpha=0.3)
plt.show()

# %%
# Each curve is a V. On the right, truncation: the forward difference follows the
# slope-1 line and the central difference the slope-2 line, so shrinking ε tenfold
# makes the central estimate a hundred times better (the dotted slope-2 guide lies
# under the float64 central curve). On the left, rounding: both float64 curves climb
# along the $u/\varepsilon$ line (jagged, because rounding errors are erratic). The
# float32 curve climbs far earlier, since $u$ is $2^{29} \approx 5 \cdot 10^8$ times
# larger in float32 ($2^{-24}$ against $2^{-53}$), and below $\varepsilon \approx
# 10^{-7}$ the nudge is lost altogether: $w_1 + \varepsilon$ rounds back to $w_1$, the
# estimate is 0 and the error is the whole derivative, 1. The bottom of each V is the best
# one can do (the printed numbers above): about $10^{-8}$ for the forward difference,
# near $\varepsilon \approx 10^{-8}$; about $10^{-12}$ for the central one, near
# $\varepsilon \approx 3 \cdot 10^{-6}$, in float64; and only about $3 \cdot 10^{-6}$
# in float32, at a coarse $\varepsilon \approx 6 \cdot 10^{-3}$.
#
# That is the recipe :func:`minigrad.gradcheck` follows, as PyTorch's does: central
# differences, in float64, with $\varepsilon = 10^{-6}$ — near the bottom of the V, on
# its flatter rounding side — and a tolerance (``atol=1e-5``, ``rtol=1e-3``) far above
# the $10^{-10}$ that remains there, yet far below any real mistake in a backward
# rule. In float32 the same ε gives an error of about $5 \cdot 10^{-2}$, which is why gradcheck
# copies its inputs to float64 first. Here is the function it uses, the real source:
#
# .. literalinclude:: /../minigrad/gradcheck/__init__.py
#    :pyobject: numerical_grad
#
# Summary
# -------
#
# * A derivative is the rate of change for a tiny nudge; gradient descent needs
#   nothing more.
# * An expression is a graph of simple ops. Each op knows its *local* derivatives;
#   the chain rule multiplies them along the path from the output, starting from
#   $\partial L/\partial L = 1$. That right-to-left walk is backpropagation, and it is
#   what ``backward()`` does.
# * Finite differences check it without any derivative rule, but their error is
#   truncation plus rounding: use central differences (error $\propto \varepsilon^2$)
#   in float64 with ε around $10^{-6}$.
#
# :lesson:`The next lesson <00b>` writes the engine that does this walk, in under a
# hundred lines.
#
# Exercises, with hints and solutions
# -----------------------------------
#
# .. exercises:: 00a
