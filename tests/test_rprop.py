"""optim.Rprop: the sign rule by hand, hyper-parameter errors, checkpoints, and PyTorch
step for step (when installed)."""

import numpy as np
import pytest

import minigrad
from minigrad.optim import Rprop

RNG = np.random.default_rng(0)


def values(t):
    return np.asarray(getattr(t, "array", t))


def run(opt, params, loss_fn, steps):
    for _ in range(steps):
        opt.zero_grad()
        loss_fn(*params).backward()
        opt.step()


def test_steps_grow_while_the_sign_holds_and_shrink_after_a_flip():
    """f(θ) = θ² from θ = 1, lr 0.3, etas (0.5, 1.2), by hand:
    step 1: g = 2 > 0, no previous sign → Δ = 0.3, θ = 0.7
    step 2: same sign → Δ = 0.36, θ = 0.34
    step 3: same sign → Δ = 0.432, θ = −0.092
    step 4: sign flips → Δ = 0.216, no move (θ = −0.092), remembered g = 0
    step 5: previous g is 0 → Δ stays 0.216, θ = −0.092 + 0.216 = 0.124
    """
    theta = minigrad.tensor([1.0], dtype=np.float64, requires_grad=True)
    opt = Rprop([theta], lr=0.3)
    expected = [0.7, 0.34, -0.092, -0.092, 0.124]
    for want in expected:
        run(opt, [theta], lambda t: (t * t).sum(), 1)
        assert values(theta)[0] == pytest.approx(want, abs=1e-12)
    assert opt.state[theta]["step"] == 5
    assert values(opt.state[theta]["step_size"])[0] == pytest.approx(0.216)


def test_step_sizes_are_clipped():
    theta = minigrad.tensor([100.0], dtype=np.float64, requires_grad=True)
    opt = Rprop([theta], lr=1.0, etas=(0.5, 2.0), step_sizes=(0.1, 3.0))
    run(opt, [theta], lambda t: t.sum(), 5)      # gradient 1 every time: Δ 1, 2, 3, 3, 3
    assert values(theta)[0] == pytest.approx(100 - 12)


def test_maximize_climbs():
    theta = minigrad.tensor([0.0], dtype=np.float64, requires_grad=True)
    run(Rprop([theta], lr=0.5, maximize=True), [theta], lambda t: t.sum(), 2)
    assert values(theta)[0] == pytest.approx(0.5 + 0.6)


@pytest.mark.parametrize("kwargs,message", [
    (dict(lr=-1.0), "learning rate"), (dict(etas=(1.5, 1.2)), "Invalid eta values"),
    (dict(etas=(0.5, 0.9)), "Invalid eta values")])
def test_bad_hyperparameters_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Rprop([minigrad.zeros(1, requires_grad=True)], **kwargs)


def test_state_dict_round_trip_continues_the_same_run():
    def fresh():
        return minigrad.tensor([[1.0, -2.0], [0.5, 3.0]], dtype=np.float64,
                               requires_grad=True)

    def loss(t):
        return ((t - 0.3) ** 4).sum()

    a = fresh()
    opt_a = Rprop([a], lr=0.1)
    run(opt_a, [a], loss, 8)

    b = fresh()
    opt_b = Rprop([b], lr=0.1)
    run(opt_b, [b], loss, 4)
    c = minigrad.tensor(values(b).copy(), requires_grad=True)
    opt_c = Rprop([c], lr=0.1)
    opt_c.load_state_dict(opt_b.state_dict())
    run(opt_c, [c], loss, 4)
    np.testing.assert_array_equal(values(c), values(a))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kwargs", [dict(lr=0.05), dict(lr=0.02, etas=(0.3, 1.5)),
                                    dict(lr=0.1, step_sizes=(1e-3, 0.2), maximize=False)])
def test_matches_pytorch_step_for_step(dtype, kwargs):
    torch = pytest.importorskip("torch")
    w0, b0 = RNG.normal(size=(4, 3)).astype(dtype), RNG.normal(size=3).astype(dtype)
    X, Y = RNG.normal(size=(20, 4)).astype(dtype), RNG.normal(size=(20, 3)).astype(dtype)

    def loss(lib, w, b):
        r = lib.tensor(X) @ w + b - lib.tensor(Y)
        return (r * r).sum() + ((w * w) ** 2).sum()

    ours = [minigrad.tensor(w0, requires_grad=True), minigrad.tensor(b0, requires_grad=True)]
    theirs = [torch.tensor(w0, requires_grad=True), torch.tensor(b0, requires_grad=True)]
    groups = lambda p: [{"params": [p[0]]}, {"params": [p[1]], "lr": kwargs["lr"] * 2}]
    opt, topt = Rprop(groups(ours), **kwargs), torch.optim.Rprop(groups(theirs), **kwargs)
    for step in range(40):
        run(opt, ours, lambda w, b: loss(minigrad, w, b), 1)
        run(topt, theirs, lambda w, b: loss(torch, w, b), 1)
        for mine, their in zip(ours, theirs):
            np.testing.assert_allclose(values(mine), their.detach().numpy(), rtol=1e-5,
                                       atol=1e-6, err_msg=f"step {step + 1}")
    for mine, their in zip(ours, theirs):
        for key in ("prev", "step_size"):
            # "prev" is the last gradient: float32 sums in another order differ by
            # rounding of terms ~10⁴ times larger than the gradient near the minimum
            np.testing.assert_allclose(values(opt.state[mine][key]),
                                       topt.state[their][key].numpy(), rtol=1e-5,
                                       atol=1e-5 if dtype == np.float32 else 1e-12)
