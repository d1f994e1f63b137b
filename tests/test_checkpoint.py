"""Checkpoints: round trip, atomic writes, clear errors, and bit-identical resume."""

import os
import re

import numpy as np
import pytest

import minigrad
from minigrad import checkpoint, nn
from minigrad.checkpoint import CheckpointError
from minigrad.data import DataLoader
from minigrad.optim import SGD, Adam
from minigrad.optim import lr_scheduler
from minigrad.optim.lr_scheduler import StepLR
from minigrad.train import fit

RNG = np.random.default_rng(0)
X = RNG.standard_normal((40, 4)).astype(np.float32)
Y = (X[:, 0] + X[:, 1] > 0).astype(np.int64)


def _run(seed=0, loader_seed=7):
    """A fresh model, optimizer, scheduler and data loader."""
    minigrad.manual_seed(seed)
    model = nn.MLP([4, 8, 2])
    optimizer = Adam(model.parameters(), lr=0.01)
    scheduler = StepLR(optimizer, step_size=1, gamma=0.8)
    loader = DataLoader(X, Y, batch_size=8, seed=loader_seed)
    return model, optimizer, scheduler, loader


def _train(model, optimizer, scheduler, loader, epochs):
    return fit(model, nn.CrossEntropyLoss(), optimizer, loader, epochs=epochs,
               scheduler=scheduler, progress=False)


def _assert_same_state(a: dict, b: dict):
    assert list(a) == list(b)
    for name in a:
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)


# ------------------------------------------------------------------------ round trip
def test_round_trip_restores_model_optimizer_scheduler_and_extra(tmp_path):
    model, optimizer, scheduler, loader = _run()
    _train(model, optimizer, scheduler, loader, epochs=2)
    path = tmp_path / "run.npz"
    checkpoint.save(path, model, optimizer, scheduler, epoch=2, note="hello",
                    loader=loader.state_dict())

    model2, optimizer2, scheduler2, _ = _run(seed=1)
    extra = checkpoint.load(path, model2, optimizer2, scheduler2)
    assert extra == {"epoch": 2, "note": "hello", "loader": loader.state_dict()}
    _assert_same_state(model.state_dict(), model2.state_dict())
    assert scheduler2.state_dict() == scheduler.state_dict()
    saved, restored = optimizer.state_dict(), optimizer2.state_dict()
    assert restored["param_groups"] == saved["param_groups"]
    for index, state in saved["state"].items():
        assert restored["state"][index]["step"] == state["step"]
        np.testing.assert_array_equal(restored["state"][index]["exp_avg_sq"],
                                      state["exp_avg_sq"])


SCHEDULERS = {
    "ReduceLROnPlateau": lambda opt: lr_scheduler.ReduceLROnPlateau(opt, patience=1),
    "OneCycleLR": lambda opt: lr_scheduler.OneCycleLR(opt, max_lr=0.5, total_steps=20),
    "SequentialLR": lambda opt: lr_scheduler.SequentialLR(
        opt, [lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=3),
              lr_scheduler.ExponentialLR(opt, gamma=0.9)], milestones=[3]),
}


@pytest.mark.parametrize("name", SCHEDULERS)
def test_scheduler_states_survive_the_json_round_trip(tmp_path, name):
    def fresh():
        model = nn.Linear(2, 1)
        optimizer = SGD(model.parameters(), lr=0.1, momentum=0.9)
        return model, optimizer, SCHEDULERS[name](optimizer)

    model, optimizer, scheduler = fresh()
    fit(model, nn.MSELoss(), optimizer, (X[:, :2], X[:, 2:3]), epochs=4, batch_size=10,
        scheduler=scheduler, progress=False)
    checkpoint.save(tmp_path / "s.npz", model, optimizer, scheduler)
    model2, optimizer2, scheduler2 = fresh()
    checkpoint.load(tmp_path / "s.npz", model2, optimizer2, scheduler2)
    assert repr(scheduler2.state_dict()) == repr(scheduler.state_dict())
    assert optimizer2.param_groups[0]["lr"] == optimizer.param_groups[0]["lr"]


def test_the_file_is_a_plain_npz_without_pickle(tmp_path):
    model, optimizer, scheduler, _ = _run()
    path = tmp_path / "run.npz"
    checkpoint.save(path, model, optimizer, scheduler)
    with np.load(path, allow_pickle=False) as archive:
        keys = set(archive.files)
        assert all(archive[key].dtype != object for key in keys)
    assert {"format_version", "model/0.weight", "model/2.bias", "optimizer/json",
            "scheduler", "extra"} <= keys


def test_model_only_checkpoint(tmp_path):
    model = nn.Linear(3, 2)
    checkpoint.save(tmp_path / "m.npz", model)
    other = nn.Linear(3, 2)
    assert checkpoint.load(tmp_path / "m.npz", other) == {}
    _assert_same_state(model.state_dict(), other.state_dict())
    with pytest.raises(CheckpointError, match="has no optimizer state"):
        checkpoint.load(tmp_path / "m.npz", other, Adam(other.parameters()))


# ---------------------------------------------------------------- bit-identical resume
def test_resumed_training_is_bit_identical_to_uninterrupted_training(tmp_path):
    straight = _run()
    straight_history = _train(*straight, epochs=4)

    first_half = _run()
    _train(*first_half, epochs=2)
    model, optimizer, scheduler, loader = first_half
    path = tmp_path / "half.npz"
    checkpoint.save(path, model, optimizer, scheduler, loader=loader.state_dict())

    # Fresh objects with a different initialisation and shuffling seed: everything that
    # matters must come from the file.
    model, optimizer, scheduler, loader = _run(seed=123, loader_seed=456)
    extra = checkpoint.load(path, model, optimizer, scheduler)
    loader.load_state_dict(extra["loader"])
    resumed_history = _train(model, optimizer, scheduler, loader, epochs=2)

    assert resumed_history.step_loss == straight_history.step_loss[10:]
    assert resumed_history.step_lr == straight_history.step_lr[10:]
    _assert_same_state(model.state_dict(), straight[0].state_dict())
    for p, q in zip(optimizer.state.values(), straight[1].state.values()):
        for name in p:
            np.testing.assert_array_equal(p[name], q[name])


# ----------------------------------------------------------------------- atomic saves
@pytest.mark.parametrize("crash", [OSError("disk full"), KeyboardInterrupt()])
def test_a_crash_mid_save_keeps_the_previous_checkpoint(tmp_path, monkeypatch, crash):
    model = nn.Linear(3, 2)
    path = tmp_path / "ckpt.npz"
    checkpoint.save(path, model, step=1)
    saved = {k: v.clone() for k, v in model.state_dict().items()}

    def write_half_then_crash(file, **arrays):
        file.write(b"PK\x03\x04 half of a zip archive")
        raise crash

    with minigrad.no_grad():
        model.weight.data += 1
    monkeypatch.setattr(np, "savez", write_half_then_crash)
    with pytest.raises(type(crash)):
        checkpoint.save(path, model, step=2)
    monkeypatch.undo()

    assert os.listdir(tmp_path) == ["ckpt.npz"]           # no temporary file left behind
    restored = nn.Linear(3, 2)
    assert checkpoint.load(path, restored) == {"step": 1}
    _assert_same_state(restored.state_dict(), saved)


def test_save_replaces_an_existing_checkpoint(tmp_path):
    path = tmp_path / "ckpt.npz"
    checkpoint.save(path, nn.Linear(2, 2), step=1)
    checkpoint.save(path, nn.Linear(2, 2), step=2)
    assert checkpoint.load(path, nn.Linear(2, 2)) == {"step": 2}
    assert os.listdir(tmp_path) == ["ckpt.npz"]


# ---------------------------------------------------------------------------- errors
def test_truncated_or_garbage_files_give_a_clear_error(tmp_path):
    model = nn.Linear(3, 2)
    good = tmp_path / "good.npz"
    checkpoint.save(good, model)
    data = good.read_bytes()

    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(data[:len(data) // 2])
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"this is not a checkpoint at all" * 10)
    flipped = tmp_path / "flipped.npz"
    middle = len(data) // 2
    flipped.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:])
    single_array = tmp_path / "array.npy"
    np.save(single_array, np.zeros(3))

    for path in (truncated, garbage, single_array):
        with pytest.raises(CheckpointError,
                           match=re.escape(f"cannot read checkpoint {path}")):
            checkpoint.load(path, model)
    with pytest.raises(CheckpointError, match="flipped.npz"):
        checkpoint.load(flipped, model)
    with pytest.raises(FileNotFoundError, match="no checkpoint file at"):
        checkpoint.load(tmp_path / "missing.npz", model)


def test_an_npz_that_is_not_a_checkpoint(tmp_path):
    path = tmp_path / "other.npz"
    np.savez(path, weights=np.zeros(3))
    with pytest.raises(CheckpointError, match="not a minigrad checkpoint"):
        checkpoint.load(path, nn.Linear(3, 2))


def test_a_checkpoint_of_another_model_is_rejected_by_name(tmp_path):
    path = tmp_path / "ckpt.npz"
    checkpoint.save(path, nn.MLP([4, 8, 2]))
    with pytest.raises(CheckpointError, match=r"ckpt.npz does not fit.*0\.weight: saved "
                                              r"\(8, 4\), model \(16, 4\)"):
        checkpoint.load(path, nn.MLP([4, 16, 2]))
    with pytest.raises(CheckpointError, match=r"missing keys \['4.weight', '4.bias'\]"):
        checkpoint.load(path, nn.MLP([4, 8, 2, 2]))


def test_a_failed_load_changes_nothing(tmp_path):
    model, optimizer, scheduler, loader = _run()
    _train(model, optimizer, scheduler, loader, epochs=1)
    path = tmp_path / "ckpt.npz"
    checkpoint.save(path, model, optimizer)

    other = nn.MLP([4, 8, 2])
    before = {k: v.clone() for k, v in other.state_dict().items()}
    too_few = Adam(other.parameters()[:2])          # the optimizer does not fit
    with pytest.raises(CheckpointError, match="group 0 has 2"):
        checkpoint.load(path, other, too_few)
    _assert_same_state(other.state_dict(), before)


def test_extra_values_must_be_json(tmp_path):
    with pytest.raises(TypeError, match="cannot save the extra values"):
        checkpoint.save(tmp_path / "x.npz", nn.Linear(2, 2), callback=print)
    assert os.listdir(tmp_path) == []
