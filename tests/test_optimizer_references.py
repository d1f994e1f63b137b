"""Every optimizer against a plain-numpy reference written from its published algorithm,
over many steps — the by-value counterpart of ``test_optim_torch.py``, run without PyTorch.

Each reference is the pseudo-code of PyTorch's documentation (the same as the docstrings
of :mod:`minigrad.optim`), one line per line, on float64 arrays. The gradients come from
a fixed loss, L(θ) = Σ (θ − c)⁴/4 + ⟨r, θ⟩, so they change with θ as in training.
"""

import copy

import numpy as np
import pytest

import minigrad
from minigrad.optim import SGD, Adagrad, Adam, AdamW, RMSprop

STEPS = 40
C = np.array([[0.5, -1.0, 2.0], [0.1, 0.0, -0.7]])
R = np.array([[0.3, -0.2, 0.1], [-0.4, 0.25, 0.05]])
THETA0 = np.array([[1.0, 0.5, -0.5], [2.0, -1.5, 0.3]])


def gradient(theta):
    return (theta - C) ** 3 + R


def run_minigrad(cls, steps=STEPS, **kwargs):
    p = minigrad.tensor(THETA0.copy(), requires_grad=True)
    optimizer = cls([p], **kwargs)
    trajectory = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = (((p - minigrad.tensor(C)) ** 4).sum() / 4 + (p * minigrad.tensor(R)).sum())
        loss.backward()
        optimizer.step()
        trajectory.append(p.array.copy())
    return np.array(trajectory)


def run_reference(update, steps=STEPS):
    theta, state, trajectory = THETA0.copy(), {}, []
    for t in range(1, steps + 1):
        theta = update(theta, gradient(theta), state, t)
        trajectory.append(theta.copy())
    return np.array(trajectory)


# -- the references ----------------------------------------------------------------------
def sgd(lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    def update(theta, g, state, t):
        if weight_decay:
            g = g + weight_decay * theta
        if momentum:
            if t == 1:
                state["b"] = g.copy()
            else:
                state["b"] = momentum * state["b"] + (1 - dampening) * g
            g = g + momentum * state["b"] if nesterov else state["b"]
        return theta - lr * g
    return update


def adagrad(lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0,
            eps=1e-10):
    def update(theta, g, state, t):
        if weight_decay:
            g = g + weight_decay * theta
        eta = lr / (1 + (t - 1) * lr_decay)
        state["s"] = state.get("s", np.full_like(theta, initial_accumulator_value)) + g * g
        return theta - eta * g / (np.sqrt(state["s"]) + eps)
    return update


def rmsprop(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
    def update(theta, g, state, t):
        if weight_decay:
            g = g + weight_decay * theta
        state["v"] = alpha * state.get("v", 0.0) + (1 - alpha) * g * g
        v_tilde = state["v"]
        if centered:
            state["g_avg"] = alpha * state.get("g_avg", 0.0) + (1 - alpha) * g
            v_tilde = v_tilde - state["g_avg"] ** 2
        step = g / (np.sqrt(v_tilde) + eps)
        if momentum > 0:
            state["b"] = momentum * state.get("b", 0.0) + step
            return theta - lr * state["b"]
        return theta - lr * step
    return update


def adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False,
         decoupled=False):
    beta1, beta2 = betas

    def update(theta, g, state, t):
        if decoupled:
            theta = theta * (1 - lr * weight_decay)
        elif weight_decay:
            g = g + weight_decay * theta
        state["m"] = beta1 * state.get("m", 0.0) + (1 - beta1) * g
        state["v"] = beta2 * state.get("v", 0.0) + (1 - beta2) * g * g
        m_hat = state["m"] / (1 - beta1 ** t)
        if amsgrad:
            state["v_max"] = np.maximum(state.get("v_max", 0.0), state["v"])
            v_hat = state["v_max"] / (1 - beta2 ** t)
        else:
            v_hat = state["v"] / (1 - beta2 ** t)
        return theta - lr * m_hat / (np.sqrt(v_hat) + eps)
    return update


CASES = [
    (SGD, dict(lr=0.02), sgd(0.02)),
    (SGD, dict(lr=0.02, momentum=0.9), sgd(0.02, momentum=0.9)),
    (SGD, dict(lr=0.02, momentum=0.9, dampening=0.3), sgd(0.02, 0.9, dampening=0.3)),
    (SGD, dict(lr=0.02, momentum=0.8, nesterov=True), sgd(0.02, 0.8, nesterov=True)),
    (SGD, dict(lr=0.02, momentum=0.5, weight_decay=0.1), sgd(0.02, 0.5, weight_decay=0.1)),
    (SGD, dict(lr=0.02, weight_decay=0.3), sgd(0.02, weight_decay=0.3)),
    (Adagrad, dict(lr=0.1), adagrad(0.1)),
    (Adagrad, dict(lr=0.1, lr_decay=0.05, weight_decay=0.1, initial_accumulator_value=0.5),
     adagrad(0.1, 0.05, 0.1, 0.5)),
    (Adagrad, dict(lr=0.1, eps=0.3), adagrad(0.1, eps=0.3)),
    (RMSprop, dict(lr=0.005), rmsprop(0.005)),
    (RMSprop, dict(lr=0.005, alpha=0.9, eps=0.01), rmsprop(0.005, alpha=0.9, eps=0.01)),
    (RMSprop, dict(lr=0.005, momentum=0.9, centered=True, weight_decay=0.05),
     rmsprop(0.005, momentum=0.9, centered=True, weight_decay=0.05)),
    (RMSprop, dict(lr=0.005, centered=True), rmsprop(0.005, centered=True)),
    (Adam, dict(lr=0.01), adam(0.01)),
    (Adam, dict(lr=0.01, betas=(0.8, 0.9), eps=1e-3), adam(0.01, (0.8, 0.9), 1e-3)),
    (Adam, dict(lr=0.01, weight_decay=0.1, amsgrad=True), adam(0.01, weight_decay=0.1,
                                                               amsgrad=True)),
    (AdamW, dict(lr=0.01), adam(0.01, weight_decay=1e-2, decoupled=True)),
    (AdamW, dict(lr=0.05, weight_decay=0.5, amsgrad=True, betas=(0.85, 0.98)),
     adam(0.05, (0.85, 0.98), weight_decay=0.5, amsgrad=True, decoupled=True)),
]


@pytest.mark.parametrize("cls, kwargs, reference", CASES,
                         ids=[f"{c.__name__}-{k}" for c, k, _ in CASES])
def test_matches_the_reference_over_many_steps(cls, kwargs, reference):
    ours = run_minigrad(cls, **kwargs)
    expected = run_reference(reference)
    assert not np.allclose(expected[-1], THETA0)                    # it did move
    np.testing.assert_allclose(ours, expected, rtol=1e-10, atol=1e-12)


def test_amsgrad_differs_from_adam_once_the_gradient_shrinks():
    plain = run_reference(adam(0.05))
    ams = run_reference(adam(0.05, amsgrad=True))
    assert np.abs(plain - ams).max() > 1e-5     # far above the 1e-10 the cases above allow


def test_a_parameter_without_a_gradient_is_not_moved_even_with_weight_decay():
    a = minigrad.tensor(np.ones(2), requires_grad=True)
    b = minigrad.tensor(np.ones(2), requires_grad=True)
    for cls, kwargs in ((SGD, dict(lr=0.1, weight_decay=0.5)), (AdamW, dict(lr=0.1)),
                        (Adagrad, dict(weight_decay=0.5)), (RMSprop, dict(weight_decay=0.5))):
        optimizer = cls([a, b], **kwargs)
        optimizer.zero_grad()
        (a * 2).sum().backward()
        optimizer.step()
        np.testing.assert_array_equal(b.array, [1.0, 1.0])
        assert b.grad is None


def test_each_group_keeps_its_own_hyperparameters():
    a = minigrad.tensor(np.array([1.0]), requires_grad=True)
    b = minigrad.tensor(np.array([1.0]), requires_grad=True)
    optimizer = SGD([{"params": [a]}, {"params": [b], "lr": 0.5, "momentum": 0.9}], lr=0.1)
    assert optimizer.param_groups[0]["momentum"] == 0
    assert optimizer.param_groups[1]["lr"] == 0.5 and optimizer.param_groups[1]["momentum"] == 0.9
    for _ in range(2):
        optimizer.zero_grad()
        (a + b).sum().backward()
        optimizer.step()
    np.testing.assert_allclose(a.array, [1.0 - 0.2])
    np.testing.assert_allclose(b.array, [1.0 - 0.5 - 0.5 * 1.9])


def test_load_state_dict_restores_the_step_count_and_the_averages():
    p = minigrad.tensor(np.array([1.0, 2.0]), requires_grad=True)
    optimizer = Adam([p], lr=0.1)
    for _ in range(3):
        optimizer.zero_grad()
        (p * p).sum().backward()
        optimizer.step()
    saved = copy.deepcopy(optimizer.state_dict())      # PyTorch hands out the live state
    q = minigrad.tensor(p.array.copy(), requires_grad=True)
    other = Adam([q], lr=0.1)
    other.load_state_dict(saved)
    assert float(other.state_dict()["state"][0]["step"]) == 3.0
    for model, param in ((optimizer, p), (other, q)):    # both take the same 4th step
        model.zero_grad()
        (param * param).sum().backward()
        model.step()
    np.testing.assert_array_equal(q.array, p.array)


def test_zero_grad_sets_gradients_to_none_or_zero():
    p = minigrad.tensor(np.array([1.0, 2.0]), requires_grad=True)
    optimizer = SGD([p], lr=0.1)
    (p * 3).sum().backward()
    optimizer.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(p.grad.array, [0.0, 0.0])
    (p * 3).sum().backward()
    optimizer.zero_grad()
    assert p.grad is None


SCHEDULED = [
    (SGD, dict(momentum=0.9), lambda lr: sgd(lr, momentum=0.9)),
    (SGD, dict(momentum=0.9, nesterov=True), lambda lr: sgd(lr, 0.9, nesterov=True)),
    (RMSprop, dict(momentum=0.8), lambda lr: rmsprop(lr, momentum=0.8)),
    (Adam, dict(), lambda lr: adam(lr)),
    (AdamW, dict(weight_decay=0.3), lambda lr: adam(lr, weight_decay=0.3, decoupled=True)),
    (Adagrad, dict(lr_decay=0.1), lambda lr: adagrad(lr, lr_decay=0.1)),
]


@pytest.mark.parametrize("cls, kwargs, reference", SCHEDULED,
                         ids=[f"{c.__name__}-{k}" for c, k, _ in SCHEDULED])
def test_a_learning_rate_changed_between_steps_applies_as_in_pytorch(cls, kwargs, reference):
    # η outside the momentum buffer (PyTorch's form): a new η scales the whole buffer.
    lrs = [0.01 * (1 + (t % 5)) for t in range(STEPS)]
    p = minigrad.tensor(THETA0.copy(), requires_grad=True)
    optimizer = cls([p], lr=lrs[0], **kwargs)
    ours = []
    for lr in lrs:
        optimizer.param_groups[0]["lr"] = lr
        optimizer.zero_grad()
        (((p - minigrad.tensor(C)) ** 4).sum() / 4 + (p * minigrad.tensor(R)).sum()).backward()
        optimizer.step()
        ours.append(p.array.copy())
    theta, state, expected = THETA0.copy(), {}, []
    for t, lr in enumerate(lrs, start=1):
        theta = reference(lr)(theta, gradient(theta), state, t)
        expected.append(theta.copy())
    np.testing.assert_allclose(ours, expected, rtol=1e-10, atol=1e-12)
