"""Exercises of lesson 09: an MLP on the digits."""

import math

import numpy as np

import minigrad
from minigrad import nn
from minigrad.data import load_digits
from minigrad.exercises import exercise


@exercise(
    "09", "initial-loss", "The loss before any training",
    question=r"""
    Before training, what cross-entropy loss should a 10-class classifier show? Build
    lesson 09's network (64 → 128 → 64 → 10 with ReLU, PyTorch's initialisation under
    ``minigrad.manual_seed(0)``) and compute its loss on the digits without training.
    """,
    hint=r"""
    Freshly initialised, the logits are all small, so the softmax is close to uniform:
    each class gets probability about 1/10.
    """,
    answer=r"""
    $-\ln(1/10) = \ln 10 \approx 2.303$, and the untrained network gives 2.30 (within
    0.02). A first loss far from $\ln C$ means something is off — a wrong label
    encoding, a softmax applied twice, logits scaled up by the initialisation — before
    any learning rate is involved.
    """)
def initial_loss():
    X, y = load_digits()
    minigrad.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
                          nn.Linear(64, 10))
    with minigrad.no_grad():
        loss = nn.CrossEntropyLoss()(model(minigrad.tensor(X)), minigrad.tensor(y)).item()
    assert abs(loss - math.log(10)) < 0.02
    return loss


@exercise(
    "09", "double-softmax-gradient", "Exactly ten times smaller",
    question=r"""
    The lesson found that the double softmax (a softmax layer, then
    ``CrossEntropyLoss``, which applies another) makes the gradient "about ten times
    smaller". Show that at logits $z = 0$ it is *exactly* ten times smaller, for 10
    classes: derive it, then check it with ``backward()``.
    """,
    hint=r"""
    With $p = \mathrm{softmax}(z)$ the cross-entropy's gradient with respect to its
    input is $\mathrm{softmax}(\text{input}) - y$. At $z = 0$, $p$ is uniform, so
    $\mathrm{softmax}(p)$ is uniform too, and the softmax's Jacobian is
    $\mathrm{diag}(p) - pp^\top$.
    """,
    answer=r"""
    The gradient with respect to $p$ is $q - y$ with $q = \mathrm{softmax}(p)$ uniform:
    the same vector as the plain loss's gradient with respect to $z$. Multiplying by
    the Jacobian $\frac{1}{10}I - \frac{1}{100}\mathbf 1\mathbf 1^\top$ gives
    $\frac{1}{10}(q - y)$, because $q - y$ sums to zero. So the ratio of the two
    gradients is exactly 10 at $z = 0$, and close to 10 wherever the logits are
    small, as at initialisation.
    """)
def double_softmax_gradient():
    y = minigrad.tensor(np.arange(10) % 10)
    grads = []
    for double in (False, True):
        z = minigrad.tensor(np.zeros((10, 10)), requires_grad=True)
        logits = z.softmax(-1) if double else z
        nn.CrossEntropyLoss()(logits, y).backward()
        grads.append(np.asarray(z.grad))
    assert np.allclose(grads[0], 10 * grads[1], rtol=1e-12, atol=1e-15)
    return grads
