r"""
An MLP on handwritten digits
============================

Article 001 §4.2 (复杂深度神经网络示例, "a complex deep neural network") trains a
784-128-64-10 network on MNIST with SGD at η = 0.01; article 000 §4 swaps in Adam at
η = 0.001; article 002 §4 builds a smaller Keras model with a mistake in its loss. This
lesson ports all three to minigrad — mostly by swapping the imports — and trains them on
the 8×8 digits that ship with minigrad (MNIST needs a download; see below how to run on
it if you have the files). It shows loss and accuracy curves for the articles' two
optimizers and a few others, a table of test accuracies, what the Keras model's double
softmax does to training, a confusion matrix, and the digits the network gets wrong.
"""

import os
import warnings

import matplotlib.pyplot as plt
import numpy as np
from threadpoolctl import threadpool_limits

import minigrad
from minigrad import nn, optim
from minigrad.data import DataLoader, load_digits, load_mnist, train_val_test_split
from minigrad.plot import confusion_matrix, curves, figure_legend
from minigrad.train import DivergenceWarning, accuracy, evaluate, fit

FAST = os.environ.get("MINIGRAD_FAST") == "1"   # CI: same lesson, two epochs
minigrad.manual_seed(0)
# numpy hands matrix products to a BLAS library that splits each one over all cores.
# The products here are small, and on a busy 2-core machine the threads mostly wait
# for each other: the article's loop below ran ten times slower or worse that way. One
# thread for this lesson (put back at the end):
blas_threads = threadpool_limits(1, "blas")

# %%
# The data
# --------
#
# MNIST's images are 28×28 pixels; the bundled digits (:func:`minigrad.data.load_digits`,
# UCI's "Optical Recognition of Handwritten Digits") are 8×8, each pixel counting the
# ink in a 4×4 block, scaled to [0, 1]. 1,797 images, split as in lesson 08:

X, y = load_digits()
(X_train, y_train), (X_val, y_val), (X_test, y_test) = train_val_test_split(X, y, seed=0)
print(f"train {X_train.shape}, validation {X_val.shape}, test {X_test.shape};")
print(f"classes {np.bincount(y_train).tolist()} (train images per digit 0–9)")

# %%
# Article 001 §4.2's network, ported
# ----------------------------------
#
# The article's PyTorch model is three fully connected layers with ReLU between them,
#
# .. math::
#
#    \text{logits} = W_3\,\mathrm{relu}(W_2\,\mathrm{relu}(W_1 x + b_1) + b_2) + b_3,
#
# trained with the cross-entropy loss (:class:`minigrad.nn.CrossEntropyLoss`, which
# applies log-softmax itself, so the network outputs raw scores). Ported to minigrad,
# the class is the article's line for line: ``import torch.nn as nn`` becomes
# ``from minigrad import nn``, ``torch.relu`` becomes ``minigrad.relu``, and the input
# size 28 * 28 becomes a parameter so the same class takes 8×8 digits or MNIST.


class Net(nn.Module):
    def __init__(self, n_in=8 * 8):                  # article: 28 * 28 fixed
        super(Net, self).__init__()
        self.n_in = n_in
        self.fc1 = nn.Linear(n_in, 128)
        self.fc2 = nn.Linear(128, 64)
        self.fc3 = nn.Linear(64, 10)

    def forward(self, x):
        x = x.view(-1, self.n_in)
        x = minigrad.relu(self.fc1(x))
        x = minigrad.relu(self.fc2(x))
        x = self.fc3(x)
        return x


# %%
# The article's training code, with ``torch.utils.data.DataLoader`` replaced by
# :class:`minigrad.data.DataLoader` (same ``batch_size=100, shuffle=True``). The
# article calls ``model.parameters()`` before it creates ``model = Net()`` — a
# ``NameError`` in PyTorch too — so here ``model`` comes first (its loaders also use
# ``torchvision`` without importing it; :doc:`/errata` lists both). One line differs
# because of minigrad: its loader hands out numpy arrays, so the images are wrapped in
# a tensor before the model sees them. The article's 10 epochs, printing the loss of
# each epoch's last batch as it does:

minigrad.manual_seed(0)
train_loader = DataLoader(X_train, y_train, batch_size=100, shuffle=True, seed=0)
model = Net()
criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(model.parameters(), lr=0.01)  # 选择学习率0.01

for epoch in range(10):
    for i, (images, labels) in enumerate(train_loader):
        optimizer.zero_grad()
        outputs = model(minigrad.tensor(images))
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()

    print(f"Epoch [{epoch + 1}/10], Loss: {loss.item():.4f}")

# %%
# The loss has barely moved from $\ln 10 \approx 2.30$, the loss of guessing uniformly
# among ten classes. That is not a bug: on MNIST an epoch is 600 batches of 100, so the
# article's 10 epochs are 6,000 SGD steps; here an epoch is
# $\lceil 1257/100 \rceil = 13$ batches and 10 epochs are 130 steps. η = 0.01 needs
# many more steps than that. What counts is the number of steps, not of epochs.
#
# With MNIST
# ----------
#
# If you have the four MNIST files (``train-images-idx3-ubyte.gz`` and the others, as
# :func:`minigrad.data.download_mnist` fetches them), point the environment variable
# ``MNIST_DIR`` at their directory and this block trains the article's 784-128-64-10
# network, 10 epochs as in the article (6,000 steps: expect a minute or more). Without
# the files it does nothing.

MNIST_DIR = os.environ.get("MNIST_DIR")
if MNIST_DIR and any(os.path.exists(os.path.join(MNIST_DIR, name))
                     for name in ("train-images-idx3-ubyte", "train-images-idx3-ubyte.gz")):
    X_mnist, y_mnist = load_mnist(MNIST_DIR, "train")
    X_mnist_test, y_mnist_test = load_mnist(MNIST_DIR, "test")
    minigrad.manual_seed(0)
    mnist_model = Net(28 * 28)
    fit(mnist_model, nn.CrossEntropyLoss(), optim.SGD(mnist_model.parameters(), lr=0.01),
        (X_mnist, y_mnist), epochs=1 if FAST else 10, batch_size=100, seed=0)
    print("MNIST test accuracy:",
          evaluate(mnist_model, nn.CrossEntropyLoss(), (X_mnist_test, y_mnist_test),
                   accuracy)[1])
else:
    print("MNIST_DIR not set (or no MNIST files there): skipping the MNIST run")

# %%
# Training longer: SGD 0.01, Adam 0.001 and others
# ------------------------------------------------
#
# Now the same network for 50 epochs (650 steps) with :func:`minigrad.train.fit`, with
# the articles' two optimizers and three others:
#
# * SGD, η = 0.01 — article 001 §4.2 (and article 002 §4);
# * Adam, η = 0.001 — article 000 §4; Adam's update is article 000 §3's five equations
#   (:lesson:`lesson 06 <06>`);
# * SGD, η = 0.1 — article 003 §8's advice to start with a larger rate, "例如 0.1";
# * SGD with momentum 0.9 at η = 0.01 (:lesson:`lesson 04 <04>`);
# * SGD, η = 0.5 — inside the range lesson 08's searches found for a similar network.
#
# Every run starts from the same initial weights and sees the batches in the same
# order. ``fit`` records the validation loss and accuracy after every epoch; to draw
# the training loss and accuracy on the same footing (measured after the epoch, not
# averaged while it runs), the helper below calls ``fit`` one epoch at a time (the
# loader remembers which epoch comes next) and evaluates the model on the training set
# after each.

EPOCHS = 2 if FAST else 50


def train(model, optimizer, epochs, batch_size=100, loss_fn=None):
    """Train with fit, one epoch at a time; return per-epoch train/val loss and accuracy."""
    loss_fn = loss_fn or nn.CrossEntropyLoss()
    loader = DataLoader(X_train, y_train, batch_size=batch_size, shuffle=True, seed=0)
    log = {"train loss": [], "val loss": [], "train acc": [], "val acc": []}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DivergenceWarning)
        for _ in range(epochs):
            history = fit(model, loss_fn, optimizer, loader, epochs=1,
                          val_data=(X_val, y_val), metric=accuracy)
            if history.diverged:
                break
            train_loss, train_acc = evaluate(model, loss_fn, (X_train, y_train), accuracy)
            log["train loss"].append(train_loss)
            log["train acc"].append(train_acc)
            log["val loss"].append(history.val_loss[-1])
            log["val acc"].append(history.val_metric[-1])
    return {key: np.array(values) for key, values in log.items()}


RUNS = {
    "SGD η = 0.01 (article 001)": lambda p: optim.SGD(p, lr=0.01),
    "Adam η = 0.001 (article 000)": lambda p: optim.Adam(p, lr=0.001),
    "SGD η = 0.1 (article 003)": lambda p: optim.SGD(p, lr=0.1),
    "SGD η = 0.01, momentum 0.9": lambda p: optim.SGD(p, lr=0.01, momentum=0.9),
    "SGD η = 0.5 (lesson 08)": lambda p: optim.SGD(p, lr=0.5),
}
models, logs = {}, {}
for name, make_optimizer in RUNS.items():
    minigrad.manual_seed(0)                          # the same initial weights for all
    models[name] = Net()
    logs[name] = train(models[name], make_optimizer(models[name].parameters()), EPOCHS)

fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(7.3, 5.4), layout="constrained")
epochs_axis = np.arange(1, EPOCHS + 1)
for i, (name, log) in enumerate(logs.items()):
    color = f"C{i}"
    ax_loss.plot(epochs_axis, log["train loss"], color=color, label=name)
    ax_loss.plot(epochs_axis, log["val loss"], color=color, linestyle="--")
    ax_acc.plot(epochs_axis, log["train acc"], color=color, label=name)
    ax_acc.plot(epochs_axis, log["val acc"], color=color, linestyle="--")
ax_loss.plot([], [], color="k", label="training set")          # legend entries for the
ax_loss.plot([], [], color="k", linestyle="--", label="validation set")  # line styles
ax_loss.set(yscale="log", xlabel="epoch", ylabel="cross-entropy loss",
            title="Loss after each epoch\n(batch 100, 13 steps per epoch)")
ax_acc.set(xlabel="epoch", ylabel="accuracy", ylim=(0, 1.01),
           title="Accuracy after each epoch\n(solid: training, dashed: validation)")
ax_acc.axvline(10, color="0.5", linewidth=0.8)
ax_acc.annotate("the article's 10 epochs", (10, 0.05), xytext=(4, 0),
                textcoords="offset points", fontsize=9)
for ax in (ax_loss, ax_acc):
    ax.grid(alpha=0.3)
    ax.title.set_fontsize(10)
fig.legend(*ax_loss.get_legend_handles_labels(), loc="outside lower center", ncols=2,
           fontsize="small")                 # one legend for both panels, off the data
plt.show()

# %%
# The final numbers, and the test set, which no choice above has looked at:


def first_epoch_reaching(acc, level=0.9):
    """The first epoch whose validation accuracy reaches ``level`` (or "–")."""
    hits = np.flatnonzero(acc >= level)
    return str(hits[0] + 1) if len(hits) else "–"


test_accuracy = {}
print(f"{'':<28}{'train':>9}{'val':>9}{'train':>9}{'val':>8}{'test':>8}"
      f"{'val ≥ 90 %':>12}")
print(f"{'run':<28}{'loss':>9}{'loss':>9}{'acc':>9}{'acc':>8}{'acc':>8}"
      f"{'at epoch':>12}")
for name, log in logs.items():
    _, test_accuracy[name] = evaluate(models[name], nn.CrossEntropyLoss(),
                                      (X_test, y_test), accuracy)
    print(f"{name:<28}{log['train loss'][-1]:9.4f}{log['val loss'][-1]:9.4f}"
          f"{log['train acc'][-1]:9.1%}{log['val acc'][-1]:8.1%}"
          f"{test_accuracy[name]:8.1%}{first_epoch_reaching(log['val acc']):>12}")

# %%
# After 650 steps, SGD at the articles' η = 0.01 is still far from done: its loss has
# only started to fall (1.92) and it gets 58 % of the test digits right. Adam at
# η = 0.001, momentum and the larger SGD rates all reach 94–97 % on the test set. The
# curves show that the difference is speed: Adam and SGD at η = 0.5 pass 90 %
# validation accuracy at epoch 7, within the article's 10 epochs; SGD at 0.1 and
# momentum 0.9 at epochs 14 and 16. SGD at 0.5 is the fastest and reaches the lowest
# training loss, but its curves spike (at epochs 4 and 29): it runs close to the
# stability cliff of lesson 08. Late in training the training loss of the fast runs
# keeps falling while their validation loss levels off — the model fits the 1,257
# training images better than digits in general (the gap between solid and dashed
# lines). With 270 test images one image is 0.37 %, so differences of a point or two
# between the fast runs are within the noise of one split and one seed.
#
# Article 002's Keras model: a double softmax
# -------------------------------------------
#
# Article 002 §4's model, in TensorFlow/Keras:
#
# .. code-block:: python
#
#    model = models.Sequential()
#    model.add(layers.Dense(32, activation='relu', input_shape=(784,)))
#    model.add(layers.Dense(10, activation='softmax'))
#    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
#    optimizer = tf.keras.optimizers.SGD(learning_rate=0.01)
#    model.fit(x_train, y_train, epochs=10)
#
# The last layer already applies softmax, and ``from_logits=True`` tells the loss that
# its input is *logits*, so the loss applies (log-)softmax again. Keras notices and
# warns ("received `from_logits=True`, but the `output` argument was produced by a
# Softmax activation"), but trains anyway. (The code also never defines ``x_train`` and
# ``y_train``; :doc:`/errata` lists both.) In minigrad, ``from_logits=True`` *is*
# :class:`~minigrad.nn.CrossEntropyLoss`, which always applies log-softmax. With the
# network's outputs $p = \mathrm{softmax}(z) \in (0, 1)^{10}$ the loss becomes
#
# .. math::
#
#    \ell = -\log \frac{e^{p_y}}{\sum_{c=1}^{10} e^{p_c}}
#    \;\ge\; -\log \frac{e^{1}}{e^{1} + 9\,e^{0}} = \ln\!\left(1 + 9/e\right)
#    \approx 1.46,
#
# because the "logits" $p_c$ can only range from 0 to 1: even a perfect, certain
# prediction pays 1.46, and the loss has little room to fall. Its gradient also has
# to pass back through the extra softmax, whose Jacobian
# $\partial p_i / \partial z_j = p_i(\delta_{ij} - p_j)$ has diagonal entries
# $p_i(1 - p_i) \approx 0.09$ while all ten $p_i$ are near $0.1$ (and off-diagonal ones
# $-p_i p_j \approx -0.01$) — so the gradient shrinks about tenfold.
# The article's ``activation='softmax'`` is :class:`minigrad.nn.Softmax` (whose
# docstring warns about exactly this mistake):


def keras_model(softmax_output):
    """Article 002's Dense(32, relu) → Dense(10[, softmax]) on 64 pixels."""
    layers = [nn.Linear(8 * 8, 32), nn.ReLU(), nn.Linear(32, 10)]
    return nn.Sequential(*layers, *([nn.Softmax(dim=1)] if softmax_output else []))


floor = np.log(1 + 9 / np.e)
grad_norms = {}
for softmax_output in (True, False):
    minigrad.manual_seed(0)
    model = keras_model(softmax_output)
    nn.CrossEntropyLoss()(model(minigrad.tensor(X_train)), y_train).backward()
    grad_norms[softmax_output] = np.sqrt(sum((p.grad ** 2).sum().item()
                                             for p in model.parameters()))
print(f"lowest possible loss with the double softmax: ln(1 + 9/e) = {floor:.4f}")
print("gradient norm at the start, whole training set:")
print(f"  double softmax {grad_norms[True]:.4f}, fixed {grad_norms[False]:.4f} "
      f"(ratio {grad_norms[False] / grad_norms[True]:.1f})")

# %%
# Train both, as the article does (SGD, η = 0.01, 10 epochs, Keras's default batch of
# 32), and the same two models with Adam at η = 0.001, which rescales each step by the
# gradient's size (lesson 06) and so should partly undo the shrinking:

KERAS_EPOCHS = 2 if FAST else 10
keras_logs = {}
for opt_name, make_optimizer in [("SGD η = 0.01", lambda p: optim.SGD(p, lr=0.01)),
                                 ("Adam η = 0.001", lambda p: optim.Adam(p, lr=0.001))]:
    for softmax_output, label in [(True, "as in article 002 (double softmax)"),
                                  (False, "fixed (logits)")]:
        minigrad.manual_seed(0)
        model = keras_model(softmax_output)
        log = train(model, make_optimizer(model.parameters()), KERAS_EPOCHS, batch_size=32)
        _, log["test acc"] = evaluate(model, nn.CrossEntropyLoss(), (X_test, y_test),
                                      accuracy)
        keras_logs[f"{opt_name}, {label}"] = log

print(f"{'run':<52}{'train loss':>11}{'val acc':>9}{'test acc':>9}")
for name, log in keras_logs.items():
    print(f"{name:<52}{log['train loss'][-1]:11.4f}{log['val acc'][-1]:9.1%}"
          f"{log['test acc']:9.1%}")

fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(7.3, 4.8), layout="constrained")
for ax in (ax_loss, ax_acc):                     # SGD blue, Adam red; the bug dashed
    ax.set_prop_cycle(color=["tab:blue", "tab:blue", "tab:red", "tab:red"],
                      linestyle=["--", "-", "--", "-"])
epochs_axis = np.arange(1, KERAS_EPOCHS + 1)
curves({name: log["train loss"] for name, log in keras_logs.items()}, ax=ax_loss,
       x=epochs_axis, xlabel="epoch", ylabel="cross-entropy loss (training set)",
       title="Article 002's model: loss")
ax_loss.axhline(floor, color="k", linestyle=":", linewidth=1)
ax_loss.annotate(r"$\ln(1 + 9/e) \approx 1.46$:" "\nthe double softmax's floor",
                 (KERAS_EPOCHS, floor), xytext=(0, -4), textcoords="offset points",
                 ha="right", va="top", fontsize=9)
curves({name: log["val acc"] for name, log in keras_logs.items()}, ax=ax_acc,
       x=epochs_axis, xlabel="epoch", ylabel="accuracy (validation set)",
       title="Article 002's model: validation accuracy")
for ax in (ax_loss, ax_acc):
    ax.title.set_fontsize(10)
figure_legend(fig, [ax_loss, ax_acc], ncols=2)    # both panels draw the same four runs
ax_acc.set_ylim(0, 1.01)
plt.show()

# %%
# With the article's SGD at η = 0.01, the double-softmax model learns nothing in 10
# epochs: its loss stays at $\ln 10$ and its accuracy at chance, while the same model
# with logits reaches about half of the validation digits. With Adam the buggy model
# does learn — Adam divides each step by the gradient's own size, so the tenfold smaller
# gradient costs much less — and its accuracy comes within a dozen points of the fixed
# model's; but its loss cannot go below the dotted floor, and it has already come three
# quarters of the way down from $\ln 10$ to it (1.68), so there is little left to learn
# from. The bug does not crash anything, which is why it survives in printed code: the
# model "trains", only worse. The fix is one word: drop ``activation='softmax'`` (or
# keep it and set ``from_logits=False``).
#
# Which digits are confused?
# --------------------------
#
# The confusion matrix (:func:`minigrad.plot.confusion_matrix`) of article 000's Adam
# model on the 270 test images: row = the true digit, column = the network's answer;
# everything off the diagonal is a mistake.

best_name = "Adam η = 0.001 (article 000)"
best = models[best_name]
with minigrad.no_grad():
    predicted = np.argmax(best(minigrad.tensor(X_test)).detach().numpy(), axis=1)
wrong = np.flatnonzero(predicted != y_test)
print(f"{best_name}: {len(wrong)} of {len(y_test)} test digits wrong")
pairs = {}
for i in wrong:
    pairs[(y_test[i], predicted[i])] = pairs.get((y_test[i], predicted[i]), 0) + 1
print("most frequent mistakes (true → predicted: count):")
print("  " + ", ".join(f"{t} → {p}: {n}" for (t, p), n in
                sorted(pairs.items(), key=lambda item: -item[1])[:5]))

fig, ax = plt.subplots(figsize=(5.5, 5), layout="constrained")
confusion_matrix(y_test, predicted, 10, ax=ax,
                 title=f"{best_name}: test set ({np.mean(predicted == y_test):.1%} right)")
plt.show()

# %%
# And the mistakes themselves, as the network saw them (8×8 pixels, dark = ink):

n_show = min(len(wrong), 16)
fig, axes = plt.subplots(2, 8, figsize=(7.3, 3.2), layout="constrained")
for ax in axes.flat:
    ax.axis("off")
for ax, i in zip(axes.flat, wrong[:n_show]):
    ax.imshow(X_test[i].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
    ax.set_title(f"true {y_test[i]}\nsaid {predicted[i]}", fontsize=9)
fig.suptitle(f"{'The' if n_show == len(wrong) else f'{n_show} of the'} {len(wrong)} test "
             f"digits that {best_name} gets wrong")
plt.show()
blas_threads.restore_original_limits()   # numpy's BLAS threads as before the lesson

# %%
# The 13 mistakes are spread thinly over the matrix: only one confusion, a 4 taken for
# a 9, happens twice. At 8×8 pixels some of the digits are ambiguous to a person too —
# the two 4s called 9 look much like 9s, the 6 called 0 is mostly a loop — while others,
# such as the two 1s called 4 and 8, are clear, and the network's own failures.
#
# Summary
# -------
#
# * Article 001 §4.2's PyTorch network runs in minigrad with the imports swapped; on
#   the 8×8 digits it is a 64-128-64-10 MLP, and ``load_mnist(MNIST_DIR)`` runs the
#   original 784-128-64-10 on MNIST files you have.
# * "10 epochs" means 6,000 steps on MNIST but 130 here: at η = 0.01, SGD needs many
#   more steps than this small data set gives in 10 epochs. Adam at 0.001, momentum or
#   a larger η (0.1, 0.5) get the network to 94–97 % test accuracy in 650 steps.
# * Article 002's ``activation='softmax'`` with ``from_logits=True`` applies softmax
#   twice: the loss cannot fall below $\ln(1 + 9/e) \approx 1.46$, the gradient is
#   about ten times smaller, and with the article's SGD at 0.01 the model learns nothing
#   in its 10 epochs. Nothing crashes; only the curves show it.
#
# Exercises: train the double-softmax model with SGD at η = 0.1 (ten times larger) — how
# much of the fixed model's curve does it recover? Replace ReLU by ``nn.Tanh`` in
# ``Net`` and compare the SGD η = 0.1 run.
#
# Exercises, with hints and solutions
# -----------------------------------
#
# .. exercises:: 09
