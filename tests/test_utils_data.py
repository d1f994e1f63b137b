"""minigrad.utils.data (PyTorch's Dataset, TensorDataset, DataLoader): batches by value,
and PyTorch's batches for the same data when it is installed."""

import numpy as np
import pytest

import minigrad
from minigrad.utils.data import DataLoader, Dataset, TensorDataset, default_collate


def values(t):
    return np.asarray(t.array)


X = np.arange(20, dtype=np.float32).reshape(10, 2)
Y = np.arange(10)


def test_tensor_dataset_and_batches_in_order():
    data = TensorDataset(minigrad.tensor(X), minigrad.tensor(Y))
    assert len(data) == 10
    x3, y3 = data[3]
    assert values(x3).tolist() == [6.0, 7.0] and y3.item() == 3
    loader = DataLoader(data, batch_size=4)
    assert len(loader) == 3 and len(DataLoader(data, batch_size=4, drop_last=True)) == 2
    batches = list(loader)
    assert [values(yb).tolist() for _, yb in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert batches[0][0].shape == (4, 2) and batches[0][0].dtype == np.float32


def test_shuffle_visits_every_sample_once_and_follows_manual_seed():
    data = TensorDataset(minigrad.tensor(X), minigrad.tensor(Y))

    def epoch():
        return np.concatenate([values(yb) for _, yb in DataLoader(data, 3, shuffle=True)])

    minigrad.manual_seed(0)
    first, second = epoch(), epoch()
    assert sorted(first) == list(range(10)) and not np.array_equal(first, second)
    minigrad.manual_seed(0)
    np.testing.assert_array_equal(epoch(), first)


def test_a_custom_dataset_and_collate():
    class Squares(Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return {"x": np.array([i], dtype=np.float32), "y": i * i}

    batch = next(iter(DataLoader(Squares(), batch_size=5)))
    assert values(batch["x"]).ravel().tolist() == [0, 1, 2, 3, 4]
    assert values(batch["y"]).tolist() == [0, 1, 4, 9, 16]
    with pytest.raises(TypeError, match="cannot batch"):
        default_collate([object()])


def test_errors():
    data = TensorDataset(minigrad.tensor(X))
    with pytest.raises(ValueError, match="batch_size"):
        DataLoader(data, batch_size=0)
    with pytest.raises(NotImplementedError, match="sampler"):
        DataLoader(data, sampler=[0, 1])
    with pytest.raises(ValueError, match="Size mismatch"):
        TensorDataset(minigrad.tensor(X), minigrad.tensor(Y[:5]))
    with pytest.raises(NotImplementedError):
        len(Dataset())


def test_batches_match_pytorch_without_shuffling():
    torch = pytest.importorskip("torch")
    ours = DataLoader(TensorDataset(minigrad.tensor(X), minigrad.tensor(Y)), batch_size=4)
    theirs = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.tensor(X), torch.tensor(Y)), batch_size=4)
    assert len(ours) == len(theirs)
    for (xb, yb), (txb, tyb) in zip(ours, theirs):
        np.testing.assert_array_equal(values(xb), txb.numpy())
        np.testing.assert_array_equal(values(yb), tyb.numpy())
        assert values(yb).dtype == tyb.numpy().dtype
