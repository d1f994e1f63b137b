r"""
Gradient descent and the learning rate η
========================================

Every article we follow starts from the same rule, gradient descent (梯度下降): step
against the gradient, by an amount set by the learning rate η (学习率). This lesson runs
that rule with :class:`minigrad.optim.SGD` on two toy problems that every later lesson
reuses — the parabola $f(\theta) = \theta^2$ (:func:`minigrad.toy.parabola`) and the
bowl $f(\theta) = 0.1\,\theta_1^2 + 2\,\theta_2^2$ (:func:`minigrad.toy.bowl`) — and
shows what η does: too small crawls, about right converges, too large oscillates, far too
large diverges.

It follows article 000 §3, article 001 §3.1 and §3.3, article 003 §3 and article 004
§3.1, which all state the update; the regimes and the closed form below are worked out
here (the articles only say, e.g. article 003 §1, that too large an η "may make training
oscillate and not converge", 可能会导致模型在训练过程中震荡不收敛, and too small an η "may
make training too slow").
"""

import os

import matplotlib.pyplot as plt
import numpy as np

import minigrad
from minigrad.optim import SGD
from minigrad.plot import contour_traces, curves
from minigrad.toy import BOWL_START, bowl, parabola, trace

FAST = os.environ.get("MINIGRAD_FAST") == "1"   # CI: same lesson, fewer points
minigrad.manual_seed(0)                          # nothing here is random; kept by habit

# %%
# The update
# ----------
#
# Article 004 §3.1 (and, in the same symbols, article 000 §3) writes
#
# .. math::
#
#    \theta_{t+1} = \theta_t - \eta \nabla J(\theta_t)
#
# where $\theta$ are the model parameters, $t$ the iteration, $\eta$ the learning rate
# (学习率) and $\nabla J(\theta_t)$ the gradient of the loss $J$ at the current
# parameters. Article 001 §3.1 spells out the loop around it: initialise $\theta$;
# compute $\nabla J(\theta)$; update $\theta \leftarrow \theta - \eta\nabla J(\theta)$;
# repeat until converged or out of iterations.
#
# In minigrad the update is :class:`minigrad.optim.SGD` with its defaults
# ``momentum=0, weight_decay=0``. Here is its ``step()``, the real source:
#
# .. literalinclude:: /../minigrad/optim/sgd.py
#    :pyobject: SGD.step
#
# With ``weight_decay=0`` the gradient ``g`` passes through ``l2_penalty`` unchanged and
# with ``momentum=0`` the ``if mu != 0`` branch is skipped, so the one line that runs is
# ``theta -= eta * g``: $\theta \leftarrow \theta - \eta\nabla J(\theta)$, written in
# place into each parameter's numpy array (``p.array``). The gradient ``g`` is the array of
# the parameter's ``.grad``, which ``loss.backward()`` filled in.
#
# The loop: zero_grad, loss, backward, step
# -----------------------------------------
#
# On the parabola $f(\theta) = \theta^2$ the gradient is $f'(\theta) = 2\theta$. Four
# lines make one step of gradient descent, and they are the same four lines in every
# training loop of every later lesson (and in PyTorch):

theta = minigrad.tensor([1.0], requires_grad=True, dtype=np.float64)   # θ₀ = 1
optimizer = SGD([theta], lr=0.1)                                        # η = 0.1
for t in range(4):
    optimizer.zero_grad()          # forget the last gradient (gradients accumulate)
    loss = parabola(theta)         # J(θ_t) = θ_t², recording the graph
    loss.backward()                # ∇J(θ_t) = 2θ_t  into theta.grad
    step = theta[0].item() - 0.1 * theta.grad[0].item()
    print(f"t={t}  θ_t={theta[0].item():.4f}  J(θ_t)={loss.item():.4f}  "
          f"∇J(θ_t)={theta.grad[0].item():.4f}  →  θ_t - η∇J = {step:.4f}")
    optimizer.step()               # θ_{t+1} = θ_t − η ∇J(θ_t)

# %%
# :func:`minigrad.toy.trace` runs exactly this loop for any optimizer and returns the
# whole path $\theta_0, \theta_1, \dots, \theta_T$; every lesson uses it, so their
# traces compare:
#
# .. literalinclude:: /../minigrad/toy.py
#    :pyobject: trace
#
# One dimension: a closed form and four regimes
# ---------------------------------------------
#
# On $f(\theta) = \theta^2$ one step is
# $\theta_{t+1} = \theta_t - \eta \cdot 2\theta_t = (1 - 2\eta)\,\theta_t$, so after $t$
# steps
#
# .. math::
#
#    \theta_t = (1 - 2\eta)^t\, \theta_0 .
#
# Everything depends on the factor $q = 1 - 2\eta$:
#
# * $0 < \eta < 0.5$: $0 < q < 1$, $\theta_t$ shrinks towards 0 monotonically, never
#   crossing it (and $\eta = 0.5$ gives $q = 0$: the minimum in one step);
# * $0.5 < \eta < 1$: $-1 < q < 0$, $\theta_t$ changes sign every step — it oscillates
#   around the minimum — but $|\theta_t|$ still shrinks, so it converges;
# * $\eta = 1$: $q = -1$, $\theta_t$ bounces between $+\theta_0$ and $-\theta_0$ for ever;
# * $\eta > 1$: $|q| > 1$, $|\theta_t|$ grows geometrically: gradient descent diverges.
#
# First check that minigrad's SGD produces the closed form, step for step:

STEPS_1D = 8
ETAS_1D = {0.1: "monotone, slow", 0.4: "monotone, fast", 0.75: "oscillates, converges",
           1.0: "bounces for ever", 1.1: "diverges"}
paths_1d = {}
for eta in ETAS_1D:
    path = trace(parabola, lambda params: SGD(params, lr=eta), start=(1.0,),
                 steps=STEPS_1D)[:, 0]
    closed_form = (1 - 2 * eta) ** np.arange(STEPS_1D + 1) * 1.0
    paths_1d[eta] = path
    print(f"η={eta:<4}  q=1-2η={1 - 2 * eta:+.2f}  θ_8={path[-1]:+.3g}  "
          f"max |SGD − (1−2η)^t θ₀| = {np.abs(path - closed_form).max():.1e}")

# %%
# The differences are rounding errors (≤ 1e-15): :class:`~minigrad.optim.SGD` *is*
# $\theta_t = (1 - 2\eta)^t\theta_0$ on this function. The figure draws each run on the
# curve $f(\theta) = \theta^2$ (the iterates numbered 0, 1, 2, …), and the last panel
# puts $|\theta_t|$ of all five runs on a log axis, where a geometric sequence is a
# straight line of slope $\log|1 - 2\eta|$.

fig, axes = plt.subplots(3, 2, figsize=(7.3, 9), layout="constrained")
for ax, (eta, regime) in zip(axes.flat, ETAS_1D.items()):
    path = paths_1d[eta]
    reach = max(1.6, 1.1 * np.abs(path).max())
    grid = np.linspace(-reach, reach, 200)
    ax.plot(grid, grid ** 2, color="0.6", label=r"$f(\theta) = \theta^2$")
    ax.plot(path, path ** 2, "-o", color="C3", markersize=4, linewidth=1,
            label=r"iterates $\theta_t$ of SGD")
    # number the first iterates ("0,2" where they coincide) until they crowd together
    labels = {}
    for t in range(4):
        labels.setdefault(round(path[t], 6), []).append(str(t))
    labelled = []                    # (x, y) as fractions of the panel's width, height
    for value, ts in labels.items():
        where = np.array([value / (2 * reach), value ** 2 / reach ** 2])
        if any(np.hypot(*(where - other)) < 0.06 for other in labelled):
            break
        labelled.append(where)
        right = value >= 0               # write outside the parabola, off the path
        ax.annotate(",".join(ts), (value, value ** 2), textcoords="offset points",
                    xytext=(6 if right else -6, -3), ha="left" if right else "right",
                    va="top", fontsize=9)
    ax.set_title(f"η = {eta}: {regime}", fontsize=10)
    ax.set_xlabel(r"$\theta$")
    ax.set_ylabel(r"$f(\theta)$")
fig.legend(*axes.flat[0].get_legend_handles_labels(), loc="outside lower center",
           ncols=2)
curves({f"η = {eta}": np.abs(p) for eta, p in paths_1d.items()}, ax=axes.flat[-1],
       xlabel="step t", ylabel=r"$|\theta_t|$", logy=True,
       title=r"$|\theta_t| = |1 - 2\eta|^t\,|\theta_0|$")
axes.flat[-1].legend(fontsize="small", loc="lower left")
fig.suptitle(r"Gradient descent on $f(\theta) = \theta^2$, $\theta_0 = 1$")
plt.show()

# %%
# The panels show the four regimes: at $\eta = 0.1$ and $0.4$ the iterates walk down one
# side of the curve; at $\eta = 0.75$ they jump from side to side while getting lower; at
# $\eta = 1$ they jump between $\theta = 1$ and $\theta = -1$ at the same height; at
# $\eta = 1.1$ every jump lands higher than the last. On the log axis $\eta = 0.4$
# ($|q| = 0.2$) falls fastest, $\eta = 0.75$ ($|q| = 0.5$) next, $\eta = 0.1$
# ($|q| = 0.8$) slowest; $\eta = 1$ is flat and $\eta = 1.1$ climbs. Note that a larger η
# is not always faster: $0.75$ is larger than $0.4$ but converges more slowly, because
# only $|1 - 2\eta|$ matters.
#
# Two dimensions: the bowl
# ------------------------
#
# Real losses are steeper in some directions than in others. The bowl
# $f(\theta) = 0.1\,\theta_1^2 + 2\,\theta_2^2$ (:func:`minigrad.toy.bowl`, from d2l.ai's
# optimization chapter) is 20 times steeper along $\theta_2$ than along $\theta_1$. Its
# gradient is $\nabla f = (0.2\,\theta_1,\ 4\,\theta_2)$, so gradient descent shrinks
# each coordinate by its own factor:
#
# .. math::
#
#    \theta_{1,t} = (1 - 0.2\,\eta)^t\,\theta_{1,0}, \qquad
#    \theta_{2,t} = (1 - 4\,\eta)^t\,\theta_{2,0} .
#
# One η has to serve both. We start every run at $\theta_0 = (-5, -2)$
# (``minigrad.toy.BOWL_START``) and take 20 steps with four learning rates.

STEPS_2D = 20
ETAS_2D = {0.05: "too small", 0.4: "about right", 0.49: "too large: oscillates",
           0.6: "far too large: diverges"}
paths_2d = {eta: trace(bowl, lambda params: SGD(params, lr=eta), start=BOWL_START,
                       steps=STEPS_2D) for eta in ETAS_2D}
losses_2d = {eta: bowl(minigrad.tensor(path)).numpy() for eta, path in paths_2d.items()}
print(f"{'η':<5} {'regime':<23}  1-0.2η    1-4η  {'θ_20':<22}  f(θ_20)")
for eta, path in paths_2d.items():
    theta_20 = f"({path[-1, 0]:+.3f}, {path[-1, 1]:+.3g})"
    print(f"{eta:<5} {ETAS_2D[eta]:<23}  {1 - 0.2 * eta:+.3f}  {1 - 4 * eta:+.3f}  "
          f"{theta_20:<22}  {losses_2d[eta][-1]:.3g}")

fig, axes = plt.subplots(2, 2, figsize=(7.3, 6), layout="constrained", sharex=True,
                         sharey=True)
for ax, (eta, verdict) in zip(axes.flat, ETAS_2D.items()):
    contour_traces(bowl, {f"SGD, η = {eta}": paths_2d[eta]}, ax=ax,
                   title=f"η = {eta}: {verdict}\n"
                         rf"$f(\theta_{{20}})$ = {losses_2d[eta][-1]:.2g}")
    ax.get_legend().remove()         # one path per panel: the title says which
    ax.title.set_fontsize(10)
fig.suptitle(r"Gradient descent on the bowl "
             r"$f(\theta) = 0.1\,\theta_1^2 + 2\,\theta_2^2$, 20 steps from (−5, −2)")
plt.show()

# %%
# .. interactive:: eta-bowl

# %%
# * $\eta = 0.05$: $\theta_2$ shrinks steadily (factor $0.8$, down to $-0.02$ after 20
#   steps) but $\theta_1$ moves by 1 % per step (factor $0.99$): after 20 steps it has
#   only reached about $-4.1$.
# * $\eta = 0.4$: $\theta_2$ overshoots (factor $-0.6$: from $-2$ to $+1.2$) but dies
#   out within a few steps, and $\theta_1$ shrinks to $0.92^{20} \approx 19\,\%$ of its
#   start.
# * $\eta = 0.49$: the shallow direction is even a little faster (factor $0.902$), but in
#   the steep direction the factor is $-0.96$: the path zig-zags across the valley
#   and after 20 steps $\theta_2$ still swings with 44 % of its first amplitude.
# * $\eta = 0.6$: factor $-1.4$ along $\theta_2$: each zig-zag is wider than the last;
#   from the second step on the path runs off the top and bottom of the panel, and
#   after 20 steps $|\theta_2| \approx 1700$.
#
# The losses on a log axis tell the same story in one picture:

curves({f"η = {eta} ({verdict})": losses_2d[eta] for eta, verdict in ETAS_2D.items()},
       xlabel="step t", ylabel=r"$f(\theta_t)$", logy=True,
       title="Loss on the bowl, gradient descent with four learning rates")
plt.show()

# %%
# $\eta = 0.4$ ends lowest after 20 steps (0.089). $\eta = 0.05$ drops quickly while
# $\theta_2$ dies out and then flattens, left with the $\theta_1$ part
# $0.1\,\theta_1^2$ that shrinks by only $0.99^2$ per step. $\eta = 0.49$ is no better:
# its loss is dominated by the oscillating $\theta_2$, whose part $2\,\theta_2^2$ shrinks
# by $0.96^2 \approx 0.92$ per step, and it ends about where $\eta = 0.05$ does (1.6
# against 1.7). $\eta = 0.6$ grows by a factor $1.4^2 \approx 2$ per step.
#
# Why the line is at 0.5: the stability bound
# -------------------------------------------
#
# Each coordinate of the bowl is a one-dimensional problem $f = \frac{\lambda}{2}x^2$ with
# its own curvature $\lambda$ (the eigenvalues of the Hessian: $0.2$ and $4$; the parabola
# $\theta^2$ has $\lambda = 2$). Gradient descent multiplies that coordinate by
# $1 - \lambda\eta$ per step, which shrinks it only while $|1 - \lambda\eta| < 1$, i.e.
# $0 < \eta < 2/\lambda$. All coordinates must shrink, so the steepest one decides:
#
# .. math::
#
#    \eta < \frac{2}{\lambda_{\max}} \qquad
#    \Bigl(\text{bowl: } \tfrac{2}{4} = 0.5; \quad \theta^2\text{: } \tfrac{2}{2} = 1\Bigr).
#
# This bound is not stated in the articles; :lesson:`lesson 03 <03>` derives it properly
# and measures $\lambda_{\max}$ of a real loss with
# :func:`minigrad.curvature.top_eigenvalue`. The
# figure draws the per-step factor $1 - \lambda\eta$ against η for the three curvatures
# met in this lesson, with the learning rates used above marked on each line.

eta_axis = np.linspace(0, 1.25, 400 if not FAST else 50)
fig, ax = plt.subplots(figsize=(7.3, 4.8), layout="constrained")
ax.axhspan(-1, 1, color="C2", alpha=0.08, label="|1 − λη| < 1: converges")
for lam, name, marks, color in [(2.0, "θ² (λ = 2)", ETAS_1D, "C0"),
                                (4.0, "bowl, θ₂ (λ = 4)", ETAS_2D, "C3"),
                                (0.2, "bowl, θ₁ (λ = 0.2)", ETAS_2D, "C1")]:
    ax.plot(eta_axis, 1 - lam * eta_axis, color=color,
            label=f"{name}: bound η < {2 / lam:g}")
    marks = np.array(list(marks))
    ax.plot(marks, 1 - lam * marks, "o", color=color, markersize=4)
ax.axhline(0, color="0.5", linewidth=0.6)
ax.set_ylim(-2.2, 1.3)
ax.set_xlabel("learning rate η")
ax.set_ylabel("factor per step, 1 − λη")
ax.set_title("Gradient descent multiplies each direction by 1 − λη")
fig.legend(loc="outside lower center", ncols=2, fontsize="small")
plt.show()

# %%
# Where a line leaves the shaded band, that direction diverges: the parabola's line
# leaves it at $\eta = 1$, the bowl's steep direction already at $\eta = 0.5$ — below
# that, the dot at $\eta = 0.49$ sits just inside the band (−0.96, slow oscillation), and
# $\eta = 0.6$ outside it (−1.4). The bowl's shallow direction (orange) stays near 1 for
# every stable η, which is why the whole bowl can never be solved fast by one learning
# rate: that is the problem momentum, AdaGrad, RMSprop and Adam address, from
# :lesson:`lesson 04 <04>` on.
#
# Summary
# -------
#
# * Gradient descent is $\theta_{t+1} = \theta_t - \eta\nabla J(\theta_t)$; in minigrad it
#   is ``SGD(params, lr=η)`` inside the loop ``zero_grad / loss / backward / step``.
# * On a quadratic each direction is multiplied by $1 - \lambda\eta$ per step: monotone
#   for $\eta < 1/\lambda$, oscillating but converging for $1/\lambda < \eta < 2/\lambda$,
#   bouncing at $2/\lambda$, diverging above.
# * The steepest direction sets the limit ($\eta < 0.5$ on the bowl), the shallowest sets
#   the speed; the best fixed η on the bowl after 20 steps was $0.4$ of the four tried.
#
# Exercises: find the η that minimises $\max(\lvert 1 - 0.2\eta\rvert, \lvert 1 - 4\eta\rvert)$ and run it;
# start the bowl at $(-5, 0)$ and explain why $\eta = 0.6$ then converges.
#
# Exercises, with hints and solutions
# -----------------------------------
#
# .. exercises:: 01
