"""Modules: parameter discovery, state dicts, Linear, containers, init, and digits."""

import math

import numpy as np
import pytest

import minigrad
from minigrad import nn


class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 2)
        self.blocks = [nn.Linear(2, 2), nn.Linear(2, 1, bias=False)]
        self.scale = nn.Parameter(np.ones(1, dtype=np.float32))
        self.not_a_parameter = minigrad.tensor([1.0], requires_grad=True)
        self.note = "ignored"

    def forward(self, x):
        x = self.fc(x).relu()
        for block in self.blocks:
            x = block(x)
        return x * self.scale


# --------------------------------------------------------------------- discovery
def test_parameters_are_found_in_attributes_lists_and_nested_modules():
    # As in PyTorch: a module's own parameters first, then each sub-module's in turn.
    names = [name for name, _ in Tiny().named_parameters()]
    assert names == ["scale", "fc.weight", "fc.bias", "blocks.0.weight", "blocks.0.bias",
                     "blocks.1.weight"]


def test_parameters_match_named_parameters_and_require_grad():
    model = Tiny()
    assert [id(p) for p in model.parameters()] == \
        [id(p) for _, p in model.named_parameters()]
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in model.parameters())


def test_shared_parameter_is_listed_once():
    class Shared(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(2, 2)
            self.b = self.a

    assert [n for n, _ in Shared().named_parameters()] == ["a.weight", "a.bias"]


def test_dict_of_modules_is_searched():
    class Heads(nn.Module):
        def __init__(self):
            super().__init__()
            self.heads = {"x": nn.Linear(2, 1), "y": nn.Linear(2, 1, bias=False)}

    assert [n for n, _ in Heads().named_parameters()] == \
        ["heads.x.weight", "heads.x.bias", "heads.y.weight"]


def test_zero_grad_clears_every_gradient():
    model = Tiny()
    model(minigrad.randn(4, 3)).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_train_and_eval_reach_every_submodule():
    model = Tiny()
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())


def test_call_runs_forward_and_a_missing_forward_is_named():
    class NoForward(nn.Module):
        pass

    with pytest.raises(NotImplementedError, match="NoForward has no forward"):
        NoForward()(1)


def test_repr_shows_the_tree():
    text = repr(nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1, bias=False)))
    assert text == ("Sequential(\n"
                    "  (0): Linear(in_features=2, out_features=3, bias=True)\n"
                    "  (1): ReLU()\n"
                    "  (2): Linear(in_features=3, out_features=1, bias=False)\n"
                    ")")
    assert repr(nn.Parameter([1.0])).startswith("Parameter containing:\ntensor(")


# ---------------------------------------------------------------------- state dicts
def test_state_dict_round_trip_shares_memory_as_pytorch():
    minigrad.manual_seed(0)
    source, target = Tiny(), Tiny()
    state = source.state_dict()
    assert list(state) == [n for n, _ in source.named_parameters()]
    assert not state["fc.weight"].requires_grad
    state["fc.weight"][...] = 7          # detached, but the same memory (as PyTorch)
    assert np.all(source.fc.weight.detach().numpy() == 7)

    result = target.load_state_dict(source.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    for (name, p), q in zip(source.named_parameters(), target.parameters()):
        np.testing.assert_array_equal(p.data, q.data, err_msg=name)


def test_load_state_dict_keeps_dtype_and_accepts_tensors():
    model = nn.Linear(2, 1)
    model.load_state_dict({"weight": minigrad.tensor(np.ones((1, 2))),  # float64
                           "bias": np.zeros(1)})
    assert model.weight.dtype == np.float32
    np.testing.assert_array_equal(model.weight.data, [[1, 1]])


def test_missing_and_unexpected_keys_are_named():
    state = nn.Linear(2, 1).state_dict()
    del state["bias"]
    state["extra"] = np.zeros(1)
    with pytest.raises(KeyError, match=r"missing keys \['bias'\].*unexpected keys "
                                       r"\['extra'\]"):
        nn.Linear(2, 1).load_state_dict(state)
    result = nn.Linear(2, 1).load_state_dict(state, strict=False)
    assert result == (["bias"], ["extra"])


def test_shape_mismatch_is_named_and_nothing_is_copied():
    model = nn.MLP([2, 3, 1])
    before = model.state_dict()
    state = nn.MLP([2, 4, 1]).state_dict()
    with pytest.raises(ValueError, match=r"0\.weight: saved \(4, 2\), model \(3, 2\)"):
        model.load_state_dict(state)
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[name])


# --------------------------------------------------------------------------- Linear
def test_linear_matches_a_hand_computation():
    layer = nn.Linear(3, 2)
    layer.load_state_dict({"weight": np.array([[1, 2, 3], [0, -1, 0.5]]),
                           "bias": np.array([10, 20])})
    x = np.array([[1.0, 1.0, 1.0], [2.0, 0.0, -2.0]], dtype=np.float32)
    expected = [[1 + 2 + 3 + 10, 0 - 1 + 0.5 + 20],
                [2 - 6 + 10, -1 + 20]]
    np.testing.assert_allclose(layer(x).data, expected)


def test_linear_gradients_match_finite_differences():
    rng = np.random.default_rng(0)
    x, w, b = (minigrad.tensor(rng.standard_normal(shape), requires_grad=True)
               for shape in [(5, 4), (3, 4), (3,)])
    assert minigrad.gradcheck(nn.functional.linear, [x, w, b])


def test_linear_layout_and_initialisation_are_pytorchs():
    minigrad.manual_seed(0)
    layer = nn.Linear(400, 30)
    assert layer.weight.shape == (30, 400) and layer.bias.shape == (30,)
    assert layer.weight.dtype == np.float32
    bound = 1 / math.sqrt(400)
    assert np.abs(layer.weight.data).max() <= bound
    assert np.abs(layer.bias.data).max() <= bound
    # U(-b, b) has standard deviation b/√3
    assert layer.weight.data.std() == pytest.approx(bound / math.sqrt(3), rel=0.05)
    assert nn.Linear(3, 2, bias=False).bias is None


def test_manual_seed_makes_initialisation_reproducible():
    minigrad.manual_seed(5)
    a = nn.MLP([4, 8, 2]).state_dict()
    minigrad.manual_seed(5)
    b = nn.MLP([4, 8, 2]).state_dict()
    for name in a:
        np.testing.assert_array_equal(a[name], b[name])


def test_linear_rejects_wrong_input_size_clearly():
    with pytest.raises(RuntimeError, match="last dimension must be in_features = 3"):
        nn.Linear(3, 2)(np.zeros((4, 5), dtype=np.float32))
    with pytest.raises(ValueError, match="in_features must be a positive integer"):
        nn.Linear(0, 2)


def test_linear_with_a_pytorch_state_dict_gives_pytorchs_output():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    reference = torch.nn.Sequential(torch.nn.Linear(5, 4), torch.nn.Tanh(),
                                    torch.nn.Linear(4, 3))
    model = nn.MLP([5, 4, 3], activation="tanh")
    model.load_state_dict({k: v.detach().numpy() for k, v in reference.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((6, 5)).astype(np.float32)
    np.testing.assert_allclose(model(x).data, reference(torch.from_numpy(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)


# ----------------------------------------------------------------- Sequential and MLP
def test_sequential_chains_and_indexes():
    model = nn.Sequential(nn.Linear(2, 3), nn.Sigmoid())
    assert len(model) == 2 and isinstance(model[1], nn.Sigmoid)
    assert [type(m).__name__ for m in model] == ["Linear", "Sigmoid"]
    x = minigrad.randn(4, 2)
    np.testing.assert_allclose(model(x).data, model[0](x).sigmoid().data)
    with pytest.raises(TypeError, match="argument 1 is a function"):
        nn.Sequential(nn.Linear(2, 2), minigrad.relu)


def test_mlp_layers_and_activation():
    model = nn.MLP([64, 32, 16, 10], activation=nn.Tanh)
    assert [type(m).__name__ for m in model] == \
        ["Linear", "Tanh", "Linear", "Tanh", "Linear"]
    assert [n for n, _ in model.named_parameters()][-2:] == ["4.weight", "4.bias"]
    assert model(minigrad.randn(2, 64)).shape == (2, 10)
    with pytest.raises(ValueError, match="unknown activation 'gelu'"):
        nn.MLP([2, 2], activation="gelu")
    with pytest.raises(ValueError, match="at least an input and an output"):
        nn.MLP([3])


@pytest.mark.parametrize("module,op", [(nn.ReLU(), minigrad.relu), (nn.Tanh(), minigrad.tanh),
                                       (nn.Sigmoid(), minigrad.sigmoid)])
def test_activation_modules_apply_their_op(module, op):
    x = minigrad.randn(3, 4)
    np.testing.assert_array_equal(module(x).data, op(x).data)


# ----------------------------------------------------------------------------- init
def test_init_helpers_fill_in_place_with_the_right_scale():
    minigrad.manual_seed(0)
    w = nn.Parameter(np.zeros((200, 300), dtype=np.float32))
    assert nn.init.kaiming_normal_(w, nonlinearity="relu") is w
    assert w.data.std() == pytest.approx(math.sqrt(2 / 300), rel=0.05)
    nn.init.xavier_uniform_(w)
    assert np.abs(w.data).max() <= math.sqrt(6 / 500)
    nn.init.xavier_normal_(w)
    assert w.data.std() == pytest.approx(math.sqrt(2 / 500), rel=0.05)
    nn.init.ones_(w)
    assert np.all(w.data == 1) and w.dtype == np.float32
    assert nn.init.calculate_gain("tanh") == pytest.approx(5 / 3)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        nn.init.kaiming_uniform_(nn.Parameter(np.zeros(3, dtype=np.float32)))


# ---------------------------------------------------------------------------- digits
def test_mlp_learns_the_bundled_digits():
    from minigrad.data import load_digits, train_val_test_split
    from minigrad.optim import Adam
    from minigrad.train import accuracy, fit

    X, y = load_digits()
    (X_train, y_train), (X_val, y_val), _ = train_val_test_split(X, y, seed=0)
    minigrad.manual_seed(0)
    model = nn.MLP([64, 64, 10])
    history = fit(model, nn.CrossEntropyLoss(), Adam(model.parameters(), lr=1e-2),
                  (X_train, y_train), epochs=8, batch_size=32, val_data=(X_val, y_val),
                  metric=accuracy, progress=False)
    assert not history.diverged
    assert history.val_metric[-1] > 0.9


# ------------------------------------------------ PyTorch's Module and container API
def _values(t):
    return np.asarray(getattr(t, "array", t))


def test_apply_visits_children_first_then_the_module():
    model = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU(), nn.Linear(3, 1)))
    visited = []
    assert model.apply(lambda m: visited.append(type(m).__name__)) is model
    assert visited == ["Linear", "ReLU", "Linear", "Sequential", "Sequential"]


def test_apply_initialises_weights_as_d2l_does():
    net = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 1))

    def init_weights(module):
        if type(module) == nn.Linear:
            nn.init.constant_(module.weight, 0.25)
    net.apply(init_weights)
    assert all((_values(m.weight) == 0.25).all() for m in (net[0], net[2]))


def test_children_modules_and_named_modules():
    inner = nn.Sequential(nn.ReLU())
    model = nn.Sequential(nn.Linear(1, 1), inner)
    assert model.children() == [model[0], inner]
    assert [n for n, _ in model.named_modules()] == ["", "0", "1", "1.0"]
    assert len(model.modules()) == 4


def test_to_casts_floating_parameters_and_refuses_other_devices():
    model = nn.Linear(2, 2)
    assert model.to("cpu") is model and model.cpu() is model
    model.to(np.float64)
    assert model.weight.dtype == np.float64 and model.bias.dtype == np.float64
    model.to(device="cpu", dtype=np.float32)
    assert model.weight.dtype == np.float32
    model.to(minigrad.device("cpu"), np.dtype("float64"))
    assert model.weight.dtype == np.float64
    model.to(minigrad.zeros(1))                          # a tensor: take its dtype
    assert model.weight.dtype == np.float32
    with pytest.raises(RuntimeError, match="CPU only"):
        model.to(0)
    assert model.double().weight.dtype == np.float64 and model.float().bias.dtype == np.float32
    with pytest.raises(RuntimeError, match="CPU only"):
        model.to("cuda")
    with pytest.raises(RuntimeError, match="CPU only"):
        model.cuda()
    with pytest.raises(TypeError, match="floating point"):
        model.to(np.int64)


def test_zero_grad_to_zeros_add_module_and_requires_grad():
    model = nn.Linear(2, 1)
    model(minigrad.ones(1, 2)).sum().backward()
    model.zero_grad(set_to_none=False)
    assert _values(model.weight.grad).tolist() == [[0.0, 0.0]]
    model.add_module("extra", nn.Linear(1, 1))
    assert "extra.weight" in dict(model.named_parameters())
    model.requires_grad_(False)
    assert not any(p.requires_grad for p in model.parameters())
    with pytest.raises(TypeError, match="not a Module"):
        model.add_module("bad", 3)
    assert list(model.buffers()) == []


def test_sequential_slicing_append_insert_setitem_delete():
    a, b, c, d = nn.Linear(1, 2), nn.ReLU(), nn.Linear(2, 1), nn.Tanh()
    model = nn.Sequential(a, b, c)
    head = model[:2]
    assert isinstance(head, nn.Sequential) and list(head) == [a, b]
    assert head[0] is a                                  # shared, not copied
    assert model[-1] is c and len(model[::2]) == 2
    assert model.append(d) is model and len(model) == 4 and model[3] is d
    model.insert(1, nn.Identity())
    assert [type(m).__name__ for m in model] == ["Linear", "Identity", "ReLU", "Linear",
                                                 "Tanh"]
    model[1] = nn.Sigmoid()
    assert isinstance(model[1], nn.Sigmoid)
    del model[1]
    assert [n for n, _ in model.named_children()] == ["0", "1", "2", "3"]
    assert [type(m).__name__ for m in model] == ["Linear", "ReLU", "Linear", "Tanh"]
    with pytest.raises(IndexError, match="out of range"):
        model[4]
    with pytest.raises(TypeError, match="integers or slices"):
        model["0"]


def test_flatten_unflatten_identity():
    x = minigrad.randn(2, 3, 4, 5)
    assert nn.Flatten()(x).shape == (2, 60)
    assert nn.Flatten(0, 1)(minigrad.randn(7, 1)).shape == (7,)
    assert nn.Flatten(1, 2)(x).shape == (2, 12, 5)
    assert nn.Unflatten(1, (3, 20))(nn.Flatten()(x)).shape == (2, 3, 20)
    assert nn.Identity(54, unused="argument")(x) is x
    with pytest.raises(IndexError, match="Dimension out of range"):
        nn.Flatten(0, 5)(x)
    y = minigrad.randn(3, 2, requires_grad=True)
    nn.Flatten(0, 1)(y).sum().backward()
    assert _values(y.grad).shape == (3, 2)


def test_functional_linear_checks_the_bias_shape():
    x = minigrad.randn(4, 3)
    w = minigrad.randn(2, 3)
    one = minigrad.tensor([0.5], requires_grad=True)
    out = nn.functional.linear(x, w, one)           # a (1,) bias broadcasts, as in PyTorch
    np.testing.assert_allclose(_values(out), _values(nn.functional.linear(x, w)) + 0.5,
                               rtol=1e-6)
    out.sum().backward()
    assert _values(one.grad).shape == (1,) and _values(one.grad)[0] == pytest.approx(8.0)
    with pytest.raises(RuntimeError, match=r"expanded size of the tensor \(2\) must match "
                                           r"the existing size \(3\) at non-singleton "
                                           r"dimension 1"):
        nn.functional.linear(x, w, minigrad.zeros(3))
    with pytest.raises(RuntimeError, match="non-singleton dimension 0"):
        nn.functional.linear(x, w, minigrad.zeros(2, 1))
    with pytest.raises(RuntimeError, match="number of sizes provided"):
        nn.functional.linear(x, w, minigrad.zeros(1, 1, 2))


def test_linear_takes_device_and_dtype():
    layer = nn.Linear(2, 3, dtype=np.float64, device="cpu")
    assert layer.weight.dtype == np.float64
    with pytest.raises(RuntimeError, match="CPU only"):
        nn.Linear(2, 3, device="cuda")


def test_container_api_matches_pytorch():
    torch = pytest.importorskip("torch")

    def build(lib):
        model = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.ReLU(), lib.nn.Linear(4, 2))
        model.append(lib.nn.Tanh())
        model.insert(0, lib.nn.Identity())
        del model[2]
        return model

    ours, theirs = build(minigrad), build(torch)
    assert repr(ours) == repr(theirs)
    from collections import OrderedDict
    named = [lib.nn.Sequential(OrderedDict([("fc", lib.nn.Linear(2, 3)),
                                            ("act", lib.nn.ReLU())])) for lib in (minigrad, torch)]
    assert repr(named[0]) == repr(named[1])
    assert [n for n, _ in named[0].named_parameters()] == ["fc.weight", "fc.bias"]
    assert repr(ours[1:]) == repr(theirs[1:])
    assert [n for n, _ in ours.named_parameters()] == \
        [n for n, _ in theirs.named_parameters()]
    order = []
    theirs_order = []
    ours.apply(lambda m: order.append(type(m).__name__))
    theirs.apply(lambda m: theirs_order.append(type(m).__name__))
    assert order == theirs_order
    x = np.random.default_rng(0).normal(size=(2, 3, 4, 5)).astype(np.float32)
    for args in [(), (0, 1), (1, 2), (-2, -1)]:
        assert nn.Flatten(*args)(minigrad.tensor(x)).shape == \
            tuple(torch.nn.Flatten(*args)(torch.tensor(x)).shape)
