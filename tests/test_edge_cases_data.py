"""Edge cases of checkpoints, splits and batches that ordinary sizes never reach: a file
holding a pickled object, ``fraction × n`` that is not a whole number, a batch size that
divides the number of samples."""

import os
import zipfile

import numpy as np
import pytest

import minigrad
from minigrad import checkpoint, nn
from minigrad.checkpoint import CheckpointError
from minigrad.data import DataLoader, batches, train_val_test_split
from minigrad.optim import SGD

UNPICKLED = []


def _record_unpickling(note):
    """What unpickling a _Payload calls (found by name, so it is this module's list)."""
    UNPICKLED.append(note)


class _Payload:
    """Unpickling this object runs _record_unpickling (a stand-in for arbitrary code)."""

    def __reduce__(self):
        return (_record_unpickling, ("the file's code ran",))


def test_the_payload_really_records_when_unpickled():
    import pickle
    pickle.loads(pickle.dumps(_Payload()))
    assert UNPICKLED == ["the file's code ran"]
    UNPICKLED.clear()


def _model():
    minigrad.manual_seed(0)
    return nn.Linear(3, 2)


def _checkpoint_with_an_object_array(path, model):
    """A real checkpoint of ``model`` plus one entry holding a pickled object array."""
    checkpoint.save(path, model, epoch=1)
    with np.load(path) as archive:
        arrays = {key: archive[key] for key in archive.files}
    arrays["extra"] = np.array([_Payload()], dtype=object)
    with open(path, "wb") as file:
        np.savez(file, **arrays)


# -- checkpoint: never unpickle ----------------------------------------------------------
def test_a_checkpoint_holding_a_pickled_object_array_is_refused_and_never_unpickled(tmp_path):
    path = tmp_path / "evil.npz"
    model = _model()
    _checkpoint_with_an_object_array(path, model)
    with zipfile.ZipFile(path) as archive:                  # the pickle really is there
        assert b"_record_unpickling" in archive.read("extra.npy")
    before = {k: v.clone() for k, v in model.state_dict().items()}
    other = _model()
    with minigrad.no_grad():
        other.weight.fill_(5.0)
    with pytest.raises(CheckpointError, match=str(path).replace("\\", "\\\\")):
        checkpoint.load(path, other)
    assert UNPICKLED == []
    np.testing.assert_array_equal(other.weight.array, np.full((2, 3), 5.0))
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value.array, before[name].array)


def test_a_pickled_optimizer_entry_is_refused_too(tmp_path):
    path = tmp_path / "evil_optimizer.npz"
    model = _model()
    optimizer = SGD(model.parameters(), lr=0.1, momentum=0.9)
    checkpoint.save(path, model, optimizer)
    with np.load(path) as archive:
        arrays = {key: archive[key] for key in archive.files}
    arrays["optimizer/json"] = np.array([_Payload()], dtype=object)
    np.savez(path, **arrays)
    with pytest.raises(CheckpointError):
        checkpoint.load(path, model, optimizer)
    assert UNPICKLED == []


def test_a_plain_pickle_file_is_not_an_npz(tmp_path):
    import pickle
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps(_Payload()))
    with pytest.raises(CheckpointError, match="not an .npz archive"):
        checkpoint.load(path, _model())
    assert UNPICKLED == []


def test_a_checkpoint_of_another_format_version_is_refused(tmp_path):
    path = tmp_path / "future.npz"
    model = _model()
    checkpoint.save(path, model)
    with np.load(path) as archive:
        arrays = {key: archive[key] for key in archive.files}
    arrays["format_version"] = np.array(checkpoint.FORMAT_VERSION + 1)
    np.savez(path, **arrays)
    with pytest.raises(CheckpointError, match="format version"):
        checkpoint.load(path, model)


def test_a_failed_save_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "run.npz"
    with pytest.raises(TypeError, match="JSON"):
        checkpoint.save(path, _model(), note=object())
    model = _model()

    class Exploding(dict):
        def items(self):
            raise RuntimeError("disk full")

    bad = nn.Linear(3, 2)
    bad.state_dict = lambda: Exploding(a=np.zeros(1))
    with pytest.raises(RuntimeError):
        checkpoint.save(path, bad)
    checkpoint.save(path, model)
    assert sorted(os.listdir(tmp_path)) == ["run.npz"]


def test_optimizer_step_counts_survive_the_round_trip(tmp_path):
    from minigrad.optim import Adam
    path = tmp_path / "adam.npz"
    model = _model()
    optimizer = Adam(model.parameters(), lr=0.1)
    for _ in range(3):
        optimizer.zero_grad()
        model(minigrad.tensor(np.ones((4, 3), dtype=np.float32))).sum().backward()
        optimizer.step()
    checkpoint.save(path, model, optimizer)
    other_model = _model()
    other = Adam(other_model.parameters(), lr=0.1)
    checkpoint.load(path, other_model, other)
    steps = [float(s["step"]) for s in other.state_dict()["state"].values()]
    assert steps == [3.0, 3.0]


# -- train_val_test_split: fraction × n not a whole number -------------------------------
@pytest.mark.parametrize("n, val_fraction, test_fraction, sizes", [
    (10, 0.15, 0.15, (6, 2, 2)),     # 1.5 → 2 and 1.5 → 2 (round half to even)
    (10, 0.26, 0.14, (6, 3, 1)),     # 2.6 → 3, 1.4 → 1
    (7, 0.3, 0.2, (4, 2, 1)),        # 2.1 → 2, 1.4 → 1
    (9, 0.25, 0.25, (5, 2, 2)),      # 2.25 → 2, 2.25 → 2
    (11, 0.18, 0.36, (5, 2, 4)),     # 1.98 → 2, 3.96 → 4
    (13, 0.1, 0.0, (12, 1, 0)),      # 1.3 → 1, an empty test set
])
def test_split_sizes_when_fraction_times_n_is_not_whole(n, val_fraction, test_fraction, sizes):
    X, y = np.arange(2 * n).reshape(n, 2), np.arange(n)
    (X_tr, y_tr), (X_va, y_va), (X_te, y_te) = train_val_test_split(
        X, y, val_fraction=val_fraction, test_fraction=test_fraction, seed=3)
    expected_val, expected_test = round(val_fraction * n), round(test_fraction * n)
    assert (len(y_va), len(y_te)) == (expected_val, expected_test)
    assert (len(y_tr), len(y_va), len(y_te)) == sizes
    assert len(y_tr) == n - expected_val - expected_test
    together = np.concatenate([y_tr, y_va, y_te])
    np.testing.assert_array_equal(np.sort(together), np.arange(n))     # each sample once
    for X_part, y_part in ((X_tr, y_tr), (X_va, y_va), (X_te, y_te)):
        np.testing.assert_array_equal(X_part[:, 0], 2 * y_part)          # rows kept together


def test_split_rounds_half_to_even_as_documented():
    # the docstring's rule is Python's round(): 0.15 × 10 = 1.5 → 2, 0.25 × 10 = 2.5 → 2
    y = np.arange(10)
    _, (_, y_va), (_, y_te) = train_val_test_split(y[:, None], y, 0.25, 0.15, seed=0)
    assert (len(y_va), len(y_te)) == (round(2.5), round(1.5)) == (2, 2)


def test_stratified_split_rounds_per_class():
    y = np.array([0] * 7 + [1] * 5)
    (_, y_tr), (_, y_va), (_, y_te) = train_val_test_split(
        np.zeros((12, 1)), y, val_fraction=0.3, test_fraction=0.3, seed=1, stratify=True)
    # class 0: 2.1 → 2 and 2.1 → 2; class 1: 1.5 → 2 and 1.5 → 2
    assert np.sum(y_va == 0) == 2 and np.sum(y_va == 1) == 2
    assert np.sum(y_te == 0) == 2 and np.sum(y_te == 1) == 2
    assert np.sum(y_tr == 0) == 3 and np.sum(y_tr == 1) == 1


# -- batches: batch size dividing n ------------------------------------------------------
@pytest.mark.parametrize("drop_last", [False, True])
@pytest.mark.parametrize("n, batch_size", [(12, 4), (12, 12), (12, 1), (10, 5)])
def test_batch_count_when_the_batch_size_divides_n(n, batch_size, drop_last):
    X, y = np.arange(n)[:, None], np.arange(n)
    loader = DataLoader(X, y, batch_size=batch_size, seed=0, drop_last=drop_last)
    sizes = [len(yb) for _, yb in loader]
    assert sizes == [batch_size] * (n // batch_size)
    assert len(loader) == n // batch_size
    direct = [len(yb) for _, yb in batches(X, y, batch_size, seed=1, drop_last=drop_last)]
    assert direct == sizes


@pytest.mark.parametrize("n, batch_size, full, last", [(13, 4, 3, 1), (11, 5, 2, 1),
                                                        (3, 5, 0, 3)])
def test_batch_count_when_it_does_not_divide(n, batch_size, full, last):
    X, y = np.arange(n)[:, None], np.arange(n)
    kept = DataLoader(X, y, batch_size=batch_size, shuffle=False)
    assert [len(yb) for _, yb in kept] == [batch_size] * full + [last]
    assert len(kept) == full + 1
    dropped = DataLoader(X, y, batch_size=batch_size, shuffle=False, drop_last=True)
    assert [len(yb) for _, yb in dropped] == [batch_size] * full
    assert len(dropped) == full


def test_each_epoch_has_a_new_order_and_covers_every_sample():
    X, y = np.arange(20)[:, None], np.arange(20)
    loader = DataLoader(X, y, batch_size=5, seed=4)
    first = np.concatenate([yb for _, yb in loader])
    second = np.concatenate([yb for _, yb in loader])
    assert sorted(first) == sorted(second) == list(range(20))
    assert not np.array_equal(first, second)
    assert loader.epoch == 2


class _CountingSGD(minigrad.optim.Optimizer):
    """A user's optimizer that keeps a Python number in its state (PyTorch allows any)."""

    def __init__(self, params, lr=0.1):
        super().__init__(params, dict(lr=lr))

    def step(self, closure=None):
        for group, theta, g, state in self._parameters_with_grad():
            state["updates"] = state.get("updates", 0) + 1
            theta -= group["lr"] * g


def _counting_run():
    model = _model()
    optimizer = _CountingSGD(model.parameters())
    for _ in range(2):
        optimizer.zero_grad()
        model(minigrad.tensor(np.ones((4, 3), dtype=np.float32))).sum().backward()
        optimizer.step()
    return model, optimizer


def test_an_optimizers_plain_number_state_is_saved_as_json(tmp_path):
    import json
    path = tmp_path / "counting.npz"
    model, optimizer = _counting_run()
    checkpoint.save(path, model, optimizer)
    with np.load(path) as archive:
        saved = json.loads(str(archive["optimizer/json"]))
    assert saved["state"] == {"0": {"updates": 2}, "1": {"updates": 2}}


def test_an_optimizers_plain_number_state_survives_the_round_trip(tmp_path):
    path = tmp_path / "counting.npz"
    model, optimizer = _counting_run()
    checkpoint.save(path, model, optimizer)
    other = _CountingSGD(_model().parameters())
    checkpoint.load(path, _model(), other)
    assert [s["updates"] for s in other.state_dict()["state"].values()] == [2, 2]
