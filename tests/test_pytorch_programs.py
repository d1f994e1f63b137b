"""Small training programs in PyTorch's idioms, written once and run with ``lib`` =
minigrad and ``lib`` = torch: the same printed numbers, from the same starting weights.

They cover what PyTorch's "Learning PyTorch with Examples" and d2l's optimization
chapter do (in our own words): a cubic fitted to sin(x) with hand-written gradients,
with autograd and manual updates, with a custom autograd Function, with nn.Sequential
+ Flatten + MSELoss(reduction="sum") + optim, with a Module subclass and ``apply``, a
two-layer net with its backward pass written out (mm, clamp, clone, masked assignment),
d2l's from-scratch SGD (``p.data.sub_``, ``p.grad.data.zero_()``) and a d2l-style
minibatch loop with a scheduler. Without PyTorch, each program is checked by value instead
(the loss falls to a stated level).
"""

import math

import numpy as np
import pytest

import minigrad

STEPS = 300


def values(t):
    """A tensor's numbers as numpy, for either library."""
    return t.detach().numpy() if hasattr(t, "detach") and not hasattr(t, "array") \
        else np.asarray(t.array)


def libraries():
    """minigrad, and torch when it is installed."""
    try:
        import torch
    except ImportError:
        return [minigrad]
    return [minigrad, torch]


def run_both(program):
    """``program(lib)`` for each library; the printed numbers of each, as arrays."""
    return [np.array(program(lib), dtype=np.float64) for lib in libraries()]


def assert_same_numbers(results, rtol=1e-4):
    if len(results) == 2:
        np.testing.assert_allclose(results[0], results[1], rtol=rtol, atol=1e-6)


X = np.linspace(-math.pi, math.pi, 200).astype(np.float32)
Y = np.sin(X).astype(np.float32)
START = np.array([0.1, 0.5, -0.2, 0.05], dtype=np.float32)     # a, b, c, d


# ------------------------------------------------------------------------ programs
def cubic_by_hand(lib):
    """Forward pass, loss and gradients written out; no autograd."""
    x, y = lib.tensor(X), lib.tensor(Y)
    a, b, c, d = (lib.tensor(v) for v in START)
    printed = []
    for t in range(STEPS):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = ((y_pred - y) ** 2).sum().item()
        grad_y_pred = 2.0 * (y_pred - y)
        a = a - 1e-5 * grad_y_pred.sum()
        b = b - 1e-5 * (grad_y_pred * x).sum()
        c = c - 1e-5 * (grad_y_pred * x ** 2).sum()
        d = d - 1e-5 * (grad_y_pred * x ** 3).sum()
        if t % 50 == 49:
            printed.append(loss)
    return printed + [a.item(), b.item(), c.item(), d.item()]


def cubic_with_autograd_and_manual_updates(lib):
    """loss.backward(); parameters changed in place under no_grad; grads reset to None."""
    x, y = lib.tensor(X), lib.tensor(Y)
    params = [lib.tensor(v, requires_grad=True) for v in START]
    printed = []
    for t in range(STEPS):
        a, b, c, d = params
        loss = ((a + b * x + c * x ** 2 + d * x ** 3 - y) ** 2).sum()
        loss.backward()
        with lib.no_grad():
            for p in params:
                p -= 1e-5 * p.grad
                p.grad = None
        if t % 50 == 49:
            printed.append(loss.item())
    return printed + [p.item() for p in params]


def legendre_function(lib):
    """y = a + b·P₃(c + d·x) with P₃ a custom autograd Function; optim.SGD updates."""
    class P3(lib.autograd.Function):
        """P₃(z) = 2.5 z³ − 1.5 z, P₃'(z) = 7.5 z² − 1.5."""

        @staticmethod
        def forward(ctx, z):
            ctx.save_for_backward(z)
            return 2.5 * z ** 3 - 1.5 * z

        @staticmethod
        def backward(ctx, g):
            z, = ctx.saved_tensors
            return g * (7.5 * z * z - 1.5)

    x, y = lib.tensor(X), lib.tensor(Y)
    start = np.array([0.0, -1.0, 0.0, 0.3], dtype=np.float32)
    params = [lib.nn.Parameter(lib.tensor(v)) for v in start]
    optimizer = lib.optim.SGD(params, lr=5e-5)
    printed = []
    for t in range(STEPS):
        a, b, c, d = params
        loss = ((a + b * P3.apply(c + d * x) - y) ** 2).sum()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if t % 50 == 49:
            printed.append(loss.item())
    return printed + [p.item() for p in params]


def sequential_flatten_mse_sum(lib):
    """nn.Sequential(Linear(3, 1), Flatten(0, 1)) on (x, x², x³), MSELoss(reduction="sum")
    and RMSprop; initial weights set through state_dict so both libraries start alike."""
    xx = lib.tensor(np.stack([X, X ** 2, X ** 3], axis=1))
    y = lib.tensor(Y)
    model = lib.nn.Sequential(lib.nn.Linear(3, 1), lib.nn.Flatten(0, 1))
    model.load_state_dict({"0.weight": lib.tensor([[0.3, -0.1, 0.2]]),
                           "0.bias": lib.tensor([0.1])})
    loss_fn = lib.nn.MSELoss(reduction="sum")
    optimizer = lib.optim.RMSprop(model.parameters(), lr=1e-3)
    printed = []
    for t in range(STEPS):
        loss = loss_fn(model(xx), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if t % 50 == 49:
            printed.append(loss.item())
    layer = model[0]
    return printed + [layer.bias.item()] + [layer.weight[:, i].item() for i in range(3)]


def module_subclass_with_apply(lib):
    """A Module subclass; weights set with apply(init); Adam; train()/eval()."""
    class TwoLayer(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.hidden = lib.nn.Linear(3, 8)
            self.out = lib.nn.Linear(8, 1)

        def forward(self, inputs):
            return self.out(lib.nn.functional.relu(self.hidden(inputs)))

    def init_weights(module):
        if type(module) == lib.nn.Linear:
            n_out, n_in = module.weight.shape
            grid = np.linspace(-1, 1, n_out * n_in, dtype=np.float32).reshape(n_out, n_in)
            with lib.no_grad():
                lib.nn.init.zeros_(module.bias)
                module.weight.copy_(lib.tensor(grid)) if hasattr(module.weight, "copy_") \
                    else np.copyto(module.weight.array, grid)

    model = TwoLayer()
    model.apply(init_weights)
    inputs = lib.tensor(np.stack([X, X ** 2, X ** 3], axis=1) / 10)
    y = lib.tensor(Y.reshape(-1, 1))
    optimizer = lib.optim.Adam(model.parameters(), lr=1e-2)
    printed = []
    model.train()
    for t in range(STEPS):
        loss = lib.nn.functional.mse_loss(model(inputs), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if t % 50 == 49:
            printed.append(loss.item())
    model.eval()
    with lib.no_grad():
        printed.append(lib.nn.functional.mse_loss(model(inputs), y).item())
    return printed


def d2l_minibatch_loop(lib):
    """d2l's train_concise_ch11 shape: Sequential(Linear(5, 1)), MSELoss(reduction="none"),
    l.mean().backward(), a learning-rate scheduler stepped per epoch, fixed batches."""
    rng = np.random.default_rng(3)
    features = rng.normal(size=(200, 5)).astype(np.float32)
    labels = (features @ np.array([1, -2, 3, 0.5, 0], dtype=np.float32) + 0.1).astype(
        np.float32)
    net = lib.nn.Sequential(lib.nn.Linear(5, 1))
    net.load_state_dict({"0.weight": lib.tensor(np.full((1, 5), 0.01, np.float32)),
                         "0.bias": lib.tensor([0.0])})
    loss = lib.nn.MSELoss(reduction="none")
    optimizer = lib.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    scheduler = lib.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
    printed = []
    for epoch in range(6):
        for i in range(0, 200, 20):
            X, y = lib.tensor(features[i:i + 20]), lib.tensor(labels[i:i + 20])
            optimizer.zero_grad()
            out = net(X)
            l = loss(out, y.reshape(out.shape))
            l.mean().backward()
            optimizer.step()
        scheduler.step()
        printed.append(l.mean().item())
    return printed + scheduler.get_last_lr()


def two_layer_net_by_hand(lib):
    """A ReLU net with the backward pass written out: mm, t(), clamp(min=0), clone(),
    masked assignment, matmul(input=, other=), in-place updates of plain tensors."""
    rng = np.random.default_rng(7)
    x, y = (lib.tensor(rng.normal(size=shape).astype(np.float32))
            for shape in ((16, 30), (16, 4)))
    device = lib.device("cpu")
    w1 = lib.tensor(rng.normal(size=(30, 20)).astype(np.float32)).to(device)
    w2 = lib.tensor(rng.normal(size=(20, 4)).astype(np.float32)).to(device, lib.float32)
    printed = []
    for t in range(50):
        h = x.mm(w1)
        h_relu = h.clamp(min=0)
        y_pred = lib.matmul(input=h_relu, other=w2)
        loss = (y_pred - y).pow(2).sum().item()
        grad_y_pred = 2.0 * (y_pred - y)
        grad_w2 = h_relu.t().mm(grad_y_pred)
        grad_h = grad_y_pred.mm(w2.t()).clone()
        grad_h[h < 0] = 0
        grad_w1 = x.t().mm(grad_h)
        w1 -= 1e-4 * grad_w1
        w2 -= 1e-4 * grad_w2
        if t % 10 == 9:
            printed.append(loss)
    return printed + [float(w1.sum()), float(w2.abs().sum())]


def d2l_scratch_sgd(lib):
    """d2l's from-scratch minibatch SGD: p.data.sub_(lr * p.grad); p.grad.data.zero_();
    linreg and squared_loss written out; the printed loss formatted with f"{l:f}"."""
    rng = np.random.default_rng(11)
    features = lib.tensor(rng.normal(size=(100, 3)).astype(np.float32))
    true_w = lib.tensor([[2.0], [-3.4], [1.0]])
    labels = features.mm(true_w) + 4.2
    w = lib.tensor(np.full((3, 1), 0.01, np.float32), requires_grad=True)
    b = lib.zeros(1, requires_grad=True)

    def squared_loss(y_hat, y):
        return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2

    printed = []
    for epoch in range(3):
        for i in range(0, 100, 10):
            X, y = features[i:i + 10], labels[i:i + 10]
            l = squared_loss(lib.matmul(X, w) + b, y).mean()
            l.backward()
            for p in (w, b):
                p.data.sub_(0.1 * p.grad)
                p.grad.data.zero_()
        with lib.no_grad():
            train_l = squared_loss(lib.matmul(features, w) + b, labels)
        printed.append(float(f"{float(train_l.mean()):f}"))
    return printed + w.detach().numpy().ravel().tolist() + [b.item()]


# --------------------------------------------------------------------------- tests
def test_cubic_by_hand():
    results = run_both(cubic_by_hand)
    assert results[0][5] < 0.5 * results[0][0]
    assert_same_numbers(results)


def test_cubic_with_autograd_and_manual_updates():
    results = run_both(cubic_with_autograd_and_manual_updates)
    np.testing.assert_allclose(results[0], run_both(cubic_by_hand)[0], rtol=1e-4)
    assert_same_numbers(results)


def test_legendre_function():
    results = run_both(legendre_function)
    assert results[0][5] < 0.5 * results[0][0]
    assert_same_numbers(results)


def test_sequential_flatten_mse_sum():
    results = run_both(sequential_flatten_mse_sum)
    assert results[0][5] < 0.2 * results[0][0]
    assert_same_numbers(results)


def test_module_subclass_with_apply():
    results = run_both(module_subclass_with_apply)
    assert results[0][-1] < 0.25 * results[0][0]
    assert_same_numbers(results)


def test_d2l_minibatch_loop():
    results = run_both(d2l_minibatch_loop)
    assert results[0][5] < 0.01 * results[0][0]
    assert results[0][-1] == pytest.approx(0.05 * 0.5 ** 3)
    assert_same_numbers(results)


def test_two_layer_net_by_hand():
    results = run_both(two_layer_net_by_hand)
    assert results[0][4] < 0.5 * results[0][0]
    assert_same_numbers(results)


def test_d2l_scratch_sgd():
    results = run_both(d2l_scratch_sgd)
    assert results[0][2] < 0.02 * results[0][0]
    np.testing.assert_allclose(results[0][3:], [2.0, -3.4, 1.0, 4.2], atol=0.15)
    assert_same_numbers(results)
