"""Schedulers against PyTorch: the same learning rates (and momenta), step for step.

Each case builds the scheduler on a minigrad optimizer and the same scheduler on a
torch optimizer, both with two parameter groups (initial rates 0.1 and 0.05), steps
both 120 times and compares every group's rate, momentum / β₁ and ``last_epoch``
after every step. Skipped when PyTorch is not installed.
"""

import math
import warnings

import numpy as np

import minigrad
import pytest

torch = pytest.importorskip("torch")

from minigrad import optim  # noqa: E402
from minigrad.optim import lr_scheduler  # noqa: E402

STEPS = 120

# torch warns when its scheduler steps before its optimizer ever did; irrelevant here
pytestmark = pytest.mark.filterwarnings("ignore:Detected call of `lr_scheduler.step")


def Param(data):
    """A float64 parameter (a leaf tensor that requires grad)."""
    return minigrad.tensor(np.array(data, dtype=np.float64), requires_grad=True)


def make_optimizers(opt_name="SGD"):
    kwargs = {"SGD": dict(momentum=0.9), "Adam": {}, "RMSprop": dict(momentum=0.5),
              "Adagrad": {}}[opt_name]
    ours = getattr(optim, opt_name)([{"params": [Param(np.zeros(2))], "lr": 0.1},
                                     {"params": [Param(np.zeros(3))], "lr": 0.05}], **kwargs)
    theirs = getattr(torch.optim, opt_name)(
        [{"params": [torch.zeros(2, requires_grad=True)], "lr": 0.1},
         {"params": [torch.zeros(3, requires_grad=True)], "lr": 0.05}], **kwargs)
    return ours, theirs


def build(module, optimizer, name, kwargs):
    """Build scheduler ``name`` from ``module``; nested specs build SequentialLR's list."""
    kwargs = dict(kwargs)
    if "schedulers" in kwargs:
        kwargs["schedulers"] = [build(module, optimizer, n, k) for n, k in kwargs["schedulers"]]
    if name == "ChainedScheduler":                  # takes no optimizer argument first
        return module.ChainedScheduler(**kwargs)
    return getattr(module, name)(optimizer, **kwargs)


def momenta(optimizer):
    return [g["betas"][0] if "betas" in g else g.get("momentum") for g in optimizer.param_groups]


def assert_same_schedule(name, kwargs, opt_name="SGD", metrics=None, steps=STEPS):
    opt, topt = make_optimizers(opt_name)
    ours = build(lr_scheduler, opt, name, kwargs)
    theirs = build(torch.optim.lr_scheduler, topt, name, kwargs)
    for t in range(steps + 1):
        if t > 0:
            opt.step()          # no gradients: nothing moves, but the order is the usual one
            topt.step()
            if metrics is None:
                ours.step()
                theirs.step()
            else:
                ours.step(metrics[t - 1])
                theirs.step(metrics[t - 1])
        where = f"{name}{kwargs} at step {t}"
        np.testing.assert_allclose(ours.get_last_lr(), theirs.get_last_lr(), rtol=1e-12,
                                   atol=0, err_msg=where)
        np.testing.assert_allclose([g["lr"] for g in opt.param_groups],
                                   [g["lr"] for g in topt.param_groups], rtol=1e-12,
                                   err_msg=where)
        np.testing.assert_allclose(momenta(opt), momenta(topt), rtol=1e-12, err_msg=where)
        assert getattr(ours, "last_epoch", None) == getattr(theirs, "last_epoch", None), where
    if hasattr(theirs, "base_lrs"):
        np.testing.assert_allclose(ours.base_lrs, theirs.base_lrs, rtol=1e-15)
    for g_ours, g_theirs in zip(opt.param_groups, topt.param_groups):
        for key in ("initial_lr", "max_lr", "min_lr", "max_momentum", "base_momentum"):
            assert (key in g_ours) == (key in g_theirs), key
            if key in g_ours:
                assert g_ours[key] == pytest.approx(g_theirs[key], rel=1e-15)


def decay(epoch):
    return 0.96 ** epoch


def warmup(epoch):
    return min(1.0, (epoch + 1) / 10)


CASES = [
    ("LambdaLR", dict(lr_lambda=decay)),
    ("LambdaLR", dict(lr_lambda=[decay, warmup])),
    ("StepLR", dict(step_size=7)),
    ("StepLR", dict(step_size=10, gamma=0.5)),
    ("MultiStepLR", dict(milestones=[10, 30, 30, 80], gamma=0.3)),
    ("MultiStepLR", dict(milestones=[50, 5])),
    ("ExponentialLR", dict(gamma=0.97)),
    ("CosineAnnealingLR", dict(T_max=100)),
    ("CosineAnnealingLR", dict(T_max=30, eta_min=0.001)),     # and back up, twice
    ("LinearLR", {}),
    ("LinearLR", dict(start_factor=0.1, total_iters=20)),
    ("LinearLR", dict(start_factor=1.0, end_factor=0.0, total_iters=50)),
    ("OneCycleLR", dict(max_lr=1.0, total_steps=STEPS)),
    ("OneCycleLR", dict(max_lr=[1.0, 0.5], total_steps=STEPS + 5, anneal_strategy="linear")),
    ("OneCycleLR", dict(max_lr=1.0, total_steps=STEPS, three_phase=True)),
    ("OneCycleLR", dict(max_lr=1.0, total_steps=STEPS, three_phase=True,
                        anneal_strategy="linear", pct_start=0.4)),
    ("OneCycleLR", dict(max_lr=0.3, epochs=12, steps_per_epoch=10, pct_start=0.25,
                        div_factor=10.0, final_div_factor=100.0, base_momentum=0.8,
                        max_momentum=[0.99, 0.9])),
    ("OneCycleLR", dict(max_lr=0.3, total_steps=STEPS, cycle_momentum=False)),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=10)),
    ("CyclicLR", dict(base_lr=[0.01, 0.02], max_lr=[0.1, 0.3], step_size_up=8,
                      step_size_down=17, mode="triangular2")),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=6, mode="exp_range",
                      gamma=0.98, base_momentum=0.7, max_momentum=0.95)),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=9,
                      scale_fn=lambda x: 1 / (1 + 0.1 * x), scale_mode="iterations")),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=9,
                      scale_fn=lambda c: 0.8 ** c, scale_mode="cycle", cycle_momentum=False)),
    ("SequentialLR", dict(schedulers=[("LinearLR", dict(start_factor=0.1, total_iters=10)),
                                      ("CosineAnnealingLR", dict(T_max=110))],
                          milestones=[10])),
    ("SequentialLR", dict(schedulers=[("StepLR", dict(step_size=5, gamma=0.5)),
                                      ("ExponentialLR", dict(gamma=0.9)),
                                      ("LambdaLR", dict(lr_lambda=warmup))],
                          milestones=[20, 50])),
    ("SequentialLR", dict(schedulers=[("ExponentialLR", dict(gamma=0.9)),
                                      ("MultiStepLR", dict(milestones=[5, 10]))],
                          milestones=[3])),
    # the five PyTorch had and minigrad lacked (issue 12)
    ("MultiplicativeLR", dict(lr_lambda=lambda t: 0.97)),
    ("MultiplicativeLR", dict(lr_lambda=[decay, lambda t: 1.0 if t % 3 else 0.8])),
    ("ConstantLR", {}),
    ("ConstantLR", dict(factor=0.1, total_iters=17)),
    ("ConstantLR", dict(factor=1.0)),
    ("PolynomialLR", {}),
    ("PolynomialLR", dict(total_iters=80, power=2.0)),
    ("PolynomialLR", dict(total_iters=100, power=0.5)),
    ("CosineAnnealingWarmRestarts", dict(T_0=10)),
    ("CosineAnnealingWarmRestarts", dict(T_0=7, T_mult=2, eta_min=0.001)),
    ("CosineAnnealingWarmRestarts", dict(T_0=5, T_mult=3)),
    ("ChainedScheduler", dict(schedulers=[("ConstantLR", dict(factor=0.1, total_iters=10)),
                                          ("ExponentialLR", dict(gamma=0.97))])),
    ("ChainedScheduler", dict(schedulers=[("LinearLR", dict(start_factor=0.2, total_iters=8)),
                                          ("MultiStepLR", dict(milestones=[30, 60])),
                                          ("PolynomialLR", dict(total_iters=200))])),
    ("SequentialLR", dict(schedulers=[("ConstantLR", dict(factor=0.1, total_iters=30)),
                                      ("CosineAnnealingWarmRestarts", dict(T_0=15)),
                                      ("PolynomialLR", dict(total_iters=40, power=1.5))],
                          milestones=[10, 70])),
    ("MultiStepLR", dict(milestones=[10, 25.5, 40.0, 60])),   # 25.5 never fires
]


@pytest.mark.parametrize("name, kwargs", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_matches_torch_for_120_steps(name, kwargs):
    assert_same_schedule(name, kwargs)


@pytest.mark.parametrize("name, kwargs", [
    ("OneCycleLR", dict(max_lr=0.01, total_steps=STEPS)),
    ("CyclicLR", dict(base_lr=0.001, max_lr=0.01, step_size_up=10, mode="triangular2")),
])
def test_momentum_cycling_uses_beta1_of_adam(name, kwargs):
    assert_same_schedule(name, kwargs, opt_name="Adam")


def test_cyclic_momentum_on_rmsprop():
    assert_same_schedule("CyclicLR", dict(base_lr=0.001, max_lr=0.01, step_size_up=5),
                         opt_name="RMSprop")


def test_cycle_momentum_needs_momentum_like_torch():
    opt, topt = make_optimizers("Adagrad")
    with pytest.raises(ValueError, match="momentum or beta1"):
        lr_scheduler.CyclicLR(opt, 0.01, 0.1)
    with pytest.raises(ValueError, match="momentum or beta1"):
        torch.optim.lr_scheduler.CyclicLR(topt, 0.01, 0.1)


def test_one_cycle_allows_exactly_one_extra_step_like_torch():
    for module, opt in zip((lr_scheduler, torch.optim.lr_scheduler), make_optimizers()):
        sched = module.OneCycleLR(opt, max_lr=1.0, total_steps=10)
        for _ in range(10):
            sched.step()
        with pytest.raises(ValueError, match="Tried to step 11 times"):
            sched.step()


# --------------------------------------------------------------- ReduceLROnPlateau
def plateau_losses(n=STEPS):
    """Falls, stalls, wiggles, rises, falls again: every branch of ReduceLROnPlateau."""
    t = np.arange(n)
    loss = 1.0 / (1 + 0.05 * t) + 0.01 * np.sin(1.7 * t)
    loss[30:45] = loss[30]                      # an exact plateau
    loss[60:70] += np.linspace(0, 0.2, 10)      # a bump
    loss[90:] *= 0.5                            # a sudden improvement
    return [float(x) for x in loss]


PLATEAU_CASES = [
    dict(),
    dict(patience=2),
    dict(patience=0, factor=0.5),
    dict(patience=3, threshold=0.01),
    dict(patience=3, threshold=0.005, threshold_mode="abs"),
    dict(patience=2, cooldown=5),
    dict(patience=1, cooldown=2, min_lr=0.02),
    dict(patience=1, factor=0.5, min_lr=[0.01, 0.04]),
    dict(patience=1, factor=0.9, eps=0.009),     # cuts smaller than eps are skipped
]


@pytest.mark.parametrize("kwargs", PLATEAU_CASES, ids=str)
def test_reduce_lr_on_plateau_min_mode(kwargs):
    assert_same_schedule("ReduceLROnPlateau", kwargs, metrics=plateau_losses())


@pytest.mark.parametrize("kwargs", PLATEAU_CASES[:6], ids=str)
def test_reduce_lr_on_plateau_max_mode(kwargs):
    accuracy = [1.0 - x for x in plateau_losses()]
    assert_same_schedule("ReduceLROnPlateau", dict(mode="max", **kwargs), metrics=accuracy)


def test_reduce_lr_on_plateau_takes_numpy_and_zero_dim_values():
    metrics = [np.float64(x) if i % 2 else np.array(x) for i, x in enumerate(plateau_losses())]
    opt, _ = make_optimizers()
    ours = lr_scheduler.ReduceLROnPlateau(opt, patience=2)
    for m in metrics:
        ours.step(m)
    _, topt = make_optimizers()
    theirs = torch.optim.lr_scheduler.ReduceLROnPlateau(topt, patience=2)
    for m in plateau_losses():
        theirs.step(m)
    assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-15)
    assert math.isfinite(ours.best) and ours.best == theirs.best


# ------------------------------------------------------------------ resuming
@pytest.mark.parametrize("name, kwargs", [CASES[i] for i in (4, 8, 11, 14, 20, 23, 24)])
def test_state_dict_resume_matches_torch(name, kwargs):
    """Stop at step 37, rebuild both from state_dicts, and go on to step 120."""
    opt, topt = make_optimizers()
    ours = build(lr_scheduler, opt, name, kwargs)
    theirs = build(torch.optim.lr_scheduler, topt, name, kwargs)
    for _ in range(37):
        ours.step()
        theirs.step()
    opt2, topt2 = make_optimizers()
    ours2 = build(lr_scheduler, opt2, name, kwargs)
    theirs2 = build(torch.optim.lr_scheduler, topt2, name, kwargs)
    ours2.load_state_dict(ours.state_dict())
    opt2.load_state_dict(opt.state_dict())
    theirs2.load_state_dict(theirs.state_dict())
    topt2.load_state_dict(topt.state_dict())
    for _ in range(STEPS - 37):
        ours2.step()
        theirs2.step()
        np.testing.assert_allclose(ours2.get_last_lr(), theirs2.get_last_lr(), rtol=1e-12)
        np.testing.assert_allclose(momenta(opt2), momenta(topt2), rtol=1e-12)


# ---------------------------------------------------------- PyTorch's edges (issue 12, 19)
def _outcome(module, optimizer, name, kwargs, steps=3):
    """Rates after adding a group post-construction, or the exception's type."""
    sched = build(module, optimizer, name, kwargs)
    optimizer.add_param_group({"params": [_param(module, 4)], "lr": 0.5})
    try:
        for _ in range(steps):
            optimizer.step()
            sched.step()
    except Exception as error:                              # noqa: BLE001
        return type(error).__name__
    return [float(g["lr"]) for g in optimizer.param_groups]


def _param(module, n):
    if module is lr_scheduler:
        return Param(np.zeros(n))
    return torch.zeros(n, requires_grad=True)


@pytest.mark.parametrize("name, kwargs", CASES[:-5:3] + [CASES[-16], CASES[-13], CASES[-8]],
                         ids=lambda x: x if isinstance(x, str) else "")
def test_group_added_after_the_scheduler_as_torch(name, kwargs):
    """Schedulers that keep one value per group raise (PyTorch's strict zip); the
    recursive ones schedule the new group too — each as PyTorch does."""
    opt, topt = make_optimizers()
    ours = _outcome(lr_scheduler, opt, name, kwargs)
    theirs = _outcome(torch.optim.lr_scheduler, topt, name, kwargs)
    if isinstance(theirs, str):
        assert ours == theirs
    else:
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_lambda_lr_refuses_a_group_added_later_naming_the_cause():
    opt, _ = make_optimizers()
    sched = lr_scheduler.LambdaLR(opt, decay)
    opt.add_param_group({"params": [Param(np.zeros(1))], "lr": 0.5})
    opt.step()
    with pytest.raises(ValueError, match="after the scheduler was built"):
        sched.step()


def test_non_integer_milestone_never_fires_as_torch():
    opt, topt = make_optimizers()
    ours = lr_scheduler.MultiStepLR(opt, milestones=[2.5, 4])
    theirs = torch.optim.lr_scheduler.MultiStepLR(topt, milestones=[2.5, 4])
    for _ in range(6):
        opt.step(), topt.step(), ours.step(), theirs.step()
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-15)
    assert ours.get_last_lr() == pytest.approx([0.1 * 0.1, 0.05 * 0.1])   # only 4 fired


@pytest.mark.parametrize("name, kwargs", [
    ("StepLR", dict(step_size=3)), ("MultiStepLR", dict(milestones=[2, 5, 5, 9])),
    ("ExponentialLR", dict(gamma=0.9)), ("ConstantLR", dict(factor=0.25, total_iters=4)),
    ("LinearLR", dict(start_factor=0.2, total_iters=6)), ("PolynomialLR", dict(power=0.9)),
    ("CosineAnnealingLR", dict(T_max=7)), ("LambdaLR", dict(lr_lambda=decay)),
])
def test_deprecated_step_epoch_as_torch(name, kwargs):
    """``step(epoch)``: the closed form at that epoch, PyTorch's warning, word for word."""
    opt, topt = make_optimizers()
    ours = build(lr_scheduler, opt, name, kwargs)
    theirs = build(torch.optim.lr_scheduler, topt, name, kwargs)
    for epoch in [3, 3, 0, 7, 12, 5, 20]:
        opt.step(), topt.step()
        with pytest.warns(UserWarning) as ours_warned:
            ours.step(epoch)
        with pytest.warns(UserWarning) as theirs_warned:
            theirs.step(epoch)
        assert [str(w.message) for w in ours_warned] == [str(w.message) for w in theirs_warned]
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-12)
        assert ours.last_epoch == theirs.last_epoch


@pytest.mark.parametrize("T_mult", [1, 2, 3])
def test_warm_restarts_fractional_epochs_as_torch(T_mult):
    """SGDR's per-batch use, ``step(epoch + i / iters)``, and jumps back and forth."""
    opt, topt = make_optimizers()
    ours = lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=10, T_mult=T_mult, eta_min=1e-4)
    theirs = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(topt, T_0=10, T_mult=T_mult,
                                                                  eta_min=1e-4)
    epochs = [i / 7 for i in range(200)] + [0, 0.1, 12, 27, 3, 4.5, 80, 81, 3, 50.5]
    for epoch in epochs:
        opt.step(), topt.step()
        ours.step(epoch)
        theirs.step(epoch)
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-12), epoch
        assert (ours.T_cur, ours.T_i, ours.last_epoch) == pytest.approx(
            (theirs.T_cur, theirs.T_i, theirs.last_epoch)), epoch


def test_scheduler_before_optimizer_step_warns_as_torch():
    for module, opt in zip((lr_scheduler, torch.optim.lr_scheduler), make_optimizers()):
        sched = module.StepLR(opt, step_size=3)
        with pytest.warns(UserWarning, match=r"before `optimizer.step\(\)`"):
            sched.step()
    for module, opt in zip((lr_scheduler, torch.optim.lr_scheduler), make_optimizers()):
        sched = module.StepLR(opt, step_size=3)
        opt.step()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            sched.step()                       # the right order: no warning


def test_lambda_lr_state_dict_saves_callable_objects_as_torch():
    class Scaled:
        def __init__(self, k):
            self.k = k

        def __call__(self, epoch):
            return self.k ** epoch

    states = []
    for module, opt in zip((lr_scheduler, torch.optim.lr_scheduler), make_optimizers()):
        sched = module.LambdaLR(opt, [Scaled(0.9), decay])
        states.append(sched.state_dict()["lr_lambdas"])
        restored = module.LambdaLR(opt, [Scaled(0.5), decay])
        restored.load_state_dict(sched.state_dict())
        assert restored.lr_lambdas[0].k == 0.9
    assert states[0] == states[1] == [{"k": 0.9}, None]


def test_classes_live_in_lr_scheduler_as_torch():
    for name in ("LambdaLR", "StepLR", "MultiStepLR", "MultiplicativeLR", "ConstantLR",
                 "PolynomialLR", "ChainedScheduler", "CosineAnnealingWarmRestarts",
                 "SequentialLR", "ReduceLROnPlateau", "LRScheduler"):
        assert getattr(lr_scheduler, name).__module__ == "minigrad.optim.lr_scheduler"
        assert getattr(torch.optim.lr_scheduler, name).__module__ == "torch.optim.lr_scheduler"


def test_tensor_learning_rate_is_updated_in_place_as_torch():
    import minigrad

    opt, topt = make_optimizers()
    ours_lr, theirs_lr = minigrad.tensor(0.1, dtype=np.float64), torch.tensor(0.1,
                                                                          dtype=torch.float64)
    opt.param_groups[0]["lr"], topt.param_groups[0]["lr"] = ours_lr, theirs_lr
    ours = lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    theirs = torch.optim.lr_scheduler.StepLR(topt, step_size=2, gamma=0.5)
    for _ in range(5):
        opt.step(), topt.step(), ours.step(), theirs.step()
        assert opt.param_groups[0]["lr"] is ours_lr                 # the same object ...
        assert ours_lr.item() == pytest.approx(theirs_lr.item(), rel=1e-15)   # ... updated
        assert ours.get_last_lr()[0] is not ours_lr                  # a copy, as torch
        assert ours.get_last_lr()[0].item() == pytest.approx(theirs.get_last_lr()[0].item())
    assert ours.base_lrs[0].item() == theirs.base_lrs[0].item() == 0.1


def _tensor_rates(opt, topt, values=(0.1, 0.05)):
    """Make every group's rate a one-element tensor in both libraries."""
    import minigrad
    for g, tg, v in zip(opt.param_groups, topt.param_groups, values):
        g["lr"], tg["lr"] = minigrad.tensor(v, dtype=np.float64), torch.tensor(v, dtype=torch.float64)


def test_reduce_lr_on_plateau_keeps_tensor_rates_tensors_as_torch():
    opt, topt = make_optimizers()
    _tensor_rates(opt, topt)
    ours, theirs = (m.ReduceLROnPlateau(o, patience=0)
                    for m, o in ((lr_scheduler, opt), (torch.optim.lr_scheduler, topt)))
    for metric in (1.0, 2.0, 3.0):
        ours.step(metric)
        theirs.step(metric)
    assert [type(g["lr"]).__name__ for g in opt.param_groups] == ["Tensor", "Tensor"]
    assert [g["lr"].item() for g in opt.param_groups] == pytest.approx(
        [g["lr"].item() for g in topt.param_groups], rel=1e-15)


def test_cyclic_lr_never_aliases_its_base_rates_as_torch():
    """The group's tensor rate is written in place; base_lrs stay the starting values."""
    opt, topt = make_optimizers()
    _tensor_rates(opt, topt)
    for module, o in ((lr_scheduler, opt), (torch.optim.lr_scheduler, topt)):
        sched = module.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3)
        for _ in range(4):
            o.step()
            sched.step()
        assert [float(b) for b in sched.base_lrs] == [0.01, 0.01]
    assert [g["lr"].item() for g in opt.param_groups] == pytest.approx(
        [g["lr"].item() for g in topt.param_groups], rel=1e-12)


def test_sequential_lr_containing_a_chained_scheduler_as_torch():
    spec = ("SequentialLR", dict(
        schedulers=[("ChainedScheduler", dict(schedulers=[
            ("LinearLR", dict(start_factor=0.1, total_iters=5)),
            ("ConstantLR", dict(factor=0.1, total_iters=5))])),
                    ("ConstantLR", dict(factor=0.5, total_iters=5))],
        milestones=[5]))
    assert_same_schedule(*spec, steps=30)


def test_cyclic_lr_state_dict_saves_a_callable_objects_attributes_as_torch():
    class Decay:
        def __init__(self):
            self.rate = 0.9

        def __call__(self, x):
            return self.rate ** x

    states = []
    for module, o in zip((lr_scheduler, torch.optim.lr_scheduler), make_optimizers()):
        fn = Decay()
        sched = module.CyclicLR(o, 0.01, 0.1, scale_fn=fn, cycle_momentum=False)
        state = sched.state_dict()
        states.append((state["_scale_fn_custom"], "_scale_fn_ref" in state))
        fn.rate = 0.5
        sched.load_state_dict(state)
        assert fn.rate == 0.9                         # the attributes came back
    assert states[0] == states[1] == ({"rate": 0.9}, False)


def test_one_cycle_lr_keeps_torchs_attribute_for_the_annealing():
    for module, o in zip((lr_scheduler, torch.optim.lr_scheduler), make_optimizers()):
        sched = module.OneCycleLR(o, max_lr=1.0, total_steps=10, anneal_strategy="linear")
        assert sched.state_dict()["_anneal_func_type"] == "linear"


def test_plateau_error_when_a_group_was_added_reads_as_torch():
    for module, o in zip((lr_scheduler, torch.optim.lr_scheduler), make_optimizers()):
        sched = module.ReduceLROnPlateau(o, patience=0, min_lr=[1e-5, 1e-4])
        o.add_param_group({"params": [_param(module, 2)], "lr": 0.05})
        sched.step(1.0)
        with pytest.raises(RuntimeError, match="The number of param groups in the"):
            sched.step(2.0)
