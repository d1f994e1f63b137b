r"""
How large can η be?
===================

Every article we follow warns that too large a learning rate (学习率) η breaks gradient
descent: the model "may skip over the optimum" (跳过最优解, article 000 §2), training
becomes "unstable" (article 001 §2.1), it "may oscillate or jump out of the optimum"
(震荡或者跳出最优解, article 002 §3.2), it "oscillates and does not converge" (震荡不收敛,
article 003 §1), it "may oscillate or cross over the minimum" (穿越最小值, article 004
§2.2). None of them says *how large* is too large. The curvature of the loss answers
it: gradient descent on a quadratic converges exactly when $\eta < 2/\lambda_{\max}$,
with $\lambda_{\max}$ the largest eigenvalue of the Hessian. This bound is not in the
articles. This lesson derives it, measures $\lambda_{\max}$ with
:func:`minigrad.curvature.top_eigenvalue`, checks the measurement against the exact
Hessian of the house-price regression of article 001 §4.1, and finds the η at which
gradient descent really diverges. Then it trains a small network and watches
$\lambda_{\max}$ change during training: it rises until it reaches $2/\eta$ and then
hovers there — the *edge of stability* (Cohen et al., ICLR 2021).
"""

import os
import warnings

import matplotlib.pyplot as plt
import numpy as np

import minigrad
from minigrad import nn, optim
from minigrad.curvature import top_eigenvalue
from minigrad.data import load_digits, make_house_prices
from minigrad.plot import curves
from minigrad.toy import BOWL_START, bowl

FAST = os.environ.get("MINIGRAD_FAST") == "1"   # CI: same lesson, shorter runs
SWEEP_STEPS = 50 if FAST else 100               # gradient-descent steps T per η (sweep)
N_ETAS = 12 if FAST else 40                     # learning rates in the sweep
BISECTIONS = 6 if FAST else 14                  # halvings of the bracket around the edge
NET_STEPS = 150 if FAST else 800                # full-batch steps of the network
EVERY = 25 if FAST else 10                      # measure the sharpness every EVERY steps
minigrad.manual_seed(0)

# %%
# One step multiplies the error by $1 - \eta\lambda$
# ---------------------------------------------------
#
# Gradient descent (梯度下降), as article 000 §3 and article 004 §3.1 write it, is
#
# .. math::
#
#    \theta_{t+1} = \theta_t - \eta \nabla J(\theta_t) .
#
# Near a minimum $\theta^*$ any smooth loss $J$ is close to a quadratic,
# $J(\theta) \approx J(\theta^*) + \frac12 (\theta - \theta^*)^\top H (\theta - \theta^*)$,
# where $H$ is the Hessian, the matrix of second derivatives
# $H_{ij} = \partial^2 J / \partial\theta_i \partial\theta_j$. Its gradient is
# $\nabla J(\theta) = H(\theta - \theta^*)$, so the error $e_t = \theta_t - \theta^*$
# obeys
#
# .. math::
#
#    e_{t+1} = e_t - \eta H e_t = (I - \eta H)\, e_t .
#
# $H$ is symmetric, so it has orthonormal eigenvectors $u_i$ with eigenvalues
# $\lambda_i$ ($H u_i = \lambda_i u_i$). Write the error in that basis,
# $e_t = \sum_i c_{i,t} u_i$: each coordinate evolves on its own,
# $c_{i,t+1} = (1 - \eta\lambda_i)\, c_{i,t}$, i.e.
# $c_{i,t} = (1 - \eta\lambda_i)^t c_{i,0}$.
# It shrinks when $|1 - \eta\lambda_i| < 1$, i.e. $0 < \eta < 2/\lambda_i$, and grows
# geometrically (with alternating sign: the oscillation the articles describe) when
# $\eta > 2/\lambda_i$. Every coordinate must shrink, so the largest eigenvalue decides:
#
# .. math::
#
#    \text{gradient descent converges} \iff 0 < \eta < \frac{2}{\lambda_{\max}} .
#
# $\lambda_{\max}$ is called the *sharpness* of the loss. On the bowl
# $f(\theta) = 0.1\,\theta_1^2 + 2\,\theta_2^2$ of lesson 01 (:func:`minigrad.toy.bowl`)
# the Hessian is $\mathrm{diag}(0.2, 4)$, so the bound is $2/4 = 0.5$: the line between
# lesson 01's "oscillates" ($\eta = 0.49$) and "diverges" ($\eta = 0.6$).
#
# Measuring $\lambda_{\max}$ without forming $H$
# ----------------------------------------------
#
# A network has too many parameters to write $H$ down, but the product $Hv$ of $H$ with
# one vector $v$ is cheap: it is the rate at which the gradient changes when $\theta$
# moves along $v$. :func:`minigrad.curvature.hvp` takes it as a central difference of
# two gradients, each one ordinary ``backward()``:
#
# .. math::
#
#    Hv \approx \frac{\nabla J(\theta + h v) - \nabla J(\theta - h v)}{2h} .
#
# .. literalinclude:: /../minigrad/curvature.py
#    :pyobject: hvp
#
# Power iteration turns $Hv$ into $\lambda_{\max}$: multiply a random vector by $H$ over
# and over, normalising each time. The component along the top eigenvector grows fastest
# ($\lambda_1^k$ against $\lambda_i^k$), so $v_k$ turns towards $u_1$ and the Rayleigh
# quotient $\lambda_k = v_k^\top H v_k$ converges to $\lambda_{\max}$:
#
# .. math::
#
#    w = H v_k, \qquad \lambda_k = v_k^\top w, \qquad v_{k+1} = w / \lVert w \rVert .
#
# Power iteration finds the eigenvalue of largest *magnitude*, cannot settle at a saddle
# where $\pm\lambda$ tie, and crawls when the top two nearly tie.
# :func:`~minigrad.curvature.top_eigenvalue` therefore keeps every vector it made (the
# Lanczos method): the best combination of $v_0, Hv_0, H^2v_0, \dots$ gives the
# *largest* eigenvalue, the one the bound needs, and it stops when the residual
# $\lVert Hv - \lambda v\rVert$ is small, warning if it never gets there:
#
# .. literalinclude:: /../minigrad/curvature.py
#    :pyobject: top_eigenvalue
#
# Both take the loss as a zero-argument closure ``loss_fn()`` and the parameters as a
# list, so they work for any minigrad model. First on the bowl, where the answer is 4:

theta = minigrad.tensor(BOWL_START, requires_grad=True)      # θ = (−5, −2), any θ will do
lam_bowl = top_eigenvalue(lambda: bowl(theta), [theta])
print(f"bowl: λ_max = {lam_bowl:.6f} (exact 4), bound 2/λ_max = {2 / lam_bowl:.6f}")

# %%
# The house-price regression: exact Hessian against top_eigenvalue
# ----------------------------------------------------------------
#
# Article 001 §4.1 fits a line to 100 noisy house prices, $y_i = 2x_i + 1 + $ noise
# (:func:`minigrad.data.make_house_prices` returns those arrays). With an intercept
# column, $X_b = [\mathbf{1}, x]$ and $\theta = (b, w)$, the loss is the mean squared error
# $J(\theta) = \frac1m \lVert X_b\theta - y \rVert^2$ and its gradient is article 004
# §4.1's ``2 * (X.T @ (X @ theta - y)) / m``, $\nabla J(\theta) = \frac2m X_b^\top (X_b
# \theta - y)$. That is linear in $\theta$, so differentiating once more gives a
# *constant* Hessian, the same at every $\theta$:
#
# .. math::
#
#    H = \frac{2}{m} X_b^\top X_b .
#
# Here the loss is an exact quadratic and the bound is exact. The model is the one of
# lesson 02, ``nn.Linear(1, 1)`` with ``nn.MSELoss()``, initialised by
# ``minigrad.manual_seed(0)``; :func:`~minigrad.curvature.top_eigenvalue` sees only the
# closure and the model's two parameters (weight $w$ and bias $b$).

X, y = make_house_prices()                       # X (100, 1), y (100, 1), float64
m = len(y)
Xb = np.hstack([np.ones((m, 1)), X])             # the intercept column
H = 2 * Xb.T @ Xb / m                            # the exact Hessian, 2 × 2
lam_min, lam_max = np.linalg.eigvalsh(H)         # eigenvalues, ascending

inputs, targets = minigrad.tensor(X), minigrad.tensor(y)
criterion = nn.MSELoss()
minigrad.manual_seed(0)
model = nn.Linear(1, 1)
# θ₀, to restart every run from it: a copy (state_dict() shares memory with the model,
# as in PyTorch, so without clone() training would change it too)
start = {name: value.clone() for name, value in model.state_dict().items()}


def house_loss():
    """J(θ) on the whole data set: the closure hvp and top_eigenvalue call."""
    return criterion(model(inputs), targets)


lam_power = top_eigenvalue(house_loss, model.parameters())
print(f"eigvalsh of 2/m·X_bᵀX_b : λ_min = {lam_min:.6f}, λ_max = {lam_max:.6f}")
print(f"top_eigenvalue          : λ_max = {lam_power:.6f}   "
      f"relative difference {abs(lam_power - lam_max) / lam_max:.1e}")
print(f"predicted bound 2/λ_max = {2 / lam_max:.4f}")

# %%
# ``top_eigenvalue`` (the Lanczos method: power iteration that remembers) agrees with the
# exact eigenvalue to about $10^{-9}$: it stops once the residual
# $\lVert Hv - \lambda v \rVert$ is below ``tol=1e-6`` times $\lambda$, but the Rayleigh
# quotient's error is the *square* of the eigenvector's, and the finite difference in
# ``hvp`` is exact on a quadratic up to rounding. So gradient descent on this problem should converge for
# $\eta < 2/\lambda_{\max} \approx 0.807$ and diverge above. Article 001 §2 gives 0.001
# to 0.1 as the "common" range of η; on this problem everything up to 0.8 works.
#
# Where does gradient descent really diverge?
# -------------------------------------------
#
# Because this $J$ is exactly quadratic, the derivation above predicts more than the
# edge: it predicts the loss after any number of steps. With $\theta^*$ the least-squares
# solution, $J(\theta) - J(\theta^*) = \frac12 e^\top H e$ for $e = \theta - \theta^*$,
# and each coordinate $c_i$ of the error is multiplied by $1 - \eta\lambda_i$ per step:
#
# .. math::
#
#    J(\theta_T) - J(\theta^*) = \frac12 \sum_i \lambda_i\, c_{i,0}^2\,
#    (1 - \eta\lambda_i)^{2T} .
#
# Now run it: full-batch gradient descent (:class:`minigrad.optim.SGD` on all 100
# samples) from the same $\theta_0$, $T$ steps, for learning rates from 0.05 to 2. A run
# *diverges* if after the $T$ steps the loss is higher than where it started,
# $J(\theta_T) > J(\theta_0)$; a run whose loss passes $10^8$ is stopped there.

theta_star = np.linalg.lstsq(Xb, y, rcond=None)[0][:, 0]      # θ* = (b*, w*), closed form
J_star = np.mean((Xb @ theta_star - y[:, 0]) ** 2)            # J(θ*)
lams, U = np.linalg.eigh(H)                                   # λ_i and eigenvectors u_i
theta0 = np.array([start["bias"][0].item(), start["weight"][0, 0].item()])  # (b₀, w₀)
c0 = U.T @ (theta0 - theta_star)                              # c_{i,0}: θ₀ − θ* along u_i


def predicted_excess(eta, T):
    """J(θ_T) − J(θ*) = ½ Σ λ_i c_i² (1 − ηλ_i)^(2T), the formula above.

    ``eta`` or ``T`` may be an array (one value per learning rate, or per step)."""
    factors = 1 - np.multiply.outer(eta, lams)                # (…, 2): 1 − ηλ_i
    powers = 2 * np.asarray(T)[..., None]                     # (…, 1): 2T
    return 0.5 * np.sum(lams * c0 ** 2 * factors ** powers, axis=-1)


def run_gd(eta, steps=SWEEP_STEPS):
    """Full-batch gradient descent on the house prices: J(θ_t) for t = 0 … steps."""
    model.load_state_dict(start)                              # back to θ₀
    optimizer = optim.SGD(model.parameters(), lr=eta)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = house_loss()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())                            # J(θ_t) before the step
        if not losses[-1] < 1e8:                              # diverged: stop here
            break
    with minigrad.no_grad():
        losses.append(house_loss().item())                    # J after the last step
    return np.array(losses)


def diverges(eta):
    """True if J after the steps is higher than J(θ₀), where every run starts."""
    return not run_gd(eta)[-1] <= J0


J0 = house_loss().item()                                      # the model is still at θ₀
etas = np.geomspace(0.05, 2.0, N_ETAS)
final = np.array([run_gd(eta)[-1] for eta in etas])
bad = ~(final <= J0)                                          # NaN counts as diverged

# The sweep brackets the edge between the largest η that converged and the smallest that
# did not; bisection narrows the bracket, one run per halving.
low, high = etas[~bad].max(), etas[bad].min()
for _ in range(BISECTIONS):
    middle = np.sqrt(low * high)
    low, high = (low, middle) if diverges(middle) else (middle, high)
observed, predicted = np.sqrt(low * high), 2 / lam_max
print(f"J(θ₀) = {J0:.4f},  J(θ*) = {J_star:.6f}  (least squares)")
print(f"J(θ₀) − J(θ*) along the two eigenvectors: ½λ_i c_i² = "
      f"{0.5 * lams[0] * c0[0] ** 2:.4f} (λ_min), "
      f"{0.5 * lams[1] * c0[1] ** 2:.4f} (λ_max)")
print(f"predicted edge 2/λ_max = {predicted:.6f}")
print(f"observed edge          = {observed:.6f}  (bracket [{low:.6f}, {high:.6f}], "
      f"T = {SWEEP_STEPS} steps)")
print(f"observed / predicted − 1 = {observed / predicted - 1:+.1e}")
ok = ~bad & (final - J_star > 1e-11)                          # above float32's rounding
ratio = (final[ok] - J_star) / predicted_excess(etas[ok], SWEEP_STEPS)   # measured/formula
worst = np.max(np.abs(np.log(ratio)))
print(f"converged runs: measured J(θ_T) − J(θ*) matches the formula within a factor "
      f"{np.exp(worst):.3f}")

# %%
# The figure: the excess loss $J(\theta_T) - J(\theta^*)$ after the $T$ steps against
# η, measured (dots) and predicted by the formula (line), with $2/\lambda_{\max}$
# dashed (left); and the excess loss step by step for three learning rates just below,
# at and just above the bound (right).

fine = np.geomspace(0.05, 2.0, 400)
show = {"0.9 × 2/λ_max": 0.9 * predicted, "1.0 × 2/λ_max": predicted,
        "1.1 × 2/λ_max": 1.1 * predicted}
fig, (ax_sweep, ax_runs) = plt.subplots(1, 2, figsize=(7.3, 3.6), layout="constrained")
ax_sweep.plot(fine, np.minimum(predicted_excess(fine, SWEEP_STEPS), 1e8), color="0.5",
              label="formula ½Σλ_i c_i² (1 − ηλ_i)^(2T)")
ax_sweep.plot(etas[~bad], final[~bad] - J_star, "o", color="C0", markersize=4,
              label="minigrad SGD: converged")
ax_sweep.plot(etas[bad], np.minimum(final[bad] - J_star, 1e8), "x", color="C3",
              label="minigrad SGD: diverged (capped at 10⁸)")
ax_sweep.axvline(predicted, color="k", linestyle="--",
                 label=f"2/λ_max = {predicted:.3f}")
ax_sweep.set_xscale("log")
ax_sweep.set_yscale("log")
ax_sweep.set_xlabel("learning rate η")
ax_sweep.set_ylabel(f"J(θ_T) − J(θ*) after T = {SWEEP_STEPS} steps")
ax_sweep.set_title("House prices: loss after T steps")
ax_sweep.legend(fontsize=7.5, loc="lower left")
ax_sweep.grid(alpha=0.3)
excess = {f"η = {label} = {eta:.3f}": run_gd(eta) - J_star for label, eta in show.items()}
curves(excess, ax=ax_runs, xlabel="step t", ylabel="J(θ_t) − J(θ*)", logy=True,
       title="Step by step, around the bound")
t_axis = np.arange(SWEEP_STEPS + 1)
for i, eta in enumerate(show.values()):
    ax_runs.plot(t_axis, predicted_excess(eta, t_axis), ":",
                 color="k", linewidth=1, label="formula" if i == 0 else None)
ax_runs.set_ylim(1e-10, 1e9)
ax_runs.legend(fontsize=8)
plt.show()

# %%
# Left: every dot lies on the line — minigrad's SGD does what the formula says, to the
# printed factor. For small η the loss after 100 steps is still well above the minimum:
# the flat direction ($\lambda_{\min} \approx 0.134$) shrinks by only
# $1 - \eta\lambda_{\min}$ per step. The larger η, the lower the loss, until just below
# $2/\lambda_{\max}$ the steep direction's factor $1 - \eta\lambda_{\max}$ nears $-1$
# and takes over: within a few per cent of η the loss after 100 steps goes from its
# lowest value to $10^8$. The bisection puts the edge at 0.80673 against the predicted
# 0.80671, a relative difference of $2\times10^{-5}$: on a quadratic the bound is not a
# rule of thumb, it *is* the edge.
#
# It is this close because almost all of $J(\theta_0) - J(\theta^*)$ lies along the steep
# eigenvector (5.47 of 5.53, printed above): as soon as $|1 - \eta\lambda_{\max}| > 1$
# that part grows, and after 100 steps the loss is above where it started. Had $\theta_0$
# been off mostly along the flat direction, a steep part growing from almost nothing
# would need more steps to pass $J(\theta_0)$, and the observed edge would sit a little
# above $2/\lambda_{\max}$.
#
# Right: at $0.9 \times 2/\lambda_{\max}$ the steep part vanishes fast (factor $-0.8$,
# the steep first stretch of the curve) and the flat part (factor $0.903$) sets the slower
# slope after it. At the bound the factor is exactly $-1$: the steep part flips sign every
# step and keeps its size for ever, and the loss stays near $J(\theta_0)$ — "oscillates
# and does not converge", 震荡不收敛, in its purest form. At $1.1\times$ the factor is
# $-1.2$ and the loss grows by $1.2^2 = 1.44$ per step.
#
# The data decide η: standardising the inputs
# -------------------------------------------
#
# Article 001 Q4 asks how to choose η "according to the data's distribution"
# (如何根据数据的分布选择合适的学习率值) and answers: a larger η if the data are "fairly
# uniform" (较为均匀), a smaller one if they are "bad" (较为恶劣) — without saying what
# either means. The bound above says exactly how the data enter: for linear regression
# $H = \frac2m X_b^\top X_b$, so λ_max, and with it the largest stable η, is set by the
# scale and the correlations of the inputs. Rescale the input by c and λ_max grows —
# towards c² times once the input's column dominates the column of ones — and the
# bound shrinks as much. *Standardise* it — subtract its mean, divide by its
# standard deviation — and the column of ones and the input become orthogonal, each
# with mean square 1: then $H = 2I$, every direction has the same curvature 2, the
# bound is 2/2 = 1 and the condition number λ_max/λ_min is 1. The same holds, less
# perfectly, for the 64 pixels of the digits (each pixel standardised; the near-constant
# border pixels get 0.05 added to their standard deviation so they are not blown up).
# For each input we compute the exact λ's, the bound, and run gradient descent at 0.95
# and 1.05 times the bound for 200 steps.


def bound_check(X_in, y_in):
    """λ_min, λ_max of 2/m·X_bᵀX_b and whether GD converges at 0.95 and 1.05 × 2/λ_max."""
    Xb_in = np.hstack([np.ones((len(X_in), 1)), X_in]).astype(np.float64)
    H_in = 2 * Xb_in.T @ Xb_in / len(X_in)
    lam = np.linalg.eigvalsh(H_in)
    outcome = []
    for factor in (0.95, 1.05):
        theta = np.zeros((Xb_in.shape[1], y_in.shape[1]))
        eta = factor * 2 / lam[-1]
        for _ in range(200):
            theta -= eta * 2 * Xb_in.T @ (Xb_in @ theta - y_in) / len(X_in)
        outcome.append("converges" if np.mean((Xb_in @ theta - y_in) ** 2) < np.mean(
            y_in ** 2) else "diverges")
    return lam[lam > 1e-9 * lam[-1]].min(), lam[-1], outcome


X_dig, y_dig = load_digits()
Y_dig = np.eye(10)[y_dig]                                    # one-hot targets, MSE
INPUTS = {
    "house prices, x in [0, 1]": (X, y),
    "house prices, 10·x": (10 * X, y),
    "house prices, standardised": ((X - X.mean()) / X.std(), y),
    "digits, pixels in [0, 1]": (X_dig, Y_dig),
    "digits, standardised": ((X_dig - X_dig.mean(0)) / (X_dig.std(0) + 0.05), Y_dig),
}
print(f"{'inputs':<28} {'λ_min':>8} {'λ_max':>8} {'λ_max/λ_min':>12} {'2/λ_max':>9}"
      f"   GD at 0.95× / 1.05× the bound")
for name, (X_in, y_in) in INPUTS.items():
    lam_lo, lam_hi, outcome = bound_check(X_in, y_in)
    print(f"{name:<28} {lam_lo:8.3g} {lam_hi:8.3g} {lam_hi / lam_lo:12.3g} "
          f"{2 / lam_hi:9.3g}   {outcome[0]} / {outcome[1]}")

# %%
# Every bound is exact — gradient descent converges just below it and diverges just
# above — and every bound is different. Multiplying the house-price input by 10 cuts
# the largest stable η 25-fold (0.807 → 0.0318); standardising it raises the bound to 1
# and makes every direction equally curved, so one η suits them all. On the digits,
# standardising the pixels lowers λ_max (22.9 → 10.1, so the bound more than doubles)
# and raises the smallest non-zero λ, so the condition number falls by orders of
# magnitude: the same η makes progress in every direction at once. (Lesson :lesson:`10`, claim 6, shows the same on
# networks: standardised pixels move the largest η that trains.)
#
# So "the data's distribution decides η" is right in a precise sense the article does
# not give: the scale and correlation of the inputs set the curvature, and the
# curvature sets the largest η. The practical answer to Q4 is not "a larger η for
# uniform data" but: standardise the inputs, then choose η.
#
# A network: the sharpness moves
# ------------------------------
#
# For linear regression $H$ is constant and $\lambda_{\max}$ is known before training.
# A neural network's Hessian depends on where $\theta$ is, so $\lambda_{\max}$ changes as
# it trains. Cohen, Kaur, Li, Kolter and Talwalkar ("Gradient Descent on Neural Networks
# Typically Occurs at the Edge of Stability", ICLR 2021) measured it during full-batch
# gradient descent and found two things:
#
# * **progressive sharpening**: $\lambda_{\max}$ rises during training;
# * **the edge of stability**: it rises until it reaches about $2/\eta$ and then hovers
#   there, instead of passing it and diverging, while the loss keeps decreasing over
#   long times, though no longer monotonically.
#
# Set it up as they did, small: a tanh MLP 64–32–32–10 on 200 of the bundled 8×8 digits
# (:func:`minigrad.data.load_digits`), the mean squared error against one-hot targets
# (with MSE the effect is cleanest, as in the paper), full-batch gradient descent with
# three learning rates. Every run starts from the same initialisation.

X_digits, y_digits = load_digits()
subset = np.random.default_rng(0).permutation(len(y_digits))[:200]
images = minigrad.tensor(X_digits[subset])                         # (200, 64) in [0, 1]
one_hot = minigrad.tensor(np.eye(10, dtype=np.float32)[y_digits[subset]])   # (200, 10)
NET_ETAS = [0.6, 0.8, 1.0]                                          # 2/η = 3.33, 2.5, 2

# %%
# Measuring $\lambda_{\max}$ every few steps from scratch would take dozens of
# Hessian-vector products each time. Between two measurements the parameters move only
# a little, so the top eigenvector does too: starting the iteration from the previous
# eigenvector needs only a few products: ``top_eigenvalue(..., v0=v,
# return_vector=True)`` starts from the eigenvector of the last measurement.


def sharpness(loss_fn, params, v, iters=20, tol=1e-4):
    """λ_max, warm-started from v; returns (λ, the new unit vector)."""
    with warnings.catch_warnings():      # 20 products may not reach tol near the edge
        warnings.simplefilter("ignore", RuntimeWarning)
        return top_eigenvalue(loss_fn, params, iters=iters, tol=tol, v0=v,
                              return_vector=True)


def train_network(eta):
    """Full-batch GD on the digits MLP; loss at every step, sharpness every EVERY."""
    minigrad.manual_seed(0)                                   # the same θ₀ for every η
    net = nn.MLP([64, 32, 32, 10], activation="tanh")
    params = net.parameters()
    optimizer = optim.SGD(params, lr=eta)

    def net_loss():
        return criterion(net(images), one_hot)

    v = [np.random.default_rng(1).standard_normal(p.shape) for p in params]
    losses, steps, sharp = [], [], []
    for t in range(NET_STEPS + 1):
        if t % EVERY == 0:
            lam, v = sharpness(net_loss, params, v)
            steps.append(t)
            sharp.append(lam)
        if t == NET_STEPS:
            break
        optimizer.zero_grad()
        loss = net_loss()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    # A slow, careful check of the last measurement: a cold start, run much longer. It
    # may warn that 300 products did not reach tol — near the edge several eigenvalues
    # lie close together, which slows the iteration; the estimate is still good.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        sharp_check = top_eigenvalue(net_loss, params, iters=300, tol=1e-7)
    return np.array(losses), np.array(steps), np.array(sharp), sharp_check


runs = {eta: train_network(eta) for eta in NET_ETAS}

# %%
# What the numbers say, for each η: the sharpness at $\theta_0$ and the first step at
# which it reached $2/\eta$; its median and range from then on, as a multiple of
# $2/\eta$; how often the loss went *up* from one step to the next before and after that
# step; and, as a check, the last warm-started measurement against a cold
# ``top_eigenvalue`` run to a tight tolerance.

edge_step = {}                                                # η → first step at 2/η
for eta, (losses, steps, sharp, sharp_check) in runs.items():
    edge = 2 / eta
    rises = np.diff(losses) > 0                               # J(θ_t+1) > J(θ_t)
    hit = steps[sharp >= edge]
    if len(hit) == 0:
        print(f"η = {eta} (2/η = {edge:.2f}): λ_max = {sharp[0]:.3f} at θ₀, never ≥ 2/η "
              f"(largest {sharp.max():.3f});  loss rose on {rises.sum()} of {len(rises)} "
              f"steps;  J: {losses[0]:.4f} → {losses[-1]:.4f}")
        continue
    t_edge = edge_step[eta] = hit[0]
    late = sharp[steps >= t_edge] / edge                      # from the edge on
    dip = int(np.argmin(sharp[steps <= t_edge]))
    print(f"η = {eta} (2/η = {edge:.2f}): λ_max = {sharp[0]:.3f} at θ₀, lowest "
          f"{sharp[dip]:.3f} at step {steps[dip]}, first ≥ 2/η at step {t_edge}")
    print(f"    from then on: λ_max / (2/η) median {np.median(late):.3f}, "
          f"range {late.min():.3f} … {late.max():.3f}")
    print(f"    loss rose on {rises[:t_edge].sum()} of the {t_edge} steps before that, "
          f"on {rises[t_edge:].sum()} of the {len(rises) - t_edge} after;  "
          f"J: {losses[0]:.4f} → {losses[-1]:.4f}")
    print(f"    last λ_max: warm-started {sharp[-1]:.4f}, cold top_eigenvalue "
          f"{sharp_check:.4f} ({100 * (sharp[-1] / sharp_check - 1):+.1f} %)")

# %%
# The figure: the sharpness against the step, with $2/\eta$ dashed in the same colour
# (left), and the loss at every step (right). A dot marks the first measurement at which
# the sharpness had reached $2/\eta$.

fig, (ax_sharp, ax_loss) = plt.subplots(1, 2, figsize=(7.3, 3.8), layout="constrained")
for i, (eta, (losses, steps, sharp, _)) in enumerate(runs.items()):
    color = f"C{i}"
    ax_sharp.plot(steps, sharp, "-", color=color, label=f"η = {eta}")
    ax_sharp.axhline(2 / eta, color=color, linestyle="--", linewidth=1,
                     label=f"2/η = {2 / eta:.2f}")
    ax_loss.plot(np.arange(len(losses)), losses, color=color, linewidth=1,
                 label=f"η = {eta}")
    if eta in edge_step:                                      # mark where λ_max ≥ 2/η
        t_edge = edge_step[eta]
        ax_sharp.plot(t_edge, sharp[steps == t_edge][0], "o", color=color, zorder=3)
        ax_loss.plot(t_edge, losses[t_edge], "o", color=color, zorder=3)
ax_loss.plot([], [], "o", color="0.4", label="λ_max first ≥ 2/η")  # legend entry
ax_sharp.set_xlabel("step t")
ax_sharp.set_ylabel("sharpness λ_max (top eigenvalue of H)")
ax_sharp.set_title("Sharpness rises to 2/η, then hovers")
ax_sharp.legend(fontsize=8, ncol=2, loc="lower right")
ax_sharp.grid(alpha=0.3)
ax_loss.set_yscale("log")
ax_loss.set_xlabel("step t")
ax_loss.set_ylabel("training loss J(θ_t) (MSE)")
ax_loss.set_title("Loss falls, not monotonically")
ax_loss.legend(fontsize=8)
ax_loss.grid(alpha=0.3)
fig.suptitle("Full-batch gradient descent, tanh MLP 64–32–32–10, 200 digits, MSE",
             fontsize=10)
plt.show()

# %%
# What the runs show:
#
# * **Progressive sharpening.** All three runs start at $\lambda_{\max} \approx 1.67$,
#   below every $2/\eta$. In the first steps the sharpness *dips* (to 1.42–1.48 at
#   step 10, printed above: the first large steps leave the sharp region around
#   $\theta_0$); then it climbs, steadily, a larger η faster per step, since it moves
#   further per step. While $\lambda_{\max} < 2/\eta$ the loss
#   falls at every single step (0 rises before the dot, printed above): gradient descent
#   is in its stable regime.
# * **It does not stop there.** The sharpness passes the line $2/\eta$ (at step 80 for
#   $\eta = 1$, 180 for $0.8$, 490 for $0.6$) and keeps rising for a while, to 13–20 %
#   above it. Along the top eigenvector the factor $1 - \eta\lambda_{\max}$ is now just
#   below $-1$, so the oscillation in that direction grows, but slowly from a tiny
#   start. When it has grown, the loss spikes (the first spikes on the right), and in
#   the same measurements the sharpness drops below $2/\eta$: the run has been thrown
#   into a flatter region.
# * **The edge of stability.** From then on the pattern repeats: sharpen, overshoot a
#   little, spike, flatten. The sharpness stays within about −8 % … +20 % of $2/\eta$,
#   with medians 5–9 % *above* it — as Cohen et al. report, it hovers at, or just above,
#   $2/\eta$. This is not the measurement pushing it up: the Rayleigh quotient
#   $v^\top H v$ of a unit vector can never exceed $\lambda_{\max}$, and the check
#   against a cold, tightly converged ``top_eigenvalue`` agrees with the last
#   warm-started values to 0.1 %.
# * **The loss keeps decreasing, not monotonically.** After the edge the loss rises on
#   22 %, 32 % and 41 % of the steps (η = 0.6, 0.8, 1: 68 of 309, 198 of 619, 298 of
#   719), yet over hundreds of steps it keeps falling: the largest η, which spent the
#   longest time at the edge, ends lowest ($J = 0.0136$ against $0.0179$ and $0.0224$).
#   Training at the edge is not the divergence of the quadratic above: there the
#   curvature was fixed, here it adapts to η.
#
# So on a network $\eta < 2/\lambda_{\max}$ is not a condition set before training. It
# holds at the start, and then η itself sets how sharp a region gradient descent can
# stay in: the larger η, the flatter the region ($\lambda_{\max} \approx 2/\eta$). Over 800
# steps all three learning rates reached the edge; a smaller η takes longer to sharpen
# that far (try the exercise).
#
# A note on scale: ``nn.MSELoss()`` averages over all $200 \times 10$ outputs, whereas
# Cohen et al. use $\frac12\sum$ over the 10 outputs, averaged over samples. Their loss
# is 5 times ours, so their λ are 5 times ours and their η 5 times smaller for the same
# run; $\eta\lambda$, the only thing the dynamics depends on, is the same.
#
# Summary
# -------
#
# * On a quadratic, gradient descent multiplies the error along each eigenvector of the
#   Hessian by $1 - \eta\lambda_i$ per step, so it converges exactly when
#   $\eta < 2/\lambda_{\max}$. The articles say a too-large η oscillates or diverges; this
#   is the number behind that sentence.
# * :func:`~minigrad.curvature.top_eigenvalue` measures $\lambda_{\max}$ by the
#   Lanczos method on Hessian-vector products (:func:`~minigrad.curvature.hvp`, two gradients
#   each), without ever forming $H$.
# * On article 001's house prices it agrees with the exact Hessian $\frac2m X_b^\top X_b$
#   (to $10^{-9}$), the loss after $T$ steps follows
#   $\frac12\sum_i\lambda_i c_i^2(1-\eta\lambda_i)^{2T}$, and gradient descent diverges
#   at η = 0.80673, against the predicted $2/\lambda_{\max} = 0.80671$.
# * On a network the sharpness is not fixed: it rises during training until it reaches
#   $2/\eta$, then hovers at or a little above it (here within −8 % … +20 %, medians
#   5–9 % above) while the loss keeps decreasing, unevenly. The learning rate does not
#   only set the speed; it limits how sharp a region training can stay in.
#
# Exercises: scale the house-price input by 10 ($x \to 10x$) and predict the new bound
# before measuring it. Run the network with $\eta = 0.3$ for 800 steps: does the
# sharpness reach $2/\eta \approx 6.7$? Replace ``nn.MSELoss()`` by
# ``nn.MSELoss(reduction="sum")``: by how much does every λ change, and what happens to
# the η that behave the same? At the end of the $\eta = 0.8$ run, build the whole
# Hessian with :func:`minigrad.curvature.hessian` (3,466 parameters: 3,466
# Hessian-vector products, about a minute) and look at its largest eigenvalues: how many
# lie near $2/\eta$?
#
# Exercises, with hints and solutions
# -----------------------------------
#
# .. exercises:: 03
