r"""
Linear regression by hand and by autograd
=========================================

Article 001 §4.1 fits a straight line to 100 noisy "house prices" — linear regression
(线性回归) by gradient descent. This lesson runs the article's code as written (it crashes
at its second iteration), finds the two mistakes, derives the gradient by hand (article
004 §4.1 has it right), checks that the hand-derived gradient, minigrad's autograd and
finite differences agree, and then fits the line three ways: by hand in numpy, with
minigrad's ``Linear`` + ``MSELoss`` + ``SGD`` (article 000 §4's PyTorch loop with the
import swapped), and in closed form. It ends with the learning rate both articles use,
η = 0.01 for 1000 iterations, and what a better η does.
"""

import os
import textwrap

import matplotlib.pyplot as plt
import numpy as np

import minigrad
from minigrad import nn, optim
from minigrad.curvature import top_eigenvalue
from minigrad.data import make_house_prices
from minigrad.plot import contour_traces, curves

FAST = os.environ.get("MINIGRAD_FAST") == "1"   # CI: fewer iterations, same lesson
STEPS = 60 if FAST else 200                     # iterations of the main fit (η = 0.5)
ARTICLE_STEPS = 100 if FAST else 1000           # the articles' 1000 iterations
minigrad.manual_seed(0)

# %%
# The data
# --------
#
# Article 001 §4.1 draws $x_i \sim U[0, 1)$ and $y_i = 2x_i + 1 + 0.1\,\varepsilon_i$ with
# $\varepsilon_i \sim N(0, 1)$, for $i = 1, \dots, 100$: a line with slope $w = 2$ and
# intercept $b = 1$, plus noise. :func:`minigrad.data.make_house_prices` returns the same
# arrays, bit for bit, without touching numpy's global random state — checked here
# against the article's three lines:

X, y = make_house_prices()                       # X: (100, 1) inputs, y: (100, 1) targets
m = len(y)

np.random.seed(0)                                # article 001 §4.1, verbatim
X_article = np.random.rand(100, 1)
y_article = 2 * X_article + 1 + np.random.randn(100, 1) * 0.1
print("same arrays as the article:", np.array_equal(X, X_article),
      np.array_equal(y, y_article))
print("X", X.shape, X.dtype, " y", y.shape, y.dtype)
print("first rows:", X[:3, 0], y[:3, 0])

# %%
# The article's code, run as written
# ----------------------------------
#
# Here is article 001 §4.1's training code, unchanged (its comments are in Chinese:
# 定义损失函数 "define the loss function", 定义梯度 "define the gradient", …), inside a
# ``try`` so that the lesson can show what happens:

try:
    import numpy as np

    # 生成一组随机数据
    np.random.seed(0)
    X = np.random.rand(100, 1)
    y = 2 * X + 1 + np.random.randn(100, 1) * 0.1

    # 定义损失函数
    def loss(y_pred, y):
        return np.mean((y_pred - y) ** 2)

    # 定义梯度
    def gradient(y_pred, y):
        return 2 * (y_pred - y)

    # 定义参数更新规则
    def update_theta(theta, gradient, learning_rate):
        return theta - learning_rate * gradient

    # 初始化参数
    theta = np.random.rand(1, 1)

    # 设置学习率
    learning_rate = 0.01

    # 设置迭代次数
    iterations = 1000

    # 训练模型
    for i in range(iterations):
        y_pred = X @ theta
        grad = gradient(y_pred, y)
        theta = update_theta(theta, grad, learning_rate)
        if i % 100 == 0:
            print(f"Iteration {i}: Loss = {loss(y_pred, y)}")

    # 输出结果
    print(f"Final theta: {theta}")
except ValueError as error:
    print(f"\nFAILED at iteration i = {i}: {type(error).__name__}:")
    print(textwrap.fill(str(error), 86, initial_indent="  ", subsequent_indent="  "))
    print(f"shapes: X {X.shape}, y {y.shape}, grad {grad.shape}, theta {theta.shape}")

# %%
# Iteration 0 runs and prints a loss; iteration 1 fails in ``X @ theta``. The shapes say
# why: $\theta$ started as a (1, 1) array, but ``gradient`` returned one number per
# sample, shape (100, 1), and ``theta - learning_rate * grad`` broadcast $\theta$ to
# (100, 1). The next ``X @ theta`` multiplies (100, 1) by (100, 1): no such product.
#
# **Mistake 1: the gradient with respect to the wrong thing.** The loss (损失函数) the
# article defines is the mean squared error of the predictions $\hat y = X\theta$,
#
# .. math::
#
#    J(\theta) = \frac{1}{m}\sum_{i=1}^{m}\left(\hat y_i - y_i\right)^2 ,
#    \qquad \hat y = X\theta .
#
# ``2 * (y_pred - y)`` is $m\,\partial J / \partial \hat y$, the derivative with respect
# to the *predictions*, one per sample. Gradient descent needs
# $\nabla J(\theta) = \partial J / \partial\theta$. The chain rule through
# $\hat y = X\theta$ multiplies by $X^\top$, which sums over the samples and gives one
# number per parameter:
#
# .. math::
#
#    \nabla J(\theta) = X^\top \frac{\partial J}{\partial \hat y}
#                     = \frac{2}{m}\, X^\top (X\theta - y) .
#
# Article 004 §4.1 writes exactly this: ``gradients = 2 * (X.T @ (X @ theta - y)) / m``.
#
# **Mistake 2: no intercept.** $\hat y = X\theta$ with one column is a line through the
# origin, but the data follow $y = 2x + 1$. Even with the right gradient the best such
# line has the wrong slope:

theta_no_intercept = np.linalg.lstsq(X, y, rcond=None)[0]
print(f"best line through the origin: y = {theta_no_intercept.item():.3f}·x  "
      "(the data were made with y = 2x + 1)")

# %%
# The fix is the usual one: a column of ones in front of $x$, so that
# $\theta = (b, w)^\top$ and $\hat y = X_b\theta = b + w\,x$.

X, y = make_house_prices()                       # the same data again (the article's code
                                                 # above reassigned X and y)
Xb = np.hstack([np.ones((m, 1)), X])             # (100, 2): [1, x_i] in row i


def grad_by_hand(theta):
    """∇J(θ) = 2/m · X_bᵀ (X_b θ − y), article 004 §4.1's formula (θ has shape (2, 1))."""
    return 2 * Xb.T @ (Xb @ theta - y) / m


def J_by_hand(theta):
    """J(θ) = 1/m · Σ (X_b θ − y)², in numpy."""
    return np.mean((Xb @ theta - y) ** 2)


# %%
# Three gradients that must agree
# -------------------------------
#
# The hand-derived formula is one way to get $\nabla J(\theta)$. minigrad gives two more:
#
# * **autograd**: write $J$ with minigrad Tensors and call ``backward()``; the engine
#   applies the chain rule op by op (the backward of ``@`` is where the $X^\top$ comes
#   from) and leaves $\nabla J$ in ``theta.grad``;
# * **finite differences**: :func:`minigrad.numerical_grad` nudges each parameter by
#   $\pm\varepsilon$ and measures the change of $J$,
#   $\partial J/\partial\theta_i \approx (J(\theta + \varepsilon e_i) - J(\theta -
#   \varepsilon e_i)) / 2\varepsilon$, in float64.
#
# All three at the same point — the starting point the training below uses, which is
# the random initialisation of ``nn.Linear(1, 1)`` under ``minigrad.manual_seed(0)``:

minigrad.manual_seed(0)
model = nn.Linear(1, 1)                          # ŷ = x·wᵀ + b, weight (1, 1), bias (1,)
w0, b0 = model.weight[0, 0].item(), model.bias[0].item()
theta0 = np.array([[b0], [w0]])                  # the same θ = (b, w) in the hand layout


def J(theta):
    """The same J(θ), written with a minigrad Tensor θ: autograd can differentiate it."""
    return ((Xb @ theta - y) ** 2).mean()


theta = minigrad.tensor(theta0, requires_grad=True)    # float64, like the numpy code
J(theta).backward()
g_hand = grad_by_hand(theta0)
g_auto = theta.grad.numpy()
g_num = minigrad.numerical_grad(J, [theta])[0]
print(f"θ₀ = (b, w) = ({b0:.6f}, {w0:.6f})")
print(f"{'':>22}{'∂J/∂b':>16}{'∂J/∂w':>16}")
for name, g in [("by hand 2/m·Xᵀ(Xθ−y)", g_hand), ("autograd backward()", g_auto),
                ("finite differences", g_num)]:
    print(f"{name:>22}{g[0, 0]:16.10f}{g[1, 0]:16.10f}")
print(f"max |hand − autograd|           = {np.abs(g_hand - g_auto).max():.1e}")
print(f"max |hand − finite differences| = {np.abs(g_hand - g_num).max():.1e}")
print("minigrad.gradcheck(J, [θ]):", minigrad.gradcheck(J, [theta]))

# %%
# Hand and autograd agree to the last bits of float64; the finite differences agree to
# about $10^{-9}$, the accuracy of a central difference with $\varepsilon = 10^{-6}$.
# :func:`minigrad.gradcheck` runs that comparison and returns True (it would raise an
# error naming the element if they disagreed).
#
# The model we will train, ``nn.Linear(1, 1)`` followed by ``nn.MSELoss()``, computes
# the same $J$ with the parameters in PyTorch's layout (``weight`` $w$ of shape (1, 1),
# ``bias`` $b$ of shape (1,)), in float32. Its ``backward()`` lands on the same gradient,
# to float32 precision:

inputs = minigrad.tensor(X.astype(np.float32))   # article 000 calls them inputs, targets
targets = minigrad.tensor(y.astype(np.float32))
criterion = nn.MSELoss()
criterion(model(inputs), targets).backward()
print(f"nn.Linear + MSELoss:  ∂J/∂b = {model.bias.grad[0].item():.6f}   "
      f"∂J/∂w = {model.weight.grad[0, 0].item():.6f}")
print(f"by hand:              ∂J/∂b = {g_hand[0, 0]:.6f}   ∂J/∂w = {g_hand[1, 0]:.6f}")

# %%
# Training: by hand and with minigrad
# -----------------------------------
#
# By hand, the loop is article 004 §4.1's ``train`` (with the loss recorded at every
# step so we can plot it): $\theta \leftarrow \theta - \eta\,\frac{2}{m}X_b^\top(X_b\theta
# - y)$. With minigrad it is article 000 §4's PyTorch loop, ported by swapping
# ``torch`` for ``minigrad``. (As printed, that loop never creates ``model`` and never
# defines ``inputs`` and ``targets``; they are the ``nn.Linear(1, 1)`` and the tensors
# above.) Both start from the same $\theta_0$ and use $\eta = 0.5$ — why 0.5 and not the
# articles' 0.01 is the last section.


def fit_by_hand(eta, steps, theta=theta0):
    """Gradient descent in numpy; returns the final θ and J(θ_t) for t = 0 … steps."""
    theta = theta.copy()
    history = [J_by_hand(theta)]
    for _ in range(steps):
        theta = theta - eta * grad_by_hand(theta)    # θ ← θ − η ∇J(θ)
        history.append(J_by_hand(theta))
    return theta, np.array(history)


def fit_minigrad(eta, steps):
    """Article 000 §4's loop on minigrad; returns the model, the loss J(θ_t) and the
    parameters (b_t, w_t) at t = 0 … steps (fewer if the loss blows up)."""
    minigrad.manual_seed(0)                          # the same θ₀ as above
    model = nn.Linear(1, 1)
    criterion = nn.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=eta)
    losses, params = [], [(model.bias[0].item(), model.weight[0, 0].item())]
    for epoch in range(steps):
        optimizer.zero_grad()
        output = model(inputs)
        loss = criterion(output, targets)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())                   # J(θ_t) of the step just taken
        params.append((model.bias[0].item(), model.weight[0, 0].item()))
        if not losses[-1] < 1e6:                     # diverged: stop before overflow
            break
    with minigrad.no_grad():
        losses.append(criterion(model(inputs), targets).item())
    return model, np.array(losses), np.array(params, dtype=np.float64)


ETA = 0.5
theta_hand, loss_hand = fit_by_hand(ETA, STEPS)
model, loss_auto, _ = fit_minigrad(ETA, STEPS)
theta_lstsq = np.linalg.lstsq(Xb, y, rcond=None)[0]   # closed form: min ‖X_b θ − y‖²

print(f"after {STEPS} steps with η = {ETA}:")
for name, (b_fit, w_fit), J_fit in [
        ("by hand (numpy, float64)", theta_hand[:, 0], loss_hand[-1]),
        ("minigrad Linear+MSELoss+SGD", (model.bias[0].item(), model.weight[0, 0].item()),
         loss_auto[-1]),
        ("closed form np.linalg.lstsq", theta_lstsq[:, 0], J_by_hand(theta_lstsq))]:
    print(f"  {name:<30} b = {b_fit:.5f}  w = {w_fit:.5f}  J = {J_fit:.6f}")
print("  the data were made with       b = 1        w = 2")
print(f"largest relative difference of the two loss curves: "
      f"{np.max(np.abs(loss_auto - loss_hand) / loss_hand):.1e}")

# %%
# Gradient descent by hand, minigrad and the closed-form least-squares solution give the
# same line, $b \approx 1.022$ and $w \approx 1.994$ — close to the $b = 1$, $w = 2$ that
# made the data but not equal: with 100 noisy points, the best-fitting line is not the
# true one, and no learning rate can do better than least squares. The two loss curves
# differ only by float32 rounding (relative $10^{-7}$–$10^{-6}$; minigrad's model runs in
# float32, the numpy code in float64).

Xs = np.linspace(0, 1, 2)
fig, (ax_data, ax_loss) = plt.subplots(1, 2, figsize=(7.3, 4.6), layout="constrained")
ax_data.scatter(X[:, 0], y[:, 0], s=12, color="0.55", label="data (article 001 §4.1)")
ax_data.plot(Xs, 2 * Xs + 1, "k:", label="y = 2x + 1 (made the data)")
ax_data.plot(Xs, b0 + w0 * Xs, color="C7", linestyle="-.",
             label=rf"$\theta_0$ (start): y = {w0:.2f}x "
                   f"{'−' if b0 < 0 else '+'} {abs(b0):.2f}")
ax_data.plot(Xs, theta_lstsq[0, 0] + theta_lstsq[1, 0] * Xs, color="C2", linewidth=4,
             alpha=0.5, label="least squares (lstsq)")
ax_data.plot(Xs, theta_hand[0, 0] + theta_hand[1, 0] * Xs, color="C0",
             label=f"by hand, η = {ETA}, {STEPS} steps")
ax_data.plot(Xs, model.bias[0].item() + model.weight[0, 0].item() * Xs, "--", color="C3",
             label=f"minigrad nn.Linear, η = {ETA}, {STEPS} steps")
ax_data.set_xlabel("x")
ax_data.set_ylabel("y")
ax_data.set_title("House-price data and the fitted lines", fontsize=10)
# one legend for both panels: the right one draws the same runs in the same colours
curves({"by hand (numpy)": loss_hand, "minigrad (autograd)": loss_auto}, ax=ax_loss,
       xlabel="step t", ylabel=r"$J(\theta_t)$", logy=True,
       title=f"Loss while fitting, η = {ETA}")
ax_loss.title.set_fontsize(10)
ax_loss.lines[1].set_linestyle("--")             # dashed over solid: they coincide
ax_loss.lines[1].set_color("C3")
ax_loss.axhline(J_by_hand(theta_lstsq), color="C2", linewidth=4, alpha=0.4, zorder=0)
ax_loss.get_legend().remove()
fig.legend(*ax_data.get_legend_handles_labels(), loc="outside lower center", ncols=2,
           fontsize="small")
plt.show()

# %%
# Left: the fitted lines from the hand loop, from minigrad and from least squares lie on
# top of each other, slightly off the dotted line that generated the data. Right: the
# two loss curves coincide (the dashed minigrad curve runs exactly over the hand one) and
# flatten at the least-squares loss (the thick green line, $J \approx 0.00992$, close to
# the noise variance $0.1^2 = 0.01$ — what is left once the line is right).
#
# The articles' learning rate: η = 0.01 for 1000 iterations
# ---------------------------------------------------------
#
# Article 001 §4.1 and article 004 §4.1 (固定学习率, "fixed learning rate") both train
# with $\eta = 0.01$ for 1000 iterations — inside the range 0.001 to 0.1 that article 001
# §2 calls common. With the gradient fixed, does that reach the answer? The loss of
# linear regression is a quadratic in $\theta$ with the constant Hessian
# $H = \frac{2}{m}X_b^\top X_b$; :lesson:`lesson 01 <01>` showed that gradient descent
# multiplies the error along each eigenvector of $H$ by $1 - \eta\lambda$ per step and
# diverges once $\eta > 2/\lambda_{\max}$. Measure the two eigenvalues (numpy, on the
# formula for $H$; and $\lambda_{\max}$ again with
# :func:`minigrad.curvature.top_eigenvalue`, which :lesson:`lesson 03 <03>` explains):

H = 2 * Xb.T @ Xb / m
lam_min, lam_max = np.linalg.eigvalsh(H)
lam_power = top_eigenvalue(lambda: J(theta), [theta])
print(f"eigenvalues of H: λ_min = {lam_min:.4f}, λ_max = {lam_max:.4f} "
      f"(top_eigenvalue on autograd: {lam_power:.4f})")
print(f"λ_max/λ_min = {lam_max / lam_min:.1f}")
print(f"stability bound  η < 2/λ_max = {2 / lam_max:.3f};   "
      f"fastest fixed η = 2/(λ_min+λ_max) = {2 / (lam_min + lam_max):.3f}")
print(f"{'η':<6}{'slow direction: 1 − ηλ_min per step':>37}"
      f"{f'(1 − ηλ_min)^{ARTICLE_STEPS}':>20}")
for eta in [0.01, 0.1, 0.5]:
    print(f"{eta:<6}{1 - eta * lam_min:>37.5f}"
          f"{(1 - eta * lam_min) ** ARTICLE_STEPS:>20.2g}")

# %%
# The loss is an elongated bowl like :func:`minigrad.toy.bowl` of lesson 01 (there the
# two curvatures are 0.2 and 4, a ratio of 20; here 0.134 and 2.48, a ratio of 18.5). At
# $\eta = 0.01$ the slow direction keeps $(1 - 0.01 \cdot 0.134)^{1000} \approx 26\,\%$
# of its initial error after 1000 steps. Run it, with the fixed gradient, next to
# $\eta = 0.1$, $\eta = 0.5$ and $\eta = 0.85$ (just above the bound $0.807$):

ETAS = {0.01: "articles' η", 0.1: "10× larger", 0.5: "this lesson's η", 0.85: "> 2/λ_max"}
ETAS_MATH = {**ETAS, 0.85: r"$> 2/\lambda_{\max}$"}      # the same, for figures
runs = {eta: fit_minigrad(eta, ARTICLE_STEPS) for eta in ETAS}
J_star = J_by_hand(theta_lstsq)
print(f"after {ARTICLE_STEPS} iterations (least squares: b = {theta_lstsq[0, 0]:.4f}, "
      f"w = {theta_lstsq[1, 0]:.4f}, J = {J_star:.6f}):")
for eta, (model_eta, losses, params) in runs.items():
    b_T, w_T = params[-1]
    status = (f"after {len(params) - 1} steps: diverged" if len(params) - 1 < ARTICLE_STEPS
              else f"J − J* = {J_by_hand(params[-1][:, None]) - J_star:.2g}")
    regime = f"({ETAS[eta]})"
    print(f"  η = {eta:<4} {regime:<17} b = {b_T:+.4g}  w = {w_T:+.4g}  {status}")

# %%
# With the articles' $\eta = 0.01$ the fit has *not* converged after 1000 iterations:
# $b \approx 1.12$ and $w \approx 1.79$ against the least-squares $1.022$ and $1.994$ (the
# loss is still 34 % above its minimum). $\eta = 0.1$ gets there (to 4 digits) and
# $\eta = 0.5$ gets there within a few dozen steps; $\eta = 0.85$, only 5 % above the
# bound, diverges (the run stops after 61 steps, when the loss passes $10^6$). So on
# this problem the articles' η is not wrong, just 50–80 times smaller than it could be:
# the bound, not a rule of thumb, says how large η may be.

fig, (ax_excess, ax_b) = plt.subplots(1, 2, figsize=(7.3, 4.4), layout="constrained")
excess = {}
for eta, (_, _, params) in runs.items():
    thetas = params[:, :, None]                      # (steps+1, 2, 1): θ_t = (b_t, w_t)
    excess[f"η = {eta} ({ETAS_MATH[eta]})"] = (np.array([J_by_hand(t) for t in thetas])
                                                - J_star)
curves(excess, ax=ax_excess, xlabel="step t", ylabel=r"$J(\theta_t) - J(\theta^*)$",
       logy=True, title="Distance to the least-squares loss")
ax_excess.set_ylim(1e-15, 1e2)
curves({f"η = {eta}": params[:, 0] for eta, (_, _, params) in runs.items() if eta != 0.85},
       ax=ax_b, xlabel="step t", ylabel=r"intercept $b_t$",
       title="The intercept b during training\n(stable runs)")
ax_excess.title.set_fontsize(10)
ax_b.title.set_fontsize(10)
ax_excess.get_legend().remove()     # one legend for both panels: the same colour per η
ax_b.get_legend().remove()
fig.legend(*ax_excess.get_legend_handles_labels(), loc="outside lower center", ncols=2,
           fontsize="small")
ax_b.axhline(theta_lstsq[0, 0], color="k", linestyle="--", linewidth=1)
ax_b.annotate(f"least squares b = {theta_lstsq[0, 0]:.3f}",
              (ARTICLE_STEPS * 0.4, theta_lstsq[0, 0]), textcoords="offset points",
              xytext=(0, -12), fontsize=9)
ax_b.set_ylim(-0.6, 1.6)
plt.show()

# %%
# Left: on a log axis the excess loss falls along a straight line for each stable η —
# a constant factor per step, $(1 - \eta\lambda_{\min})^2$, once the fast direction is
# gone. The line is steep for $\eta = 0.5$ (it hits the floor of float32 rounding, about
# $5 \cdot 10^{-14}$, by step 200), shallower for $\eta = 0.1$ (floor at step ~880) and
# barely sloped for $\eta = 0.01$. The $\eta = 0.85$ curve rises from the first step.
# Right: the intercept $b_t$ of the stable runs. At $\eta = 0.01$ it overshoots to about
# 1.3 in the first 200 steps (the fast direction moves $b$ and $w$ up together) and then
# creeps back down; after 1000 steps it is still at 1.12, above the dashed least-squares
# value. At $\eta = 0.1$ the same overshoot is over by step ~300; at $\eta = 0.5$ within
# a few dozen steps.
#
# The same runs on the contours of $J(b, w)$ (drawn with
# :func:`minigrad.plot.contour_traces`, like the bowl in lesson 01):

Sxx, Sx, Sy, Sxy, Syy = (np.mean(X * X), np.mean(X), np.mean(y), np.mean(X * y),
                         np.mean(y * y))


def J_surface(theta):
    """J(b, w) = mean((b + w·x − y)²) for a grid of θ = (b, w), shape (..., 2)."""
    b, w = theta[..., 0], theta[..., 1]
    return b * b + 2 * b * w * Sx + w * w * Sxx - 2 * b * Sy - 2 * w * Sxy + Syy


fig, panels = plt.subplots(1, 2, figsize=(7.3, 4.2), layout="constrained", sharey=True)
for ax, pair, colors in [(panels[0], (0.1, 0.01), ["C1", "C0"]),
                         (panels[1], (0.5, 0.85), ["C2", "C3"])]:
    # the same colour for each η as in the figure above
    ax.set_prop_cycle(color=[plt.matplotlib.colors.to_hex(c) for c in colors])
    paths = {}
    for eta in pair:
        params = runs[eta][2]
        shown = params[:6] if eta == 0.85 else params
        paths[f"η = {eta} ({len(shown) - 1} steps)"] = shown
    contour_traces(J_surface, paths, ax=ax, xlim=(-1.0, 2.6), ylim=(-0.3, 3.0),
                   levels=np.geomspace(0.0105, 10, 20), minimum=tuple(theta_lstsq[:, 0]),
                   title=f"J(b, w): gradient descent, η = {min(pair)} and {max(pair)}")
    ax.title.set_fontsize(10)
    ax.set_xlabel("intercept b")
    ax.set_ylabel("slope w")
    ax.get_legend().remove()
handles = [line for ax in panels for line in ax.get_legend_handles_labels()[0]]
fig.legend(handles=handles, loc="outside lower center", ncols=2, fontsize="small")
plt.show()

# %%
# The valley runs from lower right to upper left: raising $w$ while lowering $b$ barely
# changes $J$ (the eigenvector of $\lambda_{\min}$). At $\eta = 0.01$ the path (blue)
# first runs down the steep wall into the valley, reaching it near $(1.3, 1.35)$, then
# crawls along the valley towards the minimum (black star) and stops at
# $(1.12, 1.79)$ after 1000 steps. The $\eta = 0.1$ path (orange) is the same curve,
# covered ten times faster: drawn under the blue one, it shows only where it goes on to
# the minimum. At $\eta = 0.5$ (green) the path overshoots across the valley once, comes
# back, and follows it to the minimum. At $\eta = 0.85$ (red) every jump along the steep
# direction is longer than the last: after 5 steps the path has left the window.
#
# Summary
# -------
#
# * The gradient of $J(\theta) = \frac1m\|X\theta - y\|^2$ with respect to $\theta$ is
#   $\frac{2}{m}X^\top(X\theta - y)$ (article 004 §4.1). Article 001 §4.1's
#   ``2 * (y_pred - y)`` is the derivative with respect to the predictions; using it as
#   the update crashes at iteration 1, and without an intercept the line cannot fit
#   $y = 2x + 1$.
# * Hand-derived, autograd and finite-difference gradients agree (to $10^{-16}$ and
#   $10^{-9}$); minigrad's ``Linear`` + ``MSELoss`` + ``SGD`` reproduces the hand loop's
#   loss curve and reaches the least-squares line $b \approx 1.022$, $w \approx 1.994$.
# * With the articles' $\eta = 0.01$, 1000 iterations are not enough on this data
#   ($b \approx 1.12$, $w \approx 1.79$); any η up to the bound $2/\lambda_{\max} \approx
#   0.81$ converges, and $\eta = 0.5$ does so in under 100 steps.
#
# Exercises: replace ``nn.MSELoss()`` by ``nn.MSELoss(reduction="sum")`` — what happens to
# the bound on η, and why? Centre the data (subtract the mean of $x$) and measure
# $\lambda_{\min}$ and $\lambda_{\max}$ again.
#
# Exercises, with hints and solutions
# -----------------------------------
#
# .. exercises:: 02
