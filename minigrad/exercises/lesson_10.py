"""Exercises of lesson 10: the articles' claims, tested."""

import numpy as np

import minigrad
from minigrad import nn
from minigrad.exercises import exercise


def activation_rms(init, depth=10, width=64, samples=256):
    """RMS of the activations after each of ``depth`` Linear+ReLU layers (zero biases)."""
    minigrad.manual_seed(0)
    h = minigrad.randn(samples, width)
    rms = []
    with minigrad.no_grad():
        for _ in range(depth):
            layer = nn.Linear(width, width)
            if init is not None:
                init(layer.weight)
            nn.init.zeros_(layer.bias)
            h = layer(h).relu()
            rms.append(float(np.sqrt((h.detach().numpy() ** 2).mean())))
    return np.array(rms)


@exercise(
    "10", "init-depth", "Why deep ReLU networks did not train",
    question=r"""
    Send random inputs through 10 layers of ``nn.Linear(64, 64)`` + ReLU (biases set to
    zero), once with PyTorch's default initialisation and once with
    :func:`minigrad.nn.init.kaiming_normal_` with ``nonlinearity="relu"``. How large
    are the activations after each layer? What does that predict for the gradients, and
    for the largest η, in lesson 10's depth sweep?
    """,
    hint=r"""
    With fan-in $n$ and weights of variance $\sigma^2$, a layer multiplies the mean
    square of its input by $n\sigma^2$, and ReLU halves it. PyTorch's default
    ``nn.Linear`` weights are uniform in $\pm 1/\sqrt n$ (variance $1/(3n)$); Kaiming's
    have variance $2/n$.
    """,
    answer=r"""
    Default initialisation: each layer multiplies the mean square by
    $\frac{1}{3}\cdot\frac{1}{2} = \frac16$, so the RMS shrinks by $\sqrt 6 \approx 2.4$
    per layer (measured: a factor 0.39 per layer on average, against
    $1/\sqrt 6 \approx 0.41$) — after 10 layers it is about $10^{-4}$.
    Kaiming: $2 \cdot \frac12 = 1$, and the RMS stays between 0.7 and 1. Gradients
    flowing back shrink the same way, so a deep network with the default initialisation
    barely learns at any η, and "deeper needs a smaller η" gets mixed up with "deeper
    starts with vanishing signals". With Kaiming's initialisation the depth sweep
    measures the η limit itself.
    """,
    helpers=[activation_rms])
def init_depth():
    default = activation_rms(None)
    kaiming = activation_rms(lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu"))
    per_layer = (default[-1] / default[0]) ** (1 / (len(default) - 1))   # geometric mean
    assert abs(per_layer - 1 / np.sqrt(6)) < 0.04 and round(per_layer, 2) == 0.39
    assert 3e-5 < default[-1] < 3e-4 and np.all((0.7 < kaiming) & (kaiming < 1.1))
    return default, kaiming


@exercise(
    "10", "sum-reduction-scale", "A summed loss grows with the data",
    question=r"""
    Give :class:`minigrad.nn.CrossEntropyLoss` ``reduction="sum"`` and compute the
    gradient of a linear classifier's loss on the first $N$ = 50, 100, 200 and 400
    digits. How does its size depend on $N$, and what does that do to the largest
    stable η?
    """,
    hint=r"""
    The sum over $N$ samples is $N$ times the mean; its gradient and its Hessian are
    $N$ times the mean's too.
    """,
    answer=r"""
    The summed loss's gradient is exactly $N$ times the mean's (to float32 rounding);
    its norm grows about 6 times from 50 to 400 samples (not 8: the samples' gradients
    partly cancel). The Hessian is also exactly $N$ times the mean's, and the mean's
    curvature hardly depends on $N$, so the largest stable η falls like $1/N$. With a
    mean loss, as in the lesson, "more data needs a smaller η" is not a law; with a
    summed loss it is arithmetic.
    """)
def sum_reduction_scale():
    from minigrad.data import load_digits
    X, y = load_digits()
    ratios, norms = {}, {}
    for n in (50, 100, 200, 400):
        grads = {}
        for reduction in ("mean", "sum"):
            minigrad.manual_seed(0)
            model = nn.Linear(64, 10)
            loss = nn.CrossEntropyLoss(reduction=reduction)(
                model(minigrad.tensor(X[:n])), minigrad.tensor(y[:n]))
            loss.backward()
            grads[reduction] = np.asarray(model.weight.grad, dtype=np.float64)
        ratios[n] = np.abs(grads["sum"] - n * grads["mean"]).max() / np.abs(grads["sum"]).max()
        norms[n] = np.linalg.norm(grads["sum"])
    assert all(r < 1e-5 for r in ratios.values())
    growth = norms[400] / norms[50]
    assert 5.5 < growth < 6.5
    return ratios, norms
