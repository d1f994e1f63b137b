r"""
AdaGrad and RMSprop
===================

Gradient descent uses one learning rate η for every coordinate. On the bowl
$f(\theta) = 0.1\theta_1^2 + 2\theta_2^2$ that is a bad compromise: an η small enough
for the steep $\theta_2$ is far too small for the flat $\theta_1$. AdaGrad and RMSprop
give every coordinate its own learning rate, divided by the size of the gradients that
coordinate has seen — an *adaptive learning rate* (自适应学习率, article 002 §3.3,
item 3). Article 001 §3.2 (item 4, 学习率调整策略) names RMSprop and Adam as such
strategies and article 002 §6 lists AdaGrad and RMSProp among the optimizers; neither
gives a formula, so this lesson uses PyTorch's, as implemented by
:class:`minigrad.optim.Adagrad` and :class:`minigrad.optim.RMSprop`.

You will see: the two updates and their code, traces on the shared bowl, the
per-coordinate learning rate of each over time (AdaGrad's decays like $1/\sqrt t$,
RMSprop's settles), and a long run on which AdaGrad stalls while RMSprop keeps moving.
"""

# %%
# The updates
# -----------
#
# With $g_t = \nabla J(\theta_{t-1})$, and squares, roots and divisions taken coordinate
# by coordinate, **AdaGrad** keeps the sum of all squared gradients so far, $s_t$ (often
# written $G_t$):
#
# .. math::
#
#    s_t = s_{t-1} + g_t^2, \qquad
#    \theta_t = \theta_{t-1} - \frac{\eta}{\sqrt{s_t} + \epsilon}\, g_t .
#
# **RMSprop** replaces the sum by an exponential moving average with smoothing α
# (``alpha``, default 0.99) — the same $v_t$ as the second of Adam's equations in
# article 000 §3, with α in the role of β₂:
#
# .. math::
#
#    v_t = \alpha\, v_{t-1} + (1-\alpha)\, g_t^2, \qquad
#    \theta_t = \theta_{t-1} - \frac{\eta}{\sqrt{v_t} + \epsilon}\, g_t .
#
# In both, coordinate $i$ moves with its own *effective learning rate*
# $\eta/(\sqrt{s_{t,i}} + \epsilon)$ or $\eta/(\sqrt{v_{t,i}} + \epsilon)$. Since
# $s_t$ only grows, AdaGrad's rates only shrink; $v_t$ forgets old gradients (over about
# $1/(1-\alpha)$ steps), so RMSprop's rates follow the recent gradient size. ε (``eps``)
# sits outside the root, as in PyTorch.
#
# :meth:`minigrad.optim.Adagrad.step` (``lr_decay`` is an optional extra schedule,
# off by default; ``s`` is ``state["sum"]``):
#
# .. literalinclude:: /../minigrad/optim/adagrad.py
#    :pyobject: Adagrad.step
#
# :meth:`minigrad.optim.RMSprop.step` (``v`` is ``state["square_avg"]``; the
# ``centered`` and ``momentum`` branches are off by default):
#
# .. literalinclude:: /../minigrad/optim/rmsprop.py
#    :pyobject: RMSprop.step

import os

import matplotlib.pyplot as plt
import numpy as np

import minigrad
from minigrad.optim import SGD, Adagrad, RMSprop
from minigrad.plot import contour_traces, curves, figure_legend
from minigrad.toy import bowl, trace

FAST = os.environ.get("MINIGRAD_FAST") == "1"
minigrad.manual_seed(0)
rng = np.random.default_rng(0)

# %%
# Traces on the bowl
# ------------------
#
# 40 steps from (−5, −2), as in :lesson:`lesson 04 <04>`. Gradient descent at η = 0.4
# is near its stability limit 0.5 and still crawls along $\theta_1$. AdaGrad at the
# same η, and at η = 2 (d2l.ai's choice), and RMSprop at η = 0.4 with α = 0.9:

STEPS = 40
runs = {
    "gradient descent η=0.4": lambda p: SGD(p, lr=0.4),
    "AdaGrad η=0.4": lambda p: Adagrad(p, lr=0.4),
    "AdaGrad η=2": lambda p: Adagrad(p, lr=2.0),
    "RMSprop η=0.4, α=0.9": lambda p: RMSprop(p, lr=0.4, alpha=0.9),
}
paths = {name: trace(bowl, make, steps=STEPS) for name, make in runs.items()}

fig, axes = plt.subplots(2, 1, figsize=(7.3, 8), layout="constrained")
contour_traces(bowl, paths, ax=axes[0],
               title=f"{STEPS} steps from (−5, −2) on the bowl")
curves({name: bowl(minigrad.tensor(path, dtype=np.float64)).numpy()
        for name, path in paths.items()},
       ax=axes[1], xlabel="step t", ylabel=r"loss $f(\theta_t)$", logy=True,
       title="Loss on the bowl (log scale)")
figure_legend(fig, axes, ncols=2)
plt.show()

for name, path in paths.items():
    print(f"{name:<24} θ_40 = ({path[-1][0]: .2e}, {path[-1][1]: .2e})")

# %%
# AdaGrad at η = 0.4 makes its very first step the same size in both coordinates
# (with $s_1 = g_1^2$, the step is $\eta\, g_1/\lvert g_1\rvert = \pm\eta$), so it no longer
# zig-zags along $\theta_2$ — but its rates then keep shrinking, and after 40 steps
# it is further from the minimum than gradient descent. With η = 2 AdaGrad gets there.
# RMSprop at η = 0.4 heads almost diagonally for the minimum and is the fastest of the
# four: because $v_t$ shrinks as the gradients shrink, its steps stay large in both
# coordinates until it is very close, where it overshoots a little (the loss ticks up
# at the end). Its *first* step is $\eta/\sqrt{1-\alpha} \approx 3.2\,\eta$ in each
# coordinate: $v_0 = 0$ makes $v_1 = (1-\alpha)\,g_1^2$ too small by the factor
# $1-\alpha$ — the start-up bias that Adam corrects (:lesson:`lesson 06 <06>`).
#
# The per-coordinate learning rate over time
# ------------------------------------------
#
# To see the difference between the sum and the average in isolation, give both
# optimizers a gradient that does not go away: the linear loss
# $J_t(\theta) = \langle a \odot (1 + 0.5\,\xi_t), \theta\rangle$ with $a = (0.2, 4)$
# (the bowl's two curvatures) and fresh noise $\xi_t \sim N(0, 1)$ each step — like a
# minibatch gradient far from any minimum. We read $s_t$ and $v_t$ from
# ``optimizer.state`` and plot the effective rate of each coordinate — AdaGrad's
# $\eta/(\sqrt{s_t} + \epsilon)$, RMSprop's $\eta/(\sqrt{v_t} + \epsilon)$ — and the size
# of the step each coordinate takes.

T = 200 if FAST else 2000
ETA = 0.1
a = np.array([0.2, 4.0])
xi = rng.standard_normal((T, 2))
rates, steps = {}, {}
WINDOW = 10


def running_mean(x, window=WINDOW):
    """Mean over the last ``window`` steps (fewer at the start), to see through noise."""
    c = np.cumsum(np.insert(x, 0, 0.0))
    start = np.maximum(np.arange(1, len(x) + 1) - window, 0)
    return (c[1:] - c[start]) / (np.arange(1, len(x) + 1) - start)


for name, make, key in [("AdaGrad", lambda p: Adagrad(p, lr=ETA), "sum"),
                        ("RMSprop", lambda p: RMSprop(p, lr=ETA), "square_avg")]:
    theta = minigrad.tensor([0.0, 0.0], requires_grad=True, dtype=np.float64)
    opt = make([theta])
    rate, step = [], []
    for t in range(T):
        before = theta.detach().numpy().copy()
        opt.zero_grad()
        (minigrad.tensor(a * (1 + 0.5 * xi[t])) * theta).sum().backward()
        opt.step()
        eps = opt.param_groups[0]["eps"]
        rate.append(ETA / (np.sqrt(opt.state[theta][key]) + eps))
        step.append(np.abs(theta.detach().numpy() - before))
    rate, step = np.array(rate), np.array(step)
    for i in (0, 1):
        rates[f"{name}, θ{i + 1} (g ≈ {a[i]})"] = rate[:, i]
        steps[f"{name}, θ{i + 1}"] = running_mean(step[:, i])

t_axis = np.arange(1, T + 1)
fig, axes = plt.subplots(1, 2, figsize=(7.3, 4.8), layout="constrained")
curves(rates, ax=axes[0], x=t_axis, xlabel="step t",
       ylabel=r"$\eta/(\sqrt{s_t}+\epsilon)$ or $\eta/(\sqrt{v_t}+\epsilon)$",
       title="Effective learning rate per coordinate", logy=True, logx=True)
axes[0].plot(t_axis, ETA / (0.2 * np.sqrt(1.25 * t_axis)), "k:", lw=1,
             label=r"$\eta\,/\,(0.2\sqrt{1.25\,t})$ (slope −1/2)")
curves(steps, ax=axes[1], x=t_axis, xlabel="step t",
       ylabel=rf"$|\theta_t - \theta_{{t-1}}|$, mean of last {WINDOW} steps",
       title="Step size per coordinate", logy=True, logx=True)
axes[1].axhline(ETA, color="k", ls="--", lw=0.8)
for ax in axes:
    ax.title.set_fontsize(10)
axes[1].get_legend().remove()       # the same colours as on the left: one legend below
axes[0].get_legend().remove()
fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=3,
           fontsize="small")
plt.show()

for name, values in rates.items():
    print(f"{name:<26} rate at t=10: {values[9]:.4f}   at t={T}: {values[-1]:.5f}"
          f"   ratio {values[9] / values[-1]:.1f}")
print(f"AdaGrad's 1/√t predicts a ratio of √({T}/10) = {np.sqrt(T / 10):.1f}")

# %%
# Left: AdaGrad's rates fall on straight lines of slope −1/2 on the log-log axes —
# $s_t \approx t\,\mathbb{E}[g^2] = 1.25\,a^2 t$, so the rate is
# $\eta/(a\sqrt{1.25\,t})$, decaying like $1/\sqrt t$ toward zero (the dotted line is
# that prediction for $\theta_1$). RMSprop's rates level off after about
# $1/(1-\alpha) = 100$ steps at $\eta/\sqrt{\mathbb{E}[g^2]}$ and then only wobble
# with the noise. In both, the steep coordinate ($a = 4$) gets a rate 20 times smaller
# than the flat one ($a = 0.2$) — exactly the per-coordinate rescaling that plain
# gradient descent lacks.
#
# Right (averaged over 10 steps to see through the noise): the two coordinates' steps
# lie on top of each other for each method, although their gradients differ 20-fold:
# dividing by the root of the squared gradient makes the step size independent of the
# gradient's scale. RMSprop's steps settle near η (dashed; a bit below, because the
# noise makes $\sqrt{\mathbb{E}[g^2]}$ larger than $\lvert\mathbb{E}[g]\rvert$);
# AdaGrad's shrink like $\eta/\sqrt t$. RMSprop's first steps are ten times η: with
# α = 0.99, $v_1 = 0.01\,g_1^2$, the start-up bias already seen in the traces.
#
# A long walk: AdaGrad stalls
# ---------------------------
#
# The built-in $1/\sqrt t$ decay hurts when the minimum is far away. Take the
# one-dimensional $f(\theta) = \sqrt{1 + \theta^2} - 1$, whose gradient is about 1 for
# $\lvert\theta\rvert \gg 1$ (and which is $\approx \theta^2/2$ near 0), start at
# $\theta_0 = 50$ and give both optimizers η = 0.1. AdaGrad's steps are about
# $\eta/\sqrt t$, so after $T$ steps it has travelled about
# $\eta \sum_t 1/\sqrt t \approx 2\eta\sqrt T$; RMSprop's steps stay about η.

T_LONG = 600 if FAST else 3000


def pseudo_huber(theta):
    return ((1 + theta ** 2) ** 0.5 - 1).sum()


walks = {}
for name, make in [("AdaGrad η=0.1", lambda p: Adagrad(p, lr=0.1)),
                   ("RMSprop η=0.1", lambda p: RMSprop(p, lr=0.1))]:
    theta = minigrad.tensor([50.0], requires_grad=True, dtype=np.float64)
    opt = make([theta])
    values = [theta[0].item()]
    for _ in range(T_LONG):
        opt.zero_grad()
        pseudo_huber(theta).backward()
        opt.step()
        values.append(theta[0].item())
    walks[name] = np.array(values)

ax = curves(walks, xlabel="step t", ylabel=r"$\theta_t$",
            title=r"$f(\theta) = \sqrt{1 + \theta^2} - 1$ from $\theta_0 = 50$:"
                  " a long walk to the minimum")
t_axis = np.arange(T_LONG + 1)
ax.plot(t_axis, 50 - 2 * 0.1 * np.sqrt(t_axis), "k:", lw=1,
        label=r"$50 - 2\eta\sqrt{t}$")
ax.legend(fontsize="small")
plt.show()

ada, rms = walks["AdaGrad η=0.1"], walks["RMSprop η=0.1"]
print(f"after {T_LONG} steps: AdaGrad at θ = {ada[-1]:.2f} "
      f"(travelled {50 - ada[-1]:.2f}; 2η√T = {2 * 0.1 * np.sqrt(T_LONG):.2f})")
print(f"RMSprop first |θ| < 0.1 at step {np.argmax(np.abs(rms) < 0.1)}; "
      f"largest |θ| over the last 100 steps: {np.abs(rms[-100:]).max():.3f}")
print(f"AdaGrad would need about (50 / (2·0.1))² = {(50 / 0.2) ** 2:,.0f} steps")

# %%
# RMSprop walks down the slope at about η per step and reaches the minimum in a few
# hundred steps; AdaGrad follows $50 - 2\eta\sqrt t$ (dotted) and after 3000 steps has
# covered less than a quarter of the way. It would need tens of thousands of steps:
# its sum $s_t$ remembers every gradient since the start. RMSprop's constant η has a
# price too: it does not settle exactly at 0 but keeps hovering within a fraction of
# η of it (the number printed above) — that is what a decaying schedule
# (:lesson:`lesson 07 <07>`) or AdaGrad's own decay would fix.
#
# Which one is right depends on the problem: AdaGrad's decay is a schedule built into
# the optimizer, useful when the gradient is mostly noise that has to be averaged out
# (convex problems, sparse features), and harmful when the optimizer has a long way to
# go, as in deep networks — which is why RMSprop and Adam (:lesson:`lesson 06 <06>`)
# replaced it there.
#
# Summary
# -------
#
# * AdaGrad and RMSprop divide each coordinate's step by the root of a running
#   statistic of its squared gradients, so each coordinate has its own effective
#   learning rate and steps come out about the same size whatever the gradient's scale.
# * AdaGrad's statistic is a sum, so its rates decay like $1/\sqrt t$ forever; RMSprop's
#   is a moving average, so its rates settle at $\eta/\sqrt{\mathbb{E}[g^2]}$.
# * The articles' claim that these methods "adjust the learning rate automatically"
#   (article 001 §6 Q5) is half true: they adjust it per coordinate, relative to η; η
#   itself is still yours to choose, and it sets the step length.
#
# Questions to explore
# --------------------
#
# 1. Rerun the bowl traces with ``Adagrad(lr=0.4, initial_accumulator_value=10)``.
#    Why is the first step smaller?
# 2. In the long walk, how large must AdaGrad's η be to reach the minimum in 3000 steps?
#    What does that η do once it gets there?
# 3. Give RMSprop ``alpha=0.9`` and ``alpha=0.999`` on the noisy linear loss: how fast
#    does the rate settle, and how much does it wobble?
#
# Exercises, with hints and solutions
# -----------------------------------
#
# .. exercises:: 05
