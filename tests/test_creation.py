"""Making tensors with PyTorch's names and arguments: values, dtypes, shapes, memory
sharing, devices and errors, by value and side by side with PyTorch (when installed)."""

import math

import numpy as np
import pytest

import minigrad


def values(t):
    return np.asarray(getattr(t, "array", t))


# ------------------------------------------------------------------ sizes and dtypes
@pytest.mark.parametrize("make", [minigrad.zeros, minigrad.ones, minigrad.empty,
                                  minigrad.randn, minigrad.rand])
def test_every_size_spelling_gives_the_same_shape(make):
    assert make(2, 3).shape == make((2, 3)).shape == make([2, 3]).shape \
        == make(size=(2, 3)).shape == (2, 3)
    assert make(()).shape == ()
    assert make(2, 3).dtype == np.float32
    assert make(2, dtype=np.float64).dtype == np.float64


def test_size_errors():
    with pytest.raises(RuntimeError, match="negative dimension"):
        minigrad.zeros(2, -1)
    with pytest.raises(TypeError, match="tuple of ints"):
        minigrad.zeros(2.5)
    with pytest.raises(TypeError, match="unexpected keyword"):
        minigrad.zeros(2, layout="strided")


def test_requires_grad_only_for_floats():
    assert minigrad.zeros(2, requires_grad=True).requires_grad
    with pytest.raises(RuntimeError, match="floating point"):
        minigrad.zeros(2, dtype=np.int64, requires_grad=True)


def test_full_takes_its_dtype_from_the_value():
    assert minigrad.full((2,), 3).dtype == np.int64
    assert minigrad.full((2,), True).dtype == np.bool_
    assert minigrad.full((), 1.5).dtype == np.float32
    assert values(minigrad.full((2, 2), -1.0, dtype=np.float64)).tolist() == [[-1, -1]] * 2


def test_like_functions_keep_shape_and_dtype():
    x = minigrad.tensor(np.zeros((2, 3), dtype=np.float64))
    for make in (minigrad.zeros_like, minigrad.ones_like, minigrad.empty_like,
                 minigrad.rand_like, minigrad.randn_like):
        assert make(x).shape == (2, 3) and make(x).dtype == np.float64
    assert values(minigrad.ones_like(x)).sum() == 6
    assert values(minigrad.full_like(x, 7)).max() == 7
    assert minigrad.zeros_like(x, dtype=np.float32).dtype == np.float32


def test_eye():
    np.testing.assert_array_equal(values(minigrad.eye(3)), np.eye(3))
    assert minigrad.eye(2, 4).shape == (2, 4)


# -------------------------------------------------------------------- evenly spaced
def test_arange_values_and_dtypes():
    assert values(minigrad.arange(5)).tolist() == [0, 1, 2, 3, 4]
    assert minigrad.arange(5).dtype == np.int64
    assert values(minigrad.arange(1, 10, 3)).tolist() == [1, 4, 7]
    assert minigrad.arange(0, 1, 0.25).dtype == np.float32
    assert len(minigrad.arange(-5.5, 1.0, 0.1)) == 65          # ⌈6.5 / 0.1⌉
    assert values(minigrad.arange(3, 0, -1)).tolist() == [3, 2, 1]
    with pytest.raises(RuntimeError, match="nonzero"):
        minigrad.arange(0, 1, 0)
    with pytest.raises(RuntimeError, match="inconsistent with step sign"):
        minigrad.arange(0, 5, -1)


def test_linspace_ends_are_exact_and_steps_even():
    x = values(minigrad.linspace(-math.pi, math.pi, 2000))
    assert x.dtype == np.float32 and x.shape == (2000,)
    assert x[0] == np.float32(-math.pi) and x[-1] == np.float32(math.pi)
    # the second half counts back from the end, so the end is exact even where
    # start + (steps - 1)·h rounds elsewhere (as here)
    assert values(minigrad.linspace(1e-3, 1, 1000))[-1] == np.float32(1.0)
    np.testing.assert_allclose(np.diff(x), 2 * math.pi / 1999, rtol=0, atol=np.spacing(np.float32(4.0)))
    assert values(minigrad.linspace(0, 1, 1)).tolist() == [0.0]
    assert minigrad.linspace(0, 1, 0).shape == (0,)
    assert values(minigrad.linspace(0, 10, 6, dtype=np.int64)).tolist() == [0, 2, 4, 6, 8, 10]


def test_meshgrid_indexing_and_gradient():
    a = minigrad.tensor([1.0, 2.0], requires_grad=True)
    b = minigrad.tensor([10.0, 20.0, 30.0])
    X, Y = minigrad.meshgrid(a, b, indexing="ij")
    assert X.shape == Y.shape == (2, 3)
    np.testing.assert_array_equal(values(X), [[1, 1, 1], [2, 2, 2]])
    np.testing.assert_array_equal(values(Y), [[10, 20, 30]] * 2)
    X.sum().backward()
    np.testing.assert_array_equal(values(a.grad), [3.0, 3.0])   # each a_i fills a row of 3
    X, Y = minigrad.meshgrid(a, b, indexing="xy")
    assert X.shape == (3, 2)
    with pytest.raises(ValueError, match="indexing"):
        minigrad.meshgrid(a, b, indexing="yx")


# ------------------------------------------------------------------- from arrays
def test_from_numpy_shares_memory_and_keeps_dtype():
    array = np.zeros(3)
    t = minigrad.from_numpy(array)
    assert t.dtype == np.float64
    array[0] = 5.0
    assert values(t)[0] == 5.0
    with pytest.raises(TypeError, match="expected np.ndarray"):
        minigrad.from_numpy([1, 2])


def test_as_tensor_shares_when_it_can():
    array = np.zeros(3, dtype=np.float32)
    shared = minigrad.as_tensor(array)
    copied = minigrad.as_tensor(array, dtype=np.float64)
    array[1] = 2.0
    assert values(shared)[1] == 2.0 and values(copied)[1] == 0.0
    assert minigrad.as_tensor(shared) is shared
    assert minigrad.as_tensor([1, 2]).dtype == np.int64


def test_tensor_always_copies():
    array = np.zeros(2)
    t = minigrad.tensor(array)
    array[0] = 1.0
    assert values(t)[0] == 0.0


# -------------------------------------------------------------------------- random
def test_manual_seed_makes_every_random_function_reproducible():
    def draw():
        minigrad.manual_seed(3)
        return [values(minigrad.randn(3)), values(minigrad.rand(3)),
                values(minigrad.normal(2.0, 0.5, size=(3,))),
                values(minigrad.randint(0, 10, (3,)))]
    for first, second in zip(draw(), draw()):
        np.testing.assert_array_equal(first, second)


def test_random_functions_shapes_dtypes_and_ranges():
    minigrad.manual_seed(0)
    assert minigrad.rand(1000).dtype == np.float32
    u = values(minigrad.rand(1000))
    assert 0 <= u.min() and u.max() < 1
    n = values(minigrad.normal(mean=0.0, std=0.01, size=(2000, 1)))
    assert n.shape == (2000, 1) and abs(n.std() - 0.01) < 0.001
    i = minigrad.randint(3, 7, (500,))
    assert i.dtype == np.int64 and set(values(i).tolist()) == {3, 4, 5, 6}
    assert set(values(minigrad.randint(2, (100,))).tolist()) == {0, 1}
    per_element = values(minigrad.normal(minigrad.tensor([0.0, 100.0]),
                                         minigrad.tensor([1e-6, 1e-6])))
    np.testing.assert_allclose(per_element, [0.0, 100.0], atol=1e-3)
    with pytest.raises(RuntimeError, match="std >= 0.0"):
        minigrad.normal(0.0, -1.0, size=(2,))
    with pytest.raises(RuntimeError, match="less than 'to'"):
        minigrad.randint(5, 5, (2,))


# -------------------------------------------------------------------------- devices
@pytest.mark.parametrize("device", [None, "cpu", "cpu:0"])
def test_cpu_is_accepted(device):
    assert minigrad.zeros(2, device=device).shape == (2,)
    assert minigrad.tensor([1.0], device=device).shape == (1,)


def test_other_devices_are_refused_clearly():
    with pytest.raises(RuntimeError, match="CPU only"):
        minigrad.zeros(2, device="cuda")
    with pytest.raises(RuntimeError, match="CPU only"):
        minigrad.linspace(0, 1, 5, device="mps")
    with pytest.raises(RuntimeError, match="CPU only"):
        minigrad.ones(2, device="gpu")
    with pytest.raises(RuntimeError, match="CPU only"):
        minigrad.rand(2, device=minigrad.device("cpu") and "cuda:0")


# ------------------------------------------------------------------- against torch
TORCH_CASES = [
    ("linspace", (-math.pi, math.pi, 2000), {}), ("linspace", (0, 1, 7), {}),
    ("linspace", (3, -2, 11), {}), ("linspace", (-1, 1, 5), {"dtype": "float64"}),
    ("arange", (5,), {}), ("arange", (0, 30, 1.0), {}), ("arange", (1, 2.5, 0.5), {}),
    ("arange", (-5.5, 1.0, 0.1), {}), ("arange", (-3.0, 1.0, 0.1), {}),
    ("zeros", ((2, 3),), {}), ("ones", (2, 3), {"dtype": "float64"}),
    ("full", ((2,), 3), {}), ("full", ((2,), 1.5), {}), ("full", ((2,), True), {}),
    ("eye", (3, 2), {})]


@pytest.mark.parametrize("name,args,kwargs", TORCH_CASES)
def test_values_and_dtypes_match_pytorch(name, args, kwargs):
    torch = pytest.importorskip("torch")
    ours = getattr(minigrad, name)(*args, **{k: np.dtype(v) for k, v in kwargs.items()})
    theirs = getattr(torch, name)(*args, **{k: getattr(torch, v) for k, v in kwargs.items()})
    expected = theirs.numpy()
    assert values(ours).dtype == expected.dtype
    assert values(ours).shape == expected.shape
    # floats: to rounding (PyTorch's vectorised CPU kernels round some values the other
    # way, by one unit in the last place of the largest value); everything else exactly
    if expected.dtype.kind == "f":
        spacing = np.spacing(np.abs(expected).max()) if expected.size else 0
        np.testing.assert_allclose(values(ours), expected, rtol=0, atol=spacing)
    else:
        np.testing.assert_array_equal(values(ours), expected)


def test_meshgrid_matches_pytorch():
    torch = pytest.importorskip("torch")
    a, b = np.arange(3.0), np.arange(4.0) * 2
    for indexing in ("ij", "xy"):
        ours = minigrad.meshgrid(minigrad.tensor(a), minigrad.tensor(b), indexing=indexing)
        theirs = torch.meshgrid(torch.tensor(a), torch.tensor(b), indexing=indexing)
        for o, t in zip(ours, theirs):
            np.testing.assert_array_equal(values(o), t.numpy())
