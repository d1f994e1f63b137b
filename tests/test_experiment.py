"""minigrad.experiment: t quantiles, intervals that cover, paired differences, verdicts."""

import concurrent.futures
import math
import os

import numpy as np
import pytest

import minigrad
from minigrad.experiment import (ExperimentResult, grid, resample, run_experiment,
                                 summarize, t_quantile, verdict)


# -- the t quantile against a printed table (Fisher & Yates; any statistics book) ----------
@pytest.mark.parametrize("q, df, table", [
    (0.975, 1, 12.706), (0.975, 2, 4.303), (0.975, 4, 2.776), (0.975, 9, 2.262),
    (0.975, 29, 2.045), (0.95, 4, 2.132), (0.995, 4, 4.604), (0.9, 10, 1.372),
])
def test_t_quantile_matches_the_table(q, df, table):
    assert t_quantile(q, df) == pytest.approx(table, abs=1.5e-3)
    assert t_quantile(1 - q, df) == pytest.approx(-table, abs=1.5e-3)


def test_t_quantile_tends_to_the_normal_one():
    assert t_quantile(0.975, 10_000) == pytest.approx(1.960, abs=2e-3)
    assert t_quantile(0.5, 3) == pytest.approx(0.0, abs=1e-9)


def test_t_quantile_rejects_bad_arguments():
    with pytest.raises(ValueError, match="q must be"):
        t_quantile(1.0, 3)
    with pytest.raises(ValueError, match="df must be"):
        t_quantile(0.9, 0)


# -- summaries --------------------------------------------------------------------------
def test_summary_is_the_t_interval_by_hand():
    x = np.array([1.0, 2.0, 4.0, 7.0, 11.0])
    s = summarize(x)
    half = 2.776445 * x.std(ddof=1) / math.sqrt(5)
    assert (s.mean, s.n, s.n_nonfinite) == (5.0, 5, 0)
    assert s.low == pytest.approx(5.0 - half, rel=1e-5)
    assert s.high == pytest.approx(5.0 + half, rel=1e-5)
    assert s.sd == pytest.approx(x.std(ddof=1))


def test_summary_leaves_out_and_counts_nonfinite_values():
    s = summarize([1.0, np.nan, 3.0, np.inf])
    assert (s.mean, s.n, s.n_nonfinite) == (2.0, 2, 2)
    assert "2 of 4 not finite" in str(s)
    one = summarize([3.0])
    assert one.mean == 3.0 and math.isnan(one.low) and math.isnan(one.high)


def test_the_interval_covers_the_true_mean_at_the_stated_rate():
    """95% intervals from 5 normal values cover the mean in about 95% of 4000 samples.

    A wrong quantile shows: the normal 1.96 instead of t's 2.776 covers only ~88%, and
    ddof=0 instead of 1 about 92%. The binomial standard error at 4000 trials is 0.34%.
    """
    rng = np.random.default_rng(1)
    samples = rng.normal(3.0, 2.0, size=(4000, 5))
    covered = [s.low <= 3.0 <= s.high for s in map(summarize, samples)]
    assert np.mean(covered) == pytest.approx(0.95, abs=0.012)
    covered_90 = [s.low <= 3.0 <= s.high
                  for s in (summarize(x, confidence=0.9) for x in samples)]
    assert np.mean(covered_90) == pytest.approx(0.90, abs=0.015)


# -- verdicts ---------------------------------------------------------------------------
def _effect(low, high):
    mean = (low + high) / 2
    return type(summarize([0.0, 1.0]))(mean, low, high, 5, 0, 1.0, 0.95, ())


@pytest.mark.parametrize("low, high, expected", [
    (0.2, 0.8, "supported"),         # above zero, mean 0.5 ≥ margin 0.1
    (-0.8, -0.2, "contradicted"),
    (-0.05, 0.08, "not supported"),  # inside (−0.1, 0.1): equivalent
    (-0.05, 0.3, "inconclusive"),    # too wide
    (0.01, 0.15, "inconclusive"),    # an effect, but its size may be below the margin
    (0.01, 0.05, "not supported"),   # an effect, but certainly below the margin
])
def test_verdict_rules(low, high, expected):
    assert verdict(_effect(low, high), margin=0.1) == expected


@pytest.mark.parametrize("low, high, expected", [
    (-0.05, 0.08, "supported"), (0.2, 0.8, "contradicted"), (-0.8, -0.2, "contradicted"),
    (-0.05, 0.3, "inconclusive"),
])
def test_verdict_of_a_claim_of_no_effect(low, high, expected):
    assert verdict(_effect(low, high), margin=0.1, predicts="no effect") == expected


def test_verdict_of_a_missing_interval_is_inconclusive():
    assert verdict(summarize([1.0]), margin=0.1) == "inconclusive"
    with pytest.raises(ValueError, match="margin"):
        verdict(summarize([1.0, 2.0]), margin=0)
    with pytest.raises(ValueError, match="predicts"):
        verdict(summarize([1.0, 2.0]), margin=1, predicts="maybe")


# -- running the grid -------------------------------------------------------------------
def noisy_trial(mean, seed, fail_at=None, die_at=None):
    """A synthetic trial: its 'metric' is mean + noise drawn from the seeded generators."""
    if fail_at is not None and mean == fail_at:
        raise RuntimeError("boom")
    if die_at is not None and mean == die_at:
        os._exit(3)                              # the worker process dies
    return {"metric": mean + np.random.normal(), "seed": float(seed),
            "weight": minigrad.randn(1).item(), "subset": float(resample(100, 10, seed)[0])}


def test_grid_is_the_product():
    assert grid(a=[1, 2], b="xy") == [{"a": 1, "b": "x"}, {"a": 1, "b": "y"},
                                      {"a": 2, "b": "x"}, {"a": 2, "b": "y"}]


def test_resample_varies_with_the_seed_only():
    assert np.array_equal(resample(100, 10, 3), resample(100, 10, 3))
    assert not np.array_equal(resample(100, 10, 3), resample(100, 10, 4))
    assert len(set(resample(100, 100, 0))) == 100
    with pytest.raises(ValueError, match="size"):
        resample(10, 11, 0)


def test_replicates_share_seeds_across_conditions_and_executors():
    conditions = grid(mean=[0.0, 1.0, 2.0])
    local = run_experiment(noisy_trial, conditions, seeds=4, n_jobs=1)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        threaded = run_experiment(noisy_trial, conditions, seeds=4, executor=pool)
    assert isinstance(local, ExperimentResult)
    assert local.metrics["metric"].shape == (3, 4)
    for name in local.metrics:
        np.testing.assert_array_equal(local.metrics[name], threaded.metrics[name])
    # replicate k has the same seed — hence the same noise, weights, subset — everywhere
    for name in ("seed", "weight", "subset"):
        assert (local.metrics[name] == local.metrics[name][0]).all()
    assert len(set(local.metrics["seed"][0])) == 4
    # so the paired difference of two conditions is exactly the difference of the means
    d = local.difference("metric", {"mean": 2.0}, {"mean": 0.0})
    assert d.mean == pytest.approx(2.0) and d.sd == pytest.approx(0.0, abs=1e-12)


def test_process_pool_gives_the_same_numbers():
    conditions = grid(mean=[0.0, 1.0])
    local = run_experiment(noisy_trial, conditions, seeds=[5, 6], n_jobs=1)
    pooled = run_experiment(noisy_trial, conditions, seeds=[5, 6], n_jobs=2)
    np.testing.assert_array_equal(local.metrics["metric"], pooled.metrics["metric"])
    assert local.seeds == [5, 6]


def test_failed_trials_are_recorded_not_raised():
    result = run_experiment(noisy_trial, grid(mean=[0.0, 1.0], fail_at=[1.0]), seeds=3,
                            n_jobs=1)
    assert np.isnan(result.values("metric", mean=1.0)).all()
    assert np.isfinite(result.values("metric", mean=0.0)).all()
    assert len(result.errors) == 3 and "RuntimeError: boom" in result.errors[0]
    assert result.summary("metric", mean=1.0).n_nonfinite == 3


def test_a_dying_worker_loses_only_its_own_cells():
    result = run_experiment(noisy_trial, grid(mean=[0.0, 1.0], die_at=[1.0]), seeds=2,
                            n_jobs=2, max_retries=1)
    assert np.isfinite(result.values("metric", mean=0.0)).all()
    assert np.isnan(result.values("metric", mean=1.0)).all()
    assert len(result.errors) == 2 and "died" in result.errors[0]


def test_lookup_errors_name_the_problem():
    result = run_experiment(noisy_trial, grid(mean=[0.0, 1.0]), seeds=2, n_jobs=1)
    with pytest.raises(KeyError, match="matches 0 conditions"):
        result.summary("metric", mean=5.0)
    with pytest.raises(KeyError, match="matches 2 conditions"):
        result.summary("metric")
    with pytest.raises(KeyError, match="no metric 'loss'"):
        result.summary("loss", mean=0.0)
    with pytest.raises(ValueError, match="conditions is empty"):
        run_experiment(noisy_trial, [], seeds=2)
