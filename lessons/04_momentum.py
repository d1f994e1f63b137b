r"""
Momentum and Nesterov
=====================

Plain gradient descent forgets every gradient as soon as it has used it. *Momentum*
(动量法) keeps a running sum of past gradients and steps along that sum: directions in
which the gradient keeps its sign build up speed, directions in which it flips sign
cancel out. Article 002 §6 names 动量法 in its list of optimizers (gradient descent,
SGD, momentum, AdaGrad, RMSProp, Adam) but gives no formula, so this lesson uses the
form PyTorch and :class:`minigrad.optim.SGD` implement, in the order of d2l.ai's
optimization chapter.

You will see: the update in PyTorch's and in Sutskever's notation (the same numbers),
traces on the shared bowl $f(\theta) = 0.1\theta_1^2 + 2\theta_2^2$ at two learning
rates, why momentum stays stable at an η where plain gradient descent diverges (and
why Nesterov's method with a fixed μ — in either form — does not), the effective step
$\eta/(1-\mu)$ on a constant gradient, and the loss curves.
"""

# %%
# The update
# ----------
#
# Article 000 §3 (and article 001 §3.3) write gradient descent as
# $\theta_{t+1} = \theta_t - \eta \nabla J(\theta_t)$, with η the learning rate
# (学习率). Momentum adds a *buffer* $b_t$ (often called the velocity), with momentum
# factor $\mu$ (``momentum``, typically 0.9). In PyTorch's form, with
# $g_t = \nabla J(\theta_{t-1})$:
#
# .. math::
#
#    b_t = \mu\, b_{t-1} + g_t \quad (b_1 = g_1), \qquad
#    \theta_t = \theta_{t-1} - \eta\, b_t .
#
# With ``nesterov=True`` the step looks one buffer ahead and uses
# $g_t + \mu b_t$ instead of $b_t$:
#
# .. math::
#
#    \theta_t = \theta_{t-1} - \eta\,(g_t + \mu\, b_t) .
#
# Sutskever et al. (2013) put η *inside* the buffer instead:
# $v_t = \mu v_{t-1} - \eta g_t$, $\theta_t = \theta_{t-1} + v_t$. While η is constant
# this is the same sequence of iterates ($v_t = -\eta b_t$); when a scheduler changes η,
# PyTorch's form rescales the whole buffer at once, Sutskever's only the new gradients.
# (Sutskever's Nesterov evaluates the gradient at the look-ahead point
# $\theta_{t-1} + \mu v_{t-1}$; PyTorch's formula above is the same method with the
# look-ahead point itself stored as the parameters — substitute
# $\phi_t = \theta_t + \mu v_t$ and $v_t = -\eta b_t$ — so the gradient is taken where
# the parameters are, as in every other optimizer.)
#
# This is all of :meth:`minigrad.optim.SGD.step` — the buffer lives in
# ``optimizer.state[p]["momentum_buffer"]``:
#
# .. literalinclude:: /../minigrad/optim/sgd.py
#    :pyobject: SGD.step
#
# Let us check the claim about the two forms: run minigrad's SGD on the bowl and
# Sutskever's two lines next to it, first with a constant η, then with η halved after
# 10 steps.

import os

import matplotlib.pyplot as plt
import numpy as np

import minigrad
from minigrad.optim import SGD
from minigrad.plot import contour_traces, curves, figure_legend
from minigrad.toy import BOWL_START, bowl, trace

FAST = os.environ.get("MINIGRAD_FAST") == "1"
minigrad.manual_seed(0)


def bowl_grad(theta):
    """∇f for the bowl, (0.2·θ₁, 4·θ₂) — only for Sutskever's loop below."""
    return np.array([0.2, 4.0]) * theta


def pytorch_and_sutskever(mu=0.9, eta=0.1, steps=30, halve_at=None):
    """Largest |θ difference| between minigrad's SGD and Sutskever's form."""
    theta = minigrad.tensor(BOWL_START, requires_grad=True, dtype=np.float64)
    opt = SGD([theta], lr=eta, momentum=mu)
    th_s, v, eta_s = np.array(BOWL_START), np.zeros(2), eta   # Sutskever's variables
    worst = 0.0
    for t in range(1, steps + 1):
        if t == halve_at:                    # a "scheduler" halves η for both
            opt.param_groups[0]["lr"] = eta_s = eta / 2
        opt.zero_grad()
        bowl(theta).backward()
        opt.step()
        v = mu * v - eta_s * bowl_grad(th_s)   # v_t = μ v_{t-1} − η g_t
        th_s = th_s + v                        # θ_t = θ_{t-1} + v_t
        worst = max(worst, np.abs(theta.detach().numpy() - th_s).max())
    return worst


print(f"constant η:         max |θ_PyTorch − θ_Sutskever| = "
      f"{pytorch_and_sutskever():.1e}")
print(f"η halved at t = 10: max |θ_PyTorch − θ_Sutskever| = "
      f"{pytorch_and_sutskever(halve_at=10):.1e}")

# %%
# With a constant η the two forms agree to rounding (~1e-16); once η changes they part
# ways by a visible amount, because PyTorch's buffer $b$ is multiplied by the new η all
# at once. Neither is wrong — they are different algorithms as soon as η moves.
#
# Traces on the bowl
# ------------------
#
# The bowl $f(\theta) = 0.1\theta_1^2 + 2\theta_2^2$ (:func:`minigrad.toy.bowl`) is 20
# times steeper along $\theta_2$ than along $\theta_1$: its Hessian has eigenvalues
# $\lambda = 0.2$ and $\lambda = 4$. Plain gradient descent multiplies each coordinate
# by $1 - \eta\lambda$ per step, so it is stable only for $\eta < 2/4 = 0.5$, and at
# such an η the flat direction $\theta_1$ crawls. All runs start at
# ``BOWL_START`` = (−5, −2) and take 40 steps of :func:`minigrad.toy.trace`.

STEPS = 40
METHODS = {
    "gradient descent": dict(),
    "momentum μ=0.5": dict(momentum=0.5),
    "momentum μ=0.9": dict(momentum=0.9),
    "Nesterov μ=0.9": dict(momentum=0.9, nesterov=True),
}


def run_all(eta, steps=STEPS):
    return {name: trace(bowl, lambda p, kw=kw: SGD(p, lr=eta, **kw), steps=steps)
            for name, kw in METHODS.items()}


paths = {eta: run_all(eta) for eta in (0.3, 0.6)}

fig, axes = plt.subplots(2, 1, figsize=(7.3, 7.8), layout="constrained", sharex=True)
for ax, (eta, runs) in zip(axes, paths.items()):
    contour_traces(bowl, runs, ax=ax,
                   title=f"η = {eta}: {STEPS} steps from (−5, −2) on the bowl")
figure_legend(fig, axes)
plt.show()

for eta, runs in paths.items():
    for name, path in runs.items():
        last = path[-1]
        state = "diverged" if np.abs(last).max() > 1e3 else "converging"
        print(f"η = {eta}  {name:<17} θ after {STEPS} steps = "
              f"({last[0]: .2e}, {last[1]: .2e})  {state}")

# %%
# At η = 0.3 (top) every method converges. Gradient descent settles $\theta_2$ at once
# but crawls along $\theta_1$ and still has $\theta_1 \approx -0.4$ left after 40
# steps; momentum with μ = 0.5 is the fastest here; μ = 0.9 overshoots and swings
# around the minimum in both coordinates, like a heavy ball with too little friction;
# Nesterov with the same μ swings out along $\theta_2$ at first, then settles much
# sooner than the heavy ball.
#
# At η = 0.6 (bottom) plain gradient descent multiplies $\theta_2$ by
# $1 - 0.6 \cdot 4 = -1.4$ each step and leaves the picture within a few steps
# (:func:`~minigrad.plot.contour_traces` cuts a path once it is far outside the window
# and marks it diverged). Both momentum runs converge at the *same* η.
# Nesterov with μ = 0.9 diverges too — the next section explains all four outcomes
# with one number each.
#
# Why momentum tolerates a larger η
# ---------------------------------
#
# On a quadratic each eigen-direction with curvature λ evolves on its own, and one
# step is a linear map of the pair $(\theta, b)$. With $g = \lambda\theta$:
#
# .. math::
#
#    \begin{pmatrix}\theta_t\\ b_t\end{pmatrix} =
#    \underbrace{\begin{pmatrix}1-\eta\lambda & -\eta\mu\\ \lambda & \mu\end{pmatrix}}_{
#    \text{momentum}}
#    \begin{pmatrix}\theta_{t-1}\\ b_{t-1}\end{pmatrix},
#    \qquad
#    \underbrace{\begin{pmatrix}1-\eta\lambda(1+\mu) & -\eta\mu^2\\ \lambda & \mu
#    \end{pmatrix}}_{\text{Nesterov}} .
#
# The iterates shrink exactly when the spectral radius ρ (the largest absolute
# eigenvalue) of that matrix is below 1. Working out the eigenvalues gives the
# stability bounds
#
# .. math::
#
#    \text{GD: } \eta\lambda < 2, \qquad
#    \text{momentum: } \eta\lambda < 2(1+\mu), \qquad
#    \text{Nesterov: } \eta\lambda < \frac{2(1+\mu)}{1+2\mu} .
#
# Momentum *raises* the bound: the buffer's oscillation, with its sign flipping each
# step, partly cancels. Nesterov's method with a fixed μ applies the current gradient
# with weight $\eta(1+\mu)$ (plain to see in PyTorch's form, but the same method in
# Sutskever's, as shown above), so its bound is *lower* than plain GD's: 1.36 instead of
# 2 for μ = 0.9.
# Below, the lines are ρ from the matrices; the dots are measured from minigrad runs on
# the bowl's steep direction λ = 4: the growth factor per step of
# $\lvert\theta_2\rvert$ over 100 steps.

LAM = 4.0                                       # the bowl's steep curvature


def rho(eta, mu, nesterov):
    """Spectral radius of the one-step matrix above (μ = 0: gradient descent)."""
    a = 1 - eta * LAM * (1 + mu) if nesterov else 1 - eta * LAM
    c = -eta * mu ** 2 if nesterov else -eta * mu
    return np.abs(np.linalg.eigvals([[a, c], [LAM, mu]])).max()


def measured_rho(eta, kw, steps=100):
    path = trace(bowl, lambda p: SGD(p, lr=eta, **kw), steps=steps)
    late = np.abs(path[-10:, 1]).max()          # |θ₂| near the end (it oscillates)
    return (late / abs(BOWL_START[1])) ** (1 / (steps - 5))


etas_line = np.linspace(0.01, 1.2, 300)
etas_dots = np.linspace(0.05, 1.15, 8 if FAST else 24)
fig, ax = plt.subplots(figsize=(7.3, 4.6), layout="constrained")
for (name, kw), color in zip(METHODS.items(), ["C0", "C1", "C2", "C3"]):
    mu, nesterov = kw.get("momentum", 0.0), kw.get("nesterov", False)
    ax.plot(etas_line, [rho(e, mu, nesterov) for e in etas_line], color=color,
            label=name)
    ax.plot(etas_dots, [measured_rho(e, kw) for e in etas_dots], "o", color=color,
            markersize=4)
ax.plot([], [], color="0.3", label="line: theory")       # how to read the two marks
ax.plot([], [], "o", color="0.3", markersize=4, label="dots: minigrad runs")
ax.axhline(1, color="k", lw=0.8, ls="--")
for bound, text in [(2 / LAM, "GD: 2/λ"), (2 * 1.5 / LAM, "μ=0.5: 3/λ"),
                    (2 * 1.9 / LAM, "μ=0.9: 3.8/λ"), (2 * 1.9 / 2.8 / LAM, "Nesterov")]:
    ax.axvline(bound, color="0.6", lw=0.8, ls=":")
    ax.text(bound, 1.62, text, rotation=90, fontsize=8, ha="right", va="top")
ax.set_ylim(0, 1.7)
ax.set_xlabel("learning rate η (steep direction of the bowl, λ = 4)")
ax.set_ylabel("growth factor per step ρ")
ax.set_title("Stability: ρ < 1 converges, ρ > 1 diverges")
ax.legend(fontsize="small", ncols=2, loc="lower right")
ax.grid(alpha=0.3)
plt.show()

print(f"{'on the bowl':<17}  stable for η <  ρ at η=0.3  ρ at η=0.6")
for name, kw in METHODS.items():
    mu, nesterov = kw.get("momentum", 0.0), kw.get("nesterov", False)
    bound = 2 * (1 + mu) / (1 + 2 * mu) if nesterov else 2 * (1 + mu)
    print(f"{name:<17}  {bound / LAM:>14.3f}  {rho(0.3, mu, nesterov):>10.3f}  "
          f"{rho(0.6, mu, nesterov):>10.3f}")

# %%
# .. interactive:: momentum

# %%
# The measured dots sit on the theory lines, and the bounds explain the traces: at
# η = 0.6 gradient descent (bound 0.5) and Nesterov μ = 0.9 (bound 0.339) diverge,
# momentum μ = 0.5 (bound 0.75) and μ = 0.9 (bound 0.95) converge. Notice also that
# for μ = 0.9 the momentum curve is flat at ρ = √0.9 ≈ 0.95 over a wide range of η:
# there the two eigenvalues are complex, the iterates spiral, and the buffer, not η,
# sets the speed. A large μ buys stability, not necessarily speed.
#
# The effective step η/(1−μ)
# --------------------------
#
# When the gradient stays the same, $g_t = g$, the buffer is a geometric series,
# $b_t = g\,(1 + \mu + \dots + \mu^{t-1}) = g\,\frac{1-\mu^t}{1-\mu}$, which tends to
# $g/(1-\mu)$. Momentum then moves like gradient descent with learning rate
# $\eta/(1-\mu)$: ten times η for μ = 0.9. Here is minigrad's buffer on the linear loss
# $J(\theta) = 2\theta$ (constant gradient $g = 2$), read from
# ``optimizer.state[theta]["momentum_buffer"]``.

T_CONST = 100 if FAST else 300
buffers = {}
for mu in (0.5, 0.9, 0.99):
    theta = minigrad.tensor([0.0], requires_grad=True, dtype=np.float64)
    opt = SGD([theta], lr=0.01, momentum=mu)
    values = []
    for _ in range(T_CONST):
        opt.zero_grad()
        (2.0 * theta).sum().backward()
        opt.step()
        values.append(opt.state[theta]["momentum_buffer"][0] / 2.0)   # b_t / g
    buffers[f"μ = {mu}"] = np.array(values)

ax = curves(buffers, x=np.arange(1, T_CONST + 1), xlabel="step t",
            ylabel=r"$b_t\,/\,g$",
            title="Momentum buffer on a constant gradient g", logy=True)
ax.set_ylim(0.8, 200)
for mu, color in zip((0.5, 0.9, 0.99), ("C0", "C1", "C2")):
    ax.axhline(1 / (1 - mu), color=color, ls="--", lw=0.8)
    ax.text(T_CONST, 1 / (1 - mu), f"1/(1−μ) = {1 / (1 - mu):.0f}", color=color,
            ha="right", va="bottom", fontsize=9)
plt.show()

for label, values in buffers.items():
    mu = float(label.split("=")[1])
    near = values >= 0.95 / (1 - mu)
    reach = np.argmax(near) + 1 if near.any() else None
    print(f"{label}: b_t/g after {T_CONST} steps = {values[-1]:.2f} "
          f"(limit {1 / (1 - mu):.0f}); 95 % of the limit at t = {reach}")

# %%
# The buffer climbs to $1/(1-\mu)$ (dashed): $b_t/g = (1-\mu^t)/(1-\mu)$ reaches 95 %
# of it once $\mu^t \le 0.05$, after $\ln 20/(-\ln\mu) \approx 3/(1-\mu)$ steps — the
# printout says 5 steps for μ = 0.5, 29 for μ = 0.9, 299 for μ = 0.99. So "η = 0.01 with μ = 0.9" really moves
# like η = 0.1 once the gradient has been steady for a few dozen steps — keep this in
# mind when comparing learning rates across optimizers, and when a learning-rate range
# test (:lesson:`lesson 08 <08>`) is run with momentum on.
#
# Loss curves
# -----------
#
# The same runs as the traces at η = 0.3, as loss $f(\theta_t)$ on a log axis, plus two
# runs with the hyper-parameters that are best on this quadratic in theory: gradient
# descent with $\eta = 2/(\lambda_{\min} + \lambda_{\max}) = 0.476$, which shrinks the
# error by $(\kappa - 1)/(\kappa + 1) = 0.905$ per step ($\kappa = 4/0.2 = 20$), and
# momentum with $\eta = 4/(\sqrt{\lambda_{\max}} + \sqrt{\lambda_{\min}})^2 = 0.668$,
# $\mu = \big((\sqrt\kappa - 1)/(\sqrt\kappa + 1)\big)^2 = 0.403$, which shrinks it by
# $\sqrt\mu = 0.635$ per step.

LONG = 60 if FAST else 100
kappa = 4 / 0.2
eta_gd = 2 / (0.2 + 4)
eta_hb = 4 / (np.sqrt(4) + np.sqrt(0.2)) ** 2
mu_hb = ((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) ** 2


def loss_curve(path):
    return bowl(minigrad.tensor(path, dtype=np.float64)).numpy()


losses = {f"{name}, η=0.3": loss_curve(path)
          for name, path in run_all(0.3, steps=LONG).items()}
losses[f"GD, best η={eta_gd:.3f}"] = loss_curve(
    trace(bowl, lambda p: SGD(p, lr=eta_gd), steps=LONG))
losses[f"momentum, tuned η={eta_hb:.3f}, μ={mu_hb:.3f}"] = loss_curve(
    trace(bowl, lambda p: SGD(p, lr=eta_hb, momentum=mu_hb), steps=LONG))
ax = curves(losses, xlabel="step t", ylabel=r"loss $f(\theta_t)$", logy=True,
            title="Loss on the bowl (log scale)")
ax.figure.set_size_inches(7.3, 4.8)
figure_legend(ax.figure, [ax], ncols=2)
plt.show()

for name, values in losses.items():
    below = np.flatnonzero(values < 1e-6)
    when = f"at step {below[0]}" if below.size else f"not within {LONG} steps"
    print(f"{name:<40} loss < 1e-6 {when}")

# %%
# On a log axis linear convergence is a straight line, and its slope is $\log\rho$.
# Gradient descent's lines are among the shallowest: even at its best η it loses only
# about 10 % of the error per step, because the flat direction $\theta_1$ limits it.
# Tuned momentum is the steepest (factor 0.635 per step) and reaches $10^{-6}$ in a few
# dozen steps; μ = 0.9 at η = 0.3 decays with the slow, wavy envelope $\sqrt{0.9}^t$ of
# its spiral. These are properties of one quadratic with known curvatures — on a real
# network nobody knows $\lambda_{\min}$ and $\lambda_{\max}$, which is why μ = 0.9
# with a searched η (:lesson:`lesson 08 <08>`) is the usual default rather than a
# tuned pair.
#
# Summary
# -------
#
# * Momentum (动量法, named in article 002 §6) steps along $b_t = \mu b_{t-1} + g_t$;
#   on a steady gradient that is a step of $\eta/(1-\mu)$.
# * PyTorch's form ($\eta$ outside the buffer) and Sutskever's ($\eta$ inside) agree
#   while η is constant and differ once a scheduler changes it.
# * On a quadratic, heavy-ball momentum is stable for $\eta\lambda < 2(1+\mu)$, so it
#   survives learning rates at which plain gradient descent diverges; Nesterov's
#   method with fixed μ (in PyTorch's form or Sutskever's: the same method) is stable
#   only for $\eta\lambda < 2(1+\mu)/(1+2\mu)$, *below* plain GD's bound, but damps the overshoot of heavy-ball momentum at smaller η.
#
# Questions to explore
# --------------------
#
# 1. Find the largest η at which ``SGD(momentum=0.9)`` still converges on the bowl and
#    compare it with $2(1+\mu)/\lambda$.
# 2. Run Nesterov with μ = 0.9 at η = 0.3 and η = 0.35 for 200 steps: which side of
#    its bound 0.339 is each on?
# 3. Set ``dampening=0.9`` with μ = 0.9: what does $b_t/g$ tend to now?
#
# Exercises, with hints and solutions
# -----------------------------------
#
# .. exercises:: 04
