"""MSELoss and CrossEntropyLoss: values, gradients (finite differences, PyTorch), errors."""

import numpy as np
import pytest

import minigrad
from minigrad import nn
from minigrad.nn import functional as F

RNG = np.random.default_rng(0)
LOGITS = RNG.standard_normal((6, 4))
LABELS = np.array([0, 3, 1, 1, 2, 3])
PREDICTIONS = RNG.standard_normal((5, 2))
TARGETS = RNG.standard_normal((5, 2))


def _cross_entropy_by_hand(logits, labels):
    """−log softmax(z)_y for each row, straight from the definition (small logits only)."""
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return -np.log(probabilities[np.arange(len(labels)), labels])


# --------------------------------------------------------------------------- values
@pytest.mark.parametrize("reduction,reduce", [("mean", np.mean), ("sum", np.sum),
                                              ("none", lambda v: v)])
def test_cross_entropy_value(reduction, reduce):
    loss = nn.CrossEntropyLoss(reduction=reduction)(minigrad.tensor(LOGITS), LABELS)
    np.testing.assert_allclose(loss.data, reduce(_cross_entropy_by_hand(LOGITS, LABELS)),
                               rtol=1e-12)


@pytest.mark.parametrize("reduction,reduce", [("mean", np.mean), ("sum", np.sum),
                                              ("none", lambda v: v)])
def test_mse_value(reduction, reduce):
    loss = nn.MSELoss(reduction=reduction)(minigrad.tensor(PREDICTIONS), TARGETS)
    np.testing.assert_allclose(loss.data, reduce((PREDICTIONS - TARGETS) ** 2), rtol=1e-12)


def test_cross_entropy_is_stable_for_huge_logits():
    logits = minigrad.tensor([[1000.0, 0.0, -1000.0], [-1e4, 1e4, 0.0]], requires_grad=True)
    loss = F.cross_entropy(logits, np.array([1, 1]), reduction="none")
    np.testing.assert_allclose(loss.data, [1000.0, 0.0])
    loss.sum().backward()
    assert np.all(np.isfinite(logits.grad))
    np.testing.assert_allclose(logits.grad, [[1, -1, 0], [0, 0, 0]], atol=1e-6)


def test_cross_entropy_accepts_integer_tensor_targets():
    a = F.cross_entropy(minigrad.tensor(LOGITS), minigrad.tensor(LABELS))
    b = F.cross_entropy(minigrad.tensor(LOGITS), LABELS.astype(np.int32))
    assert a.item() == pytest.approx(b.item())


# ------------------------------------------------------------------------ gradients
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_cross_entropy_gradient_matches_finite_differences(reduction):
    logits = minigrad.tensor(LOGITS, requires_grad=True)
    assert minigrad.gradcheck(lambda z: F.cross_entropy(z, LABELS, reduction), [logits])


def test_cross_entropy_gradient_is_softmax_minus_one_hot():
    logits = minigrad.tensor(LOGITS, requires_grad=True)
    F.cross_entropy(logits, LABELS).backward()
    softmax = np.exp(LOGITS) / np.exp(LOGITS).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(logits.grad, (softmax - np.eye(4)[LABELS]) / len(LABELS),
                               rtol=1e-10)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_mse_gradient_matches_finite_differences(reduction):
    inputs = [minigrad.tensor(PREDICTIONS, requires_grad=True),
              minigrad.tensor(TARGETS, requires_grad=True)]
    assert minigrad.gradcheck(lambda a, b: F.mse_loss(a, b, reduction), inputs)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_losses_match_pytorch(reduction):
    torch = pytest.importorskip("torch")
    cases = [(nn.CrossEntropyLoss, torch.nn.CrossEntropyLoss, LOGITS, LABELS),
             (nn.MSELoss, torch.nn.MSELoss, PREDICTIONS, TARGETS)]
    for ours, theirs, x, target in cases:
        x_ours = minigrad.tensor(x, requires_grad=True)
        x_theirs = torch.tensor(x, requires_grad=True)
        loss_ours = ours(reduction=reduction)(x_ours, target)
        loss_theirs = theirs(reduction=reduction)(x_theirs, torch.from_numpy(target))
        np.testing.assert_allclose(loss_ours.data, loss_theirs.detach().numpy(), rtol=1e-12)
        weights = np.linspace(0.5, 1.5, loss_ours.numel()).reshape(loss_ours.shape)
        loss_ours.backward(weights)
        loss_theirs.backward(torch.from_numpy(weights))
        np.testing.assert_allclose(x_ours.grad, x_theirs.grad.numpy(), rtol=1e-10,
                                   atol=1e-14)


# ---------------------------------------------------------------------------- errors
def test_cross_entropy_errors_name_the_problem():
    logits = minigrad.tensor(LOGITS)
    with pytest.raises(ValueError, match="target 4 is out of range.*0 … 3"):
        F.cross_entropy(logits, np.array([0, 1, 2, 3, 4, 0]))
    with pytest.raises(ValueError, match="target -1 is out of range"):
        F.cross_entropy(logits, np.array([0, 1, 2, 3, -1, 0]))
    with pytest.raises(IndexError, match="target 4 is out of range"):  # PyTorch's type
        F.cross_entropy(logits, np.array([0, 1, 2, 3, 4, 0]))
    with pytest.raises(IndexError, match="ignore_index=-100 is its default"):
        F.cross_entropy(logits, np.array([0, 1, 2, 3, -100, 0]))
    with pytest.raises(TypeError, match="integer class indices; got dtype float64"):
        F.cross_entropy(logits, LABELS.astype(float))
    with pytest.raises(ValueError, match=r"target must have shape \(6,\).*got shape \(6, 1\)"):
        F.cross_entropy(logits, LABELS[:, None])
    with pytest.raises(ValueError, match=r"input must have shape \(N, C\)"):
        F.cross_entropy(minigrad.tensor(LOGITS[0]), LABELS[:1])
    with pytest.raises(ValueError, match="reduction must be one of"):
        nn.CrossEntropyLoss(reduction="average")


def test_mse_rejects_shapes_that_would_broadcast():
    with pytest.raises(ValueError, match=r"input has shape \(5, 1\) but target has shape "
                                         r"\(5,\)"):
        F.mse_loss(minigrad.tensor(PREDICTIONS[:, :1]), TARGETS[:, 0])


def test_loss_reprs():
    assert repr(nn.CrossEntropyLoss()) == "CrossEntropyLoss()"
    assert repr(nn.MSELoss(reduction="sum")) == "MSELoss(reduction='sum')"
