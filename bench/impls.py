"""One training step of the same network, written five ways.

The network is the MLP 784-128-64-10 with ReLU, softmax cross-entropy on integer
labels, and plain SGD (lr 0.05), in float32. Every implementation starts from the same
weights (:func:`init_params`, PyTorch's ``nn.Linear`` initialisation) and trains on the
same batch (:func:`make_batch`), so they compute the same losses step after step —
:func:`check_same_losses` makes sure of it before anything is timed.

Each ``make_<name>(batch)`` returns ``step()``: forward, backward and the SGD update of
one batch, returning the loss as a Python float. It raises ImportError when the package
it needs is not installed (the benchmark then skips that column).
"""

from __future__ import annotations

import numpy as np

SIZES = (784, 128, 64, 10)
LR = 0.05
SEED = 0


# --------------------------------------------------------------------------------------
# Shared data and weights
# --------------------------------------------------------------------------------------
def init_params(sizes=SIZES, seed=SEED) -> list:
    """[(W, b), ...] with W of shape (out, in), drawn as ``torch.nn.Linear`` does.

    ``W, b ~ U(−1/√in, 1/√in)``, float32.
    """
    rng = np.random.default_rng(seed)
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        bound = 1 / np.sqrt(n_in)
        W = rng.uniform(-bound, bound, size=(n_out, n_in)).astype(np.float32)
        b = rng.uniform(-bound, bound, size=n_out).astype(np.float32)
        params.append((W, b))
    return params


def make_batch(batch: int, sizes=SIZES, seed=SEED) -> tuple:
    """(X, y): a float32 batch in [0, 1) (like MNIST pixels) and int64 class labels."""
    rng = np.random.default_rng(seed + 1)
    X = rng.random((batch, sizes[0]), dtype=np.float32)
    y = rng.integers(0, sizes[-1], size=batch)
    return X, y


# --------------------------------------------------------------------------------------
# (a) minigrad — what a learner writes: nn + optim when they exist, raw tensors otherwise
# --------------------------------------------------------------------------------------
def _has_minigrad_nn() -> bool:
    try:
        import minigrad.nn as nn
        import minigrad.optim as optim
    except ImportError:
        return False
    return all(hasattr(nn, name) for name in ("Linear", "ReLU", "Sequential",
                                                "CrossEntropyLoss")) \
        and hasattr(optim, "SGD")


def make_minigrad(batch: int):
    """minigrad with ``nn.Sequential`` + ``nn.CrossEntropyLoss`` + ``optim.SGD``.

    Falls back to :func:`make_minigrad_tensors` while ``minigrad.nn`` is not written yet.
    """
    if not _has_minigrad_nn():
        return make_minigrad_tensors(batch)
    import minigrad
    import minigrad.nn as nn
    import minigrad.optim as optim

    layers = []
    for i, (W, b) in enumerate(init_params()):
        linear = nn.Linear(W.shape[1], W.shape[0])
        linear.weight.data[...] = W
        linear.bias.data[...] = b
        layers += [linear, nn.ReLU()] if i < len(SIZES) - 2 else [linear]
    model = nn.Sequential(*layers)
    loss_fn = nn.CrossEntropyLoss()
    opt = optim.SGD(model.parameters(), lr=LR)
    X, y = make_batch(batch)
    X, y = minigrad.tensor(X), minigrad.tensor(y)

    def step():
        opt.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        opt.step()
        return loss.item()

    return step


make_minigrad.label = "minigrad"  # refined in run.py: "nn+optim" or "tensors"


def make_minigrad_tensors(batch: int):
    """minigrad with raw Tensors and a hand-written SGD loop (no nn, no optim)."""
    import minigrad

    params = [(minigrad.tensor(W, requires_grad=True), minigrad.tensor(b, requires_grad=True))
              for W, b in init_params()]
    flat = [p for pair in params for p in pair]
    X, y = make_batch(batch)
    X = minigrad.tensor(X)
    rows = np.arange(batch)

    def step():
        h = X
        for i, (W, b) in enumerate(params):
            h = h @ W.T + b
            if i < len(params) - 1:
                h = h.relu()
        loss = -h.log_softmax(axis=1)[rows, y].mean()
        for p in flat:
            p.grad = None
        loss.backward()
        for p in flat:
            p.data -= LR * p.grad
        return loss.item()

    return step


# --------------------------------------------------------------------------------------
# (b) numpy by hand — no graph at all: the floor an array autograd engine is measured by
# --------------------------------------------------------------------------------------
def make_numpy(batch: int):
    """The same step with every derivative written out by hand (no autograd).

    The leanest honest floor: weights stored ``(in, out)`` so that ``X @ W`` needs no
    transpose, ReLU masks, the stable softmax-cross-entropy gradient, and in-place
    ``p -= lr * g``, all in float32. A less lean floor would flatter the engine.
    """
    params = [(W.T.copy(), b.copy()) for W, b in init_params()]      # W as (in, out)
    (W1, b1), (W2, b2), (W3, b3) = params
    X, y = make_batch(batch)
    rows = np.arange(batch)

    def step():
        # forward
        h1 = X @ W1 + b1
        a1 = np.maximum(h1, 0)
        h2 = a1 @ W2 + b2
        a2 = np.maximum(h2, 0)
        z = a2 @ W3 + b3
        shifted = z - z.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        sum_e = e.sum(axis=1, keepdims=True)
        loss = -(shifted[rows, y] - np.log(sum_e[:, 0])).mean()
        # backward: ∂L/∂z = (softmax(z) − onehot(y)) / n
        dz = e / sum_e
        dz[rows, y] -= 1
        dz /= batch
        dW3, db3 = a2.T @ dz, dz.sum(axis=0)
        dh2 = (dz @ W3.T) * (h2 > 0)
        dW2, db2 = a1.T @ dh2, dh2.sum(axis=0)
        dh1 = (dh2 @ W2.T) * (h1 > 0)
        dW1, db1 = X.T @ dh1, dh1.sum(axis=0)
        # SGD
        for p, g in ((W1, dW1), (b1, db1), (W2, dW2), (b2, db2), (W3, dW3), (b3, db3)):
            p -= LR * g
        return float(loss)

    return step


# --------------------------------------------------------------------------------------
# (c) PyTorch eager on the CPU
# --------------------------------------------------------------------------------------
def make_torch(batch: int):
    """``torch.nn.Sequential`` + ``nn.CrossEntropyLoss`` + ``torch.optim.SGD``."""
    import torch

    layers = []
    for i, (W, b) in enumerate(init_params()):
        linear = torch.nn.Linear(W.shape[1], W.shape[0])
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W))
            linear.bias.copy_(torch.from_numpy(b))
        layers += [linear, torch.nn.ReLU()] if i < len(SIZES) - 2 else [linear]
    model = torch.nn.Sequential(*layers)
    loss_fn = torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    X, y = make_batch(batch)
    X, y = torch.from_numpy(X), torch.from_numpy(y)

    def step():
        opt.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        opt.step()
        return loss.item()

    return step


# --------------------------------------------------------------------------------------
# (d) the numpy autograd packages
# --------------------------------------------------------------------------------------
def make_autograd(batch: int):
    """HIPS ``autograd``: a loss function of the parameters and ``value_and_grad``."""
    import autograd.numpy as anp
    from autograd import value_and_grad

    params = [p.copy() for pair in init_params() for p in pair]
    X, y = make_batch(batch)
    rows = np.arange(batch)

    def loss_of(params):
        h = X
        for i in range(0, len(params), 2):
            h = anp.dot(h, params[i].T) + params[i + 1]
            if i < len(params) - 2:
                h = anp.maximum(h, 0)
        shifted = h - anp.max(h, axis=1, keepdims=True)
        logp = shifted - anp.log(anp.sum(anp.exp(shifted), axis=1, keepdims=True))
        return -anp.mean(logp[rows, y])

    loss_and_grads = value_and_grad(loss_of)

    def step():
        loss, grads = loss_and_grads(params)
        for p, g in zip(params, grads):
            p -= LR * g
        return float(loss)

    return step


def make_mygrad(batch: int):
    """MyGrad: Tensors, its ``relu`` and fused ``softmax_crossentropy``, manual SGD."""
    import mygrad as mg
    from mygrad.nnet.activations import relu
    from mygrad.nnet.losses import softmax_crossentropy

    params = [(mg.tensor(W), mg.tensor(b)) for W, b in init_params()]
    flat = [p for pair in params for p in pair]
    X, y = make_batch(batch)

    def step():
        h = X
        for i, (W, b) in enumerate(params):
            h = mg.matmul(h, W.T) + b
            if i < len(params) - 1:
                h = relu(h)
        loss = softmax_crossentropy(h, y)
        loss.backward()
        for p in flat:
            p.data -= LR * p.grad
        return loss.item()

    return step


IMPLEMENTATIONS = {
    "minigrad": make_minigrad,
    "numpy": make_numpy,
    "torch": make_torch,
    "autograd": make_autograd,
    "mygrad": make_mygrad,
    "minigrad-tensors": make_minigrad_tensors,  # not in the default set
}
DEFAULT = ("minigrad", "numpy", "torch", "autograd", "mygrad")


def available(names) -> dict:
    """``{name: maker}`` for the implementations whose packages import, in order.

    Returns the missing ones separately: ``(found, {name: reason})``.
    """
    found, missing = {}, {}
    for name in names:
        maker = IMPLEMENTATIONS[name]
        try:
            maker(2)
        except ImportError as error:
            missing[name] = f"not installed ({error.name or error})"
            continue
        found[name] = maker
    return found, missing


def check_same_losses(makers: dict, batch: int = 32, steps: int = 3,
                      rtol: float = 2e-5) -> dict:
    """Run ``steps`` steps of each implementation from the same start; compare losses.

    Step 1's loss checks the forward pass; the later ones check the gradients and the
    update too (different gradients would give different weights, then losses). Raises
    AssertionError naming the implementation that disagrees with numpy by hand.
    """
    losses = {}
    for name, maker in makers.items():
        step = maker(batch)
        losses[name] = [step() for _ in range(steps)]
    reference = losses["numpy"]
    for name, values in losses.items():
        if not np.allclose(values, reference, rtol=rtol, atol=0):
            raise AssertionError(
                f"{name} computes different losses from numpy by hand on the same weights "
                f"and data: {values} vs {reference}; the comparison would be meaningless")
    return losses
