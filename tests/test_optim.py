"""Optimizers without PyTorch: first steps by hand, errors, state-dict round trips.

Gradients come from a float64 problem written in numpy (no autograd engine needed):
a least-squares loss plus a small non-convex term, on a weight matrix and a bias that
sit in two parameter groups.
"""

import copy

import numpy as np

import minigrad
import pytest

from minigrad.optim import SGD, Adagrad, Adam, AdamW, Optimizer, RMSprop


def Param(data):
    """A float64 parameter (a leaf tensor that requires grad)."""
    return minigrad.tensor(np.array(data, dtype=np.float64), requires_grad=True)


# ----------------------------------------------------------------- the problem
RNG = np.random.default_rng(0)
X = RNG.normal(size=(20, 3))
Y = RNG.normal(size=(20, 2))
W0 = RNG.normal(size=(3, 2))
B0 = RNG.normal(size=(2,))


def gradients(W, b):
    """∇ of  J = ‖XW + b − Y‖² / m + 0.1 Σ sin(3W)  with respect to W and b."""
    W, b = np.asarray(W), np.asarray(b)
    m = len(X)
    R = X @ W + b - Y
    return 2 * X.T @ R / m + 0.3 * np.cos(3 * W), 2 * R.sum(axis=0) / m


def as_grads(*arrays):
    """Gradient arrays as the Tensors ``.grad`` holds."""
    return tuple(minigrad.tensor(a) for a in arrays)


def make_params():
    return Param(W0), Param(B0), Param(np.ones(4))   # the third never gets a gradient


def run(opt_cls, steps, group2=None, params=None, opt=None, **kwargs):
    """``steps`` updates; returns the parameters and the optimizer."""
    if params is None:
        params = make_params()
    W, b, frozen = params
    if opt is None:
        opt = opt_cls([{"params": [W, frozen]}, {"params": [b], **(group2 or {})}], **kwargs)
    for _ in range(steps):
        opt.zero_grad()
        W.grad, b.grad = as_grads(*gradients(W.data, b.data))
        opt.step()
    return params, opt


# ------------------------------------------------------------ first steps by hand
def test_sgd_plain_first_step():
    (W, b, frozen), _ = run(SGD, 1, lr=0.1)
    gW, gb = gradients(W0, B0)
    np.testing.assert_allclose(W.data, W0 - 0.1 * gW, rtol=1e-14)
    np.testing.assert_allclose(b.data, B0 - 0.1 * gb, rtol=1e-14)
    np.testing.assert_array_equal(frozen.data, np.ones(4))      # grad None: untouched


def test_sgd_momentum_dampening_weight_decay_by_hand():
    lr, mu, tau, lam = 0.1, 0.9, 0.2, 0.01
    (W, b, _), _ = run(SGD, 3, lr=lr, momentum=mu, dampening=tau, weight_decay=lam)
    Wr, br, buf_W, buf_b = W0.copy(), B0.copy(), None, None
    for _ in range(3):
        gW, gb = gradients(Wr, br)
        gW, gb = gW + lam * Wr, gb + lam * br
        # the buffer starts as the gradient itself (no dampening on step 1)
        buf_W = gW.copy() if buf_W is None else mu * buf_W + (1 - tau) * gW
        buf_b = gb.copy() if buf_b is None else mu * buf_b + (1 - tau) * gb
        Wr, br = Wr - lr * buf_W, br - lr * buf_b
    np.testing.assert_allclose(W.data, Wr, rtol=1e-13)
    np.testing.assert_allclose(b.data, br, rtol=1e-13)


def test_sgd_nesterov_two_steps_by_hand():
    lr, mu = 0.05, 0.9
    (W, b, _), _ = run(SGD, 2, lr=lr, momentum=mu, nesterov=True)
    Wr, br = W0.copy(), B0.copy()
    bufW = bufb = None
    for _ in range(2):
        gW, gb = gradients(Wr, br)
        bufW = gW.copy() if bufW is None else mu * bufW + gW
        bufb = gb.copy() if bufb is None else mu * bufb + gb
        Wr, br = Wr - lr * (gW + mu * bufW), br - lr * (gb + mu * bufb)
    np.testing.assert_allclose(W.data, Wr, rtol=1e-13)
    np.testing.assert_allclose(b.data, br, rtol=1e-13)


def test_adagrad_two_steps_by_hand():
    lr, decay, s0, eps = 0.1, 0.5, 0.2, 1e-10
    (W, b, _), _ = run(Adagrad, 2, lr=lr, lr_decay=decay, initial_accumulator_value=s0)
    Wr, br = W0.copy(), B0.copy()
    sW, sb = np.full_like(Wr, s0), np.full_like(br, s0)
    for t in (1, 2):
        gW, gb = gradients(Wr, br)
        eta = lr / (1 + (t - 1) * decay)
        sW, sb = sW + gW ** 2, sb + gb ** 2
        Wr = Wr - eta * gW / (np.sqrt(sW) + eps)
        br = br - eta * gb / (np.sqrt(sb) + eps)
    np.testing.assert_allclose(W.data, Wr, rtol=1e-13)
    np.testing.assert_allclose(b.data, br, rtol=1e-13)


def test_adagrad_first_step_is_lr_times_sign():
    # s_1 = g², so the first step is η·g/|g| = η·sign(g): every coordinate moves by η.
    (W, _, _), _ = run(Adagrad, 1, lr=0.01)
    np.testing.assert_allclose(W.data, W0 - 0.01 * np.sign(gradients(W0, B0)[0]), rtol=1e-9)


@pytest.mark.parametrize("centered", [False, True])
@pytest.mark.parametrize("momentum", [0.0, 0.5])
def test_rmsprop_two_steps_by_hand(centered, momentum):
    lr, alpha, eps = 0.01, 0.9, 1e-8
    (W, _, _), _ = run(RMSprop, 2, lr=lr, alpha=alpha, momentum=momentum, centered=centered)
    Wr, br = W0.copy(), B0.copy()
    v = {"W": 0.0, "b": 0.0}
    gbar = {"W": 0.0, "b": 0.0}
    buf = {"W": 0.0, "b": 0.0}
    for _ in range(2):
        grads = dict(zip("Wb", gradients(Wr, br)))
        new = {}
        for k, theta in (("W", Wr), ("b", br)):
            g = grads[k]
            v[k] = alpha * v[k] + (1 - alpha) * g ** 2
            gbar[k] = alpha * gbar[k] + (1 - alpha) * g
            d = np.sqrt(v[k] - gbar[k] ** 2 if centered else v[k]) + eps
            buf[k] = momentum * buf[k] + g / d
            new[k] = theta - lr * (buf[k] if momentum else g / d)
        Wr, br = new["W"], new["b"]
    np.testing.assert_allclose(W.data, Wr, rtol=1e-12)


def test_adam_first_step_is_lr_times_sign():
    # m̂_1 = g and v̂_1 = g², so θ_1 = θ_0 − η·g/(|g| + ε): a step of η per coordinate.
    (W, b, _), _ = run(Adam, 1, lr=0.001)
    gW, gb = gradients(W0, B0)
    np.testing.assert_allclose(W.data, W0 - 0.001 * gW / (np.abs(gW) + 1e-8), rtol=1e-13)
    np.testing.assert_allclose(b.data, B0 - 0.001 * gb / (np.abs(gb) + 1e-8), rtol=1e-13)


@pytest.mark.parametrize("amsgrad", [False, True])
@pytest.mark.parametrize("decoupled", [False, True])
def test_adam_five_equations_three_steps(amsgrad, decoupled):
    """Article 000's five equations, literally, with Adam/AdamW weight decay."""
    lr, b1, b2, eps, lam = 0.01, 0.8, 0.95, 1e-8, 0.1
    cls = AdamW if decoupled else Adam
    (W, b, _), _ = run(cls, 3, lr=lr, betas=(b1, b2), eps=eps, weight_decay=lam,
                       amsgrad=amsgrad)
    theta = {"W": W0.copy(), "b": B0.copy()}
    m = {k: 0.0 for k in theta}
    v = {k: 0.0 for k in theta}
    vmax = {k: 0.0 for k in theta}
    for t in (1, 2, 3):
        g = dict(zip("Wb", gradients(theta["W"], theta["b"])))
        for k in theta:
            if decoupled:
                theta[k] = theta[k] * (1 - lr * lam)
            else:
                g[k] = g[k] + lam * theta[k]
            m[k] = b1 * m[k] + (1 - b1) * g[k]
            v[k] = b2 * v[k] + (1 - b2) * g[k] ** 2
            vmax[k] = np.maximum(vmax[k], v[k])
            m_hat = m[k] / (1 - b1 ** t)
            v_hat = (vmax[k] if amsgrad else v[k]) / (1 - b2 ** t)
            theta[k] = theta[k] - lr * m_hat / (np.sqrt(v_hat) + eps)
    np.testing.assert_allclose(W.data, theta["W"], rtol=1e-12)
    np.testing.assert_allclose(b.data, theta["b"], rtol=1e-12)


def test_adamw_defaults_differ_from_adam_only_in_weight_decay():
    W = Param(W0)
    adam, adamw = Adam([W]), AdamW([Param(W0)])
    assert adam.defaults["weight_decay"] == 0 and adamw.defaults["weight_decay"] == 1e-2
    assert adamw.defaults["decoupled_weight_decay"] and not adam.defaults["decoupled_weight_decay"]
    for key in ("lr", "betas", "eps", "amsgrad"):
        assert adam.defaults[key] == adamw.defaults[key]


def test_defaults_match_pytorch():
    p = [Param(W0)]
    assert SGD(p).defaults == dict(lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                                   nesterov=False)
    assert Adagrad(p).defaults == dict(lr=1e-2, lr_decay=0, eps=1e-10, weight_decay=0,
                                       initial_accumulator_value=0)
    assert RMSprop(p).defaults == dict(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0,
                                       momentum=0, centered=False)
    assert Adam(p).defaults["betas"] == (0.9, 0.999) and Adam(p).defaults["eps"] == 1e-8


# ---------------------------------------------------------------- param groups
def test_groups_take_their_own_learning_rate():
    (W, b, _), opt = run(SGD, 1, group2={"lr": 0.5}, lr=0.1)
    gW, gb = gradients(W0, B0)
    np.testing.assert_allclose(W.data, W0 - 0.1 * gW)
    np.testing.assert_allclose(b.data, B0 - 0.5 * gb)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert opt.param_groups[1]["momentum"] == 0            # filled from the defaults


def test_add_param_group():
    W, b, _ = make_params()
    opt = SGD([W], lr=0.1, momentum=0.9)
    opt.add_param_group({"params": b, "lr": 0.01})
    assert opt.param_groups[1]["params"] == [b]
    assert opt.param_groups[1]["momentum"] == 0.9 and opt.param_groups[1]["lr"] == 0.01
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [W]})


def test_zero_grad():
    W, b, _ = make_params()
    opt = SGD([W, b], lr=0.1)
    W.grad, b.grad = as_grads(*gradients(W0, B0))
    opt.zero_grad(set_to_none=False)
    assert np.all(W.grad == 0) and np.all(b.grad == 0)
    opt.zero_grad()
    assert W.grad is None and b.grad is None


def test_updates_in_place_and_keeps_the_gradient():
    W = Param(W0)
    array = W.array
    W.grad = minigrad.tensor(np.ones_like(W0))
    grad = W.grad.clone()
    Adam([W], weight_decay=0.1).step()
    assert W.array is array                        # updated in place: references stay valid
    np.testing.assert_array_equal(W.grad, grad)    # weight decay did not touch .grad


def test_closure_is_called_and_its_loss_returned():
    W = Param(W0)

    def closure():
        W.grad = minigrad.tensor(gradients(W.data, B0)[0])
        return 3.5

    assert SGD([W], lr=0.1).step(closure) == 3.5
    np.testing.assert_allclose(W.data, W0 - 0.1 * gradients(W0, B0)[0])


def test_works_with_minigrad_tensor():
    minigrad = pytest.importorskip("minigrad")
    if not hasattr(minigrad, "tensor"):
        pytest.skip("minigrad.tensor not available")
    w = minigrad.tensor(W0, requires_grad=True, dtype=np.float64)
    opt = SGD([w], lr=0.1, momentum=0.9)
    w.grad = minigrad.tensor(gradients(W0, B0)[0])
    opt.step()
    np.testing.assert_allclose(w.data, W0 - 0.1 * gradients(W0, B0)[0])
    assert opt.state[w]["momentum_buffer"].shape == W0.shape


# ---------------------------------------------------------------------- errors
@pytest.mark.parametrize("make, message", [
    (lambda p: SGD(p, lr=-0.1), r"Invalid learning rate: -0.1 \(must be >= 0\)$"),
    (lambda p: SGD(p, momentum=-1), "Invalid momentum value: -1"),
    (lambda p: SGD(p, weight_decay=-1e-4), "Invalid weight_decay value"),
    (lambda p: SGD(p, lr=0.1, nesterov=True), "Nesterov momentum requires a momentum"),
    (lambda p: SGD(p, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
     "zero dampening"),
    (lambda p: Adagrad(p, lr_decay=-1), "Invalid lr_decay value"),
    (lambda p: Adagrad(p, initial_accumulator_value=-1), "initial_accumulator_value"),
    (lambda p: Adagrad(p, eps=-1), "Invalid epsilon value"),
    (lambda p: RMSprop(p, alpha=-0.5), "Invalid alpha value"),
    (lambda p: RMSprop(p, momentum=-0.5), "Invalid momentum value"),
    (lambda p: Adam(p, betas=(1.0, 0.999)),
     r"Invalid beta parameter at index 0: 1.0 \(must be in \[0, 1\)\)"),
    (lambda p: Adam(p, betas=(0.9, -0.1)), "Invalid beta parameter at index 1"),
    (lambda p: Adam(p, betas=(0.9,)), "must be a pair"),
    (lambda p: AdamW(p, eps=-1e-8), "Invalid epsilon value"),
    (lambda p: AdamW(p, weight_decay=-1), "Invalid weight_decay value"),
    (lambda p: SGD([{"params": p, "lr": -1.0}], lr=0.1), "Invalid learning rate: -1.0"),
    (lambda p: SGD([], lr=0.1), "empty parameter list"),
    (lambda p: SGD(p + p, lr=0.1), "appears twice"),
])
def test_invalid_hyperparameters_are_rejected(make, message):
    with pytest.raises(ValueError, match=message):
        make([Param(W0)])


@pytest.mark.parametrize("params, message", [
    (Param(W0), "wrap it in a list"),
    ([np.zeros(3)], "can only optimize Tensors"),
    ({Param(W0)}, "not a set"),
    ([minigrad.tensor([1, 2, 3])], "only floating-point"),
])
def test_bad_params_are_rejected(params, message):
    with pytest.raises(TypeError, match=message):
        SGD(params, lr=0.1)


def test_gradient_of_the_wrong_shape():
    W = Param(W0)
    W.grad = None
    W._grad = minigrad.tensor(np.zeros(3))        # bypasses the setter's own shape check
    with pytest.raises(ValueError, match=r"shape \(3, 2\) has a gradient of shape \(3,\)"):
        SGD([W], lr=0.1).step()


# ---------------------------------------------------------------- checkpoints
CONFIGS = [
    (SGD, dict(lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01)),
    (SGD, dict(lr=0.05, momentum=0.9, nesterov=True)),
    (Adagrad, dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1)),
    (RMSprop, dict(lr=0.01, momentum=0.5, centered=True, weight_decay=0.01)),
    (Adam, dict(lr=0.01, amsgrad=True, weight_decay=0.01)),
    (AdamW, dict(lr=0.01, betas=(0.8, 0.99))),
]


def _npz_round_trip(state_dict, tmp_path):
    """Save the optimizer state as an .npz (no pickle) and read it back."""
    flat = {}
    for i, s in state_dict["state"].items():
        for name, value in s.items():
            flat[f"state/{i}/{name}"] = np.asarray(value)
    for j, group in enumerate(state_dict["param_groups"]):
        for name, value in group.items():
            flat[f"group/{j}/{name}"] = np.asarray(value)
    np.savez(tmp_path / "opt.npz", **flat)
    loaded = {"state": {}, "param_groups": [{} for _ in state_dict["param_groups"]]}
    with np.load(tmp_path / "opt.npz", allow_pickle=False) as f:
        for key in f.files:
            kind, index, name = key.split("/")
            if kind == "state":
                loaded["state"].setdefault(int(index), {})[name] = f[key]
            else:
                loaded["param_groups"][int(index)][name] = f[key]
    return loaded


@pytest.mark.parametrize("cls, kwargs", CONFIGS, ids=lambda c: getattr(c, "__name__", ""))
@pytest.mark.parametrize("through_npz", [False, True])
def test_resuming_from_state_dict_gives_the_same_trajectory(cls, kwargs, through_npz,
                                                           tmp_path):
    group2 = {"lr": kwargs["lr"] * 2}
    (W_ref, b_ref, _), _ = run(cls, 40, group2=group2, **kwargs)

    (W, b, frozen), opt = run(cls, 20, group2=group2, **kwargs)
    saved = copy.deepcopy(opt.state_dict())   # the live state, as PyTorch: copy to keep it
    if through_npz:
        saved = _npz_round_trip(saved, tmp_path)
    params = (Param(W.data), Param(b.data), Param(frozen.data))   # copies, after 20 steps
    run(cls, 5, params=(W, b, frozen), opt=opt)     # the old run goes on: `saved` must not move

    fresh = cls([{"params": [params[0], params[2]]}, {"params": [params[1]]}], lr=1.0)
    fresh.load_state_dict(saved)
    assert fresh.param_groups[1]["lr"] == group2["lr"]
    run(cls, 20, params=params, opt=fresh)
    np.testing.assert_allclose(params[0].data, W_ref.data, rtol=1e-13)
    np.testing.assert_allclose(params[1].data, b_ref.data, rtol=1e-13)


def test_state_dict_format():
    params, opt = run(Adam, 2, group2={"lr": 0.5}, lr=0.1, amsgrad=True)
    sd = opt.state_dict()
    assert sorted(sd["state"]) == [0, 2]               # param 1 (frozen) has no state
    assert [g["params"] for g in sd["param_groups"]] == [[0, 1], [2]]
    assert sd["state"][0]["step"].item() == 2 and sd["state"][0]["step"].dtype == np.float32
    assert set(sd["state"][0]) == {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"}
    for s in sd["state"].values():
        for value in s.values():
            assert isinstance(value, minigrad.Tensor) and not value.requires_grad
    # the live state, as in PyTorch: a later step shows in it; a deep copy keeps it
    kept = copy.deepcopy(sd)
    before = sd["state"][0]["exp_avg"].numpy().copy()
    run(Adam, 1, params=params, opt=opt)
    assert not np.array_equal(sd["state"][0]["exp_avg"].numpy(), before)
    np.testing.assert_array_equal(kept["state"][0]["exp_avg"].numpy(), before)


def test_load_state_dict_validates():
    (_, _, _), opt = run(Adam, 2, lr=0.1)
    sd = opt.state_dict()
    with pytest.raises(ValueError, match="2 parameter groups, but the optimizer has 1"):
        Adam([Param(W0)]).load_state_dict(sd)
    with pytest.raises(ValueError, match="group 0 of the loaded state dict has 2 parameters"):
        Adam([{"params": [Param(W0)]}, {"params": [Param(B0)]}]).load_state_dict(sd)
    bad = copy.deepcopy(sd)
    bad["state"][0]["exp_avg"] = np.zeros(5)
    with pytest.raises(ValueError, match=r"'exp_avg' of parameter 0 has shape \(5,\)"):
        Adam([{"params": [Param(W0), Param(np.ones(4))]},
              {"params": [Param(B0)]}]).load_state_dict(bad)
    bad = copy.deepcopy(sd)
    bad["param_groups"][0]["lr"] = -1.0
    with pytest.raises(ValueError, match="Invalid learning rate"):
        Adam([{"params": [Param(W0), Param(np.ones(4))]},
              {"params": [Param(B0)]}]).load_state_dict(bad)


def test_base_class_step_is_abstract():
    with pytest.raises(NotImplementedError):
        Optimizer([Param(W0)], {"lr": 0.1}).step()
