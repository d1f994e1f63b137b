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


# ------------------------------------------------------------- faults (issue 12)
def _saved(tmp_path, name="run.npz"):
    model, optimizer, scheduler, loader = _run()
    _train(model, optimizer, scheduler, loader, epochs=2)
    path = tmp_path / name
    checkpoint.save(path, model, optimizer, scheduler, epoch=2)
    return path


def _fresh():
    model, optimizer, scheduler, _ = _run(seed=1)
    return model, optimizer, scheduler


def test_a_save_removes_the_temporaries_of_killed_saves(tmp_path):
    path = _saved(tmp_path)
    stale = [tmp_path / f".run.npz.{'ab' * 16}.tmp", tmp_path / f".run.npz.{'0' * 32}.tmp"]
    for leftover in stale:
        leftover.write_bytes(b"half a zip")              # what a SIGKILL mid-save leaves
    others = [tmp_path / f".other.npz.{'ab' * 16}.tmp", tmp_path / ".run.npz.notes.tmp"]
    for keep in others:
        keep.write_bytes(b"not ours")
    model, optimizer, scheduler = _fresh()
    checkpoint.save(path, model, optimizer, scheduler)
    assert not any(p.exists() for p in stale)
    assert all(p.exists() for p in others)               # other targets' files stay
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["run.npz"] + [p.name for p in others])


def test_saving_into_a_missing_directory_names_the_target(tmp_path):
    model, optimizer, scheduler = _fresh()
    target = tmp_path / "no" / "such" / "dir" / "run.npz"
    with pytest.raises(FileNotFoundError) as info:
        checkpoint.save(target, model, optimizer, scheduler)
    assert str(target) in str(info.value) and ".tmp" not in str(info.value)


def _rewrite(path, **changes):
    """Rewrite the checkpoint's arrays with some entries changed (None deletes one)."""
    with np.load(path, allow_pickle=False) as archive:
        arrays = {key: archive[key] for key in archive.files}
    for key, value in changes.items():
        key = key.replace("__", "/").replace("/weight", ".weight")
        if value is None:
            del arrays[key]
        else:
            arrays[key] = np.asarray(value)
    np.savez(path, **arrays)


@pytest.mark.parametrize("changes, message", [
    (dict(format_version="abc"), "format_version"),
    (dict(format_version=[1, 1]), "format_version"),
    (dict(format_version=1.0), "format_version"),
    (dict(format_version=None), "not a minigrad checkpoint"),
    (dict(optimizer__json="{not json"), "not valid JSON"),
    (dict(optimizer__json="[1, 2]"), "'state'"),
    (dict(optimizer__json='{"state": {}}'), "'param_groups'"),
    (dict(optimizer__json='{"state": {"x": {}}, "param_groups": []}'), "not a parameter index"),
    (dict(optimizer__json='{"state": [], "param_groups": []}'), "'state'"),
    (dict(optimizer__json=np.zeros(3)), "should be text"),
    (dict(optimizer__state__abc__exp_avg=np.zeros(3)), "not a parameter index"),
    (dict(optimizer__state__0=np.zeros(3)), "optimizer/state/<index>/<name>"),
    (dict(scheduler="{"), "not valid JSON"),
    (dict(scheduler="[1]"), "scheduler state"),
    (dict(scheduler='{"last_epoch": "x", "_step_count": []}'), None),
    (dict(extra=None), "'extra'"),
    (dict(extra="3"), "'extra'"),
    (dict(model__0__weight=None), None),
    (dict(model__0__weight=np.zeros((2, 2))), None),
    (dict(optimizer__state__0__exp_avg=np.zeros(7)), None),
])
def test_every_malformed_file_raises_checkpoint_error(tmp_path, changes, message):
    path = _saved(tmp_path)
    _rewrite(path, **changes)
    model, optimizer, scheduler = _fresh()
    with pytest.raises(CheckpointError, match=re.escape(message) if message else None) as info:
        checkpoint.load(path, model, optimizer, scheduler)
    assert str(path) in str(info.value)


def test_loading_one_optimizer_type_into_another_names_both(tmp_path):
    path = _saved(tmp_path)                                  # an Adam
    model, _, _ = _fresh()
    with pytest.raises(CheckpointError, match=r"Adam optimizer.*into a SGD"):
        checkpoint.load(path, model, SGD(model.parameters(), lr=0.1))


def _mutations():
    from hypothesis import strategies as st
    flip = st.tuples(st.just("bytes"), st.integers(0, 10 ** 9), st.integers(1, 255))
    cut = st.tuples(st.just("cut"), st.integers(0, 10 ** 9), st.just(0))
    values = st.one_of(
        st.text(max_size=30), st.integers(-3, 3), st.floats(allow_nan=True),
        st.lists(st.integers(0, 3), max_size=4), st.just("{}"), st.just("[]"),
        st.just('{"state": {"0": 1}, "param_groups": [{"params": "x"}]}'),
        st.just('{"state": {}, "param_groups": [{"params": [0, 1, 2, 3, 99]}]}'),
        st.just('{"state": {}, "param_groups": [{"params": [true]}]}'),
        st.just('{"last_epoch": null}'), st.just('{"base_lrs": "x"}'))
    field = st.tuples(st.just("field"), st.integers(0, 100), values)
    return st.lists(st.one_of(flip, cut, field), min_size=1, max_size=3)


def test_fuzz_mutated_checkpoints_raise_only_checkpoint_error(tmp_path):
    """Flipped bytes, truncations and mutated entries of a real checkpoint: loading
    either works or raises CheckpointError — never another exception."""
    hypothesis = pytest.importorskip("hypothesis")
    original = _saved(tmp_path).read_bytes()
    with np.load(tmp_path / "run.npz", allow_pickle=False) as archive:
        keys = sorted(archive.files)

    @hypothesis.settings(max_examples=150, deadline=None, database=None,
                         suppress_health_check=list(hypothesis.HealthCheck))
    @hypothesis.given(_mutations())
    def check(mutations):
        path = tmp_path / "fuzz.npz"
        path.write_bytes(original)
        for kind, where, what in mutations:
            data = bytearray(path.read_bytes())
            if kind == "bytes" and data:
                data[where % len(data)] ^= what
                path.write_bytes(bytes(data))
            elif kind == "cut":
                path.write_bytes(bytes(data[:where % (len(data) + 1)]))
            elif kind == "field":
                try:
                    _rewrite(path, **{keys[where % len(keys)].replace("/", "__")
                                      .replace(".weight", "__weight"): what})
                except Exception:            # noqa: BLE001 - the file is already broken
                    pass
        model, optimizer, scheduler = _fresh()
        try:
            checkpoint.load(path, model, optimizer, scheduler)
        except CheckpointError:
            pass

    check()


# ------------------------------- a 0-d parameter resumes exactly, for every optimizer
class Scaled(nn.Module):
    """A linear layer times a learned scale: a 0-d parameter, as ``nn.Parameter(2.0)``."""

    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(2.0)
        self.linear = nn.Linear(4, 2)

    def forward(self, x):
        return self.linear(x) * self.scale


OPTIMIZERS = {
    "SGD-momentum": lambda p: SGD(p, lr=0.05, momentum=0.9),
    "SGD-nesterov": lambda p: SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01),
    "Adam": lambda p: Adam(p, lr=0.01),
    "Adam-amsgrad": lambda p: Adam(p, lr=0.01, amsgrad=True),
    "AdamW": lambda p: __import__("minigrad").optim.AdamW(p, lr=0.01),
    "RMSprop": lambda p: __import__("minigrad").optim.RMSprop(p, lr=0.01, momentum=0.5,
                                                              centered=True),
    "Adagrad": lambda p: __import__("minigrad").optim.Adagrad(p, lr=0.1),
}


def _scaled_run(make_optimizer):
    minigrad.manual_seed(3)
    model = Scaled()
    return model, make_optimizer(model.parameters())


def _steps(model, optimizer, n):
    loss_fn = nn.CrossEntropyLoss()
    for i in range(n):
        optimizer.zero_grad()
        loss_fn(model(minigrad.tensor(X[i % 5 * 8:(i % 5 + 1) * 8])), Y[i % 5 * 8:(i % 5 + 1) * 8]).backward()
        optimizer.step()


@pytest.mark.parametrize("through", ["state_dict", "checkpoint"])
@pytest.mark.parametrize("name", OPTIMIZERS)
def test_zero_dim_parameter_resumes_bit_identically(tmp_path, name, through):
    """The state of ``scale`` (shape ()) must keep updating after a resume: 0-d state
    that comes back as a Python float would be rebound, not updated in place."""
    make = OPTIMIZERS[name]
    model, optimizer = _scaled_run(make)
    _steps(model, optimizer, 10)
    uninterrupted_model, uninterrupted_opt = _scaled_run(make)
    _steps(uninterrupted_model, uninterrupted_opt, 10)
    _steps(uninterrupted_model, uninterrupted_opt, 10)

    resumed, resumed_opt = _scaled_run(make)
    if through == "checkpoint":
        checkpoint.save(tmp_path / "zero_dim.npz", model, optimizer)
        checkpoint.load(tmp_path / "zero_dim.npz", resumed, resumed_opt)
    else:
        resumed.load_state_dict(model.state_dict())
        resumed_opt.load_state_dict(optimizer.state_dict())
    _steps(resumed, resumed_opt, 10)
    _assert_same_state(resumed.state_dict(), uninterrupted_model.state_dict())
    for p, q in zip(resumed.parameters(), uninterrupted_model.parameters()):
        for key, value in uninterrupted_opt.state[q].items():
            np.testing.assert_array_equal(resumed_opt.state[p][key], value, err_msg=key)


@pytest.mark.parametrize("name", ["SGD-momentum", "Adam", "RMSprop", "Adagrad"])
def test_lr_range_test_leaves_a_zero_dim_parameter_trainable(name):
    """lr_range_test restores the optimizer with load_state_dict; training afterwards
    must go on exactly as if the test had never run."""
    from minigrad.lr_search import lr_range_test

    make = OPTIMIZERS[name]
    model, optimizer = _scaled_run(make)
    _steps(model, optimizer, 5)
    twin, twin_opt = _scaled_run(make)
    _steps(twin, twin_opt, 5)
    batches = [(X[:8], Y[:8]), (X[8:16], Y[8:16])]
    lr_range_test(model, nn.CrossEntropyLoss(), optimizer, batches, num_iter=10)
    _steps(model, optimizer, 5)
    _steps(twin, twin_opt, 5)
    _assert_same_state(model.state_dict(), twin.state_dict())
