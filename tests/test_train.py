"""The fit loop: history, schedulers, validation, divergence, progress bar."""

import numpy as np
import pytest

import minigrad
from minigrad import nn
from minigrad.data import DataLoader
from minigrad.optim import SGD
from minigrad.optim.lr_scheduler import ReduceLROnPlateau, StepLR
from minigrad.train import DivergenceWarning, History, accuracy, evaluate, fit


def _regression(n=64, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 3)).astype(np.float32)
    y = (X @ np.array([[1.0], [-2.0], [0.5]]) + 0.3).astype(np.float32)
    return X, y


def _setup(lr=0.05):
    minigrad.manual_seed(0)
    model = nn.Linear(3, 1)
    return model, nn.MSELoss(), SGD(model.parameters(), lr=lr)


def test_history_records_steps_and_epochs():
    model, loss_fn, optimizer = _setup()
    X, y = _regression()
    history = fit(model, loss_fn, optimizer, (X, y), epochs=3, batch_size=16,
                  val_data=(X, y), progress=False)
    assert isinstance(history, History)
    assert len(history.step_loss) == len(history.step_lr) == 3 * 4
    assert len(history.epoch_loss) == len(history.epoch_lr) == len(history.val_loss) == 3
    assert history.val_metric == []
    assert history.step_lr == [0.05] * 12
    assert not history.diverged and history.stop_reason == "completed"
    assert history.epoch_loss[-1] < history.epoch_loss[0]
    assert history.epoch_loss[0] == pytest.approx(np.mean(history.step_loss[:4]))
    assert history.val_loss[-1] == pytest.approx(evaluate(model, loss_fn, (X, y))[0])


def test_scheduler_steps_per_epoch_or_per_step():
    X, y = _regression()
    model, loss_fn, optimizer = _setup(lr=0.1)
    history = fit(model, loss_fn, optimizer, (X, y), epochs=3, batch_size=32,
                  scheduler=StepLR(optimizer, step_size=1, gamma=0.5), progress=False)
    np.testing.assert_allclose(history.epoch_lr, [0.1, 0.05, 0.025])
    np.testing.assert_allclose(history.step_lr, [0.1, 0.1, 0.05, 0.05, 0.025, 0.025])

    model, loss_fn, optimizer = _setup(lr=0.1)
    history = fit(model, loss_fn, optimizer, (X, y), epochs=2, batch_size=32,
                  scheduler=StepLR(optimizer, step_size=1, gamma=0.5),
                  scheduler_interval="step", progress=False)
    np.testing.assert_allclose(history.step_lr, [0.1 * 0.5 ** k for k in range(4)])


def test_plateau_scheduler_gets_the_validation_loss():
    class Recorder:
        def __init__(self):
            self.values = []

        def step(self, metrics):
            self.values.append(metrics)

    X, y = _regression()
    model, loss_fn, optimizer = _setup()
    recorder = Recorder()
    history = fit(model, loss_fn, optimizer, (X, y), epochs=2, batch_size=16,
                  scheduler=recorder, val_data=(X[:8], y[:8]), progress=False)
    assert recorder.values == history.val_loss

    model, loss_fn, optimizer = _setup()
    plateau = ReduceLROnPlateau(optimizer, patience=0)
    fit(model, loss_fn, optimizer, (X, y), epochs=2, scheduler=plateau, progress=False)


def test_validation_metric_is_recorded():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 2)).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.int64)
    minigrad.manual_seed(0)
    model = nn.MLP([2, 8, 2])
    history = fit(model, nn.CrossEntropyLoss(), SGD(model.parameters(), lr=0.5), (X, y),
                  epochs=20, batch_size=20, val_data=(X, y), metric=accuracy, progress=False)
    assert len(history.val_metric) == 20
    assert history.val_metric[-1] > 0.9
    assert model.training          # evaluation does not leave the model in eval mode


def test_divergence_stops_training_with_a_warning_not_an_exception():
    X, y = _regression()
    model, loss_fn, optimizer = _setup(lr=10.0)
    with pytest.warns(DivergenceWarning, match="the loss diverged"):
        history = fit(model, loss_fn, optimizer, (X, y), epochs=50, batch_size=16,
                      progress=False)
    assert history.diverged
    assert history.stop_reason.startswith("diverged: ")
    assert len(history.step_loss) < 50 * 4
    assert len(history.epoch_loss) < 50


def test_non_finite_loss_stops_before_the_update():
    X, y = _regression()
    X[5] *= 1e25                             # finite inputs whose squared error overflows
    model, loss_fn, optimizer = _setup()
    before = model.state_dict()
    with pytest.warns(DivergenceWarning, match="loss is inf at epoch 1, step 1"), \
            np.errstate(over="ignore"):
        history = fit(model, loss_fn, optimizer, (X, y), epochs=1, batch_size=64,
                      progress=False)
    assert history.diverged and np.isinf(history.step_loss[-1])
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[name])   # no nan reached the weights


def test_max_loss_and_factor():
    X, y = _regression()
    model, loss_fn, optimizer = _setup()
    with pytest.warns(DivergenceWarning, match="exceeds max_loss=0.001"):
        assert fit(model, loss_fn, optimizer, (X, y), max_loss=1e-3, progress=False).diverged
    model, loss_fn, optimizer = _setup(lr=10.0)
    with pytest.warns(DivergenceWarning, match="exceeds 10 × the first loss"):
        fit(model, loss_fn, optimizer, (X, y), epochs=50, divergence_factor=10,
            progress=False)
    model, loss_fn, optimizer = _setup(lr=10.0)
    with pytest.warns(DivergenceWarning, match="loss is (inf|nan)"), \
            np.errstate(over="ignore", invalid="ignore"):
        fit(model, loss_fn, optimizer, (X, y), epochs=500, divergence_factor=None,
            progress=False)


def test_same_seed_same_run_and_manual_seed_decides_the_default():
    X, y = _regression()
    runs = []
    for _ in range(2):
        model, loss_fn, optimizer = _setup()          # manual_seed(0) inside
        runs.append(fit(model, loss_fn, optimizer, (X, y), epochs=2, batch_size=8,
                        progress=False).step_loss)
    assert runs[0] == runs[1]
    model, loss_fn, optimizer = _setup()
    other = fit(model, loss_fn, optimizer, (X, y), epochs=2, batch_size=8, seed=123,
                progress=False).step_loss
    assert other != runs[0]


def test_a_dataloader_can_be_passed_and_an_iterator_cannot():
    X, y = _regression()
    model, loss_fn, optimizer = _setup()
    loader = DataLoader(X, y, batch_size=10, seed=0)
    history = fit(model, loss_fn, optimizer, loader, epochs=2, progress=False)
    assert len(history.step_loss) == 14 and loader.epoch == 2
    with pytest.raises(TypeError, match="iterator"):
        fit(model, loss_fn, optimizer, iter(loader), progress=False)


def test_bad_arguments_are_named():
    X, y = _regression()
    model, loss_fn, optimizer = _setup()
    with pytest.raises(ValueError, match="scheduler_interval must be"):
        fit(model, loss_fn, optimizer, (X, y), scheduler_interval="batch")
    with pytest.raises(ValueError, match="X has 64 samples but y has 3"):
        fit(model, loss_fn, optimizer, (X, y[:3]))
    with pytest.raises(TypeError, match="one-element Tensor"):
        fit(model, nn.MSELoss(reduction="none"), optimizer, (X, y), progress=False)


def test_progress_bar_only_when_asked_or_on_a_terminal(capsys):
    X, y = _regression()
    model, loss_fn, optimizer = _setup()
    fit(model, loss_fn, optimizer, (X, y), epochs=1)      # stderr is not a terminal here
    assert capsys.readouterr().err == ""
    fit(model, loss_fn, optimizer, (X, y), epochs=1, progress=True)
    assert "step" in capsys.readouterr().err


# ------------------------------------------------------------ faults (issue 12)
@pytest.mark.parametrize("where", ["X", "y", "val X", "val y"])
def test_nan_in_the_data_is_named_not_blamed_on_the_learning_rate(where):
    X, y = _regression()
    X_val, y_val = _regression(16, seed=1)
    {"X": X, "y": y, "val X": X_val, "val y": y_val}[where][3] = np.nan
    model, loss_fn, optimizer = _setup()
    with pytest.raises(ValueError, match=r"contains nan .*index 3.*whatever the learning rate"):
        fit(model, loss_fn, optimizer, (X, y), val_data=(X_val, y_val), progress=False)


def test_inf_in_a_dataloader_batch_is_named_at_the_step_it_is_met():
    X, y = _regression()
    X[40, 1] = np.inf
    model, loss_fn, optimizer = _setup()
    loader = DataLoader(X, y, batch_size=16, shuffle=False)
    with pytest.raises(ValueError, match=r"the batch of step 3: X contains inf"):
        fit(model, loss_fn, optimizer, loader, progress=False)
