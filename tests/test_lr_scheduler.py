"""Schedulers without PyTorch: closed forms, LossRatioLR's edge cases, lr_schedule,
errors and state-dict round trips."""

import math

import numpy as np

import minigrad
import pytest

from minigrad.optim import SGD, Adagrad, Adam
from minigrad.optim.lr_scheduler import (CosineAnnealingLR, CyclicLR, ExponentialLR,
                                         InverseTimeLR, LambdaLR, LinearLR, LossRatioLR,
                                         MultiStepLR, OneCycleLR, ReduceLROnPlateau,
                                         SequentialLR, StepLR, lr_schedule)


def Param(data):
    """A float64 parameter (a leaf tensor that requires grad)."""
    return minigrad.tensor(np.array(data, dtype=np.float64), requires_grad=True)


def make_optimizer(lrs=(0.1, 0.05), cls=SGD, **kwargs):
    return cls([{"params": [Param(np.zeros(2))], "lr": lr} for lr in lrs], **kwargs)


def rates(scheduler, steps):
    """Group 0's rate after construction and after each of ``steps`` steps."""
    out = [scheduler.get_last_lr()[0]]
    for _ in range(steps):
        scheduler.optimizer.step()      # the usual order (no gradients: nothing moves)
        scheduler.step()
        out.append(scheduler.get_last_lr()[0])
    return np.array(out)


T = np.arange(201)


# ----------------------------------------------------------------- closed forms
def test_inverse_time_decay_closed_form():
    # article 003: η = η₀ / (1 + k t)
    np.testing.assert_allclose(rates(InverseTimeLR(make_optimizer(), k=0.05), 200),
                               0.1 / (1 + 0.05 * T), rtol=1e-15)


def test_inverse_time_decay_halves_after_1_over_k_steps():
    values = lr_schedule(InverseTimeLR, 101, lr=1.0, k=0.01)
    assert values[0] == 1.0 and values[100] == pytest.approx(0.5)


def test_step_decay_closed_form():
    # article 003: η = η₀ γ^⌊t/s⌋
    np.testing.assert_allclose(rates(StepLR(make_optimizer(), step_size=30, gamma=0.5), 200),
                               0.1 * 0.5 ** (T // 30), rtol=1e-13)


def test_exponential_decay_closed_form():
    # article 004 §3.2.2: η_t = η γ^t
    np.testing.assert_allclose(rates(ExponentialLR(make_optimizer(), gamma=0.97), 200),
                               0.1 * 0.97 ** T, rtol=1e-12)


def test_multistep_closed_form():
    sched = MultiStepLR(make_optimizer(), milestones=[50, 10, 50], gamma=0.1)
    expected = 0.1 * 0.1 ** ((T >= 10) + 2 * (T >= 50))
    np.testing.assert_allclose(rates(sched, 200), expected, rtol=1e-12)


def test_cosine_annealing_recursive_form_follows_the_closed_form():
    values = rates(CosineAnnealingLR(make_optimizer(), T_max=50, eta_min=0.01), 200)
    closed = 0.01 + 0.5 * (0.1 - 0.01) * (1 + np.cos(np.pi * T / 50))
    np.testing.assert_allclose(values, closed, rtol=1e-9, atol=1e-15)
    assert values[50] == pytest.approx(0.01) and values[100] == pytest.approx(0.1)


def test_linear_warmup_closed_form():
    values = rates(LinearLR(make_optimizer(), start_factor=0.1, total_iters=20), 200)
    closed = 0.1 * (0.1 + 0.9 * np.minimum(T, 20) / 20)
    np.testing.assert_allclose(values, closed, rtol=1e-12)


def test_lambda_lr_per_group():
    opt = make_optimizer()
    sched = LambdaLR(opt, [lambda t: 0.5 ** t, lambda t: t + 1])
    for _ in range(2):
        opt.step()
        sched.step()
    assert sched.get_last_lr() == [0.1 * 0.25, 0.05 * 3]


def test_one_cycle_endpoints():
    values = lr_schedule(OneCycleLR, 100, max_lr=1.0, total_steps=100)
    assert values[0] == pytest.approx(1.0 / 25)
    assert max(values) == pytest.approx(1.0) and int(np.argmax(values)) == 29
    assert values[-1] == pytest.approx(1.0 / 25 / 1e4)


def test_one_cycle_three_phase_is_symmetric():
    values = lr_schedule(OneCycleLR, 100, max_lr=1.0, total_steps=100, three_phase=True,
                         anneal_strategy="linear")
    assert values[0] == pytest.approx(0.04) and values[29] == pytest.approx(1.0)
    assert values[58] == pytest.approx(0.04)
    np.testing.assert_allclose(values[:30], values[29:59][::-1], rtol=1e-12)


@pytest.mark.parametrize("mode, peaks", [
    ("triangular", [1.0, 1.0, 1.0]),
    ("triangular2", [1.0, 0.5, 0.25]),
])
def test_cyclic_peaks(mode, peaks):
    values = lr_schedule(CyclicLR, 60, base_lr=0.0, max_lr=1.0, step_size_up=10, mode=mode)
    assert [values[10], values[30], values[50]] == pytest.approx(peaks)
    assert values[0] == values[20] == values[40] == 0.0


def test_cyclic_exp_range_scales_by_gamma_to_the_step():
    values = lr_schedule(CyclicLR, 60, base_lr=0.0, max_lr=1.0, step_size_up=10,
                         mode="exp_range", gamma=0.9)
    assert values[10] == pytest.approx(0.9 ** 10) and values[30] == pytest.approx(0.9 ** 30)


def test_cyclic_sets_momentum_inversely():
    opt = make_optimizer(momentum=0.9)
    sched = CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=2)
    assert opt.param_groups[0]["momentum"] == 0.9
    for _ in range(2):
        opt.step()
        sched.step()
    assert opt.param_groups[0]["lr"] == pytest.approx(0.1)
    assert opt.param_groups[0]["momentum"] == pytest.approx(0.8)
    adam = make_optimizer(cls=Adam)
    CyclicLR(adam, base_lr=0.01, max_lr=0.1, base_momentum=0.85, max_momentum=0.95)
    assert adam.param_groups[0]["betas"] == (0.95, 0.999)


def test_sequential_warmup_then_cosine():
    def factory(opt):
        return SequentialLR(opt, [LinearLR(opt, start_factor=0.1, total_iters=5),
                                  CosineAnnealingLR(opt, T_max=20)], milestones=[5])
    values = lr_schedule(factory, 26, lr=1.0)
    np.testing.assert_allclose(values[:5], [0.1, 0.28, 0.46, 0.64, 0.82], rtol=1e-12)
    closed = (1 + np.cos(np.pi * np.arange(21) / 20)) / 2
    np.testing.assert_allclose(values[5:], closed, rtol=1e-9, atol=1e-15)


# ---------------------------------------------------------- ReduceLROnPlateau by hand
def test_reduce_lr_on_plateau_patience_and_cooldown():
    opt = make_optimizer(lrs=(1.0,))
    sched = ReduceLROnPlateau(opt, patience=1, cooldown=1, factor=0.5)
    lrs = []
    for loss in [5, 4, 4, 4, 4, 4, 4, 3]:
        sched.step(loss)
        lrs.append(sched.get_last_lr()[0])
    # two non-improving epochs cut the rate; the cooldown epoch after a cut is not counted
    assert lrs == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25]


def test_reduce_lr_on_plateau_respects_min_lr():
    values = lr_schedule(ReduceLROnPlateau, lr=1.0, losses=[1.0] * 20, patience=0,
                         min_lr=0.05)
    assert min(values) == 0.05 and values[:3] == [1.0, 1.0, 0.1]


# --------------------------------------------------------------------- LossRatioLR
def loss_ratio_rates(losses, alpha=0.5, gamma=0.9, lrs=(1.0,), **kwargs):
    sched = LossRatioLR(make_optimizer(lrs=lrs), alpha=alpha, gamma=gamma, **kwargs)
    out = [sched.get_last_lr()]
    for J in losses:
        sched.step(J)
        out.append(sched.get_last_lr())
    return out


def test_loss_ratio_waits_for_three_losses():
    out = loss_ratio_rates([10.0, 8.0, 7.0])
    assert out[:3] == [[1.0], [1.0], [1.0]]
    # ΔJ = 1, ΔJ_prev = 2: η · max(0.5, 0.9 · 1/2) = 0.5
    assert out[3] == [pytest.approx(0.5)]


def test_loss_ratio_uses_the_formula_as_written_not_compounded():
    # a loss falling geometrically: ΔJ_t/ΔJ_{t−1} = 0.8 every step, so the rate is
    # η·0.9·0.8 every step — the article's code would multiply it again each step
    losses = [0.8 ** t for t in range(20)]
    out = [lr[0] for lr in loss_ratio_rates(losses, alpha=0.1, gamma=0.9)]
    np.testing.assert_allclose(out[3:], 0.72, rtol=1e-12)


def test_loss_ratio_uses_each_groups_initial_rate():
    out = loss_ratio_rates([4.0, 3.0, 2.0], gamma=0.9, lrs=(1.0, 0.01))
    assert out[-1] == [pytest.approx(0.9), pytest.approx(0.009)]


def test_loss_ratio_when_the_loss_rises():
    # fell by 1, then rose: the ratio is negative, the rate drops to the floor α·η
    assert loss_ratio_rates([3.0, 2.0, 2.5], alpha=0.3)[-1] == [pytest.approx(0.3)]


def test_loss_ratio_when_the_rise_accelerates():
    # rose by 1, then by 2: the ratio is +2, so the rate grows to 1.8·η (as written)
    assert loss_ratio_rates([1.0, 2.0, 4.0], gamma=0.9)[-1] == [pytest.approx(1.8)]


def test_loss_ratio_ceiling_bounds_an_accelerating_rise():
    assert loss_ratio_rates([1.0, 2.0, 4.0], gamma=0.9, max_factor=1.0)[-1] == [1.0]
    # a tiny decrease then a large one: ratio 0.9·(1/0.01) = 90 without the ceiling
    assert loss_ratio_rates([3.0, 2.99, 1.99], gamma=0.9)[-1] == [pytest.approx(90.0)]
    assert loss_ratio_rates([3.0, 2.99, 1.99], gamma=0.9, max_factor=2.0)[-1] == [2.0]
    with pytest.raises(ValueError, match="max_factor"):
        LossRatioLR(make_optimizer(), alpha=0.5, gamma=0.9, max_factor=0.1)


def test_loss_ratio_when_the_previous_change_is_zero():
    out = loss_ratio_rates([4.0, 3.0, 2.0, 2.0, 1.0, 0.5], alpha=0.2, gamma=0.9)
    assert out[3] == [pytest.approx(0.9)]          # ΔJ = 1, ΔJ_prev = 1
    assert out[4] == [pytest.approx(0.2)]          # ΔJ = 0: ratio 0, floor α
    assert out[5] == [pytest.approx(0.2)]          # ΔJ_prev = 0: undefined, rate kept
    assert out[6] == [pytest.approx(0.45)]         # ΔJ = 0.5, ΔJ_prev = 1


def test_loss_ratio_from_the_start_with_a_flat_loss():
    assert loss_ratio_rates([1.0, 1.0, 1.0, 1.0]) == [[1.0]] * 5


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_loss_ratio_rejects_non_finite_losses(bad):
    sched = LossRatioLR(make_optimizer(), alpha=0.5, gamma=0.9)
    with pytest.raises(ValueError, match="non-finite loss"):
        sched.step(bad)


def test_loss_ratio_accepts_numpy_and_tensor_like_losses():
    class OneElement:
        def __init__(self, x):
            self.x = x

        def item(self):
            return self.x

    sched = LossRatioLR(make_optimizer(lrs=(1.0,)), alpha=0.5, gamma=0.9)
    for J in (np.float32(4.0), np.array(3.0), OneElement(2.0)):
        sched.step(J)
    assert sched.get_last_lr() == [pytest.approx(0.9)]
    with pytest.raises(TypeError, match="needs a number"):
        sched.step("low")


@pytest.mark.parametrize("kwargs, message", [
    (dict(alpha=-0.1, gamma=0.9), "Invalid alpha"),
    (dict(alpha=0.5, gamma=0.0), "Invalid gamma"),
])
def test_loss_ratio_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        LossRatioLR(make_optimizer(), **kwargs)


# ------------------------------------------------------------------- lr_schedule
def test_lr_schedule_equals_stepping_a_real_scheduler():
    expected = rates(StepLR(make_optimizer(lrs=(0.3,)), step_size=4, gamma=0.5), 19)
    assert lr_schedule(StepLR, 20, lr=0.3, step_size=4, gamma=0.5) == list(expected)
    assert lr_schedule(lambda opt: StepLR(opt, 4, 0.5), 20, lr=0.3) == list(expected)


def test_lr_schedule_with_losses():
    losses = [4.0, 3.0, 2.0, 1.5]
    values = lr_schedule(LossRatioLR, lr=1.0, losses=losses, alpha=0.1, gamma=1.0)
    assert values == [1.0, 1.0, 1.0, 1.0, pytest.approx(0.5)]


def test_lr_schedule_errors():
    with pytest.raises(ValueError, match="pass losses"):
        lr_schedule(ReduceLROnPlateau, 10)
    with pytest.raises(ValueError, match="does not use losses"):
        lr_schedule(StepLR, 10, losses=[1.0], step_size=2)
    with pytest.raises(ValueError, match="need 9 losses"):
        lr_schedule(ReduceLROnPlateau, 10, losses=[1.0])
    with pytest.raises(ValueError, match="needs steps"):
        lr_schedule(StepLR, step_size=2)
    with pytest.raises(TypeError, match="needs a scheduler"):
        lr_schedule(lambda opt: opt, 3)


# ------------------------------------------------------------------------ basics
def test_construction_sets_initial_lr_and_step_zero():
    opt = make_optimizer()
    sched = ExponentialLR(opt, gamma=0.5)
    assert sched.last_epoch == 0 and sched.base_lrs == [0.1, 0.05]
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.05]
    lrs = sched.get_last_lr()
    lrs[0] = 99.0                                       # a copy
    assert sched.get_last_lr() == [0.1, 0.05]


def test_resume_with_last_epoch():
    opt = make_optimizer()
    StepLR(opt, step_size=3)                            # records initial_lr
    sched = StepLR(opt, step_size=3, last_epoch=7)
    assert sched.last_epoch == 8 and sched.base_lrs == [0.1, 0.05]
    with pytest.raises(KeyError, match="initial_lr"):
        StepLR(make_optimizer(), step_size=3, last_epoch=5)


@pytest.mark.parametrize("make, error, message", [
    (lambda o: StepLR(o, step_size=0), ValueError, "positive integer step_size"),
    (lambda o: InverseTimeLR(o, k=-1), ValueError, "Invalid k"),
    (lambda o: LinearLR(o, start_factor=0), ValueError, "start_factor"),
    (lambda o: LinearLR(o, end_factor=2), ValueError, "end_factor"),
    (lambda o: CosineAnnealingLR(o, T_max=0), ValueError, "T_max"),
    (lambda o: OneCycleLR(o, max_lr=1.0), ValueError, "total_steps OR"),
    (lambda o: OneCycleLR(o, max_lr=1.0, total_steps=10, pct_start=1), ValueError,
     "pct_start"),
    (lambda o: OneCycleLR(o, max_lr=1.0, total_steps=10, anneal_strategy="exp"),
     ValueError, "anneal_strategy"),
    (lambda o: OneCycleLR(o, max_lr=[1.0], total_steps=10), ValueError,
     "one value per param group"),
    (lambda o: CyclicLR(o, 0.01, 0.1, mode="sine"), ValueError, "mode 'sine' is invalid"),
    (lambda o: ReduceLROnPlateau(o, factor=1.0), ValueError, "must be < 1.0"),
    (lambda o: ReduceLROnPlateau(o, mode="up"), ValueError, "mode 'up' is unknown"),
    (lambda o: ReduceLROnPlateau(o, threshold_mode="pct"), ValueError, "threshold mode"),
    (lambda o: ReduceLROnPlateau(o, min_lr=[0.1]), ValueError, "expected 2 min_lrs"),
    (lambda o: LambdaLR(o, [lambda t: 1.0]), ValueError, "Expected 2 lr_lambdas"),
    (lambda o: LambdaLR(o, 0.5), TypeError, "lr_lambda should be a function"),
    (lambda o: SequentialLR(o, [StepLR(o, 2), StepLR(o, 3)], milestones=[]), ValueError,
     "one milestone fewer"),
    (lambda o: SequentialLR(o, [ReduceLROnPlateau(o)], milestones=[]), ValueError,
     "needs the loss"),
    (lambda o: SequentialLR(o, [StepLR(make_optimizer(), 2)], milestones=[]), ValueError,
     "same optimizer"),
    (lambda o: StepLR("sgd", 2), TypeError, "is not an Optimizer"),
])
def test_bad_arguments(make, error, message):
    with pytest.raises(error, match=message):
        make(make_optimizer())


def test_cycle_momentum_needs_a_momentum():
    with pytest.raises(ValueError, match="momentum or beta1"):
        OneCycleLR(make_optimizer(cls=Adagrad), max_lr=1.0, total_steps=10)
    OneCycleLR(make_optimizer(cls=Adagrad), max_lr=1.0, total_steps=10, cycle_momentum=False)


# ---------------------------------------------------------------- checkpoints
def warm_cos(opt):
    return SequentialLR(opt, [LinearLR(opt, start_factor=0.2, total_iters=10),
                              CosineAnnealingLR(opt, T_max=40, eta_min=0.001)], [10])


FACTORIES = {
    "LambdaLR": lambda o: LambdaLR(o, lambda t: 1 / (1 + t)),
    "StepLR": lambda o: StepLR(o, 7, gamma=0.5),
    "MultiStepLR": lambda o: MultiStepLR(o, [5, 25, 25]),
    "ExponentialLR": lambda o: ExponentialLR(o, 0.95),
    "InverseTimeLR": lambda o: InverseTimeLR(o, 0.1),
    "CosineAnnealingLR": lambda o: CosineAnnealingLR(o, T_max=15, eta_min=0.001),
    "LinearLR": lambda o: LinearLR(o, 0.25, total_iters=30),
    "OneCycleLR": lambda o: OneCycleLR(o, max_lr=[1.0, 0.5], total_steps=60, three_phase=True),
    "CyclicLR": lambda o: CyclicLR(o, 0.01, 0.1, step_size_up=6, mode="exp_range", gamma=0.99),
    "SequentialLR": warm_cos,
    "ReduceLROnPlateau": lambda o: ReduceLROnPlateau(o, patience=1, cooldown=2),
    "LossRatioLR": lambda o: LossRatioLR(o, alpha=0.2, gamma=0.95),
}
LOSSES = [1 / (1 + 0.2 * t) + 0.05 * math.sin(t) for t in range(50)]


def _drive(factory, steps, opt=None, sched=None, start=0):
    opt = opt or make_optimizer(momentum=0.9)
    sched = sched or factory(opt)
    lrs = []
    for t in range(start, start + steps):
        opt.step()
        if sched._needs_metric:
            sched.step(LOSSES[t])
        else:
            sched.step()
        lrs.append(sched.get_last_lr() + [g["momentum"] for g in opt.param_groups])
    return opt, sched, lrs


def _npz_round_trip(state, tmp_path):
    """What a checkpoint does to a flat state dict: arrays in, arrays out, no pickle."""
    np.savez(tmp_path / "sched.npz", **{k: np.asarray(v) for k, v in state.items()})
    with np.load(tmp_path / "sched.npz", allow_pickle=False) as f:
        return {k: f[k] for k in f.files}


@pytest.mark.parametrize("name", FACTORIES)
def test_resuming_from_state_dict_gives_the_same_rates(name, tmp_path):
    factory = FACTORIES[name]
    _, _, uninterrupted = _drive(factory, 50)

    opt, sched, first = _drive(factory, 20)
    opt_state, sched_state = opt.state_dict(), sched.state_dict()
    flat = all(not isinstance(v, (dict, type(None))) and not
               (isinstance(v, list) and v and isinstance(v[0], (dict, list, type(None))))
               for v in sched_state.values())
    if flat:
        sched_state = _npz_round_trip(sched_state, tmp_path)
    _drive(factory, 3, opt, sched)                     # the old run goes on

    opt2 = make_optimizer(momentum=0.9)
    sched2 = factory(opt2)                             # scheduler first, then both states
    sched2.load_state_dict(sched_state)
    opt2.load_state_dict(opt_state)
    _, _, rest = _drive(factory, 30, opt2, sched2, start=20)
    np.testing.assert_allclose(first + rest, uninterrupted, rtol=1e-15)


@pytest.mark.parametrize("name", FACTORIES)
def test_state_dict_holds_only_plain_values(name):
    def check(value, where):
        if isinstance(value, dict):
            for k, v in value.items():
                check(v, f"{where}.{k}")
        elif isinstance(value, (list, tuple)):
            for i, v in enumerate(value):
                check(v, f"{where}[{i}]")
        else:
            assert value is None or isinstance(value, (bool, int, float, str)), where

    _, sched, _ = _drive(FACTORIES[name], 5)
    state = sched.state_dict()
    check(state, name)
    assert "optimizer" not in state
    if name == "LambdaLR":
        assert state["lr_lambdas"] == [None, None]      # functions: PyTorch saves None


# ------------------------------------------- the schedulers added for issue 12, by value
from minigrad.optim.lr_scheduler import (ChainedScheduler, ConstantLR,  # noqa: E402
                                         CosineAnnealingWarmRestarts, MultiplicativeLR,
                                         PolynomialLR)


def test_multiplicative_lr_is_a_running_product():
    values = rates(MultiplicativeLR(make_optimizer(), lambda t: 1 / (1 + t)), 8)
    # η_t = η_0 ∏_{s=1..t} 1/(1+s) = η_0 / (t+1)!
    np.testing.assert_allclose(values, [0.1 / math.factorial(t + 1) for t in range(9)],
                               rtol=1e-12)


def test_constant_lr_closed_form():
    values = rates(ConstantLR(make_optimizer(), factor=0.25, total_iters=7), 200)
    np.testing.assert_allclose(values, np.where(T < 7, 0.025, 0.1), rtol=1e-12)


def test_polynomial_lr_closed_form():
    values = rates(PolynomialLR(make_optimizer(), total_iters=50, power=2.0), 200)
    np.testing.assert_allclose(values, 0.1 * (1 - np.minimum(T, 50) / 50) ** 2, rtol=1e-9,
                               atol=1e-15)


@pytest.mark.parametrize("T_0, T_mult", [(10, 1), (7, 2), (4, 3)])
def test_warm_restarts_closed_form(T_0, T_mult):
    eta_min = 0.001
    values = rates(CosineAnnealingWarmRestarts(make_optimizer(), T_0=T_0, T_mult=T_mult,
                                               eta_min=eta_min), 200)
    expected, t_cur, t_i = [], 0, T_0
    for _ in T:                     # restart when T_cur reaches T_i; the next is T_mult longer
        expected.append(eta_min + (0.1 - eta_min) * (1 + math.cos(math.pi * t_cur / t_i)) / 2)
        t_cur += 1
        if t_cur == t_i:
            t_cur, t_i = 0, t_i * T_mult
    np.testing.assert_allclose(values, expected, rtol=1e-12)
    restarts = [t for t in T[1:] if values[t] > values[t - 1]]
    assert values[restarts[0]] == pytest.approx(0.1) and restarts[0] == T_0


def test_chained_scheduler_multiplies_the_factors():
    opt = make_optimizer()
    warm, decay = ConstantLR(opt, factor=0.5, total_iters=3), ExponentialLR(opt, gamma=0.9)
    values = rates(ChainedScheduler([warm, decay]), 10)
    np.testing.assert_allclose(values, 0.1 * np.where(T[:11] < 3, 0.5, 1.0) * 0.9 ** T[:11],
                               rtol=1e-12)


def test_multistep_non_integer_milestone_never_fires():
    values = rates(MultiStepLR(make_optimizer(), milestones=[2.5, 4]), 6)
    np.testing.assert_allclose(values, [0.1] * 4 + [0.01] * 3, rtol=1e-12)


@pytest.mark.parametrize("build", [lambda o: LambdaLR(o, lambda t: 0.9 ** t),
                                   lambda o: MultiplicativeLR(o, [lambda t: 0.9] * 2),
                                   lambda o: CosineAnnealingWarmRestarts(o, T_0=5),
                                   lambda o: CyclicLR(o, 0.01, 0.1, cycle_momentum=False),
                                   lambda o: InverseTimeLR(o, k=0.1)])
def test_group_added_after_the_scheduler_is_refused(build):
    opt = make_optimizer()
    sched = build(opt)
    opt.add_param_group({"params": [Param(np.zeros(1))], "lr": 0.5})
    opt.step()
    with pytest.raises(ValueError, match="after the scheduler was built"):
        sched.step()


def test_scheduler_classes_report_their_public_module():
    import minigrad.optim.lr_scheduler as module
    for name in module.__all__:
        if isinstance(getattr(module, name), type):
            assert getattr(module, name).__module__ == "minigrad.optim.lr_scheduler", name


def test_step_before_optimizer_step_warns():
    opt = make_optimizer()
    sched = StepLR(opt, step_size=2)
    with pytest.warns(UserWarning, match=r"before `optimizer.step\(\)`"):
        sched.step()


def test_lambda_lr_state_dict_has_lr_lambdas_and_checkpoints(tmp_path):
    from minigrad import checkpoint, nn
    opt = make_optimizer()
    sched = LambdaLR(opt, [lambda t: 0.5 ** t, lambda t: 1.0])
    assert sched.state_dict()["lr_lambdas"] == [None, None]
    milestones = MultiStepLR(make_optimizer(), milestones=[3, 3, 7.5])
    model = nn.Linear(1, 1)
    checkpoint.save(tmp_path / "c.npz", model, scheduler=milestones)
    again = MultiStepLR(make_optimizer(), milestones=[1])
    checkpoint.load(tmp_path / "c.npz", model, scheduler=again)
    assert again.milestones == {3: 2, 7.5: 1}
