r"""
The articles' claims about η, tested
====================================

The five source articles make many claims about the learning rate η (学习率): that too
large an η oscillates or diverges, that too small an η is slow, that either one causes
overfitting, that complex models and large data sets need a smaller η, and that Adam
sets η by itself. None of them shows an experiment. This lesson runs one for each claim
on the bundled digits, prints the numbers, and ends with a table of verdicts, each
stated only as strongly as its experiment supports. It follows article 000 §2, §3 and
§6, article 001 §2.1, §2.2, §3.3 and §6 (Q1–Q5), article 002 §3.2, article 003 §1 and
article 004 §2.2; the :doc:`/errata` page lists the same claims.
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
# divergence is one more result. This is the test it applies to every step's loss:
#
# .. literalinclude:: /../minigrad/train.py
#    :pyobject: _LossLimit.check
#
# The data are the 1,797 bundled 8×8 digits (:func:`minigrad.data.load_digits`, pixels
# in [0, 1]), split once into 1,347 training and 450 validation images. The models are
# :class:`minigrad.nn.MLP` networks with ReLU and PyTorch's default initialisation,
# trained with :class:`minigrad.nn.CrossEntropyLoss`. Every run is seeded.

import functools
import os
import textwrap
import warnings

import matplotlib.pyplot as plt
import numpy as np

import minigrad
from minigrad import nn
from minigrad.data import DataLoader, load_digits, train_val_test_split
from minigrad.lr_search import grid_search
from minigrad.optim import SGD, Adam
from minigrad.train import DivergenceWarning, accuracy, evaluate, fit

FAST = os.environ.get("MINIGRAD_FAST") == "1"
minigrad.manual_seed(0)
warnings.simplefilter("ignore", DivergenceWarning)   # divergence is a result here

# These networks multiply small matrices, where one BLAS thread is faster than several
# competing for a 2-core machine (up to 30× when the machine is busy). Undone at the end.
try:
    from threadpoolctl import threadpool_limits
    _one_blas_thread = threadpool_limits(1, "blas")
except ImportError:
    _one_blas_thread = None

X, y = load_digits()
(X_train, y_train), (X_val, y_val), _ = train_val_test_split(
    X, y, val_fraction=0.25, test_fraction=0.0, seed=0, stratify=True)
loss_fn = nn.CrossEntropyLoss()
CHANCE = float(np.log(10))          # the loss of predicting 1/10 for every class
print(f"training set {X_train.shape}, validation set {X_val.shape}; "
      f"chance-level loss ln 10 = {CHANCE:.3f}")

VERDICTS = []                       # (claim, experiment, numbers, verdict), filled below

# %%
# Claims 1–3: too large, too small, and which is faster
# -----------------------------------------------------
#
# *Too large* — 000 §2: "如果学习率过大，模型可能会跳过最优解，导致收敛不良" (*the model may
# jump over the optimum and converge badly*); 002 §3.2 "震荡或者跳出最优解"; 003 §1
# "震荡不收敛" (*oscillate and not converge*); 004 §2.2 "震荡或者穿越最小值".
#
# *Too small* — every article: 000 §2 "模型将很慢地学习" (*the model learns very
# slowly*), 001 §2.1 and Q2, 002 §3.2, 003 §1, 004 §2.2. Article 001 §2.1 adds the
# other side, "较大的学习率会使模型快速收敛" (*a larger η converges fast*).
#
# *Smaller is faster* — 000 §6 (Q&A): "较小的学习率可以提高模型的收敛速度和性能" (*a
# smaller learning rate can improve the convergence speed and the performance*), which
# contradicts its own §2.
#
# The experiment: a network with one hidden layer of 128 units, [64, 128, 10], trained
# on only 200 of the training images (so that it can memorise them — the same runs serve
# the overfitting claims next) in mini-batches of 20, with η = 0.1, 0.3, 1 and 3, three
# seeds each. A run stops when its loss on the 200 training images reaches 0.03 (η = 3
# never gets there; it runs 30 epochs). After each epoch we measure the loss and
# accuracy on the 200 training images and on the 450 validation images.

N_SMALL, WIDTH, BATCH = 200, 128, 20
ETAS = (0.1, 0.3, 1.0)
ETA_LARGE = 3.0
SEEDS = (0, 1) if FAST else (0, 1, 2)
TARGET = 0.3 if FAST else 0.03        # train until the training loss is this low
MAX_EPOCHS = 60 if FAST else 400
LARGE_EPOCHS = 8 if FAST else 30
X_small, y_small = X_train[:N_SMALL], y_train[:N_SMALL]


def train_small(eta, seed, target, max_epochs):
    """Train [64, 128, 10] on the 200 images; measure train and val after each epoch.

    Returns a dict of arrays: ``steps`` (steps done), ``train_loss``, ``train_acc``,
    ``val_loss``, ``val_acc`` (row 0 is before training), the per-step losses
    ``step_loss``, the fraction of ``dead`` hidden units at the end (never active on
    any training image) and whether ``fit`` flagged a divergence.
    """
    minigrad.manual_seed(seed)
    model = nn.MLP([64, WIDTH, 10])
    optimizer = SGD(model.parameters(), lr=eta)
    loader = DataLoader(X_small, y_small, batch_size=BATCH, seed=seed)
    rows, step_loss, diverged = [], [], False

    def measure(steps):
        train = evaluate(model, loss_fn, (X_small, y_small), accuracy)
        val = evaluate(model, loss_fn, (X_val, y_val), accuracy)
        rows.append((steps, *train, *val))
        return train[0]

    measure(0)
    for _ in range(max_epochs):
        history = fit(model, loss_fn, optimizer, loader, epochs=1, progress=False)
        step_loss += history.step_loss
        if history.diverged:
            diverged = True
            break
        if measure(len(step_loss)) <= target:
            break
    hidden = model[0](minigrad.tensor(X_small)).detach().numpy()  # pre-activations
    out = dict(zip(("steps", "train_loss", "train_acc", "val_loss", "val_acc"),
                   np.array(rows).T))
    return dict(out, step_loss=np.array(step_loss), diverged=diverged,
                dead=float(np.mean((hidden <= 0).all(axis=0))))


runs = {(eta, seed): train_small(eta, seed, TARGET, MAX_EPOCHS)
        for eta in ETAS for seed in SEEDS}
large = {seed: train_small(ETA_LARGE, seed, 0.0, LARGE_EPOCHS) for seed in SEEDS}


def steps_to(run, level):
    """Steps until the training loss (measured each epoch) is first ≤ level."""
    below = np.flatnonzero(run["train_loss"] <= level)
    return int(run["steps"][below[0]]) if below.size else None


LEVEL = 0.5 if FAST else 0.3
print(f"steps until the training loss is ≤ {LEVEL} (seeds {SEEDS}):")
steps_at = {}
for eta in ETAS:
    s = [steps_to(runs[eta, seed], LEVEL) for seed in SEEDS]
    steps_at[eta] = float(np.mean([np.nan if n is None else n for n in s]))
    print(f"  η = {eta:<4}: {s}   mean {steps_at[eta]:6.0f}   η × steps = "
          f"{eta * steps_at[eta]:5.1f}")
for seed, run in large.items():
    print(f"  η = {ETA_LARGE}: seed {seed}: largest loss {run['step_loss'].max():6.2f}, "
          f"last epoch's mean {run['train_loss'][-1]:.3f}, training accuracy "
          f"{run['train_acc'][-1]:.2f}, dead hidden units {run['dead']:.0%}, "
          f"fit diverged: {run['diverged']}")
print("dead hidden units at the end for the other η: " + ", ".join(
    f"η={eta}: {np.mean([runs[eta, s]['dead'] for s in SEEDS]):.0%}" for eta in ETAS))

fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
colors = {0.1: "tab:blue", 0.3: "tab:orange", 1.0: "tab:green", ETA_LARGE: "tab:red"}
for eta in (*ETAS, ETA_LARGE):
    run = runs[eta, 0] if eta in ETAS else large[0]
    t = np.arange(1, len(run["step_loss"]) + 1)
    for ax, scale in zip(axes, (1.0, eta)):
        ax.plot(scale * t, run["step_loss"], color=colors[eta], lw=0.6, alpha=0.35)
        ax.plot(scale * np.maximum(run["steps"], 1), run["train_loss"], color=colors[eta],
                lw=2, label=f"η = {eta:g}")
for ax, xlabel in zip(axes, ("step t", "η · t  (how far along the gradient-flow path)")):
    ax.axhline(CHANCE, color="k", ls=":", lw=1, label="ln 10 (chance)")
    ax.set_yscale("log")
    ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("training loss")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", title="thin: each batch; thick: all 200",
              title_fontsize="small")
axes[0].set_title("SGD on 200 digits, seed 0: loss per step")
axes[1].set_title("The same runs against η·t: small η only slows the path")
plt.show()

# %%
# Left (thick lines: the loss on all 200 training images after each epoch): the larger
# η, the sooner the loss falls — up to a point. At η = 3 the loss jumps *up* in the
# first steps and then sits on the dotted line ln 10 ≈ 2.30, the loss of a network that
# predicts 1/10 for every class. It does not keep oscillating around the optimum, nor
# grow to infinity (``fit``'s divergence check never fires): the first huge steps push
# every hidden unit's input below zero on every image, and a ReLU unit that is never
# active gets no gradient again — it is *dead* (the printout counts them: all of them).
# For gradient descent on a quadratic, η beyond $2/\lambda_{\max}$ diverges
# (:eq:`stability`); in this ReLU network, "converging badly" (收敛不良) takes the form
# of this collapse to chance. (The loss can also blow up until ``fit`` stops the run:
# the grey cells of the sweeps below, and Adam at η = 10.) η = 1 is on the edge: its
# loss spikes more than once, it kills about half of the hidden units, and it needs no
# fewer steps than η = 0.3.
#
# Right: the same curves against η·t. For η = 0.1 and 0.3 they lie on top of each
# other: with a small η, gradient descent follows (up to mini-batch noise) one path
# — the gradient flow $d\theta/ds = -\nabla J(\theta)$ at "time" $s = \eta t$ — and a
# smaller η just walks it with more, shorter steps; η = 1 leaves that path. So for the
# two smaller η, η × steps is about the same in the printout: cut η by 3 and you need
# about 3 times the steps. That is article 000 §2's "learns very slowly", and the
# opposite of its Q&A's "smaller is faster"; article 001 §2.1's "a larger η converges
# fast" holds until η nears the edge, where larger stops helping.

ends_at_chance = all(r["diverged"] or r["train_acc"][-1] < 0.2 for r in large.values())
slower_when_smaller = steps_at[ETAS[0]] > steps_at[ETAS[1]]    # the two smaller η
VERDICTS += [
    ("Too large η oscillates / diverges (000 §2, 002 §3.2, 003 §1, 004 §2.2)",
     f"SGD, 200 digits, η = {ETA_LARGE:g}, {len(SEEDS)} seeds; Adam/SGD sweep (claim 8)",
     f"η={ETA_LARGE:g}: loss jumps up to "
     f"{max(r['step_loss'].max() for r in large.values()):.0f}, then stays at "
     f"{np.mean([r['train_loss'][-1] for r in large.values()]):.2f} ≈ ln 10; "
     f"{np.mean([r['dead'] for r in large.values()]):.0%} of hidden units dead",
     "supported (here mostly a collapse to chance, not a loss → ∞)" if ends_at_chance
     else "partly (see the printout)"),
    ("Too small η is slow (all five articles)",
     f"steps until the training loss ≤ {LEVEL}, mean of {len(SEEDS)} seeds",
     ", ".join(f"η={e:g}: {steps_at[e]:.0f}" for e in ETAS)
     + f"; η × steps = {ETAS[0] * steps_at[ETAS[0]]:.0f} and "
       f"{ETAS[1] * steps_at[ETAS[1]]:.0f} for the two smaller η",
     "supported: steps ∝ 1/η, until η nears its limit" if slower_when_smaller
     else "not clear in this run"),
    ("A smaller η converges faster (000 §6 Q&A)",
     "the same runs",
     f"η={ETAS[0]:g} needs {steps_at[ETAS[0]] / steps_at[ETAS[1]]:.1f}× the steps of "
     f"η={ETAS[1]:g}",
     "not supported (the opposite)" if slower_when_smaller else "not clear in this run"),
]

# %%
# Claims 4 and 5: does η cause overfitting?
# -----------------------------------------
#
# Article 000 §2: "如果学习率过小，模型将很慢地学习，可能导致过拟合" (*if η is too small the
# model learns slowly, which may cause overfitting* — 过拟合), and its Q&A (§6)
# explains: "学习率过小可能导致模型在训练过程中陷入局部最优解，从而导致过拟合" (*…get
# stuck in a local optimum, and so overfit*); article 003 §1 also has a too-small η
# "甚至陷入局部最优" (*even stuck in a local optimum*). Article 001 says the opposite:
# §2.1 "较大的学习率会使模型快速收敛，但可能导致过拟合" (*a larger η converges fast but
# may overfit*), §3.3, and Q1 "学习率选择太大会导致过拟合" (*too large an η causes
# overfitting*: good on the training data, poor on new data). (001's Q2 only says too
# small an η is slow.)
#
# Overfitting is a *gap*: the model is better on the data it trained on than on new
# data. It grows as training goes on, whatever η is, so comparing different η after the
# same number of steps compares models that have fitted the data to different degrees.
# The fair comparison is at **matched training loss**: how large is the gap when each
# run has brought its training loss down to the same value? With 200 training images and
# 9,610 parameters, the network above can memorise its training set, so overfitting
# can happen. We read each run's validation loss and accuracy at the moment its training
# loss reached 0.3, 0.1 and 0.03 (interpolating between epochs in log loss).


def at_train_loss(run, level):
    """Validation loss and accuracy when the training loss first reached ``level``."""
    k = np.flatnonzero(run["train_loss"] <= level)
    if not k.size:
        return np.nan, np.nan
    k = max(int(k[0]), 1)
    x = np.log(run["train_loss"][k - 1:k + 1][::-1])      # increasing, for np.interp
    return tuple(float(np.interp(np.log(level), x, run[key][k - 1:k + 1][::-1]))
                 for key in ("val_loss", "val_acc"))


LEVELS = (0.5, 0.3) if FAST else (0.3, 0.1, 0.03)
gap = {}
print("at matched training loss: val loss − train loss, and val accuracy "
      f"(mean ± std over seeds {SEEDS})")
for level in LEVELS:
    for eta in ETAS:
        vl, va = np.array([at_train_loss(runs[eta, s], level) for s in SEEDS]).T
        gap[level, eta] = (vl - level, va)
        print(f"  train loss {level:<5} η = {eta:<4}: gap {np.mean(vl - level):.3f} ± "
              f"{np.std(vl - level):.3f}   val acc {np.mean(va):.3f} ± {np.std(va):.3f}"
              f"   (seeds: {', '.join(f'{g:.3f}' for g in vl - level)})")

fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
for k, eta in enumerate(ETAS):
    tl, vl, va = (np.concatenate([runs[eta, s][key] for s in SEEDS])
                  for key in ("train_loss", "val_loss", "val_acc"))
    axes[0].plot(tl, vl - tl, ".", color=colors[eta], ms=3, alpha=0.35)
    axes[1].plot(tl, va, ".", color=colors[eta], ms=3, alpha=0.35)
    for level in LEVELS:                    # mean ± std over seeds at matched loss
        shift = 1 + 0.06 * (k - 1)          # side by side, not on top of each other
        label = f"η = {eta:g}" if level == LEVELS[0] else None
        for ax, values in zip(axes, gap[level, eta]):
            ax.errorbar(level * shift, np.mean(values), np.std(values), fmt="o", ms=6,
                        capsize=3, color=colors[eta], mec="k", label=label)
for ax, ylabel in zip(axes, ("generalisation gap: val loss − train loss",
                             "validation accuracy")):
    for level in LEVELS:
        ax.axvline(level, color="0.6", ls=":", lw=1)
    ax.set_xscale("log")
    ax.set_xlim(1.5, 0.02)                  # training goes from left to right
    ax.set_xticks([1, 0.3, 0.1, 0.03], ["1", "0.3", "0.1", "0.03"])
    ax.set_xlabel("training loss (decreasing →)")
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", title=f"dots: each epoch, {len(SEEDS)} seeds\n"
              "circles: mean ± std at matched loss", title_fontsize="small")
axes[0].set_ylim(0, 0.35)
axes[1].set_ylim(0.6, 1.0)
axes[0].set_title("The gap grows as training goes on, for every η")
axes[1].set_title("Validation accuracy at the same training loss")
plt.show()

# %%
# Each dot is one epoch of one run, placed at that moment's training loss, so a
# vertical line compares the runs at matched training loss; the circles are the mean
# and spread over the seeds where each run crossed 0.3, 0.1 and 0.03. Left: the gap
# grows as the training loss falls — that is overfitting, and every run overfits — and
# the dots of all three η lie on one band. By the time the training set is memorised
# (training loss 0.03, training accuracy 99.5–100%) the gaps are the same within the
# seeds' spread, and so are the validation accuracies (right), about 93%.
#
# Claim 4 (too small → overfitting): the smallest η never has a larger gap than the
# others; at every matched loss its gap is the smallest, or equal to the others within
# the seeds' spread. With a small η the path is the same as with a larger one (the η·t
# figure above), only slower, so it cannot "get stuck in a local optimum" that a larger
# η avoids.
#
# Claim 5 (too large → overfitting): η = 1, the largest η that still trains, does have a
# larger gap early on (at training loss 0.3: the green circle, with a wide spread across
# seeds) — its violent first steps leave it with about half its hidden units dead (the
# first printout), and that costs it on the validation set first. But the difference is
# gone by the time the training data are fitted. And η = 3 does not fit the training
# data at all (training accuracy ≈ 10%): that is underfitting, not overfitting. What
# decides the gap is how far training goes, not the η that got it there.
#
# (Elsewhere, large η with small batches is reported to generalise slightly *better* —
# the mini-batch noise, which grows with η, keeps SGD out of sharp minima. Here the
# final differences are within the seeds' spread, so we claim neither direction.)
#
# The verdicts below are computed from these numbers: a gap counts as "clearly larger"
# when the means differ by more than twice their combined standard deviation.


def clearly_larger(eta_a, eta_b, level):
    """Is the mean gap of η_a larger than η_b's by more than twice their joint spread?"""
    a, b = gap[level, eta_a][0], gap[level, eta_b][0]
    return np.mean(a) - np.mean(b) > 2 * np.hypot(np.std(a), np.std(b))


small, big, last = ETAS[0], ETAS[-1], LEVELS[-1]
small_worse = [lv for lv in LEVELS if any(clearly_larger(small, e, lv) for e in ETAS[1:])]
big_worse = [lv for lv in LEVELS if any(clearly_larger(big, e, lv) for e in ETAS[:-1])]
print(f"levels where η={small:g} has a clearly larger gap: {small_worse or 'none'}; "
      f"where η={big:g} has: {big_worse or 'none'}")


def mean_sd(level, eta):
    return f"{np.mean(gap[level, eta][0]):.3f}±{np.std(gap[level, eta][0]):.3f}"


if not big_worse:
    big_verdict = "not supported: same gap; η too large underfits"
elif last not in big_worse:
    big_verdict = (f"mostly not: larger gap at η={big:g} early in training only; "
                   "too large η underfits")
else:
    big_verdict = f"partly: larger gap at η={big:g}"
VERDICTS += [
    ("Too small η causes overfitting / local optima (000 §2, §6 Q&A)",
     f"200 digits, {len(SEEDS)} seeds; val − train loss at matched train loss",
     f"at train loss {last}: " + ", ".join(f"η={e:g}: {mean_sd(last, e)}" for e in ETAS)
     + "; val acc " + ", ".join(f"{np.mean(gap[last, e][1]):.3f}" for e in ETAS),
     "not supported: no larger gap at small η" if not small_worse
     else f"partly: larger gap at train loss {small_worse}"),
    ("Too large η causes overfitting (001 §2.1, §3.3, Q1)",
     f"the same runs, and η = {ETA_LARGE:g}",
     f"at train loss {LEVELS[0]}: η={big:g} {mean_sd(LEVELS[0], big)} vs η={small:g} "
     f"{mean_sd(LEVELS[0], small)}; at {last}: see row 4; η={ETA_LARGE:g}: train acc "
     f"{np.mean([r['train_acc'][-1] for r in large.values()]):.2f}",
     big_verdict),
]

# %%
# Claim 6: do more complex models need a smaller η?
# -------------------------------------------------
#
# Article 000 §3: "模型复杂性：更复杂的模型通常需要较小的学习率" (*more complex models usually
# need a smaller learning rate*), where §2 defines model complexity (模型复杂性) as the
# number of parameters; article 001 §2.2 and Q3 say the same of "deep neural networks".
# A model gets more parameters by growing **wider** or **deeper**, and the two need not
# behave alike. We measure, for each model, the loss on its 128 training images after 60
# steps of full-batch gradient descent, for η from 1/4 to 32 in factors of 2, and call
# the largest η whose loss ends below 1.15 — half the starting loss, which is about
# ln 10 = 2.30 — the largest η that *trains*. Widths 8 to 512 (one hidden layer), depths 1
# to 8 hidden layers of 32 units. We do it twice: on the raw pixels in [0, 1], and on
# *standardised* pixels (each pixel minus its mean, divided by its standard deviation,
# plus 0.05 for the pixels at the border that are almost always 0), the usual input
# normalisation. The sweep runs through :func:`minigrad.lr_search.grid_search` (one
# trial per η, in this process); every η starts from the same initial weights.

N_SWEEP, STEPS_SWEEP = (128, 20) if FAST else (128, 60)
SWEEP_ETAS = 2.0 ** np.arange(-1, 4) if FAST else 2.0 ** np.arange(-2, 6)
mean, std = X_train.mean(axis=0), X_train.std(axis=0)
INPUTS = {"raw pixels": X_train,
          "standardised": ((X_train - mean) / (std + 0.05)).astype(np.float32)}


def loss_after(lr, sizes, X_fit, y_fit, steps, batch_size, seed=0):
    """Loss on (X_fit, y_fit) after ``steps`` SGD steps at ``lr``; nan if it diverged."""
    minigrad.manual_seed(seed)                    # same initial weights for every lr
    model = nn.MLP(sizes)
    loader = DataLoader(X_fit, y_fit, batch_size=batch_size, seed=seed)
    epochs = -(-steps // len(loader))
    history = fit(model, loss_fn, SGD(model.parameters(), lr=lr), loader,
                  epochs=epochs, progress=False)
    if history.diverged:
        return np.nan
    return evaluate(model, loss_fn, (X_fit, y_fit))[0]


def sweep(configs):
    """{row label: losses over SWEEP_ETAS} for {row label: loss_after's keywords}."""
    return {label: np.array([r.value for r in grid_search(
        functools.partial(loss_after, **kw), SWEEP_ETAS, n_jobs=1).results])
        for label, kw in configs.items()}


def largest_training_eta(losses, start):
    ok = np.flatnonzero(np.nan_to_num(losses, nan=np.inf) < start / 2)
    return float(SWEEP_ETAS[ok[-1]]) if ok.size else None


WIDTHS = (8, 128) if FAST else (8, 32, 128, 512)
DEPTHS = (1, 4) if FAST else (1, 2, 4, 8)
complexity = {}
for name, X_in in INPUTS.items():
    fit_data = dict(X_fit=X_in[:N_SWEEP], y_fit=y_train[:N_SWEEP], steps=STEPS_SWEEP,
                    batch_size=N_SWEEP)
    complexity[name, "width"] = sweep({f"width {w}": dict(sizes=[64, w, 10], **fit_data)
                                       for w in WIDTHS})
    complexity[name, "depth"] = sweep({f"depth {d}": dict(sizes=[64] + [32] * d + [10],
                                                          **fit_data) for d in DEPTHS})


LOSS_COLORS = plt.get_cmap("RdYlGn_r").with_extremes(bad="0.8")   # grey: diverged


def heatmap(ax, table, title, start=CHANCE):
    """Loss after the sweep's steps, one row per model, one column per η."""
    labels = list(table)
    values = np.array([table[k] for k in labels])
    image = ax.imshow(np.log10(values), cmap=LOSS_COLORS, vmin=-2.5, vmax=0.5,
                      aspect="auto")
    for i, label in enumerate(labels):
        best = largest_training_eta(values[i], start)
        for j, eta in enumerate(SWEEP_ETAS):
            v = values[i, j]
            ax.text(j, i, "div" if np.isnan(v) else f"{v:.2f}", ha="center",
                    va="center", fontsize=7)
            if best is not None and eta == best:
                ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False,
                                           edgecolor="k", lw=2.5))
    ax.set_xticks(range(len(SWEEP_ETAS)), [f"{e:g}" for e in SWEEP_ETAS])
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("learning rate η")
    ax.set_title(title, fontsize="medium")
    return image


fig, axes = plt.subplots(2, 2, figsize=(11, 6.6), layout="constrained")
for row, name in enumerate(INPUTS):
    for col, kind in enumerate(("width", "depth")):
        image = heatmap(axes[row, col], complexity[name, kind],
                        f"{name}: loss after {STEPS_SWEEP} full-batch steps, by {kind}")
fig.colorbar(image, ax=axes, label="log₁₀ training loss (green: trained, red: not)",
             shrink=0.8)
fig.suptitle("Black box: largest η that halves the loss; grey 'div': fit stopped, "
             "diverged")
plt.show()

eta_max = {key: {label: largest_training_eta(v, CHANCE) for label, v in table.items()}
           for key, table in complexity.items()}
for (name, kind), row in eta_max.items():
    print(f"{name:>13}, by {kind}: largest η that trains: "
          + ", ".join(f"{label}: {'none' if e is None else f'{e:g}'}"
                      for label, e in row.items()))

# %%
# Green cells trained, red ones did not (a loss near 2.3 is chance), grey ones
# diverged; the black box marks the largest η that trains.
#
# **Width** (left column): from 8 to 512 hidden units the parameters grow 60-fold, yet
# the largest η that trains does not fall — it is 1 for every width on raw pixels and
# 2 for every width on standardised ones — and at every η the wider network reaches a
# *lower* loss. (One reason: with PyTorch's initialisation a layer with n inputs starts
# with weights in $U(-1/\sqrt{n}, 1/\sqrt{n})$, so the output layer of a wider network
# starts with smaller weights.)
#
# **Depth** (right column): extra hidden layers do lower the largest η that trains
# (1 → 0.5 on raw pixels from 1 to 2 layers; 2 → 0.5 on standardised pixels from 2 to
# 4 layers), and the network with 8 hidden layers does not train at *any* η in 60
# steps (nor does 4 on raw pixels). That last failure is not η's fault: with PyTorch's
# default initialisation each ReLU layer shrinks the signal by about $1/\sqrt 6$, so a
# deep network starts out nearly constant, with tiny gradients; it needs another
# initialisation (Kaiming's) or normalisation layers, not a smaller η.
#
# **Input scale** (top vs bottom row): standardising the pixels — a change of the
# data, not of the model — doubles the largest η that trains for the shallow networks,
# makes them train faster at every η, and makes a too-large η diverge (grey) instead
# of collapsing to chance.
#
# So "more complex → smaller η" holds for depth and not for width, and the numbers
# move with the input scaling: a reason to re-tune η whenever the model or the data
# pipeline changes, rather than a rule. (Each row is one seed on a factor-2 grid; the
# exact cells shift with the seed and the number of images, the trends did not in our
# trials.)

def falls(row):
    """Does the largest η that trains fall from the first model to the last?"""
    first, last_ = (v or 0.0 for v in (row[0], row[-1]))   # None: nothing trains
    return last_ < first


def fmt(row):
    return ", ".join(f"{k.split()[-1]}: {'—' if v is None else f'{v:g}'}"
                     for k, v in row.items())


deeper = all(falls(list(eta_max[name, "depth"].values())) for name in INPUTS)
wider = any(falls(list(eta_max[name, "width"].values())) for name in INPUTS)
VERDICTS.append(
    ("More complex models need a smaller η (000 §3, 001 §2.2, Q3)",
     f"largest η (×2 grid) that halves the loss in {STEPS_SWEEP} full-batch steps",
     "; ".join(f"{name}, {kind} {fmt(row)}" for (name, kind), row in eta_max.items()),
     {(True, False): "partly: deeper yes, wider no", (True, True): "supported",
      (False, False): "not supported"}.get((deeper, wider),
                                           "partly: wider yes, deeper no")))

# %%
# Claim 7: does more data need a smaller η?
# -----------------------------------------
#
# Article 000 §3: "数据规模：数据规模较大的问题通常需要较小的学习率" (*problems with more
# data usually need a smaller learning rate*). With mini-batches, "more data" can mean
# a larger training set at the same batch size, or larger batches. We run 60 steps of
# mini-batch SGD on the [64, 32, 10] network (raw pixels) and repeat the sweep: first
# for 64, 256 and all 1,347 training images at batch size 32, then for batch sizes 8,
# 32, 128 and 512 on all 1,347 images.

SIZES = (64, 1347) if FAST else (64, 256, 1347)
BATCHES = (8, 128) if FAST else (8, 32, 128, 512)
STEPS_DATA = 20 if FAST else 60
data_common = dict(sizes=[64, 32, 10], steps=STEPS_DATA)
by_size = sweep({f"N = {n}": dict(X_fit=X_train[:n], y_fit=y_train[:n], batch_size=32,
                                  **data_common) for n in SIZES})
by_batch = sweep({f"batch {b}": dict(X_fit=X_train, y_fit=y_train, batch_size=b,
                                     **data_common) for b in BATCHES})

fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), layout="constrained")
heatmap(axes[0], by_size, f"Training set size N, batch 32, {STEPS_DATA} steps")
image = heatmap(axes[1], by_batch, f"Batch size, N = 1347, {STEPS_DATA} steps")
fig.colorbar(image, ax=axes, label="log₁₀ training loss")
fig.suptitle("Loss on the training set after mini-batch SGD; black box: largest η "
             "that halves the loss")
plt.show()

eta_n = {k: largest_training_eta(v, CHANCE) for k, v in by_size.items()}
eta_b = {k: largest_training_eta(v, CHANCE) for k, v in by_batch.items()}
print("largest η that trains, by training set size:", fmt(eta_n))
print("largest η that trains, by batch size:       ", fmt(eta_b))

# %%
# Left: with the batch size fixed, the size of the training set makes no difference
# to the largest η that trains (1 for 64, 256 and 1,347 images, at this grid's factor-2
# resolution). Each step sees 32 images whatever N is, and the loss is their *mean*
# (``reduction="mean"``, the default of :class:`~minigrad.nn.CrossEntropyLoss`, as in
# PyTorch), so neither the gradient's size nor the curvature grows with N. The claim
# would hold for a loss *summed* over the data: then the gradient is N times the
# mean's, and η must be N times smaller for the same step — a matter of how the loss is
# written, not of how much data there is.
#
# Right: with more images per batch the limit does not fall either; only the smallest
# batch, 8, stops training at a lower η (0.5): its gradients are the noisiest. (That
# larger batches tolerate larger η is the idea behind raising η with the batch size,
# the "linear scaling rule"; here it shows only between batch 8 and the rest.) Each
# row is one seed on a factor-2 grid, so differences of one cell are within the noise.

more_data_smaller = falls(list(eta_n.values()))
VERDICTS.append(
    ("More data needs a smaller η (000 §3)",
     f"largest η (×2 grid) that halves the loss in {STEPS_DATA} SGD steps",
     f"by N at batch 32: {fmt(eta_n)}; by batch size: {fmt(eta_b)}",
     "supported" if more_data_smaller else "not supported (with a mean loss)"))

# %%
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
# — η is still there, multiplying everything. If Adam really chose η itself, its result
# should not depend on the η we pass. We train the [64, 64, 10] network on all 1,347
# training images (batch 64) for 5 epochs with SGD and with Adam, for η from 10⁻⁵ to 10
# in steps of half a decade, and score each on the validation images.

SWEEP = np.logspace(-4, 1, 6) if FAST else np.logspace(-5, 1, 13)
EPOCHS_OPT = 1 if FAST else 5


def optimizer_trial(lr, optimizer_class, seed=0):
    """Train [64, 64, 10] with ``optimizer_class(lr)``; validation loss and accuracy."""
    minigrad.manual_seed(seed)
    model = nn.MLP([64, 64, 10])
    history = fit(model, loss_fn, optimizer_class(model.parameters(), lr=lr),
                  (X_train, y_train), epochs=EPOCHS_OPT, batch_size=64, seed=seed,
                  val_data=(X_val, y_val), metric=accuracy, progress=False)
    if history.diverged:
        return {"val_loss": np.nan, "val_acc": np.nan}
    return {"val_loss": history.val_loss[-1], "val_acc": history.val_metric[-1]}


searches = {name: grid_search(functools.partial(optimizer_trial, optimizer_class=cls),
                              SWEEP, metric="val_loss", n_jobs=1)
            for name, cls in (("SGD", SGD), ("Adam", Adam))}

print(f"{'η':>8}  {'SGD val acc':>12}  {'Adam val acc':>12}")
acc = {name: np.array([r.metrics.get("val_acc", np.nan) for r in s.results])
       for name, s in searches.items()}
for i, lr in enumerate(SWEEP):
    print(f"{lr:8.0e}  {acc['SGD'][i]:12.3f}  {acc['Adam'][i]:12.3f}")
window = {}
for name, a in acc.items():
    a = np.nan_to_num(a, nan=0.0)                   # diverged: no better than chance
    good = SWEEP[a >= min(0.5, a.max())]            # clearly learning
    near_best = SWEEP[a >= a.max() - 0.05]
    window[name] = dict(lo=good.min(), hi=good.max(), best=a.max(),
                        at=SWEEP[a.argmax()], fails_both_ends=a[0] < 0.5 and a[-1] < 0.5)
    print(f"{name:>4}: best val acc {a.max():.3f} at η = {SWEEP[a.argmax()]:.0e}; "
          f"within 5 points of it for η in [{near_best.min():.0e}, {near_best.max():.0e}]"
          f"; ≥ 0.5 for η in [{good.min():.0e}, {good.max():.0e}] "
          f"({np.log10(good.max() / good.min()):.1f} decades)")

fig, axes = plt.subplots(1, 2, figsize=(11, 4.0), layout="constrained")
for name, color in (("SGD", "tab:blue"), ("Adam", "tab:orange")):
    search = searches[name]
    vloss = np.array([r.metrics.get("val_loss", np.nan) for r in search.results])
    axes[0].plot(SWEEP, vloss, "o-", color=color, label=name)
    axes[1].plot(SWEEP, acc[name], "o-", color=color, label=name)
    axes[1].axvspan(window[name]["lo"] / 1.3, window[name]["hi"] * 1.3, color=color,
                    alpha=0.12)
    bad = np.isnan(vloss)
    axes[0].plot(SWEEP[bad], np.full(bad.sum(), 3.0), "x", color=color, ms=10, mew=2)
axes[0].axhline(CHANCE, color="k", ls=":", lw=1, label="ln 10 (chance)")
axes[0].set_ylabel("validation loss after training")
axes[1].axhline(0.1, color="k", ls=":", lw=1, label="chance (0.1)")
axes[1].set_ylabel("validation accuracy after training")
for ax in axes:
    ax.set_xscale("log")
    ax.set_xlabel("learning rate η")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
axes[0].set_title(f"SGD vs Adam, {EPOCHS_OPT} epochs (× = diverged)")
axes[1].set_title("Shaded: η where validation accuracy ≥ 0.5")
plt.show()

# %%
# Both curves are hills. SGD learns (validation accuracy ≥ 0.5) for η from 0.03 to 1,
# 1.5 decades; Adam for η from 3·10⁻⁴ to 0.1, 2.5 decades, and it reaches a higher
# accuracy in these 5 epochs. So Adam *is* less sensitive to η than plain SGD here —
# but it is not insensitive: below its window it hardly moves in 5 epochs, and above
# it, it fails: at η = 0.3, SGD's best, Adam reaches only 19%, and at η = 10 it
# diverges. Its window also sits about a decade lower than SGD's, because Adam's η is
# a step length in parameter units (:lesson:`06`), not a multiplier of the gradient.
#
# What Adam adapts is the *relative* step of each coordinate — it divides by
# $\sqrt{\hat v_t}$, so coordinates with large and small gradients move alike — not
# the overall η, which we still have to choose (and which a schedule, :lesson:`07`, can
# still usefully change). "Adjusts the learning rate automatically" overstates it.

w = window["Adam"]
outside = [i for i in (np.flatnonzero(SWEEP == w["lo"])[0] - 1,
                       np.flatnonzero(SWEEP == w["hi"])[0] + 1) if 0 <= i < len(SWEEP)]
VERDICTS.append(
    ("Adam adjusts the learning rate automatically (000 §6, 001 §3.2, Q5)",
     f"val accuracy after {EPOCHS_OPT} epoch(s), η from {SWEEP[0]:.0e} to "
     f"{SWEEP[-1]:.0e}, SGD vs Adam",
     f"Adam: best {w['best']:.2f} at η={w['at']:.0e}, ≥ 0.5 only for "
     f"{w['lo']:.0e}–{w['hi']:.0e} ("
     + ", ".join(f"{np.nan_to_num(acc['Adam'][i]):.2f} at {SWEEP[i]:.0e}"
                 for i in outside)
     + f"); SGD: best {window['SGD']['best']:.2f} at {window['SGD']['at']:.0e}, "
       f"≥ 0.5 for {window['SGD']['lo']:.0e}–{window['SGD']['hi']:.0e}",
     "misleading: Adam rescales each coordinate, η must still be chosen"
     if w["fails_both_ends"] else "partly: Adam worked at every η tried"))

# %%
# The verdicts
# ------------
#
# Each row: the claim and where the articles make it, the experiment, the numbers this
# run printed above, and the verdict.

HEADER = ("#", "claim (article §)", "experiment", "numbers (this run)", "verdict")
TEXT_WIDTHS = (2, 30, 24, 44, 24)            # characters per column in the printout


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


rows = [(str(i), *verdict) for i, verdict in enumerate(VERDICTS, 1)]
print(text_table([HEADER, *rows], TEXT_WIDTHS))

FIGURE_WIDTHS = (2, 30, 26, 54, 28)          # characters per column in the figure
cells = [[textwrap.fill(text, w) for text, w in zip(row, FIGURE_WIDTHS)] for row in rows]
n_lines = [1] + [max(c.count("\n") + 1 for c in row) for row in cells]   # header first
fig, ax = plt.subplots(figsize=(11, 0.5 + 0.155 * (sum(n_lines) + 0.8 * len(n_lines))))
fig.subplots_adjust(left=0.005, right=0.995, top=0.93, bottom=0.005)
ax.axis("off")
table = ax.table(cellText=cells, colLabels=HEADER, cellLoc="left", bbox=[0, 0, 1, 1],
                 colWidths=[(w + 3) / sum(w + 3 for w in FIGURE_WIDTHS)
                            for w in FIGURE_WIDTHS])
table.auto_set_font_size(False)
table.set_fontsize(8.5)
VERDICT_COLORS = {"supported": "#d9f2d9", "partly": "#fff2cc", "mostly": "#fff2cc",
                  "not": "#f8d7d7", "misleading": "#f8d7d7"}
for (r, c), cell in table.get_celld().items():
    cell.PAD = 0.03                          # less padding inside each cell
    cell.set_height(n_lines[r] + 0.8)        # relative; the bbox scales them to fit
    if r == 0:
        cell.set_text_props(weight="bold")
        cell.set_facecolor("0.9")
    elif c == 4 and not rows[r - 1][4].startswith("not clear"):
        cell.set_facecolor(VERDICT_COLORS.get(rows[r - 1][4].split()[0].strip(":"),
                                              "white"))
ax.set_title("The articles' claims about the learning rate η, tested on the digits")
plt.show()

if _one_blas_thread is not None:
    _one_blas_thread.restore_original_limits()

# %%
# Summary
# -------
#
# * Too large an η fails — but in a ReLU network the failure is usually a collapse to
#   chance level (dead units), not a loss growing without bound.
# * Too small an η is slow, by exactly the factor it is small: it walks the same path
#   in more steps. Smaller is *not* faster (contrary to 000's Q&A).
# * Neither a small nor a large η caused overfitting here: at the same training loss the
#   generalisation gap was the same for a tenfold range of η. Overfitting comes from
#   fitting the training data further, and η only sets how fast that happens.
# * "More complex → smaller η" held for depth, not for width, and moves with the input
#   scaling; "more data → smaller η" did not hold with a mean loss.
# * Adam does not choose η: it has its own window of good values, about as narrow as
#   SGD's, two decades lower.
#
# Exercises
# ---------
#
# 1. Repeat claims 4–5 with batch size 200 (full-batch gradient descent). Does removing
#    the mini-batch noise change the gap at matched training loss?
# 2. Replace PyTorch's initialisation with Kaiming's
#    (:func:`minigrad.nn.init.kaiming_normal_` with ``nonlinearity="relu"``) in the
#    depth sweep. Do deep networks train now, and does the largest η still fall with
#    depth?
# 3. Give :class:`~minigrad.nn.CrossEntropyLoss` ``reduction="sum"`` in the data-size
#    sweep and check that the largest η now falls like 1/N.
