r"""
The articles' claims about η, tested
====================================

The five source articles make many claims about the learning rate η (学习率): that too
large an η oscillates or diverges, that too small an η is slow, that either one causes
overfitting, that complex models and large data sets need a smaller η, and that Adam
sets η by itself. None of them shows an experiment. This lesson runs one for each claim
on the bundled digits — every condition with several seeds, each seed with its own
subset of the data — and judges each claim by a rule written down *before* its
experiment. It follows article 000 §2, §3 and §6, article 001 §2.1, §2.2, §3.3 and §6
(Q1–Q5), article 002 §3.2, article 003 §1 and article 004 §2.2; the :doc:`/errata`
page lists the same claims.
"""

# %%
# The update every claim is about
# -------------------------------
#
# Article 000 §3 (and 001 §3.1, 003 §3, 004 §3.1) writes gradient descent as
#
# .. math::
#
#    \theta_{t+1} = \theta_t - \eta \nabla J(\theta_t)
#
# with θ the model's parameters, t the iteration, ∇J(θ_t) the gradient of the loss and η
# the learning rate, "the step size of each update" (000 §2:
# 模型在每次迭代中更新权重时的步长). Every experiment below runs this update with
# :class:`minigrad.optim.SGD` (its last line is the formula) — or Adam for the last
# claim — inside :func:`minigrad.train.fit`:
#
# .. literalinclude:: /../minigrad/optim/sgd.py
#    :pyobject: SGD.step
#
# A learning rate that is too large can make the loss blow up. ``fit`` does not crash
# then: it stops and sets ``history.diverged`` (:class:`minigrad.train.History`), so a
# divergence is one more result.
#
# The data are the 1,797 bundled 8×8 digits (:func:`minigrad.data.load_digits`, pixels
# in [0, 1]), split once into 1,348 training and 449 validation images. The models are
# :class:`minigrad.nn.MLP` networks with ReLU and PyTorch's default initialisation,
# trained with :class:`minigrad.nn.CrossEntropyLoss`.
#
# How a verdict is reached
# ------------------------
#
# One run proves little: change the seed and its numbers move. So every condition runs
# with several seeds, and a seed decides three things: *which* training images the run
# gets (:func:`minigrad.experiment.resample` draws each seed's own subset), the initial
# weights, and the order of the mini-batches. :func:`minigrad.experiment.run_experiment`
# runs the grid of conditions × seeds on two worker processes (the machinery of
# :func:`minigrad.lr_search.grid_search`, :lesson:`08`). Seed number k is the same in
# every condition — the same images, the same initial weights — so two conditions are
# compared *seed by seed*: for an effect such as "the gap at η = 0.01 minus the gap at
# η = 0.3" we take the difference within each seed, $d_1 \dots d_n$, and its mean with
# a 95 % **t interval**,
#
# .. math::
#
#    \bar d \pm t_{n-1,\,0.975}\, \frac{s}{\sqrt n}, \qquad
#    s^2 = \frac{1}{n-1}\sum_k (d_k - \bar d)^2,
#
# which covers the true mean effect in 95 % of experiments when the $d_k$ are
# independent and roughly normal (with 5 seeds, $t_{4,\,0.975} = 2.78$: a wide interval,
# honestly so; with 10 seeds $t_{9,\,0.975} = 2.26$ and the interval is about 40 %
# narrower). Before each experiment the text fixes the effect, its sign (positive =
# what the claim predicts) and a **margin** δ, the smallest effect that would matter in
# practice. The verdict then follows from the interval $[L, U]$ alone:
#
# .. literalinclude:: /../minigrad/experiment.py
#    :pyobject: verdict
#
# "Not supported" therefore means *shown to be smaller than the margin*, and
# "inconclusive" means *not shown either way* — the two are not the same.

import os
import sys
import textwrap
import warnings

import matplotlib.pyplot as plt
import numpy as np

import minigrad
from minigrad import nn
from minigrad.data import DataLoader, load_digits, train_val_test_split
from minigrad.experiment import grid, resample, run_experiment, summarize, verdict
from minigrad.optim import SGD, Adam
from minigrad.train import DivergenceWarning, accuracy, evaluate, fit

FAST = os.environ.get("MINIGRAD_FAST") == "1"
N_SEEDS = 3 if FAST else 5          # seeds per condition
N_SEEDS_SMALL = 3 if FAST else 10   # for claims 1–5, whose effects are the smallest
# Worker processes are forked copies of this one (Linux); elsewhere run in-process.
N_JOBS = 2 if sys.platform == "linux" else 1
minigrad.manual_seed(0)
warnings.simplefilter("ignore", DivergenceWarning)   # divergence is a result here

X, y = load_digits()
(X_train, y_train), (X_val, y_val), _ = train_val_test_split(
    X, y, val_fraction=0.25, test_fraction=0.0, seed=0, stratify=True)
loss_fn = nn.CrossEntropyLoss()
CHANCE = float(np.log(10))          # the loss of predicting 1/10 for every class
print(f"training set {X_train.shape}, validation set {X_val.shape}; "
      f"chance-level loss ln 10 = {CHANCE:.3f}; {N_SEEDS_SMALL} seeds per condition for "
      f"claims 1–5, {N_SEEDS} for claims 6–8")

VERDICTS = []            # (claim, effect and margin, interval, verdict), filled below


def experiment(trial, conditions, seeds=N_SEEDS):
    """``run_experiment`` with this lesson's seeds and workers; warn about failures."""
    result = run_experiment(trial, conditions, seeds=seeds, n_jobs=N_JOBS)
    for error in result.errors:
        print("trial failed:", error)
    return result


def judge(claim, effect_text, effect, margin, predicts="effect", unit=""):
    """Print the effect with its interval and verdict; add a row to the final table."""
    decision = verdict(effect, margin, predicts)
    interval = (f"{effect.mean:+.3g}{unit} [{effect.low:+.3g}, {effect.high:+.3g}], "
                f"n = {effect.n}; margin ±{margin:.3g}{unit}")
    print(f"{claim}\n  effect: {effect_text}\n  {interval}  →  {decision}")
    VERDICTS.append((claim, f"{effect_text} (margin {margin:.3g}{unit})",
                     interval.split(";")[0], decision))
    return decision


def log_eta(values):
    """A summary of log₁₀ η as text: the geometric mean and its interval."""
    s = summarize(np.log10(values))
    return f"{10 ** s.mean:.3g} [{10 ** s.low:.3g}, {10 ** s.high:.3g}]"


# %%
# Claims 1–5: one experiment with small data
# ------------------------------------------
#
# *Too large* — 000 §2: "如果学习率过大，模型可能会跳过最优解，导致收敛不良" (*the model may
# jump over the optimum and converge badly*); 002 §3.2 "震荡或者跳出最优解"; 003 §1
# "震荡不收敛" (*oscillate and not converge*); 004 §2.2 "震荡或者穿越最小值".
#
# *Too small* — every article: 000 §2 "模型将很慢地学习" (*the model learns very
# slowly*), 001 §2.1 and Q2, 002 §3.2, 003 §1, 004 §2.2; article 001 Q2 goes further, a
# too-small η leads to "训练过程很长或无法收敛" (*training that takes very long or does not
# converge*). Article 001 §2 gives the range people use, 0.001 to 0.1; its bottom decade is
# what this lesson calls the articles' "too small" range.
#
# *Smaller is faster* — 000 §6 (Q&A): "较小的学习率可以提高模型的收敛速度和性能" (*a
# smaller learning rate can improve the convergence speed and the performance*), which
# contradicts its own §2.
#
# *Overfitting* — 000 §2: a too-small η "可能导致过拟合" (*may cause overfitting*), by
# getting stuck in a local optimum (§6 Q&A; 003 §1 "甚至陷入局部最优"); article 001 says
# the opposite — §2.1, §3.3 and Q1: "学习率选择太大会导致过拟合" (*too large an η causes
# overfitting*).
#
# The experiment: a network with one hidden layer of 128 units, [64, 128, 10], trained
# on 200 training images (each seed its own 200) in mini-batches of 20, so that it can
# memorise them and overfitting can happen, for η = 0.001, 0.003, 0.01 (the articles'
# "too small"), 0.03, 0.1, 0.3, 1 and 3, each with 10 seeds (the effects here are the
# smallest of the lesson). Every run gets the same **budget** of steps;
# after every epoch (10 steps) we measure the loss on its 200 training images and on
# the 449 validation images. A run stops early only when its training loss is below
# 0.005: the training set is memorised, and its validation loss has stopped improving
# (the printout gives the training loss at which each such run had its best validation
# loss). Two views come out of the same runs: the **fixed budget**
# (the lowest validation loss reached within the budget, and the training loss at its
# end) and the **fixed target** (the number of steps until the training loss first
# falls to 0.3; a run that never gets there counts as the budget, a lower bound).
#
# The rules, fixed here, before the experiment runs:
#
# * **Claim 1** (too large fails): effect = training loss at the end for η = 3 minus
#   that for η = 0.3; the claim predicts it positive; margin 0.1 (nats).
# * **Claim 2** (too small is slow): effect = log₁₀ of the steps to the target for
#   η = 0.01, the top of the articles' "too small" range, divided by those for η = 0.1;
#   positive predicted; margin log₁₀ 1.5 = 0.18 (50 % more steps). A run that never
#   reaches the target counts as the budget, which can only make the effect look
#   smaller.
# * **Claim 3** (smaller is faster): effect = log₁₀ (steps for η = 0.3 / steps for
#   η = 0.1): the claim predicts that the *larger* η needs more steps, so positive;
#   margin 0.18.
# * **Claim 4** (too small → overfitting): effect = the gap (validation loss minus
#   training loss) for η = 0.01 minus the gap for η = 0.3, both read when the training
#   loss first reached 0.3 (the lowest level η = 0.01 reaches within the budget);
#   positive predicted; margin 0.03 nats of validation loss (a tenth of the typical
#   gap). Seeds where η = 0.01 does not reach 0.3 drop out of the pairs.
# * **Claim 5** (too large → overfitting): effect = gap for η = 1 minus gap for η = 0.1
#   at training loss 0.1; positive predicted; margin 0.03.

N_SMALL, WIDTH, BATCH = 200, 128, 20
ETAS = (0.01, 0.1, 0.3, 1.0, 3.0) if FAST else (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0,
                                                3.0)
BUDGET = 400 if FAST else 3000                    # steps per run
MEMORISED = 0.005                                 # a run stops early at this training loss
TARGET = 0.3                                      # the fixed-target view
LEVELS = (1.0, 0.3) if FAST else (0.3, 0.1, 0.03)  # matched training losses
CHECKPOINTS = [k for k in (10, 20, 50, 100, 200, 500, 1000, 2000, 3000) if k <= BUDGET]


def at_train_loss(train_loss, other, level):
    """``other`` (e.g. the validation loss) when the training loss first reached ``level``.

    Interpolated linearly in log training loss between the two epochs around the
    crossing; nan when the run never got there.
    """
    k = np.flatnonzero(train_loss <= level)
    if not k.size:
        return np.nan
    k = max(int(k[0]), 1)
    x = np.log(train_loss[k - 1:k + 1][::-1])            # increasing, for np.interp
    return float(np.interp(np.log(level), x, other[k - 1:k + 1][::-1]))


def small_data_run(eta, seed):
    """Train [64, 128, 10] on the seed's 200 images for the budget; return the metrics."""
    rows = resample(len(X_train), N_SMALL, seed)          # this seed's training images
    X_fit, y_fit = X_train[rows], y_train[rows]
    model = nn.MLP([64, WIDTH, 10])                       # seeded by run_experiment
    optimizer = SGD(model.parameters(), lr=eta)
    loader = DataLoader(X_fit, y_fit, batch_size=BATCH, seed=seed)
    curve, peak, steps = [], 0.0, 0                 # rows: steps, train loss/acc, val

    def measure():
        train_loss, train_acc = evaluate(model, loss_fn, (X_fit, y_fit), accuracy)
        val_loss, val_acc = evaluate(model, loss_fn, (X_val, y_val), accuracy)
        curve.append((steps, train_loss, train_acc, val_loss, val_acc))

    measure()
    while steps < BUDGET and curve[-1][1] > MEMORISED:
        history = fit(model, loss_fn, optimizer, loader, epochs=1, progress=False)
        steps += len(history.step_loss)
        peak = max(peak, *history.step_loss)
        if history.diverged:
            break
        measure()
    steps_, train, train_acc, val, val_acc = np.array(curve).T
    with minigrad.no_grad():                              # units never active: dead
        hidden = model[0](minigrad.tensor(X_fit)).detach().numpy()
    reached = np.flatnonzero(train <= TARGET)
    out = {"final_train": train[-1] if not history.diverged else np.inf,
           "final_train_acc": train_acc[-1], "best_val": np.nanmin(val),
           "train_at_best_val": train[np.nanargmin(val)],
           "peak_step_loss": peak, "dead": float(np.mean((hidden <= 0).all(axis=0))),
           "steps_to_target": steps_[reached[0]] if reached.size else np.nan}
    for level in LEVELS:
        out[f"gap@{level}"] = at_train_loss(train, val, level) - level
        out[f"val_acc@{level}"] = at_train_loss(train, val_acc, level)
    for k in CHECKPOINTS:                                 # the curve, for the plot
        i = np.searchsorted(steps_, k)
        out[f"train@{k}"] = train[i] if i < len(train) else MEMORISED if (
            train[-1] <= MEMORISED) else np.nan
    return out


small = experiment(small_data_run, grid(eta=ETAS), seeds=N_SEEDS_SMALL)


def cell(metric, eta):
    return small.values(metric, eta=eta)


print(f"fixed budget ({BUDGET} steps) and fixed target (steps until training loss ≤ "
      f"{TARGET}); mean [95% t interval] over {N_SEEDS_SMALL} seeds")
print(f"{'η':>6}  {'training loss at end':>24}  {'best validation loss':>24}  "
      f"{'steps to target':>12}")
for eta in ETAS:
    steps = cell("steps_to_target", eta)
    reached = np.isfinite(steps).sum()
    print(f"{eta:>6g}  {format(summarize(cell('final_train', eta)), '.3f'):>24}  "
          f"{format(summarize(cell('best_val', eta)), '.3f'):>24}  "
          + (f"{np.nanmean(steps):>7.0f} ({reached}/{N_SEEDS_SMALL} seeds)" if reached
             else f"   > {BUDGET} (0/{N_SEEDS_SMALL})"))
memorised = small.metrics["final_train"] <= MEMORISED
print(f"{memorised.sum()} runs stopped early at training loss {MEMORISED}; they reached "
      f"their best validation loss at training loss ≥ "
      f"{small.metrics['train_at_best_val'][memorised].min():.3f}")

# For each seed: the largest η that trains, and the η with the best validation loss.
final = np.array([cell("final_train", eta) for eta in ETAS])          # η × seeds
best_val = np.array([cell("best_val", eta) for eta in ETAS])
trains = np.nan_to_num(final, nan=np.inf) < CHANCE / 2
largest_training = [float(max(np.array(ETAS)[trains[:, k]], default=np.nan))
                    for k in range(N_SEEDS_SMALL)]
best_val_eta = [ETAS[int(np.nanargmin(best_val[:, k]))] for k in range(N_SEEDS_SMALL)]
print(f"largest η that halves the training loss, per seed: {largest_training}; "
      f"geometric mean {log_eta(largest_training)}")
print(f"η with the best validation loss, per seed:          {best_val_eta}; "
      f"geometric mean {log_eta(best_val_eta)}")

# %%
# The verdicts of claims 1–3 follow from the rules stated before the experiment.

colors = dict(zip(ETAS, plt.get_cmap("viridis")(np.linspace(0, 0.95, len(ETAS)))))
fig, axes = plt.subplots(1, 2, figsize=(7.3, 3.4), layout="constrained")
for eta in ETAS:
    mean_ci = [summarize(cell(f"train@{k}", eta)) for k in CHECKPOINTS]
    mean = np.array([s.mean for s in mean_ci])
    axes[0].plot(CHECKPOINTS, mean, "o-", ms=3, color=colors[eta], label=f"{eta:g}")
    axes[0].fill_between(CHECKPOINTS, [s.low for s in mean_ci], [s.high for s in mean_ci],
                         color=colors[eta], alpha=0.25, lw=0)
axes[0].axhline(CHANCE, color="k", ls=":", lw=1)
axes[0].axhline(TARGET, color="tab:red", ls="--", lw=1)
axes[0].set(xscale="log", yscale="log", xlabel="step", ylabel="training loss (200 images)",
            title="Fixed target: steps to reach 0.3 (red)")
axes[0].legend(title="η", fontsize=8, title_fontsize=8, ncols=2)
for metric, marker, label in (("final_train", "s", f"final training loss (stop: {MEMORISED})"),
                              ("best_val", "o", "best validation loss in the budget")):
    s = [summarize(cell(metric, eta)) for eta in ETAS]
    mean = np.array([v.mean for v in s])
    axes[1].errorbar(ETAS, mean, [mean - [v.low for v in s], [v.high for v in s] - mean],
                     fmt=marker + "-", ms=4, capsize=3, label=label)
axes[1].axhline(CHANCE, color="k", ls=":", lw=1, label="ln 10 (chance)")
axes[1].set(xscale="log", yscale="log", xlabel="learning rate η", ylabel="loss",
            title=f"Fixed budget: {BUDGET} steps")
axes[1].legend(fontsize=8)
for ax in axes:
    ax.grid(alpha=0.3)
fig.suptitle(f"SGD on 200 digits: mean and 95% interval over {N_SEEDS_SMALL} seeds",
             fontsize=10)
plt.show()

# %%
# Left: the larger η, the sooner the loss falls — up to η = 0.3. At η = 1 the curve is
# no faster and spreads between seeds; at η = 3 the loss jumps up in the first steps and
# then sits on the dotted line ln 10 ≈ 2.30, the loss of a network that predicts 1/10
# for every class: the first huge steps push every hidden unit's input below zero on
# every image, and a ReLU unit that is never active gets no gradient again — it is
# *dead* (the printout below counts them). "Converging badly" (收敛不良) takes this form
# in a ReLU network, rather than a loss growing to infinity.
#
# Right, the fixed budget: the whole "too small" range of the articles, η = 0.001 to
# 0.01, ends the budget above the best validation loss that η = 0.03 to 1 reach — far
# above it for 0.001 and 0.003. That is what "does not converge" means in practice:
# gradient descent with a small η walks the same path as with a larger one, only in
# shorter steps (on the left, the curves of the small η are copies of each other
# shifted along the log-step axis by the factor their η differ), so a finite budget
# runs out first. From η = 0.03 to 1 the best validation loss is about the same; the
# largest η that trains and the η with the best validation loss (printed below the
# table) are not the same η, and the second varies from seed to seed.

print(f"η = 3: largest step loss {summarize(cell('peak_step_loss', 3.0)):.3g}, "
      f"training accuracy {summarize(cell('final_train_acc', 3.0)):.2f}, dead hidden "
      f"units {summarize(cell('dead', 3.0)):.2f}")
print("dead hidden units at the end: " + ", ".join(
    f"η={eta:g}: {np.mean(cell('dead', eta)):.0%}" for eta in ETAS))

budget_steps = lambda eta: np.nan_to_num(cell("steps_to_target", eta), nan=BUDGET)  # noqa: E731
judge("1. Too large η fails to converge (000 §2, 002 §3.2, 003 §1, 004 §2.2)",
      "final training loss, η=3 − η=0.3",
      small.difference("final_train", {"eta": 3.0}, {"eta": 0.3}), 0.1)
if 0.01 in ETAS:
    judge("2. Too small η is slow (all five articles)",
          f"log₁₀ steps to training loss {TARGET}, η=0.01 / η=0.1",
          summarize(np.log10(budget_steps(0.01) / budget_steps(0.1))), np.log10(1.5))
judge("3. A smaller η converges faster (000 §6 Q&A)",
      f"log₁₀ steps to training loss {TARGET}, η=0.3 / η=0.1",
      summarize(np.log10(budget_steps(0.3) / budget_steps(0.1))), np.log10(1.5))

# %%
# Claims 4 and 5: overfitting at matched training loss
# ----------------------------------------------------
#
# Overfitting is a *gap*: the model is better on the data it trained on than on new
# data. The gap grows as training goes on, whatever η is, so comparing different η after
# the same number of steps compares models that have fitted their data to different
# degrees. The fair comparison is at **matched training loss**: the gap (validation loss
# minus training loss) at the moment each run's training loss first reached 0.3, 0.1 and
# 0.03 (interpolated between epochs), from the runs above.
#
# (The rules for claims 4 and 5 were stated before the experiment.)

print(f"gap = validation loss − training loss at matched training loss, "
      f"mean [95% interval] ({N_SEEDS_SMALL} seeds; n = runs that reached the level)")
for level in LEVELS:
    print(f"  training loss {level}:")
    for eta in ETAS:
        s = summarize(cell(f"gap@{level}", eta))
        if s.n:
            print(f"    η = {eta:<6g} gap {s:.3f}  val acc "
                  f"{summarize(cell(f'val_acc@{level}', eta)):.3f}  n = {s.n}")

fig, axes = plt.subplots(1, 2, figsize=(7.3, 3.2), layout="constrained")
for ax, key, ylabel in ((axes[0], "gap", "val loss − train loss"),
                        (axes[1], "val_acc", "validation accuracy")):
    for k, level in enumerate(LEVELS):
        s = [summarize(cell(f"{key}@{level}", eta)) for eta in ETAS]
        ok = np.array([v.n > 1 for v in s])
        mean = np.array([v.mean for v in s])[ok]
        err = [mean - np.array([v.low for v in s])[ok],
               np.array([v.high for v in s])[ok] - mean]
        x = np.array(ETAS)[ok] * 1.12 ** (k - 1)          # side by side
        ax.errorbar(x, mean, err, fmt="o-", ms=4, capsize=3, label=f"train loss {level}")
    ax.set(xscale="log", xlabel="learning rate η", ylabel=ylabel)
    ax.grid(alpha=0.3)
axes[0].set_title("Gap at matched training loss")
axes[1].set_title("Accuracy at matched training loss")
axes[0].legend(fontsize=8)
plt.show()

# %%
# Each point is the mean over the seeds that reached that training loss, with its 95 %
# interval. Read along one colour: from η = 0.01 to 0.3 the gap at the same training
# loss hardly changes with η, and it grows from colour to colour — as the training
# loss falls, whatever η brought it there. With a small η the path is the same as with
# a larger one, only slower, so it does not "get stuck in a local optimum" that a
# larger η avoids. The exception is η = 1, the largest η that trains: its violent first
# steps kill about half of its hidden units (the dead-unit printout above), and early in
# training its gap is larger and varies more from seed to seed; the difference shrinks
# as training goes on. η = 3, which never fits its training data at all, *underfits*:
# the opposite of overfitting.

if 0.01 in ETAS:
    judge("4. Too small η causes overfitting (000 §2, §6 Q&A)",
          f"gap at training loss {LEVELS[-2] if FAST else 0.3}, η=0.01 − η=0.3",
          small.difference(f"gap@{LEVELS[-2] if FAST else 0.3}", {"eta": 0.01},
                           {"eta": 0.3}), 0.03)
judge("5. Too large η causes overfitting (001 §2.1, §3.3, Q1)",
      f"gap at training loss {LEVELS[-1] if FAST else 0.1}, η=1 − η=0.1",
      small.difference(f"gap@{LEVELS[-1] if FAST else 0.1}", {"eta": 1.0},
                       {"eta": 0.1}), 0.03)

# %%
# Claim 6: do more complex models need a smaller η?
# -------------------------------------------------
#
# Article 000 §3: "模型复杂性：更复杂的模型通常需要较小的学习率" (*more complex models usually
# need a smaller learning rate*), where §2 defines model complexity (模型复杂性) as the
# number of parameters; article 001 §2.2 and Q3 say the same of "deep neural networks".
# A model gets more parameters by growing **wider** or **deeper**, and the two need not
# behave alike. Each run trains one model on its seed's 128 training images with
# full-batch gradient descent for 100 steps, for η from 1/8 to 16 in factors of 2.
# From each seed's row of runs we read two numbers: the **largest η that trains** (the
# largest whose training loss ends below half the starting loss ln 10) and the **best η**
# (the lowest validation loss at the end). Widths 8 and 512 (one hidden layer),
# depths 1, 2, 4 and 8 hidden layers of 32 units, on the raw pixels in [0, 1] and on
# *standardised* pixels (each pixel minus its mean, divided by its standard deviation
# plus 0.05, so the almost-constant border pixels are not blown up).
#
# The rule: effect = log₂ (largest η that trains for the simplest model / the same for
# the more complex one): positive means the complex model needs the smaller η; margin
# 1, a factor of 2. The margin is one step of the grid on purpose: when every seed
# puts the two models' limits in the same cell, the interval is zero wide at 0, but the
# true ratio can still be anything below a factor 2 — so a smaller effect could not be
# told from none, and a factor 2 is about what people change η by when they re-tune.
# Width: 8 against 512. Depth: 1 against the
# deepest network that trains at some η in every seed — a network that trains at *no*
# η needs something other than a smaller η, so it cannot be used as evidence either
# way, and it is reported separately (this was the old ``falls()``'s mistake: it
# counted such a network as "largest η = 0").

N_SWEEP, STEPS_SWEEP = 128, (30 if FAST else 100)
GRID_MARGIN = 1.0                       # log₂ units: a factor 2, one step of the η grid
SWEEP_ETAS = tuple(2.0 ** np.arange(-3, 5))
MODELS = {"width 8": (64, 8, 10), "width 512": (64, 512, 10),
          "depth 1": (64, 32, 10), "depth 2": (64, 32, 32, 10),
          "depth 4": (64, 32, 32, 32, 32, 10), "depth 8": (64,) + (32,) * 8 + (10,)}
if FAST:
    MODELS = {k: MODELS[k] for k in ("width 8", "width 512", "depth 1", "depth 4")}
mean_pixel, std_pixel = X_train.mean(axis=0), X_train.std(axis=0)
INPUTS = {"raw": lambda A: A,
          "standardised": lambda A: ((A - mean_pixel) / (std_pixel + 0.05)).astype(
              np.float32)}


def full_batch_run(model, inputs, eta, seed, n=N_SWEEP, steps=STEPS_SWEEP, batch=None):
    """Train MODELS[model] on the seed's n images; final training and validation loss."""
    rows = resample(len(X_train), n, seed)
    scale = INPUTS[inputs]
    X_fit, y_fit = scale(X_train[rows]), y_train[rows]
    net = nn.MLP(list(MODELS[model]) if model in MODELS else list(model))
    loader = DataLoader(X_fit, y_fit, batch_size=batch or n, seed=seed)
    history = fit(net, loss_fn, SGD(net.parameters(), lr=eta), loader,
                  epochs=-(-steps // len(loader)), progress=False)
    if history.diverged:
        return {"train": np.inf, "val": np.inf}
    return {"train": evaluate(net, loss_fn, (X_fit, y_fit))[0],
            "val": evaluate(net, loss_fn, (scale(X_val), y_val))[0]}


def eta_profile(result, **fixed):
    """Per seed: (largest η that trains or nan, η with the lowest validation loss)."""
    train = np.array([result.values("train", eta=e, **fixed) for e in SWEEP_ETAS])
    val = np.array([result.values("val", eta=e, **fixed) for e in SWEEP_ETAS])
    ok = np.nan_to_num(train, nan=np.inf) < CHANCE / 2
    largest = [max(np.array(SWEEP_ETAS)[ok[:, k]], default=np.nan)
               for k in range(train.shape[1])]
    val = np.nan_to_num(val, nan=np.inf, posinf=np.inf)
    best = [SWEEP_ETAS[int(np.argmin(val[:, k]))] for k in range(val.shape[1])]
    return np.array(largest), np.array(best)


complexity = experiment(full_batch_run, grid(model=list(MODELS), inputs=list(INPUTS),
                                             eta=SWEEP_ETAS))
profiles = {(m, i): eta_profile(complexity, model=m, inputs=i)
            for i in INPUTS for m in MODELS}
print(f"per model: largest η that trains / η with the best validation loss "
      f"(geometric mean [95% interval] over {N_SEEDS} seeds; '—' = trains at no η)")
for (m, i), (largest, best) in profiles.items():
    n_ok = np.isfinite(largest).sum()
    print(f"  {i:>12} {m:<9}: largest "
          + (f"{log_eta(largest[np.isfinite(largest)]):<22}" if n_ok else f"{'—':<22}")
          + f" ({n_ok}/{N_SEEDS} seeds train)   best {log_eta(best)}")

fig, axes = plt.subplots(1, 2, figsize=(7.3, 3.3), layout="constrained", sharey=True)
for ax, inputs in zip(axes, INPUTS):
    for kind, marker in (("largest", "s"), ("best", "o")):
        for j, m in enumerate(MODELS):
            values = profiles[m, inputs][0 if kind == "largest" else 1]
            values = values[np.isfinite(values)]
            if len(values) < 2:
                ax.plot(j, 2.0 ** -4.5, "x", color="tab:red", ms=8, mew=2,
                        label="trains at no η" if m == "depth 8" else None)
                continue
            s = summarize(np.log2(values))
            ax.errorbar(j + (0.12 if kind == "best" else -0.12), 2 ** s.mean,
                        [[2 ** s.mean - 2 ** s.low], [2 ** s.high - 2 ** s.mean]],
                        fmt=marker, ms=5, capsize=3,
                        color="tab:blue" if kind == "largest" else "tab:orange",
                        label=(("largest η that trains" if kind == "largest"
                                else "best-validation η") if j == 0 else None))
    ax.set_xticks(range(len(MODELS)), list(MODELS), rotation=45, ha="right")
    ax.set(yscale="log", title=f"{inputs} pixels")
    ax.grid(alpha=0.3)
axes[0].set_ylabel(f"η (after {STEPS_SWEEP} full-batch steps)")
axes[1].legend(fontsize=8)
plt.show()


def complexity_effect(simple, complex_, inputs):
    """log₂(largest η of simple / of complex), seed by seed."""
    a, b = profiles[simple, inputs][0], profiles[complex_, inputs][0]
    return summarize(np.log2(a / b))


decisions = []
for inputs in INPUTS:
    widest = max((m for m in MODELS if m.startswith("width")), key=lambda m: MODELS[m][1])
    decisions.append(judge(f"6a. Wider models need a smaller η ({inputs} pixels)",
                           f"log₂ largest η, width 8 / {widest}",
                           complexity_effect("width 8", widest, inputs), GRID_MARGIN))
    trainable = [m for m in MODELS if m.startswith("depth")
                 and np.isfinite(profiles[m, inputs][0]).all()]
    untrainable = [m for m in MODELS if m.startswith("depth") and m not in trainable]
    print(f"  ({inputs}: {', '.join(untrainable) or 'no network'} trains at no η in some "
          f"seed: left out)")
    if len(trainable) > 1:
        decisions.append(judge(f"6b. Deeper models need a smaller η ({inputs} pixels)",
                               f"log₂ largest η, depth 1 / {trainable[-1]}",
                               complexity_effect("depth 1", trainable[-1], inputs),
                               GRID_MARGIN))

# %%
# Blue squares: the largest η that trains; orange circles: the η that gives the best
# validation loss after the same steps — usually a good deal smaller than the largest
# that trains, and more variable. **Width** does not lower the largest η; if anything
# the widest network tolerates a larger one (the effect's sign is negative), though not
# by a factor 2 that the margin asks for. (One reason: with PyTorch's initialisation a
# layer with n inputs starts with weights in $U(-1/\sqrt{n}, 1/\sqrt{n})$, so the
# output layer of a wider network starts with smaller weights.) **Depth** lowers it,
# over the networks that train at all; the deepest ones train at no η in 100 steps.
# That failure is not η's fault: with PyTorch's default initialisation each ReLU layer
# shrinks the signal, so a deep network starts out nearly constant, with tiny gradients;
# it needs another initialisation (Kaiming's) or normalisation layers, not a smaller η.
# On raw pixels only depths 1 and 2 train at all, so the depth comparison there rests
# on a single extra layer (its verdict is printed above, and in the final table).
#
# **Input scale** (left vs right): standardising the pixels — a change of the data, not
# of the model — moves both the largest and the best η (article 001 Q4, "the data's
# distribution decides η"; :lesson:`03` shows why: it changes the curvature λ_max).
# So "more complex → smaller η" holds for depth (where enough depths train to see it)
# and not for width, and the numbers move with the input scaling: a reason to re-tune η
# whenever the model or the data pipeline changes, rather than a rule.
#
# Claim 7: does more data need a smaller η?
# -----------------------------------------
#
# Article 000 §3: "数据规模：数据规模较大的问题通常需要较小的学习率" (*problems with more
# data usually need a smaller learning rate*). We train the [64, 32, 10] network with
# mini-batches of 32 on N = 64, 256 or 1,024 training images (each seed its own), for
# η from 1/8 to 16, in two ways, since "the same training" can mean either: **equal
# steps** (96 steps for every N: 48 epochs of 64 images, 3 epochs of 1,024) and **equal
# epochs** (24 epochs: 48 steps for N = 64, 768 for N = 1,024). The rule: effect =
# log₂ (largest η that trains at N = 64 / at N = 1,024), positive predicted, margin 1
# (a factor 2, as for claim 6).

SIZES = (64, 1024) if FAST else (64, 256, 1024)


def data_size_run(n, view, eta, seed):
    """[64, 32, 10], batch 32, on the seed's n images: equal steps or equal epochs."""
    steps = 96 if view == "equal steps" else 24 * n // 32
    return full_batch_run((64, 32, 10), "raw", eta, seed, n=n, steps=steps // 2 if FAST
                          else steps, batch=32)


data_size = experiment(data_size_run, grid(n=SIZES, view=["equal steps", "equal epochs"],
                                           eta=SWEEP_ETAS))
data_profiles = {(n, v): eta_profile(data_size, n=n, view=v)
                 for v in ("equal steps", "equal epochs") for n in SIZES}
for (n, v), (largest, best) in data_profiles.items():
    print(f"  {v:>12}, N = {n:>4}: largest η that trains {log_eta(largest)}   best "
          f"{log_eta(best)}")

fig, ax = plt.subplots(figsize=(5.0, 3.2), layout="constrained")
for k, (v, color) in enumerate((("equal steps", "tab:blue"), ("equal epochs", "tab:green"))):
    for kind, marker in ((0, "s"), (1, "o")):
        s = [summarize(np.log2(data_profiles[n, v][kind])) for n in SIZES]
        x = np.array(SIZES) * 1.08 ** (2 * k + kind - 1.5)
        mean = np.array([2 ** q.mean for q in s])
        ax.errorbar(x, mean, [mean - [2 ** q.low for q in s], [2 ** q.high for q in s] - mean],
                    fmt=marker + "-", color=color, ms=5, capsize=3, alpha=1 if kind == 0
                    else 0.6, label=f"{v}: {'largest η that trains' if kind == 0 else 'best η'}")
ax.set(xscale="log", yscale="log", xlabel="training images N", ylabel="η",
       title="More data, batch 32: which η?")
ax.set_xticks(SIZES, [str(n) for n in SIZES])
ax.grid(alpha=0.3)
ax.legend(fontsize=8)
plt.show()

for v in ("equal steps", "equal epochs"):
    judge(f"7. More data needs a smaller η (000 §3), {v}",
          f"log₂ largest η, N={SIZES[0]} / N={SIZES[-1]}",
          summarize(np.log2(data_profiles[SIZES[0], v][0] / data_profiles[SIZES[-1], v][0])),
          GRID_MARGIN)

# %%
# With the batch size fixed, each step sees 32 images whatever N is, and the loss is
# their *mean* (``reduction="mean"``, the default of
# :class:`~minigrad.nn.CrossEntropyLoss`, as in PyTorch), so neither the gradient's
# size nor the curvature grows with N: the largest η that trains does not fall with N.
# The claim would hold for a loss *summed* over the data: then the gradient is N times
# the mean's, and η must be N times smaller for the same step — a matter of how the loss
# is written, not of how much data there is. (What the batch size does to η is the
# subject of :lesson:`03b`.)
#
# Claim 8: does Adam adjust the learning rate automatically?
# ----------------------------------------------------------
#
# Article 000 §6 (Q&A): Adam "可以根据梯度变化自动调整学习率" (*adjusts the learning rate
# automatically according to the gradients*), and 001 §3.2 and Q5:
# "Adam和RMSprop等优化算法可以自动调整学习率值" (*optimizers such as Adam and RMSprop can
# adjust the learning-rate value automatically*). Adam's update (article 000 §3,
# :lesson:`06`) is
#
# .. math::
#
#    \theta_{t+1} = \theta_t - \eta\, \hat{m}_t \frac{1}{\sqrt{\hat{v}_t} + \epsilon}
#
# — η is still there, multiplying everything. If Adam chose η itself, its result would
# not depend on the η we pass. We train the [64, 64, 10] network on each seed's 1,000
# training images (batch 64) with SGD and with Adam, for η from 10⁻⁵ to 10 in half
# decades, and score each on the validation images after 2 and after 10 epochs — the
# budget moves the lower edge of every window, so we show two.
#
# The rule: effect = Adam's validation accuracy at its best η minus its accuracy one
# decade away (the worse of ×10 and ÷10), seed by seed. The claim predicts *no* effect;
# margin 0.05 (5 points of accuracy).

SWEEP_ADAM = tuple(np.logspace(-4, 1, 6)) if FAST else tuple(np.logspace(-5, 1, 13))
EPOCHS_ADAM = (1, 2) if FAST else (2, 10)


def optimizer_run(name, eta, seed):
    """[64, 64, 10] with SGD or Adam on the seed's 1,000 images; val acc per budget."""
    rows = resample(len(X_train), 1000, seed)
    model = nn.MLP([64, 64, 10])
    optimizer = {"SGD": SGD, "Adam": Adam}[name](model.parameters(), lr=eta)
    history = fit(model, loss_fn, optimizer, (X_train[rows], y_train[rows]),
                  epochs=EPOCHS_ADAM[-1], batch_size=64, seed=seed, val_data=(X_val, y_val),
                  metric=accuracy, progress=False)
    acc = history.val_metric + [0.0] * (EPOCHS_ADAM[-1] - len(history.val_metric))
    return {f"acc@{e}": acc[e - 1] for e in EPOCHS_ADAM}   # diverged: scored 0


optimizers = experiment(optimizer_run, grid(name=["SGD", "Adam"], eta=SWEEP_ADAM))

fig, axes = plt.subplots(1, 2, figsize=(7.3, 3.2), layout="constrained", sharey=True)
window = {}
for ax, epochs in zip(axes, EPOCHS_ADAM):
    for name, color in (("SGD", "tab:blue"), ("Adam", "tab:orange")):
        acc = np.array([optimizers.values(f"acc@{epochs}", name=name, eta=e)
                        for e in SWEEP_ADAM])                           # η × seeds
        s = [summarize(a) for a in acc]
        mean = np.array([v.mean for v in s])
        ax.errorbar(SWEEP_ADAM, mean, [mean - [v.low for v in s], [v.high for v in s] - mean],
                    fmt="o-", ms=4, capsize=3, color=color, label=name)
        decades = (acc >= 0.5).sum(axis=0) * np.log10(SWEEP_ADAM[1] / SWEEP_ADAM[0])
        window[name, epochs] = (summarize(decades), acc)
    ax.axhline(0.5, color="k", ls=":", lw=1)
    ax.set(xscale="log", xlabel="learning rate η", title=f"{epochs} epoch(s)")
    ax.grid(alpha=0.3)
axes[0].set_ylabel("validation accuracy")
axes[0].legend(fontsize=8)
plt.show()

print("width of the window where validation accuracy ≥ 0.5, in decades of η "
      "(mean [95% interval]):")
for (name, epochs), (s, acc) in window.items():
    best = np.array(SWEEP_ADAM)[np.argmax(acc, axis=0)]
    print(f"  {name:>4}, {epochs:>2} epochs: {s:.2g}   best η per seed "
          f"{', '.join(f'{b:.0e}' for b in best)}")
adam_acc = window["Adam", EPOCHS_ADAM[-1]][1]
step = 2 if not FAST else 1                      # one decade on the grid
drops = []
for k in range(N_SEEDS):
    i = int(np.argmax(adam_acc[:, k]))
    neighbours = [adam_acc[j, k] for j in (i - step, i + step) if 0 <= j < len(SWEEP_ADAM)]
    drops.append(adam_acc[i, k] - min(neighbours))
judge("8. Adam adjusts the learning rate automatically (000 §6, 001 §3.2, Q5)",
      f"Adam's val accuracy at its best η − one decade away, {EPOCHS_ADAM[-1]} epochs",
      summarize(drops), 0.05, predicts="no effect")
sgd_s, adam_s = window["SGD", EPOCHS_ADAM[-1]][0], window["Adam", EPOCHS_ADAM[-1]][0]
print(f"window width Adam − SGD after {EPOCHS_ADAM[-1]} epochs: "
      f"{summarize(np.array(adam_s.values) - np.array(sgd_s.values)):+.2g} decades")

# %%
# Both curves are hills, with error bars narrow enough to see that the hills are real.
# Adam's window of good η is wider than SGD's and sits lower (the printout gives the
# widths with their intervals), and it reaches a higher accuracy — so Adam *is* less
# sensitive to η than plain SGD here. But it is not insensitive: a decade away from its
# best η it loses far more than the margin, below its window it hardly moves, and well
# above it fails. Compare the two panels: with a longer budget every window widens at
# its lower edge, since a small η only needs more steps — a window's width depends on
# the budget it was measured with.
#
# What Adam adapts is the *relative* step of each coordinate — it divides by
# $\sqrt{\hat v_t}$, so coordinates with large and small gradients move alike — not
# the overall η, which we still have to choose (and which a schedule, :lesson:`07`, can
# still usefully change). "Adjusts the learning rate automatically" overstates it.
#
# The verdicts
# ------------
#
# Each row: the claim and where the articles make it, the effect measured and its
# margin, the mean effect with its 95 % interval, and the verdict the rule gave.

HEADER = ("claim (article §)", "effect (margin)", "mean [95% interval]", "verdict")
TEXT_WIDTHS = (34, 34, 26, 13)               # characters per column in the printout


def text_table(rows, widths):
    """Rows of strings as a plain-text table, each cell wrapped to its column."""
    rule = "+".join("-" * (w + 2) for w in widths)
    out = [rule]
    for row in rows:
        cells = [textwrap.wrap(str(text), w) or [""] for text, w in zip(row, widths)]
        for k in range(max(map(len, cells))):
            out.append("|".join(f" {(c[k] if k < len(c) else ''):<{w}} "
                                for c, w in zip(cells, widths)))
        out.append(rule)
    return "\n".join(out)


print(text_table([HEADER, *VERDICTS], TEXT_WIDTHS))

FIGURE_WIDTHS = (30, 30, 22, 12)             # characters per column in the figure
cells = [[textwrap.fill(text, w) for text, w in zip(row, FIGURE_WIDTHS)] for row in VERDICTS]
n_lines = [1] + [max(c.count("\n") + 1 for c in row) for row in cells]   # header first
fig, ax = plt.subplots(figsize=(7.3, 0.4 + 0.16 * (sum(n_lines) + 0.8 * len(n_lines))))
fig.subplots_adjust(left=0.005, right=0.995, top=0.96, bottom=0.005)
ax.axis("off")
table = ax.table(cellText=cells, colLabels=HEADER, cellLoc="left", bbox=[0, 0, 1, 1],
                 colWidths=[(w + 3) / sum(w + 3 for w in FIGURE_WIDTHS)
                            for w in FIGURE_WIDTHS])
table.auto_set_font_size(False)
table.set_fontsize(7.5)
VERDICT_COLORS = {"supported": "#d9f2d9", "not supported": "#f8d7d7",
                  "contradicted": "#f2b8b8", "inconclusive": "#fff2cc"}
for (r, c), cell_ in table.get_celld().items():
    cell_.PAD = 0.02
    cell_.set_height(n_lines[r] + 0.8)       # relative; the bbox scales them to fit
    if r == 0:
        cell_.set_text_props(weight="bold")
        cell_.set_facecolor("0.9")
    elif c == 3:
        cell_.set_facecolor(VERDICT_COLORS[VERDICTS[r - 1][3]])
plt.show()

# %%
# Summary
# -------
#
# The table above is computed by this run; the text here only says how to read it.
#
# * Too large an η fails — in a ReLU network usually as a collapse to chance level (dead
#   units), not as a loss growing without bound.
# * Too small an η is slow, by about the factor it is small: it walks the same path in
#   more steps, so within any budget the articles' "too small" range (0.001–0.01) ends
#   far from the optimum — "does not converge" means "not within the budget". Smaller is
#   *not* faster (contrary to 000's Q&A).
# * Whether η causes overfitting is judged at matched training loss. A small η does not:
#   the gap follows the training loss, and a small η only sets how slowly it gets there.
#   At the other end, η = 1, the largest η that trains, kills many hidden units and can
#   leave a larger gap (claim 5's verdict says whether that effect clears its margin);
#   η = 3 does not overfit at all, it underfits.
# * "More complex → smaller η" depends on how the model grows (depth, not width) and on
#   the input scaling; "more data → smaller η" does not hold with a mean loss, with equal
#   steps or with equal epochs.
# * Adam does not choose η: it has a wider window than SGD's, at lower η, whose edges
#   move with the budget, and a decade off its best η costs accuracy.
#
# Questions to explore
# --------------------
#
# 1. Repeat claims 4–5 with batch size 200 (full-batch gradient descent). Does removing
#    the mini-batch noise change the gap at matched training loss?
# 2. Replace PyTorch's initialisation with Kaiming's
#    (:func:`minigrad.nn.init.kaiming_normal_` with ``nonlinearity="relu"``) in the
#    depth sweep. Do deep networks train now, and does the largest η still fall with
#    depth?
# 3. Give :class:`~minigrad.nn.CrossEntropyLoss` ``reduction="sum"`` in the data-size
#    sweep and check that the largest η now falls like 1/N.
# 4. Change a margin, or the number of seeds, and see which verdicts move from
#    "inconclusive" to a decision. Why must the margin be fixed before the experiment?
#
# Exercises, with hints and solutions
# -----------------------------------
#
# .. exercises:: 10
