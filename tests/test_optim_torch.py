"""Optimizers against PyTorch: the same float64 problem, the same trajectory.

Both sides start from identical parameters in two parameter groups (with different
learning rates and hyper-parameters), get the same hand-computed numpy gradients of
their own current parameters, and must agree to ~1e-10 after every one of 60 steps.
Skipped when PyTorch is not installed.
"""

import numpy as np

import minigrad
import pytest

torch = pytest.importorskip("torch")

from minigrad import optim  # noqa: E402
from minigrad.optim import lr_scheduler  # noqa: E402

STEPS = 60
RNG = np.random.default_rng(1)
X = RNG.normal(size=(30, 4))
Y = RNG.normal(size=(30, 3))
INIT = [RNG.normal(size=(4, 3)), RNG.normal(size=(3,)), RNG.normal(size=(5,))]


def gradients(W, b, v):
    """∇ of ‖XW + b − Y‖²/m + 0.1 Σ sin(3W) + Σ v⁴/4 − v²  (non-convex in W and v)."""
    m = len(X)
    R = X @ W + b - Y
    return 2 * X.T @ R / m + 0.3 * np.cos(3 * W), 2 * R.sum(axis=0) / m, v ** 3 - 2 * v


def Param(data):
    """A float64 parameter (a leaf tensor that requires grad)."""
    return minigrad.tensor(np.array(data, dtype=np.float64), requires_grad=True)


def groups(params, group1, group2):
    """Group 0: W and v (plus a frozen parameter that never gets a gradient); group 1: b."""
    W, b, v, frozen = params
    return [{"params": [W, frozen, v], **group1}, {"params": [b], **group2}]


def trajectories(name, kwargs, group1=None, group2=None, steps=STEPS, scheduler=None):
    """Run minigrad's and torch's optimizer side by side; yield both states each step."""
    group1, group2 = group1 or {}, group2 or {}
    ours = [Param(a) for a in INIT] + [Param(np.ones(2))]
    theirs = [torch.tensor(a, dtype=torch.float64, requires_grad=True)
              for a in INIT + [np.ones(2)]]
    opt = getattr(optim, name)(groups(ours, group1, group2), **kwargs)
    topt = getattr(torch.optim, name)(groups(theirs, group1, group2), **kwargs)
    sched = tsched = None
    if scheduler is not None:
        sched_name, sched_kwargs = scheduler
        sched = getattr(lr_scheduler, sched_name)(opt, **sched_kwargs)
        tsched = getattr(torch.optim.lr_scheduler, sched_name)(topt, **sched_kwargs)
    for _ in range(steps):
        opt.zero_grad()
        topt.zero_grad()
        for p, g in zip(ours[:3], gradients(*(p.data for p in ours[:3]))):
            p.grad = g
        for p, g in zip(theirs[:3], gradients(*(p.detach().numpy() for p in theirs[:3]))):
            p.grad = torch.from_numpy(g.copy())
        opt.step()
        topt.step()
        if sched is not None:
            sched.step()
            tsched.step()
        yield [p.data for p in ours], [p.detach().numpy() for p in theirs], opt, topt


def assert_same_run(name, kwargs, group1=None, group2=None, scheduler=None, rtol=1e-10):
    for t, (ours, theirs, opt, topt) in enumerate(
            trajectories(name, kwargs, group1, group2, scheduler=scheduler), start=1):
        for i, (a, b) in enumerate(zip(ours, theirs)):
            np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-13,
                                       err_msg=f"{name}{kwargs}: parameter {i}, step {t}")
    assert np.array_equal(ours[3], np.ones(2))          # no gradient: never updated
    for ours_group, their_group in zip(opt.param_groups, topt.param_groups):
        assert ours_group["lr"] == pytest.approx(their_group["lr"], rel=1e-12)
    for p_ours, p_theirs in zip(
            [p for g in opt.param_groups for p in g["params"]],
            [p for g in topt.param_groups for p in g["params"]]):
        s_ours, s_theirs = opt.state.get(p_ours, {}), topt.state.get(p_theirs, {})
        for key, value in s_ours.items():
            expected = s_theirs[key]
            expected = expected.item() if expected.ndim == 0 else expected.numpy()
            np.testing.assert_allclose(value, expected, rtol=1e-9, atol=1e-13,
                                       err_msg=f"state {key!r}")


CASES = [
    ("SGD", dict(lr=0.02), {}),
    ("SGD", dict(lr=0.02, momentum=0.9), {"momentum": 0.5}),
    ("SGD", dict(lr=0.02, momentum=0.9, dampening=0.3), {"dampening": 0.0}),
    ("SGD", dict(lr=0.02, momentum=0.8, nesterov=True), {"momentum": 0.95}),
    ("SGD", dict(lr=0.02, momentum=0.9, weight_decay=0.05), {"weight_decay": 0.0}),
    ("SGD", dict(lr=0.02, momentum=0.9, weight_decay=0.05, nesterov=True), {}),
    ("Adagrad", dict(lr=0.1), {}),
    ("Adagrad", dict(lr=0.1, lr_decay=0.05), {"lr_decay": 0.0}),
    ("Adagrad", dict(lr=0.1, weight_decay=0.1, eps=1e-6), {}),
    ("Adagrad", dict(lr=0.1, initial_accumulator_value=0.5), {}),
    ("RMSprop", dict(lr=0.01), {}),
    # RMSprop with a short memory (small α) near a minimum moves like sign descent,
    # which is chaotic: PyTorch's fused multiply-adds and numpy's separate roundings
    # then part ways after ~30 steps at larger rates. This step size stays contracting.
    ("RMSprop", dict(lr=0.005, alpha=0.8, eps=1e-6), {"alpha": 0.95}),
    ("RMSprop", dict(lr=0.01, centered=True), {"centered": False}),
    ("RMSprop", dict(lr=0.005, momentum=0.9), {"momentum": 0.5}),
    ("RMSprop", dict(lr=0.005, momentum=0.9, centered=True, weight_decay=0.05), {}),
    ("Adam", dict(lr=0.01), {}),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6), {"betas": (0.95, 0.9)}),
    ("Adam", dict(lr=0.01, amsgrad=True), {}),
    ("Adam", dict(lr=0.01, weight_decay=0.1), {"weight_decay": 0.0}),
    ("Adam", dict(lr=0.01, weight_decay=0.1, amsgrad=True), {}),
    ("AdamW", dict(lr=0.01), {}),
    ("AdamW", dict(lr=0.01, weight_decay=0.3), {"weight_decay": 0.0}),
    ("AdamW", dict(lr=0.01, amsgrad=True, betas=(0.85, 0.98)), {}),
]


@pytest.mark.parametrize("name, kwargs, group2", CASES,
                         ids=[f"{n}-{'-'.join(f'{k}={v}' for k, v in kw.items())}"
                              for n, kw, _ in CASES])
def test_matches_torch_over_60_steps(name, kwargs, group2):
    # group 1 overrides the learning rate and one more hyper-parameter
    assert_same_run(name, kwargs, group2={"lr": kwargs["lr"] * 3, **group2})


@pytest.mark.parametrize("name, kwargs", [
    ("SGD", dict(lr=0.02, momentum=0.9)),
    ("Adam", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.005, momentum=0.9)),
])
def test_matches_torch_while_cyclic_lr_cycles_momentum(name, kwargs):
    sched = ("CyclicLR", dict(base_lr=[0.001, 0.002], max_lr=0.05, step_size_up=7,
                              mode="triangular2"))
    assert_same_run(name, kwargs, scheduler=sched)


def test_matches_torch_under_one_cycle():
    sched = ("OneCycleLR", dict(max_lr=0.05, total_steps=STEPS, three_phase=True))
    assert_same_run("AdamW", dict(lr=0.01), scheduler=sched)


def test_state_dict_has_torch_layout():
    *_, opt, topt = list(trajectories("Adam", dict(lr=0.01, amsgrad=True), steps=2))[-1]
    ours, theirs = opt.state_dict(), topt.state_dict()
    assert sorted(ours["state"]) == sorted(theirs["state"])
    for i in ours["state"]:
        assert set(ours["state"][i]) == set(theirs["state"][i])
    for g_ours, g_theirs in zip(ours["param_groups"], theirs["param_groups"]):
        assert g_ours["params"] == g_theirs["params"]
        for key, value in g_ours.items():
            assert g_theirs[key] == value, key
