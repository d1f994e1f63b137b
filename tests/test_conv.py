"""conv2d / max_pool2d and nn.Conv2d / nn.MaxPool2d: values by hand, gradients against
finite differences, and PyTorch side by side (when installed): outputs, gradients,
initialisation ranges, reprs, and a LeNet training step from the same weights."""

import itertools
import math

import numpy as np
import pytest

import minigrad
from minigrad import nn
from minigrad.nn import functional as F
from minigrad.ops_conv import conv2d, max_pool2d

RNG = np.random.default_rng(0)


def values(t):
    """The numpy values of a Tensor (or of a gradient, Tensor or array)."""
    return np.asarray(getattr(t, "array", t))


# ------------------------------------------------------------------- values by hand
def test_conv2d_of_a_ones_kernel_sums_each_window():
    x = minigrad.tensor(np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4))
    w = minigrad.tensor(np.ones((1, 1, 2, 2), dtype=np.float32))
    out = conv2d(x, w, minigrad.tensor([10.0]), stride=2)
    # windows [[0,1],[4,5]], [[2,3],[6,7]], [[8,9],[12,13]], [[10,11],[14,15]]
    np.testing.assert_array_equal(values(out), [[[[20, 28], [52, 60]]]])


def test_conv2d_is_cross_correlation_not_flipped():
    x = minigrad.tensor(np.arange(9, dtype=np.float32).reshape(1, 1, 3, 3))
    w = minigrad.tensor(np.array([[[[1, 0], [0, 0]]]], dtype=np.float32))  # top-left tap
    np.testing.assert_array_equal(values(conv2d(x, w)), [[[[0, 1], [3, 4]]]])


def test_padding_adds_zeros_and_same_keeps_the_size():
    x = minigrad.tensor(np.ones((1, 1, 3, 3), dtype=np.float32))
    w = minigrad.tensor(np.ones((1, 1, 3, 3), dtype=np.float32))
    np.testing.assert_array_equal(values(conv2d(x, w, padding=1)),
                                  [[[[4, 6, 4], [6, 9, 6], [4, 6, 4]]]])
    assert conv2d(x, w, padding="same").shape == (1, 1, 3, 3)
    assert conv2d(x, w, padding="valid").shape == (1, 1, 1, 1)


@pytest.mark.parametrize("size,kernel,stride,padding,dilation,expected", [
    (28, 5, 1, 2, 1, 28), (14, 5, 1, 0, 1, 10), (9, 3, 2, 1, 1, 5), (9, 3, 1, 0, 2, 5),
    (7, 2, 3, 0, 1, 2)])
def test_output_size_is_pytorchs_formula(size, kernel, stride, padding, dilation, expected):
    x = minigrad.zeros(1, 1, size, size)
    w = minigrad.zeros(1, 1, kernel, kernel)
    assert conv2d(x, w, None, stride, padding, dilation).shape[2:] == (expected, expected)


def test_max_pool2d_takes_the_window_maximum_and_routes_the_gradient_to_it():
    x = minigrad.tensor(np.array([[[[1, 5, 2, 0], [3, 4, 8, 1], [0, 0, 7, 7],
                                    [9, 0, 7, 6]]]], dtype=np.float32), requires_grad=True)
    out = max_pool2d(x, 2)
    np.testing.assert_array_equal(values(out), [[[[5, 8], [9, 7]]]])
    out.sum().backward()
    # one 1 per window, at its maximum; for the tie 7, 7, 7 the first one (row-major)
    np.testing.assert_array_equal(values(x.grad), [[[[0, 1, 0, 0], [0, 0, 1, 0],
                                                     [0, 0, 1, 0], [1, 0, 0, 0]]]])


# -------------------------------------------------------------- finite differences
@pytest.mark.parametrize("stride,padding,dilation", [(1, 0, 1), (2, 1, 1), (1, "same", 2),
                                                     ((2, 1), (1, 0), (1, 2))])
def test_conv2d_gradients_match_finite_differences(stride, padding, dilation):
    x = minigrad.tensor(RNG.normal(size=(2, 2, 6, 5)), requires_grad=True)
    w = minigrad.tensor(RNG.normal(size=(3, 2, 3, 2)), requires_grad=True)
    b = minigrad.tensor(RNG.normal(size=3), requires_grad=True)
    assert minigrad.gradcheck(lambda x, w, b: conv2d(x, w, b, stride, padding, dilation),
                              [x, w, b])


@pytest.mark.parametrize("kernel,stride,padding", [(2, None, 0), (3, 2, 1), ((3, 2), 1, 0)])
def test_max_pool2d_gradient_matches_finite_differences(kernel, stride, padding):
    # distinct values, so no tie sits within eps of another
    x = minigrad.tensor(RNG.permutation(2 * 2 * 6 * 5).reshape(2, 2, 6, 5) * 0.1,
                        requires_grad=True)
    assert minigrad.gradcheck(lambda x: max_pool2d(x, kernel, stride, padding), [x])


# ------------------------------------------------------------------------- errors
def test_unsupported_arguments_raise():
    x, w = minigrad.zeros(1, 2, 5, 5), minigrad.zeros(2, 1, 3, 3)
    with pytest.raises(NotImplementedError, match="groups"):
        conv2d(x, w, groups=2)
    with pytest.raises(NotImplementedError, match="groups"):
        nn.Conv2d(2, 2, 3, groups=2)
    with pytest.raises(NotImplementedError, match="padding_mode"):
        nn.Conv2d(2, 2, 3, padding_mode="reflect")
    with pytest.raises(NotImplementedError, match="ceil_mode"):
        max_pool2d(x, 2, ceil_mode=True)
    with pytest.raises(NotImplementedError):
        nn.MaxPool2d(2, return_indices=True)


def test_bad_shapes_are_named():
    with pytest.raises(ValueError, match="4-D input"):
        conv2d(minigrad.zeros(2, 5, 5), minigrad.zeros(1, 2, 3, 3))
    with pytest.raises(RuntimeError, match="channels"):
        conv2d(minigrad.zeros(1, 3, 5, 5), minigrad.zeros(1, 2, 3, 3))
    with pytest.raises(RuntimeError, match="larger than the padded input"):
        conv2d(minigrad.zeros(1, 1, 2, 2), minigrad.zeros(1, 1, 3, 3))
    with pytest.raises(RuntimeError, match="bias"):
        conv2d(minigrad.zeros(1, 1, 3, 3), minigrad.zeros(2, 1, 2, 2), minigrad.zeros(3))
    with pytest.raises(ValueError, match="strided"):
        conv2d(minigrad.zeros(1, 1, 5, 5), minigrad.zeros(1, 1, 3, 3), stride=2,
               padding="same")
    with pytest.raises(RuntimeError, match="half of effective kernel"):
        max_pool2d(minigrad.zeros(1, 1, 5, 5), 2, padding=2)


# ----------------------------------------------------------------------- modules
def test_conv2d_layer_shapes_and_initialisation_range():
    minigrad.manual_seed(0)
    layer = nn.Conv2d(3, 8, kernel_size=(3, 5))
    assert layer.weight.shape == (8, 3, 3, 5) and layer.bias.shape == (8,)
    bound = 1 / math.sqrt(3 * 3 * 5)
    for p in (layer.weight, layer.bias):
        assert np.abs(values(p)).max() <= bound
        assert np.abs(values(p)).max() > 0.8 * bound
    assert layer(minigrad.zeros(2, 3, 10, 10)).shape == (2, 8, 8, 6)
    assert [n for n, _ in layer.named_parameters()] == ["weight", "bias"]
    assert nn.Conv2d(1, 1, 3, bias=False).bias is None


def test_lenet_of_the_learning_rate_chapter_learns():
    """d2l's LeNet (the lr-scheduler section's net_fn), trained a few steps."""
    minigrad.manual_seed(0)
    net = lenet(nn)
    rng = np.random.default_rng(5)
    y = np.arange(40) % 4                                   # 4 classes, 10 images each
    means = rng.uniform(size=(4, 1, 28, 28))
    X = minigrad.tensor((means[y] + 0.2 * rng.normal(size=(40, 1, 28, 28))
                         ).astype(np.float32))
    opt = minigrad.optim.SGD(net.parameters(), lr=0.1)
    losses = []
    for _ in range(25):
        opt.zero_grad()
        loss = nn.CrossEntropyLoss()(net(X), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.8 * losses[0], losses


def lenet(lib_nn):
    return lib_nn.Sequential(
        lib_nn.Conv2d(1, 6, kernel_size=5, padding=2), lib_nn.ReLU(),
        lib_nn.MaxPool2d(kernel_size=2, stride=2),
        lib_nn.Conv2d(6, 16, kernel_size=5), lib_nn.ReLU(),
        lib_nn.MaxPool2d(kernel_size=2, stride=2),
        lib_nn.Flatten(),
        lib_nn.Linear(16 * 5 * 5, 120), lib_nn.ReLU(),
        lib_nn.Linear(120, 84), lib_nn.ReLU(),
        lib_nn.Linear(84, 10))


# ------------------------------------------------------------------- against torch
CONFIGS = [(s, p, d, b) for s, p, d, b in itertools.product(
    [1, 2], [0, 1, "same", (2, 1)], [1, 2], [True, False]) if not (p == "same" and s != 1)]


@pytest.mark.filterwarnings("ignore:Using padding='same'")   # PyTorch's own performance note
@pytest.mark.parametrize("stride,padding,dilation,bias", CONFIGS)
def test_conv2d_matches_pytorch(stride, padding, dilation, bias):
    torch = pytest.importorskip("torch")
    x, w = RNG.normal(size=(2, 3, 9, 8)), RNG.normal(size=(4, 3, 3, 2))
    b, = RNG.normal(size=(1, 4))
    ours = [minigrad.tensor(a, requires_grad=True) for a in (x, w, b)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    out = conv2d(ours[0], ours[1], ours[2] if bias else None, stride, padding, dilation)
    tout = torch.nn.functional.conv2d(theirs[0], theirs[1], theirs[2] if bias else None,
                                      stride, padding, dilation)
    np.testing.assert_allclose(values(out), tout.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = RNG.normal(size=tout.shape)
    out.backward(g)
    tout.backward(torch.tensor(g))
    for mine, their in zip(ours if bias else ours[:2], theirs):
        np.testing.assert_allclose(values(mine.grad), their.grad.numpy(), rtol=1e-10,
                                   atol=1e-12)


@pytest.mark.parametrize("kernel,stride,padding,dilation", [
    (2, None, 0, 1), (3, 2, 1, 1), ((3, 2), (1, 2), (1, 0), 1), (2, 1, 0, 2), (3, 3, 1, 1)])
def test_max_pool2d_matches_pytorch_including_ties(kernel, stride, padding, dilation):
    torch = pytest.importorskip("torch")
    x = RNG.integers(0, 4, size=(2, 3, 9, 8)).astype(np.float32)   # many ties
    mine = minigrad.tensor(x, requires_grad=True)
    their = torch.tensor(x, requires_grad=True)
    out = F.max_pool2d(mine, kernel, stride, padding, dilation)
    tout = torch.nn.functional.max_pool2d(their, kernel, stride, padding, dilation)
    np.testing.assert_array_equal(values(out), tout.detach().numpy())
    g = RNG.normal(size=tout.shape).astype(np.float32)
    out.backward(g)
    tout.backward(torch.tensor(g))
    np.testing.assert_allclose(values(mine.grad), their.grad.numpy(), rtol=1e-6, atol=1e-6)


def test_layer_reprs_and_defaults_are_pytorchs():
    torch = pytest.importorskip("torch")
    for args, kwargs in [((1, 6, 5), {"padding": 2}), ((6, 16, 5), {}),
                         ((3, 4, (3, 2)), {"stride": 2, "dilation": 2, "bias": False}),
                         ((1, 1, 3), {"padding": "same"})]:
        assert repr(nn.Conv2d(*args, **kwargs)) == repr(torch.nn.Conv2d(*args, **kwargs))
    for args, kwargs in [((2,), {}), ((2, 2), {}), ((3,), {"stride": 1, "padding": 1})]:
        assert repr(nn.MaxPool2d(*args, **kwargs)) == repr(torch.nn.MaxPool2d(*args, **kwargs))
    assert repr(nn.Flatten()) == repr(torch.nn.Flatten())
    assert repr(lenet(nn)) == repr(lenet(torch.nn))
    assert [n for n, _ in lenet(nn).named_parameters()] == \
        [n for n, _ in lenet(torch.nn).named_parameters()]


def test_a_lenet_step_from_the_same_weights_gives_pytorchs_numbers():
    torch = pytest.importorskip("torch")
    minigrad.manual_seed(1)
    ours = lenet(nn)
    theirs = lenet(torch.nn)
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    X = RNG.uniform(size=(16, 1, 28, 28)).astype(np.float32)
    y = RNG.integers(0, 10, size=16)
    opt = minigrad.optim.SGD(ours.parameters(), lr=0.1)
    topt = torch.optim.SGD(theirs.parameters(), lr=0.1)
    for _ in range(3):
        opt.zero_grad()
        topt.zero_grad()
        loss = nn.CrossEntropyLoss()(ours(minigrad.tensor(X)), y)
        tloss = torch.nn.CrossEntropyLoss()(theirs(torch.tensor(X)), torch.tensor(y))
        loss.backward()
        tloss.backward()
        opt.step()
        topt.step()
        assert loss.item() == pytest.approx(tloss.item(), rel=1e-5)
    for (name, p), tp in zip(ours.named_parameters(), theirs.parameters()):
        np.testing.assert_allclose(values(p), tp.detach().numpy(), rtol=1e-4, atol=1e-6,
                                   err_msg=name)
