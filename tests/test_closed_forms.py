"""Schedulers by value, without PyTorch: each rate against its formula at many steps.

The counterpart of ``test_lr_scheduler_torch.py`` for a machine without PyTorch. Every
scheduler that has a closed form is also checked against it at *every* step (the
recursive update PyTorch uses and the closed form must agree everywhere, not only at
step 0, where :class:`SequentialLR` restarts a scheduler).
"""

import math

import numpy as np
import pytest

import minigrad
from minigrad.optim import SGD, Adam
from minigrad.optim.lr_scheduler import (ConstantLR, CosineAnnealingLR, CyclicLR,
                                         ExponentialLR, InverseTimeLR, LambdaLR, LinearLR,
                                         MultiplicativeLR, MultiStepLR, OneCycleLR,
                                         PolynomialLR, ReduceLROnPlateau, SequentialLR,
                                         StepLR)

STEPS = 150

# minigrad warns as PyTorch does when a scheduler steps before its optimizer ever did
pytestmark = pytest.mark.filterwarnings("ignore:Detected call of `lr_scheduler.step")


def _product_of_factors(eta0, t):
    """η₀ ∏_{s=1}^{t} f(s) for MultiplicativeLR's f(s) = 0.9 + 0.05 (s mod 3)."""
    factors = np.concatenate([[1.0], 0.9 + 0.05 * (np.arange(1, int(np.max(t)) + 1) % 3)])
    return eta0 * np.cumprod(factors)[t]


def _optimizer(lrs=(0.1, 0.05), cls=SGD, **kwargs):
    return cls([{"params": [minigrad.tensor(np.zeros(2), requires_grad=True)], "lr": lr}
                for lr in lrs], **kwargs)


def _rates(scheduler, steps=STEPS, group=0):
    out = [scheduler.get_last_lr()[group]]
    for _ in range(steps):
        scheduler.step()
        out.append(scheduler.get_last_lr()[group])
    return np.array(out)


T = np.arange(STEPS + 1)

CLOSED_FORMS = {
    "StepLR": (lambda o: StepLR(o, step_size=7, gamma=0.5),
               lambda eta0, t: eta0 * 0.5 ** (t // 7)),
    "StepLR-size-1": (lambda o: StepLR(o, step_size=1, gamma=0.97),
                      lambda eta0, t: eta0 * 0.97 ** t),
    "MultiStepLR": (lambda o: MultiStepLR(o, milestones=[30, 5, 30, 90], gamma=0.3),
                    lambda eta0, t: eta0 * 0.3 ** ((t >= 5) + 2 * (t >= 30) + (t >= 90))),
    "ExponentialLR": (lambda o: ExponentialLR(o, gamma=0.98),
                      lambda eta0, t: eta0 * 0.98 ** t),
    "InverseTimeLR": (lambda o: InverseTimeLR(o, k=0.3),
                      lambda eta0, t: eta0 / (1 + 0.3 * t)),
    "CosineAnnealingLR": (lambda o: CosineAnnealingLR(o, T_max=40, eta_min=0.002),
                          lambda eta0, t: 0.002 + (eta0 - 0.002)
                          * (1 + np.cos(np.pi * t / 40)) / 2),
    "LinearLR": (lambda o: LinearLR(o, start_factor=0.2, end_factor=0.9, total_iters=25),
                 lambda eta0, t: eta0 * (0.2 + 0.7 * np.minimum(t, 25) / 25)),
    "LinearLR-decay": (lambda o: LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=60),
                       lambda eta0, t: eta0 * (1.0 - 0.9 * np.minimum(t, 60) / 60)),
    "LambdaLR": (lambda o: LambdaLR(o, lambda t: 1 / (1 + t) ** 0.5),
                 lambda eta0, t: eta0 / (1 + t) ** 0.5),
    "MultiplicativeLR": (lambda o: MultiplicativeLR(o, lambda t: 0.9 + 0.05 * (t % 3)),
                         _product_of_factors),
    "PolynomialLR": (lambda o: PolynomialLR(o, total_iters=30, power=2.0),
                     lambda eta0, t: eta0 * (1 - np.minimum(t, 30) / 30) ** 2),
    "PolynomialLR-linear": (lambda o: PolynomialLR(o, total_iters=100),
                            lambda eta0, t: eta0 * (1 - np.minimum(t, 100) / 100)),
    "ConstantLR": (lambda o: ConstantLR(o, factor=0.25, total_iters=12),
                   lambda eta0, t: eta0 * np.where(t < 12, 0.25, 1.0)),
}
NO_CLOSED_FORM = ("LambdaLR", "MultiplicativeLR")


@pytest.mark.parametrize("name", CLOSED_FORMS)
def test_rates_follow_the_closed_form_at_every_step(name):
    make, formula = CLOSED_FORMS[name]
    scheduler = make(_optimizer())
    for group, eta0 in enumerate((0.1, 0.05)):
        if group:
            scheduler = make(_optimizer())
        np.testing.assert_allclose(_rates(scheduler, group=group), formula(eta0, T),
                                   rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("name", [n for n in CLOSED_FORMS if n not in NO_CLOSED_FORM])
def test_the_closed_form_method_agrees_with_the_recursive_rates_at_every_step(name):
    make, _ = CLOSED_FORMS[name]
    scheduler = make(_optimizer())
    for _ in range(STEPS):
        np.testing.assert_allclose(scheduler._get_closed_form_lr(), scheduler.get_last_lr(),
                                   rtol=1e-10, atol=1e-15, err_msg=f"step {scheduler.last_epoch}")
        scheduler.step()


def test_step_lr_closed_form_at_steps_far_from_zero():
    scheduler = StepLR(_optimizer(), step_size=3, gamma=0.1)
    for epoch, expected in ((2, 0.1), (3, 0.01), (5, 0.01), (6, 0.001), (31, 1e-11)):
        scheduler._update_lr(epoch)
        assert scheduler.get_last_lr()[0] == pytest.approx(expected, rel=1e-12)
        assert scheduler.last_epoch == epoch


def test_cosine_keeps_following_the_cosine_past_t_max():
    values = _rates(CosineAnnealingLR(_optimizer(), T_max=10, eta_min=0.01), steps=45)
    expected = 0.01 + 0.09 * (1 + np.cos(np.pi * np.arange(46) / 10)) / 2
    np.testing.assert_allclose(values, expected, rtol=1e-9)
    assert values[10] == pytest.approx(0.01) and values[20] == pytest.approx(0.1)


# -- one cycle ---------------------------------------------------------------------------
def _one_cycle_reference(t, total, max_lr, pct, div, final_div, anneal, three_phase,
                         base_m=0.85, max_m=0.95):
    """PyTorch's OneCycleLR, written from its documentation: phases ending at step
    pct·total − 1 (and 2·pct·total − 2), then total − 1; rate and momentum per phase."""
    initial, minimum = max_lr / div, max_lr / div / final_div
    if three_phase:
        phases = [(pct * total - 1, initial, max_lr, max_m, base_m),
                  (2 * pct * total - 2, max_lr, initial, base_m, max_m),
                  (total - 1, initial, minimum, max_m, max_m)]
    else:
        phases = [(pct * total - 1, initial, max_lr, max_m, base_m),
                  (total - 1, max_lr, minimum, base_m, max_m)]
    start = 0.0
    for i, (end, lr0, lr1, m0, m1) in enumerate(phases):
        if t <= end or i == len(phases) - 1:
            p = (t - start) / (end - start)
            if anneal == "cos":
                f = (1 + math.cos(math.pi * p)) / 2          # 1 → 0
                return lr1 + (lr0 - lr1) * f, m1 + (m0 - m1) * f
            return lr0 + (lr1 - lr0) * p, m0 + (m1 - m0) * p
        start = end


@pytest.mark.parametrize("anneal", ["cos", "linear"])
@pytest.mark.parametrize("three_phase", [False, True])
def test_one_cycle_rates_and_momenta_follow_the_phases(anneal, three_phase):
    total = 100
    optimizer = _optimizer(momentum=0.9)
    scheduler = OneCycleLR(optimizer, max_lr=[1.0, 0.4], total_steps=total, pct_start=0.25,
                           anneal_strategy=anneal, three_phase=three_phase, div_factor=20,
                           final_div_factor=50)
    for t in range(total):
        for group, top in enumerate((1.0, 0.4)):
            lr, momentum = _one_cycle_reference(t, total, top, 0.25, 20, 50, anneal,
                                                three_phase)
            assert scheduler.get_last_lr()[group] == pytest.approx(lr, rel=1e-10, abs=1e-15)
            assert optimizer.param_groups[group]["momentum"] == pytest.approx(momentum,
                                                                              rel=1e-10)
        if t < total - 1:
            scheduler.step()
    assert scheduler.get_last_lr()[0] == pytest.approx(1.0 / 20 / 50)
    scheduler.step()                                  # PyTorch allows one step too many
    with pytest.raises(ValueError, match="Tried to step"):
        scheduler.step()


def test_one_cycle_cycles_adams_beta1_and_keeps_beta2():
    optimizer = _optimizer(cls=Adam, betas=(0.9, 0.99))
    scheduler = OneCycleLR(optimizer, max_lr=0.5, total_steps=20, pct_start=0.5)
    betas = [optimizer.param_groups[0]["betas"]]
    for _ in range(19):
        scheduler.step()
        betas.append(optimizer.param_groups[0]["betas"])
    assert betas[0] == (0.95, 0.99) and all(b[1] == 0.99 for b in betas)
    expected = [_one_cycle_reference(t, 20, 0.5, 0.5, 25.0, 1e4, "cos", False)[1]
                for t in range(20)]
    np.testing.assert_allclose([b[0] for b in betas], expected, rtol=1e-10)


# -- cyclic ------------------------------------------------------------------------------
def _triangular(t, step, base, top, scale=lambda cycle, t: 1.0):
    """Smith (2017), section 3.1: cycle = ⌊1 + t/2s⌋, x = |t/s − 2 cycle + 1|."""
    cycle = math.floor(1 + t / (2 * step))
    x = abs(t / step - 2 * cycle + 1)
    return base + (top - base) * max(0.0, 1 - x) * scale(cycle, t)


@pytest.mark.parametrize("mode, scale", [
    ("triangular", lambda cycle, t: 1.0),
    ("triangular2", lambda cycle, t: 1 / 2 ** (cycle - 1)),
    ("exp_range", lambda cycle, t: 0.995 ** t),
])
def test_cyclic_rates_and_momenta_follow_smiths_formula(mode, scale):
    optimizer = _optimizer(momentum=0.9)
    scheduler = CyclicLR(optimizer, base_lr=0.01, max_lr=0.1, step_size_up=8, mode=mode,
                         gamma=0.995, base_momentum=0.8, max_momentum=0.9)
    for t in range(STEPS):
        lr = _triangular(t, 8, 0.01, 0.1, scale)
        assert scheduler.get_last_lr()[0] == pytest.approx(lr, rel=1e-10)
        fraction = (lr - 0.01) / 0.09
        assert optimizer.param_groups[0]["momentum"] == pytest.approx(0.9 - 0.1 * fraction,
                                                                      rel=1e-10)
        scheduler.step()


def test_cyclic_with_a_longer_falling_half():
    scheduler = CyclicLR(_optimizer(), base_lr=0.0, max_lr=1.0, step_size_up=2,
                         step_size_down=6, cycle_momentum=False)
    expected = [0, 0.5, 1, 5 / 6, 4 / 6, 3 / 6, 2 / 6, 1 / 6, 0, 0.5, 1, 5 / 6]
    np.testing.assert_allclose(_rates(scheduler, steps=11), expected, atol=1e-12)


def test_cyclic_scale_fn_by_cycle_or_by_iteration():
    by_cycle = CyclicLR(_optimizer(), 0.0, 1.0, step_size_up=2, cycle_momentum=False,
                        scale_fn=lambda x: 1.0 / x, scale_mode="cycle")
    np.testing.assert_allclose(_rates(by_cycle, steps=8),
                               [0, 0.5, 1, 0.5, 0, 0.25, 0.5, 0.25, 0], atol=1e-12)
    by_step = CyclicLR(_optimizer(), 0.0, 1.0, step_size_up=2, cycle_momentum=False,
                       scale_fn=lambda x: 1.0 / (1 + x), scale_mode="iterations")
    np.testing.assert_allclose(_rates(by_step, steps=4), [0, 0.25, 1 / 3, 0.125, 0],
                               atol=1e-12)


def test_cyclic_cycles_adams_beta1():
    optimizer = _optimizer(cls=Adam, betas=(0.9, 0.999))
    scheduler = CyclicLR(optimizer, base_lr=0.001, max_lr=0.01, step_size_up=4,
                         base_momentum=0.85, max_momentum=0.95)
    assert optimizer.param_groups[0]["betas"] == (0.95, 0.999)
    for _ in range(4):
        scheduler.step()
    assert optimizer.param_groups[0]["betas"] == pytest.approx((0.85, 0.999))


# -- sequential --------------------------------------------------------------------------
def test_sequential_restarts_the_next_scheduler_at_the_milestone():
    optimizer = _optimizer()
    warmup = LinearLR(optimizer, start_factor=0.1, end_factor=1.0, total_iters=4)
    decay = StepLR(optimizer, step_size=3, gamma=0.5)
    scheduler = SequentialLR(optimizer, [warmup, decay], milestones=[6])
    expected = [0.1 * (0.1 + 0.9 * min(t, 4) / 4) for t in range(6)]
    expected += [0.1 * 0.5 ** ((t - 6) // 3) for t in range(6, 20)]
    np.testing.assert_allclose(_rates(scheduler, steps=19), expected, rtol=1e-10)


def test_sequential_with_three_schedulers():
    optimizer = _optimizer()
    scheduler = SequentialLR(optimizer, [ExponentialLR(optimizer, gamma=0.5),
                                         LinearLR(optimizer, 0.5, 1.0, total_iters=2),
                                         ExponentialLR(optimizer, gamma=0.9)],
                             milestones=[3, 5])
    expected = [0.1, 0.05, 0.025, 0.05, 0.075, 0.1, 0.09, 0.081]
    np.testing.assert_allclose(_rates(scheduler, steps=7), expected, rtol=1e-10)


# -- reduce on plateau -------------------------------------------------------------------
def _plateau_rates(metrics, **kwargs):
    optimizer = _optimizer(lrs=(1.0,))
    scheduler = ReduceLROnPlateau(optimizer, **kwargs)
    out = []
    for metric in metrics:
        scheduler.step(metric)
        out.append(optimizer.param_groups[0]["lr"])
    return out


def test_plateau_cuts_after_more_than_patience_bad_epochs():
    rates = _plateau_rates([5, 4, 4, 4, 4, 4, 4], patience=2, factor=0.5)
    assert rates == [1, 1, 1, 1, 0.5, 0.5, 0.5]


def test_plateau_relative_and_absolute_thresholds():
    # rel: 9.95 is not below 10·(1 − 0.01) = 9.9, so it is a bad epoch
    assert _plateau_rates([10, 9.95, 9.95], patience=1, threshold=0.01) == [1, 1, 0.1]
    assert _plateau_rates([10, 9.85, 9.7], patience=1, threshold=0.01) == [1, 1, 1]
    # abs: 9.5 is not below 10 − 1 = 9
    assert _plateau_rates([10, 9.5, 9.5], patience=1, threshold=1.0,
                          threshold_mode="abs") == [1, 1, 0.1]
    assert _plateau_rates([10, 8.5, 7.0], patience=1, threshold=1.0,
                          threshold_mode="abs") == [1, 1, 1]


def test_plateau_max_mode():
    assert _plateau_rates([0.5, 0.502, 0.503], mode="max", patience=1,
                          threshold=0.01) == [1, 1, 0.1]
    assert _plateau_rates([0.5, 0.51, 0.53], mode="max", patience=1,
                          threshold=0.01) == [1, 1, 1]
    assert _plateau_rates([0.5, 0.75, 0.8], mode="max", patience=0, threshold=0.2,
                          threshold_mode="abs") == [1, 1, 0.1]


def test_plateau_cooldown_min_lr_and_eps():
    rates = _plateau_rates([1] * 9, patience=0, cooldown=2, factor=0.5)
    assert rates == [1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125, 0.125]
    assert _plateau_rates([1] * 5, patience=0, factor=0.1, min_lr=0.005) == \
        [1, 0.1, pytest.approx(0.01), 0.005, 0.005]
    # a cut smaller than eps is not applied
    assert _plateau_rates([1] * 3, patience=0, factor=0.5, min_lr=0.9, eps=0.2) == [1, 1, 1]
