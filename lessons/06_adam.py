r"""
Adam
====

Adam combines the two ideas of the previous lessons: a moving average of the gradient
(momentum, :lesson:`lesson 04 <04>`) and a moving average of its square (RMSprop,
:lesson:`lesson 05 <05>`), each corrected for starting at zero. Article 000 §3 is the
only one of the articles that writes an optimizer out in full, and it writes Adam, in
five equations. This lesson turns each equation into one line of numpy, checks those
lines against :class:`minigrad.optim.Adam`, and then looks at what the pieces do: the
bias correction in the first steps, the step of size about η whatever the gradient's
scale, and how AdamW's weight decay differs from Adam's.
"""

# %%
# Article 000's five equations
# ----------------------------
#
# Article 000 §3 (the Adam算法 paragraph) states, with $g_t$ the gradient at
# $\theta_t$, β₁ and β₂ the decay rates of the two averages and ε a small number that
# keeps the division finite:
#
# .. math::
#
#    m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t \\
#    v_t &= \beta_2 v_{t-1} + (1 - \beta_2) (g_t)^2 \\
#    \hat{m}_t &= \frac{m_t}{1 - (\beta_1)^t} \\
#    \hat{v}_t &= \frac{v_t}{1 - (\beta_2)^t} \\
#    \theta_{t+1} &= \theta_t - \eta\, \hat{m}_t \frac{1}{\sqrt{\hat{v}_t} + \epsilon}
#
# starting from $m_0 = v_0 = 0$. Note where ε is: *outside* the square root,
# $\sqrt{\hat v_t} + \epsilon$ — the same as the Adam paper and PyTorch (some libraries
# use $\sqrt{\hat v_t + \epsilon}$, which differs when $\hat v_t$ is tiny). The article
# indexes the step $\theta_t \to \theta_{t+1}$ where PyTorch writes
# $\theta_{t-1} \to \theta_t$; it is the same step. The article calls $\hat m_t$ and
# $\hat v_t$ a "正则化" of $m_t$ and $v_t$; the usual name is *bias correction*
# (偏差修正), and a section below shows why it is needed.
#
# Here is each equation as one line of code, run for 50 steps on the bowl
# $f(\theta) = 0.1\theta_1^2 + 2\theta_2^2$ in float64, next to minigrad's Adam on the
# same problem:

import os

import matplotlib.pyplot as plt
import numpy as np

import minigrad
from minigrad.optim import SGD, Adam, AdamW
from minigrad.plot import contour_traces, curves, figure_legend
from minigrad.toy import BOWL_START, bowl, trace

FAST = os.environ.get("MINIGRAD_FAST") == "1"
minigrad.manual_seed(0)
rng = np.random.default_rng(0)


def bowl_grad(theta):
    """∇f for the bowl, (0.2·θ₁, 4·θ₂), in plain numpy (for the loop below)."""
    return np.array([0.2, 4.0]) * theta


def adam_from_scratch(grad, theta0, steps, eta=0.1, beta1=0.9, beta2=0.999, eps=1e-8,
                      bias_correction=True):
    """Article 000 §3, one line per equation. Returns θ_0 … θ_T."""
    theta = np.array(theta0, dtype=np.float64)
    m = np.zeros_like(theta)                               # m_0 = 0
    v = np.zeros_like(theta)                               # v_0 = 0
    path = [theta.copy()]
    for t in range(1, steps + 1):
        g = grad(theta)                                    # g_t
        m = beta1 * m + (1 - beta1) * g                    # m_t
        v = beta2 * v + (1 - beta2) * g ** 2               # v_t
        if bias_correction:
            m_hat = m / (1 - beta1 ** t)                   # m̂_t
            v_hat = v / (1 - beta2 ** t)                   # v̂_t
        else:
            m_hat, v_hat = m, v
        theta = theta - eta * m_hat / (np.sqrt(v_hat) + eps)   # θ_{t+1}
        path.append(theta.copy())
    return np.array(path)


STEPS = 50
ours = adam_from_scratch(bowl_grad, BOWL_START, STEPS, eta=0.1)
theirs = trace(bowl, lambda p: Adam(p, lr=0.1), steps=STEPS)   # float64 parameters
print(f"θ_50 from scratch: {ours[-1]}")
print(f"θ_50 minigrad    : {theirs[-1]}")
print(f"largest |difference| over {STEPS} steps: {np.abs(ours - theirs).max():.1e}")
assert np.abs(ours - theirs).max() < 1e-12

# %%
# The two agree to about $10^{-16}$, the rounding of float64: minigrad's Adam is the five
# equations. Its :meth:`~minigrad.optim.Adam.step` reads a little differently because
# it computes in PyTorch's order — it never stores $\hat m_t$ and $\hat v_t$, but folds
# the two corrections into a step size $\eta/(1-\beta_1^t)$ and a denominator
# $\sqrt{v_t}/\sqrt{1-\beta_2^t} + \epsilon$, which is the same number:
#
# .. literalinclude:: /../minigrad/optim/adam.py
#    :pyobject: Adam.step
#
# What bias correction does
# -------------------------
#
# Both averages start at zero, so early on they are too small: with a gradient of
# steady distribution, $\mathbb{E}[m_t] = (1-\beta_1^t)\,\mathbb{E}[g]$ and
# $\mathbb{E}[v_t] = (1-\beta_2^t)\,\mathbb{E}[g^2]$ — in expectation; $m_t$ itself is
# a noisy average. Dividing by $1-\beta^t$ undoes exactly that bias.
# Below, the gradient is a noisy constant, $g_t = 1 + 0.3\,\xi_t$ with
# $\xi_t \sim N(0, 1)$, for the first 50 steps with the default β₁ = 0.9,
# β₂ = 0.999. Left: $m_t$ creeps up from 0 while $\hat m_t$ is an estimate of the mean
# gradient from the first step. Right: the step $\lvert\theta_t - \theta_{t-1}\rvert$
# in units of η, measured from minigrad's Adam (with correction) and from the
# from-scratch loop with the two correction lines removed.

T_BIAS = 50
g_noisy = 1 + 0.3 * rng.standard_normal(T_BIAS)


def noisy_constant_grad_factory():
    """A gradient function that returns g_1, g_2, … in turn (it ignores θ)."""
    it = iter(g_noisy)
    return lambda theta: np.array([next(it)])


beta1, beta2 = 0.9, 0.999
t = np.arange(1, T_BIAS + 1)
m = np.zeros(T_BIAS)
for k in range(T_BIAS):
    m[k] = beta1 * (m[k - 1] if k else 0.0) + (1 - beta1) * g_noisy[k]
m_hat = m / (1 - beta1 ** t)

theta = minigrad.tensor([0.0], requires_grad=True, dtype=np.float64)
opt = Adam([theta], lr=1.0)                 # η = 1, so steps are in units of η
with_correction = []
for k in range(T_BIAS):
    before = theta.detach().numpy().copy()
    opt.zero_grad()
    (minigrad.tensor(g_noisy[k : k + 1]) * theta).sum().backward()   # ∇ = g_k
    opt.step()
    with_correction.append(abs(theta[0].item() - before[0]))
without = np.abs(np.diff(adam_from_scratch(noisy_constant_grad_factory(), [0.0], T_BIAS,
                                           eta=1.0, bias_correction=False)[:, 0]))

fig, axes = plt.subplots(1, 2, figsize=(7.3, 4.8), layout="constrained")
axes[0].plot(t, g_noisy, ".", color="0.6", label="$g_t$")
curves({"$m_t$": m, r"$\hat m_t = m_t\,/\,(1 - \beta_1^t)$": m_hat}, ax=axes[0], x=t,
       xlabel="step t", ylabel="value", title="First moment:\nraw vs bias-corrected")
curves({"with bias correction\n(minigrad Adam)": np.array(with_correction),
        "without bias correction": without}, ax=axes[1], x=t, xlabel="step t",
       ylabel="step size / η", title="Adam's step\nin the first 50 steps")
axes[1].plot(t, (1 - beta1 ** t) / np.sqrt(1 - beta2 ** t), "k:", lw=1,
             label=r"$(1 - \beta_1^t)\,/\,\sqrt{1 - \beta_2^t}$")
for ax in axes:                     # each panel's legend under it, off the data
    ax.title.set_fontsize(10)
    ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.16))
plt.show()

factor = (1 - beta1 ** t) / np.sqrt(1 - beta2 ** t)
tt = np.arange(1, 100_001)
factor_long = (1 - beta1 ** tt) / np.sqrt(1 - beta2 ** tt)
print("uncorrected / corrected step on a constant gradient:")
print(f"  t=1: {factor[0]:.2f}, largest {factor.max():.2f} at t={t[factor.argmax()]}, "
      f"t=50: {factor[-1]:.2f}")
ratio = without / np.array(with_correction)
print(f"measured ratio on the noisy gradient, steps 1-50: {ratio.min():.2f} to "
      f"{ratio.max():.2f};")
print(f"  largest deviation from the formula: {np.abs(ratio - factor).max():.1e}")
print(f"the factor is below 1.1 only from t = {tt[np.argmax(factor_long < 1.1)]}")

# %%
# Without the correction the first step is
# $\eta\,m_1/\sqrt{v_1} = \eta\,(1-\beta_1)/\sqrt{1-\beta_2} = 3.16\,\eta$: $m_t$ is
# too small, but $v_t$ is too small by far more (β₂ is closer to 1), and $\sqrt{v_t}$
# is in the denominator. The ratio of the uncorrected to the corrected step is
# $(1-\beta_1^t)/\sqrt{1-\beta_2^t}$ (dotted), independent of the gradient: it *grows*
# to 6.6 at $t = 12$, is still 4.5 at $t = 50$, and only falls below 1.1 after about
# 1750 steps. So uncorrected Adam does not start too cautiously — over its first
# hundred steps it takes steps 3 to 6.6 times too large, exactly when the averages know
# least about the gradient. With the correction, every step, the first included, is
# about η. (RMSprop in :lesson:`lesson 05 <05>` has no correction: its first step was
# $\eta/\sqrt{1-\alpha}$.)
#
# Adam's step is about η, whatever the gradient's scale
# -----------------------------------------------------
#
# When $g_t$ keeps its sign, $\hat m_t/\sqrt{\hat v_t} \approx \pm 1$, so each
# coordinate moves by about η per step, however large or small its gradient is; when
# $g_t$ flips sign, $\hat m_t$ averages out and the step shrinks. On the bowl the two
# curvatures differ by a factor of 20 and at the start the gradient is
# $\nabla f(-5, -2) = (-1, -8)$, yet Adam moves both coordinates by η on its first
# step. Multiplying the loss by 1000 changes nothing (up to ε), while plain gradient
# descent at the same η diverges at once.

STEPS_BOWL = 60 if FAST else 100
ETAS = (0.1, 0.3, 1.0)
adam_paths = {f"Adam η={eta}": trace(bowl, lambda p, eta=eta: Adam(p, lr=eta),
                                     steps=STEPS_BOWL) for eta in ETAS}


def bowl_times_1000(theta):
    return 1000 * bowl(theta)


scaled = trace(bowl_times_1000, lambda p: Adam(p, lr=0.1), steps=STEPS_BOWL)

fig, axes = plt.subplots(2, 1, figsize=(7.3, 7.8), layout="constrained")
contour_traces(bowl, adam_paths, ax=axes[0],
               title=f"Adam on the bowl, {STEPS_BOWL} steps from (−5, −2)")
path = adam_paths["Adam η=0.1"]
steps_per_coord = np.abs(np.diff(path, axis=0)) / 0.1
steps_scaled = np.abs(np.diff(scaled, axis=0)) / 0.1
curves({"θ₁ (gradient 0.2·θ₁)": steps_per_coord[:, 0],
        "θ₂ (gradient 4·θ₂)": steps_per_coord[:, 1],
        "θ₁, loss × 1000": steps_scaled[:, 0],
        "θ₂, loss × 1000": steps_scaled[:, 1]},
       ax=axes[1], x=np.arange(1, STEPS_BOWL + 1), xlabel="step t",
       ylabel=r"$|\theta_t - \theta_{t-1}|\,/\,\eta$",
       title="Adam η = 0.1: step per coordinate, in units of η")
solid, dashed = axes[1].get_lines()[:2], axes[1].get_lines()[2:]
for under, over in zip(solid, dashed):   # wide pale lines under thin dashed ones: both show
    under.set_linewidth(5)
    under.set_alpha(0.35)
    over.set_color(under.get_color())
    over.set_linestyle("--")
    over.set_linewidth(1.5)
axes[1].legend(fontsize="small")
plt.show()

gd_scaled = trace(bowl_times_1000, lambda p: SGD(p, lr=0.1), steps=3)
print(f"first Adam step, in units of η: {steps_per_coord[0]}")
print(f"largest |θ difference|, Adam on f vs on 1000·f: "
      f"{np.abs(path - scaled).max():.1e}")
print(f"gradient descent η=0.1 on 1000·f after 3 steps: θ₂ = {gd_scaled[-1, 1]:.2e}")
for name, p in adam_paths.items():
    print(f"{name:<12} θ_{STEPS_BOWL} = ({p[-1, 0]: .3f}, {p[-1, 1]: .3f}); "
          f"largest |θ| over the last 20 steps: {np.abs(p[-20:]).max():.3f}")

# %%
# Top: all three runs start along the diagonal — both coordinates move by the same η,
# not along the gradient, which points mostly along $\theta_2$ — so there is no
# zig-zag. η now sets the *step length in parameter units*: η = 0.1 bends smoothly
# into the minimum; η = 0.3 overshoots and loops once; η = 1 swings around the minimum
# in a wide loop, as momentum (β₁ = 0.9) carries it past. None of them diverges, as
# gradient descent does at too large an η; all end within about 0.05 of the minimum.
#
# Bottom: on the first step both coordinates move by exactly η (1.0 in these units),
# 8-fold different gradients notwithstanding. Then the steps shrink: as a coordinate
# approaches its minimum its gradient falls, but $\hat v_t$ remembers the larger early
# gradients for about $1/(1-\beta_2) = 1000$ steps, so $\hat m_t/\sqrt{\hat v_t}$
# drops below 1 — Adam slows down by itself near a minimum. $\theta_2$ gets there
# first and oscillates; its step touches 0 each time $\hat m_t$ changes sign. The
# dashed runs on $1000\cdot f$ lie on the solid ones: Adam is invariant to the scale of
# the loss. That is what the articles mean when they call Adam an adaptive
# learning-rate method (自适应学习率优化算法, article 000 §6) that "adjusts the
# learning rate automatically" (article 001 §6 Q5): it adjusts each coordinate's step
# to the scale of its gradient — but η is still chosen by hand, and it decides how far
# each step goes.
#
# Adam's L2 penalty vs AdamW's decoupled weight decay
# ---------------------------------------------------
#
# Weight decay pulls weights toward zero. :class:`minigrad.optim.Adam` with
# ``weight_decay=λ`` adds the gradient of the L2 penalty
# $\tfrac{\lambda}{2}\lVert\theta\rVert^2$
# to $g_t$, *before* the two averages; so the decay $\lambda\theta$ is divided by
# $\sqrt{\hat v_t}$ along with the gradient. :class:`minigrad.optim.AdamW` instead
# shrinks θ directly, $\theta \leftarrow \theta\,(1 - \eta\lambda)$, and runs Adam on
# the gradient alone (the ``decoupled_weight_decay`` branch of the ``step`` above).
#
# To see the difference, take 200 weights, all starting at 1, whose gradients carry no
# information — pure noise, as for weights the data does not care about, which weight
# decay should pull to zero. The first 100 ("busy") get noise of size 10, the other
# 100 ("quiet") of size 0.01. We train with η = 10⁻³ and λ = 1, and plot the
# root-mean-square of each group.

T_WD = 1000 if FAST else 3000
ETA_WD, LAMBDA = 1e-3, 1.0
scale = np.r_[np.full(100, 10.0), np.full(100, 0.01)]
noise = rng.standard_normal((T_WD, 200))
norms = {}
for name, make in [("Adam, L2 in the gradient", lambda p: Adam(p, lr=ETA_WD,
                                                               weight_decay=LAMBDA)),
                   ("AdamW, decoupled", lambda p: AdamW(p, lr=ETA_WD,
                                                        weight_decay=LAMBDA))]:
    w = minigrad.tensor(np.ones(200), requires_grad=True, dtype=np.float64)
    opt = make([w])
    busy, quiet = [1.0], [1.0]
    for k in range(T_WD):
        opt.zero_grad()
        (minigrad.tensor(scale * noise[k]) * w).sum().backward()   # ∇ = noise only
        opt.step()
        busy.append(np.sqrt(np.mean(w.detach().numpy()[:100] ** 2)))
        quiet.append(np.sqrt(np.mean(w.detach().numpy()[100:] ** 2)))
    norms[f"{name}: busy weights (noise 10)"] = np.array(busy)
    norms[f"{name}: quiet weights (noise 0.01)"] = np.array(quiet)

ax = curves(norms, xlabel="step t", ylabel="RMS of the weights",
            title=f"Weight decay λ = {LAMBDA:g}, η = {ETA_WD:g}: Adam vs AdamW")
ax.plot(np.arange(T_WD + 1), (1 - ETA_WD * LAMBDA) ** np.arange(T_WD + 1), "k:", lw=1,
        label=r"$(1 - \eta\lambda)^t$")
ax.figure.set_size_inches(7.3, 5)
figure_legend(ax.figure, [ax], ncols=2)
plt.show()

for name, values in norms.items():
    print(f"{name:<48} RMS after {T_WD} steps: {values[-1]:.3f}")
print(f"(1 − ηλ)^{T_WD} = {(1 - ETA_WD * LAMBDA) ** T_WD:.3f}")

# %%
# With AdamW (decoupled) both groups shrink together, along $(1-\eta\lambda)^t$
# (dotted) down to a small floor set by the noise's random walk: every weight is
# decayed at the same rate, whatever its gradients. With Adam's L2 penalty the two
# groups part ways. For the busy weights $\sqrt{\hat v_t} \approx 10$, so the decay
# term is divided by 10 and they keep three quarters of their size after 3000 steps.
# For the quiet weights the decay term $\lambda\theta$ *is* almost all of the
# gradient, so Adam normalises it: the step stays a sizeable fraction of η as θ
# shrinks (divided only by $\hat v_t$'s memory of the larger θ of earlier steps), and
# they reach zero long before AdamW's. In a network this means Adam's L2
# penalty barely regularises exactly the weights that get large gradients — the
# observation (Loshchilov and Hutter, 2019) that led to AdamW.
#
# Summary
# -------
#
# * Article 000 §3's five equations are Adam, line for line; minigrad's
#   :class:`~minigrad.optim.Adam` computes the same numbers (to 1e-16 here) in
#   PyTorch's order, with ε outside the square root as in the article.
# * Bias correction is not cosmetic: without it the first hundred steps are 3 to 6.6
#   times larger than intended (with β₁ = 0.9, β₂ = 0.999), not smaller.
# * Each coordinate moves by about η per step, whatever the gradient's scale: η is a
#   step length in parameter units, and scaling the loss changes nothing.
# * Adam's ``weight_decay`` is divided by $\sqrt{\hat v_t}$ like the gradient; AdamW's
#   decays every weight by the same factor $1-\eta\lambda$ per step.
#
# Questions to explore
# --------------------
#
# 1. Set β₂ = 0.99 and recompute the largest uncorrected/corrected ratio. Which β₂
#    makes the first uncorrected step exactly η?
# 2. Run Adam with ``amsgrad=True`` at η = 1 on the bowl: does it still circle?
# 3. In the weight-decay experiment, give the busy group a true gradient (a constant
#    pull toward 0.5). Where does each optimizer leave those weights?
#
# Exercises, with hints and solutions
# -----------------------------------
#
# .. exercises:: 06
