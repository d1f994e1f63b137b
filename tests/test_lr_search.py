"""Grid search, random search and the LR range test.

Trials are tiny (gradient descent on a 3-D quadratic, a few ms) so process pools on two
cores stay fast. They are module-level functions, so worker processes can unpickle them.
"""

import concurrent.futures
import copy
import functools
import os
import sys
import time
import warnings

import numpy as np
import pytest

import minigrad
from minigrad import nn, optim
from minigrad.data import DataLoader
from minigrad.lr_search import (grid_search, lr_range_test, plot_range_test, plot_search,
                                random_search)

CURVATURES = np.array([4.0, 1.0, 0.25])   # GD on ½ Σ aᵢθᵢ² diverges for lr > 2/4


def quadratic_trial(lr, steps=400):
    """Gradient descent on f(θ) = ½ Σ aᵢ θᵢ² from a random start; returns the final f.

    The start comes from minigrad's generator, so the value depends on the trial's seed.
    For lr > 0.5 the steepest direction grows by |1 − 4 lr| > 1 per step until it
    overflows to inf.
    """
    theta = minigrad.randn(3).numpy().astype(np.float64)
    for _ in range(steps):
        theta = theta - lr * CURVATURES * theta
    return float(0.5 * np.sum(CURVATURES * theta ** 2))


def start_trial(lr):
    """The random start's first coordinate: shows which seed a trial ran with."""
    return float(minigrad.randn(3).data[0]) + 0 * lr


def dict_trial(lr):
    return {"loss": quadratic_trial(lr), "lr_squared": lr * lr}


def failing_trial(lr):
    if lr > 0.2:
        raise ValueError(f"lr {lr} is too large for this model")
    return quadratic_trial(lr)


def crashing_trial(lr):
    if lr > 0.2:
        os._exit(3)                       # the worker process dies without a word
    return quadratic_trial(lr)


GRID = [0.01, 0.1, 0.3, 0.45, 1.0, 2.0]


# ------------------------------------------------------------------ grid search
def test_grid_search_finds_the_largest_stable_lr_and_flags_divergence():
    result = grid_search(quadratic_trial, GRID, n_jobs=1)
    assert [r.lr for r in result.results] == GRID
    assert result.best_lr == 0.45 and result.best is result.results[3]
    assert [r.diverged for r in result.results] == [False] * 4 + [True] * 2
    assert all(r.error is None and r.seconds >= 0 for r in result.results)
    assert result.results[0].metrics == {"value": result.results[0].value}
    assert "<- best" in str(result) and "diverged" in str(result)


def test_results_come_back_sorted_by_lr_with_their_seeds():
    result = grid_search(start_trial, [0.3, 0.1, 0.2], n_jobs=1, seed=7)
    assert [r.lr for r in result.results] == [0.1, 0.2, 0.3]
    for r in result.results:                     # each record says how to repeat it
        minigrad.manual_seed(r.seed)
        assert start_trial(r.lr) == r.value
    assert len({r.seed for r in result.results}) == 3


def test_in_process_search_leaves_the_callers_generators_alone():
    minigrad.manual_seed(123)
    np.random.seed(123)
    expected = (minigrad.randn(2).numpy().copy(), np.random.rand())
    minigrad.manual_seed(123)
    np.random.seed(123)
    grid_search(start_trial, [0.1, 0.2], n_jobs=1)
    np.testing.assert_array_equal(minigrad.randn(2).data, expected[0])
    assert np.random.rand() == expected[1]


def test_process_pool_gives_the_same_results_as_in_process():
    serial = grid_search(quadratic_trial, GRID, n_jobs=1, seed=3)
    pooled = grid_search(quadratic_trial, GRID, n_jobs=2, seed=3)
    assert _table(pooled) == _table(serial)
    assert grid_search(quadratic_trial, GRID, n_jobs=1, seed=4).results[0].value != \
        serial.results[0].value                 # the seed matters


def test_a_users_executor_is_used_and_left_open():
    with concurrent.futures.ProcessPoolExecutor(2) as pool:
        result = grid_search(functools.partial(quadratic_trial, steps=50), GRID,
                             executor=pool)
        assert pool.submit(abs, -1).result() == 1           # still usable
    assert result.best_lr == 0.45


def test_failing_trials_are_recorded_and_never_crash_the_search():
    result = grid_search(failing_trial, GRID, n_jobs=2)
    assert result.best_lr == 0.1
    for r in result.results[2:]:
        assert r.failed and not r.ok and np.isnan(r.value)
        assert r.error == f"ValueError: lr {r.lr} is too large for this model"


def test_a_trial_that_kills_its_worker_every_time_is_failed_and_the_rest_kept():
    """os._exit breaks the pool; the finished and the innocent lost trials are kept."""
    result = grid_search(crashing_trial, GRID, n_jobs=2, max_retries=1)
    by_lr = {r.lr: r for r in result.results}
    assert [lr for lr, r in by_lr.items() if r.failed] == [0.3, 0.45, 1.0, 2.0]
    for lr in (0.3, 0.45, 1.0, 2.0):
        assert "BrokenProcessPool" in by_lr[lr].error and "2 attempts" in by_lr[lr].error
    assert result.best_lr == 0.1
    assert _table(grid_search(crashing_trial, GRID[:2], n_jobs=1)) == _table(
        grid_search(crashing_trial, GRID, n_jobs=2, max_retries=0))[:2]


def killing_trial(lr, marker_dir, how):
    """Kill the worker the first time lr == 0.3 runs (the marker file remembers)."""
    marker = os.path.join(marker_dir, f"killed-{lr}")
    if lr == 0.3 and not os.path.exists(marker):
        open(marker, "w").close()
        if how == "segfault":
            os.kill(os.getpid(), __import__("signal").SIGSEGV)
        elif how == "oom-kill":
            os.kill(os.getpid(), __import__("signal").SIGKILL)
        os._exit(1)
    return quadratic_trial(lr)


@pytest.mark.parametrize("how", ["segfault", "oom-kill", "os._exit"])
def test_trials_lost_with_a_dead_worker_are_rerun_on_a_fresh_pool(tmp_path, how):
    trial = functools.partial(killing_trial, marker_dir=str(tmp_path), how=how)
    result = grid_search(trial, GRID, n_jobs=2, seed=4)
    assert _table(result) == _table(grid_search(quadratic_trial, GRID, n_jobs=1, seed=4))
    assert result.best_lr == 0.45


def test_a_users_process_pool_that_breaks_is_recovered(tmp_path):
    trial = functools.partial(killing_trial, marker_dir=str(tmp_path), how="os._exit")
    with concurrent.futures.ProcessPoolExecutor(2) as pool:
        result = grid_search(trial, GRID, executor=pool)
    assert _table(result) == _table(grid_search(quadratic_trial, GRID, n_jobs=1))


def exiting_trial(lr):
    if lr > 0.2:
        raise SystemExit(2)                   # what argparse does on a bad argument
    return quadratic_trial(lr)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_system_exit_in_a_trial_is_a_failed_trial(n_jobs):
    result = grid_search(exiting_trial, GRID, n_jobs=n_jobs)
    assert [r.error for r in result.results if r.failed] == ["SystemExit: 2"] * 4
    assert result.best_lr == 0.1


def interrupted_trial(lr):
    if lr > 0.2:
        raise KeyboardInterrupt
    return quadratic_trial(lr)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_ctrl_c_stops_the_search_and_keeps_the_finished_trials(n_jobs):
    with pytest.raises(KeyboardInterrupt) as info:
        grid_search(interrupted_trial, GRID, n_jobs=n_jobs)
    partial = info.value.partial_result
    assert [r.lr for r in partial.results] == GRID
    assert [r.lr for r in partial.results if r.ok] == [0.01, 0.1]
    assert all("interrupted" in r.error for r in partial.results[2:])
    assert partial.best_lr == 0.1


def test_same_seed_gives_every_trial_the_same_start():
    result = grid_search(start_trial, GRID, n_jobs=1, seed=5, same_seed=True)
    assert len({r.seed for r in result.results}) == 1
    assert len({r.value for r in result.results}) == 1
    differing = grid_search(start_trial, GRID, n_jobs=1, seed=5)
    assert len({r.value for r in differing.results}) == len(GRID)
    drawn = random_search(start_trial, 1e-3, 1.0, n=5, n_jobs=2, same_seed=True)
    assert len({r.value for r in drawn.results}) == 1


def _fit_trial(lr):
    """fit() with validation data: the validation pass runs under no_grad, which must
    not switch off the gradients of a trial training in another thread."""
    from minigrad.train import fit

    rng = np.random.default_rng(0)
    X = rng.standard_normal((48 + 20000, 4)).astype(np.float32)  # a long validation pass
    y = (X[:, 0] - X[:, 1] > 0).astype(np.int64)
    model = nn.Linear(4, 2)
    weights = np.random.default_rng(1).standard_normal((2, 4)).astype(np.float32)
    with minigrad.no_grad():
        model.weight.array[...] = weights          # the same start, whatever the thread
        model.bias.array[...] = 0.0
    history = fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr),
                  (X[:48], y[:48]), epochs=15, batch_size=8, seed=0,
                  val_data=(X[48:], y[48:]), progress=False)
    return history.val_loss[-1]


def test_threads_give_the_same_results_as_in_process():
    """Needs per-thread grad mode (the engine issue): with a global switch, one thread's
    validation pass under no_grad() would stop another's training."""
    lrs = [0.01, 0.03, 0.1, 0.3, 1.0, 3.0]
    alone = grid_search(_fit_trial, lrs, n_jobs=1)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)          # switch threads often, so the passes interleave
    try:
        for _ in range(3):
            with concurrent.futures.ThreadPoolExecutor(4) as threads:
                together = grid_search(_fit_trial, lrs, executor=threads)
            assert _table(together) == _table(alone)
    finally:
        sys.setswitchinterval(interval)


def test_all_trials_failing_gives_no_best_and_a_warning():
    with pytest.warns(RuntimeWarning, match="first error was ValueError"):
        result = grid_search(failing_trial, [0.3, 0.5], n_jobs=1)
    assert result.best_lr is None and result.best is None


def test_dict_metrics_need_metric_to_name_the_one_to_minimise():
    result = grid_search(dict_trial, GRID, metric="loss", n_jobs=1)
    assert result.best_lr == 0.45 and result.metric == "loss"
    assert set(result.best.metrics) == {"loss", "lr_squared"}

    with pytest.warns(RuntimeWarning, match="pass metric="):
        result = grid_search(dict_trial, [0.1], n_jobs=1)
    assert "['loss', 'lr_squared']" in result.results[0].error


def test_a_lambda_gets_a_clear_error_in_a_process_pool_but_runs_in_process():
    with pytest.raises(TypeError, match="module level"):
        grid_search(lambda lr: lr, [0.1, 0.2], n_jobs=2)
    assert grid_search(lambda lr: (lr - 0.2) ** 2, [0.1, 0.2, 0.3], n_jobs=1).best_lr == 0.2


def test_bad_arguments_get_clear_errors():
    with pytest.raises(ValueError, match="positive and finite"):
        grid_search(quadratic_trial, [0.1, -1.0])
    with pytest.raises(ValueError, match="empty"):
        grid_search(quadratic_trial, [])
    with pytest.raises(ValueError, match="log=True needs low > 0"):
        random_search(quadratic_trial, 0.0, 1.0, 3)
    with pytest.raises(TypeError, match="Executor"):
        grid_search(quadratic_trial, [0.1], executor="dask")


# ------------------------------------------------------------------ random search
def test_random_search_draws_log_uniform_lrs_reproducibly():
    result = random_search(quadratic_trial, 1e-3, 1.0, n=8, seed=1, n_jobs=1)
    lrs = [r.lr for r in result.results]
    assert lrs == sorted(lrs) and all(1e-3 <= lr <= 1.0 for lr in lrs)
    assert min(lrs) < 1e-2 and max(lrs) > 1e-1            # spread over the decades
    again = random_search(quadratic_trial, 1e-3, 1.0, n=8, seed=1, n_jobs=2)
    assert _table(again) == _table(result)
    other = random_search(quadratic_trial, 1e-3, 1.0, n=8, seed=2, n_jobs=1)
    assert [r.lr for r in other.results] != lrs
    assert result.best_lr == min((r for r in result.results if r.ok),
                                 key=lambda r: r.value).lr


def test_random_search_linear_scale():
    result = random_search(quadratic_trial, 0.2, 0.4, n=5, log=False, n_jobs=1)
    assert all(0.2 <= r.lr <= 0.4 for r in result.results)


# ------------------------------------------------------------------ a dask cluster
@pytest.fixture(scope="module")
def dask_client():
    """One LocalCluster of three worker processes for the dask tests (it takes seconds)."""
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=3, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        yield client


def test_dask_cluster_executor_gives_the_same_results(dask_client):
    on_cluster = grid_search(quadratic_trial, GRID, executor=dask_client.get_executor(),
                             seed=3)
    drawn = random_search(quadratic_trial, 1e-3, 1.0, n=4, seed=1,
                          executor=dask_client.get_executor())
    assert _table(on_cluster) == _table(grid_search(quadratic_trial, GRID, n_jobs=2, seed=3))
    assert _table(drawn) == _table(random_search(quadratic_trial, 1e-3, 1.0, n=4, seed=1,
                                                 n_jobs=1))


def crash_once(lr, marker_dir):
    """Kill the worker process the first time lr == 0.3 runs, from inside the trial."""
    marker = os.path.join(marker_dir, "killed")
    if lr == 0.3 and not os.path.exists(marker):
        open(marker, "w").close()
        os.kill(os.getpid(), __import__("signal").SIGKILL)
    time.sleep(0.2)                                   # long enough to overlap the kill
    return quadratic_trial(lr)


def test_dask_reschedules_the_trials_of_a_killed_worker(tmp_path, dask_client):
    """A worker process of the LocalCluster is killed mid-search (SIGKILL, as the OOM
    killer does); dask reruns its tasks elsewhere and every trial is recorded once,
    with the in-process values."""
    trial = functools.partial(crash_once, marker_dir=str(tmp_path))
    before = set(dask_client.run(os.getpid).values())
    result = grid_search(trial, GRID, executor=dask_client.get_executor(), seed=2)
    after = set(dask_client.run(os.getpid).values())
    assert os.path.exists(tmp_path / "killed") and before != after   # a worker did die
    assert [r.lr for r in result.results] == GRID                     # each trial once
    assert _table(result) == _table(grid_search(quadratic_trial, GRID, n_jobs=1, seed=2))


def _table(result):
    """Everything in the records except the timings (repr, so that nan equals nan)."""
    return [repr((r.lr, r.value, r.metrics, r.diverged, r.error, r.seed))
            for r in result.results]


# ------------------------------------------------------------------ LR range test
def _digits_setup(momentum=0.9):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((256, 8)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(np.int64) + (X[:, 2] > 1)
    minigrad.manual_seed(0)
    model = nn.MLP([8, 16, 3])
    optimizer = optim.SGD(model.parameters(), lr=0.05, momentum=momentum)
    return model, optimizer, DataLoader(X, y, batch_size=32, seed=0)


def test_range_test_curve_falls_then_explodes_and_suggests_an_lr_in_between():
    model, optimizer, loader = _digits_setup()
    result = lr_range_test(model, nn.CrossEntropyLoss(), optimizer, loader,
                           start_lr=1e-4, end_lr=100, num_iter=120)
    assert result.diverged and len(result.lrs) < 120
    ratios = result.lrs[1:] / result.lrs[:-1]
    np.testing.assert_allclose(ratios, (100 / 1e-4) ** (1 / 119))
    assert result.lrs[0] == pytest.approx(1e-4)
    assert result.smoothed.min() < 0.8 * result.smoothed[0]     # it learned something
    assert 1e-3 < result.suggested_lr < result.lrs[np.argmin(result.smoothed)]


def test_range_test_smoothing_is_a_bias_corrected_moving_average():
    model, optimizer, loader = _digits_setup()
    result = lr_range_test(model, nn.CrossEntropyLoss(), optimizer, loader,
                           start_lr=1e-3, end_lr=1e-2, num_iter=10, smooth=0.9)
    average, expected = 0.0, []
    for i, loss in enumerate(result.losses):
        average = 0.9 * average + 0.1 * loss
        expected.append(average / (1 - 0.9 ** (i + 1)))
    np.testing.assert_allclose(result.smoothed, expected)
    assert result.smoothed[0] == pytest.approx(result.losses[0])
    assert not result.diverged and len(result.lrs) == 10


def test_range_test_restores_model_optimizer_gradients_and_loader():
    model, optimizer, loader = _digits_setup()
    loss_fn = nn.CrossEntropyLoss()
    for X, y in loader:                         # one epoch: momentum buffers, grads
        optimizer.zero_grad()
        loss_fn(model(minigrad.tensor(X)), y).backward()
        optimizer.step()
    params = {k: v.clone() for k, v in model.state_dict().items()}
    grads = [p.grad.clone() for p in model.parameters()]
    state = copy.deepcopy(optimizer.state_dict())     # live in PyTorch: keep a copy
    data_arrays = [p.array for p in model.parameters()]

    lr_range_test(model, loss_fn, optimizer, loader, num_iter=30, end_lr=1e3)

    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, params[name])
    assert all(p.array is a for p, a in zip(model.parameters(), data_arrays))  # in place
    for p, grad in zip(model.parameters(), grads):
        np.testing.assert_array_equal(p.grad, grad)
    assert optimizer.param_groups[0]["lr"] == 0.05
    restored = optimizer.state_dict()["state"]
    for index, buffers in state["state"].items():
        np.testing.assert_array_equal(restored[index]["momentum_buffer"],
                                      buffers["momentum_buffer"])
    assert loader.epoch == 1


def test_range_test_cycles_a_short_list_of_batches():
    model, optimizer, loader = _digits_setup(momentum=0)
    two_batches = list(loader)[:2]
    result = lr_range_test(model, nn.CrossEntropyLoss(), optimizer, two_batches,
                           start_lr=1e-4, end_lr=1e-3, num_iter=7)
    assert len(result.losses) == 7
    one_shot = lr_range_test(model, nn.CrossEntropyLoss(), optimizer, iter(two_batches),
                             start_lr=1e-4, end_lr=1e-3, num_iter=7)
    np.testing.assert_allclose(one_shot.losses, result.losses)
    with pytest.raises(ValueError, match="empty"):
        lr_range_test(model, nn.CrossEntropyLoss(), optimizer, [], num_iter=5)
    with pytest.raises(ValueError, match="start_lr < end_lr"):
        lr_range_test(model, nn.CrossEntropyLoss(), optimizer, two_batches, start_lr=1,
                      end_lr=0.1)


# ------------------------------------------------------------------ plots
def test_plots_are_drawn_and_saved(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    search = random_search(quadratic_trial, 1e-2, 2.0, n=12, seed=0, n_jobs=1)
    ax = plot_search(search)
    assert ax.get_xscale() == "log" and ax.get_xlabel() == "learning rate η"
    ax.figure.savefig(tmp_path / "search.png")
    plt.close(ax.figure)

    model, optimizer, loader = _digits_setup()
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # the explosion must not warn
        curve = lr_range_test(model, nn.CrossEntropyLoss(), optimizer, loader,
                              start_lr=1e-4, end_lr=100, num_iter=120)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    assert plot_range_test(curve, ax=axes[1]) is axes[1]
    plot_search(grid_search(quadratic_trial, GRID, n_jobs=1), ax=axes[0])
    fig.savefig(tmp_path / "range_test.png")
    plt.close(fig)
    assert (tmp_path / "search.png").stat().st_size > 0
    assert (tmp_path / "range_test.png").stat().st_size > 0
