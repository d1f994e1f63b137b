r"""Choosing the learning rate η: grid search, random search and the LR range test.

Article 001 (§3.2) lists four ways people choose η: by experience, by **grid search**
(try every value in a list), by **random search** (try values drawn at random), and by
letting an adaptive method adjust it during training (:mod:`minigrad.optim`). This module
gives the two searches as tools, plus the test practitioners use beyond them:

* :func:`grid_search` and :func:`random_search` run a *trial* — any function
  ``trial(lr)`` you write, typically "train this model for a few epochs at ``lr`` and
  return the validation loss" — once per learning rate, and keep the one whose result
  is smallest;
* :func:`lr_range_test` (Smith, *Cyclical Learning Rates for Training Neural Networks*,
  2017) trains once while η grows exponentially from tiny to huge, and reads a good η
  off the loss curve;
* :func:`plot_search` and :func:`plot_range_test` draw the results.

The researchers' tool, the curvature bound :math:`\eta < 2/\lambda_{\max}`, is in
:mod:`minigrad.curvature`.

Trials are independent, so they run in parallel on any :class:`concurrent.futures.Executor`:
by default a pool of processes on this machine (``n_jobs`` of them); on a cluster, pass
its executor (for dask, ``dask.distributed.Client(...).get_executor()``) and nothing
else changes. Each trial starts from a seed derived from ``(seed, trial index)``, so the
results are the same whichever executor runs them and in whatever order they finish.
"""

import concurrent.futures
import contextlib
import copy
import functools
import itertools
import math
import multiprocessing
import numbers
import os
import pickle
import random
import sys
import time
import warnings
from dataclasses import dataclass, field

import numpy as np

import minigrad.random
from minigrad.tensor import Tensor

__all__ = ["grid_search", "random_search", "SearchResult", "TrialResult", "lr_range_test",
           "RangeTestResult", "plot_search", "plot_range_test", "run_trials", "trial_seed"]


# ======================================================================================
# Grid search and random search
# ======================================================================================
@dataclass
class TrialResult:
    """What one trial gave.

    Attributes
    ----------
    lr : float
        The learning rate tried.
    value : float
        The metric being minimised (nan when the trial failed).
    metrics : dict
        Every metric the trial returned (``{"value": x}`` when it returned a number).
    diverged : bool
        The metric was not finite (nan or inf): training blew up at this ``lr``.
    error : str or None
        ``"ExceptionType: message"`` when the trial raised; None otherwise.
    seconds : float
        How long the trial ran (wall clock, in the worker).
    seed : int
        The seed the trial ran with (see :func:`grid_search`); ``trial(lr)`` run after
        ``minigrad.manual_seed(seed)`` repeats it.
    """

    lr: float
    value: float
    metrics: dict
    diverged: bool
    error: str | None
    seconds: float
    seed: int

    @property
    def failed(self) -> bool:
        """True when the trial raised an exception."""
        return self.error is not None

    @property
    def ok(self) -> bool:
        """True when the trial finished with a finite metric (it can be the best)."""
        return not (self.failed or self.diverged)


@dataclass
class SearchResult:
    """The trials of a search, sorted by learning rate, and the best of them.

    Attributes
    ----------
    results : list of TrialResult
        One record per trial, in increasing order of ``lr``.
    metric : str or None
        The name of the metric minimised (None when trials return a number).
    best : TrialResult or None
        The finished, finite trial with the smallest value (None if there is none).
    best_lr : float or None
        Its learning rate.
    """

    results: list
    metric: str | None = None
    best: TrialResult | None = field(init=False)

    def __post_init__(self):
        finished = [r for r in self.results if r.ok]
        self.best = min(finished, key=lambda r: r.value) if finished else None

    @property
    def best_lr(self) -> float | None:
        return None if self.best is None else self.best.lr

    def __str__(self):
        """A table, one trial per line, marking the best, diverged and failed ones."""
        lines = [f"{'lr':>10}  {self.metric or 'value':>12}  {'seconds':>8}"]
        for r in self.results:
            note = ""
            if r is self.best:
                note = "  <- best"
            elif r.diverged:
                note = "  diverged"
            elif r.failed:
                note = f"  failed: {r.error}"
            lines.append(f"{r.lr:>10.3g}  {r.value:>12.5g}  {r.seconds:>8.2f}{note}")
        return "\n".join(lines)


def grid_search(trial, lrs, metric=None, executor=None, n_jobs=None, seed=0, *,
                same_seed=False, max_retries=2):
    """Run ``trial(lr)`` for every learning rate in ``lrs`` and keep the best.

    Parameters
    ----------
    trial : callable
        ``trial(lr)`` trains with learning rate ``lr`` and returns a number to minimise
        (e.g. the validation loss) or a dict of metrics (then ``metric`` names the one to
        minimise). To run in a process pool it must be picklable: a function defined at
        module level (``def``), or a :func:`functools.partial` of one — not a lambda or
        a function defined inside another.
    lrs : sequence of float
        The grid, e.g. ``[1e-4, 1e-3, 1e-2, 1e-1, 1]`` (``numpy.logspace`` makes one).
    metric : str, optional
        The key to minimise when ``trial`` returns a dict.
    executor : concurrent.futures.Executor, optional
        Where the trials run: a ``ProcessPoolExecutor``, a ``ThreadPoolExecutor``, a
        cluster's executor (``dask.distributed.Client.get_executor()``)... It is used,
        not shut down.
    n_jobs : int, optional
        Without ``executor``: the number of worker processes (default: one per CPU).
        ``n_jobs=1`` runs the trials one after the other in this process (no pickling,
        so lambdas work, and exceptions are easy to debug).
    seed : int, optional
        Trial ``i`` (its position in ``lrs``) runs after ``minigrad.manual_seed(s)``,
        ``numpy.random.seed(s)`` and ``random.seed(s)``, where ``s`` is derived from
        ``(seed, i)``; so weight initialisation and shuffling drawn from those
        generators are reproducible, whatever the executor.
    same_seed : bool, optional, keyword only
        Give every trial the same seed (derived from ``(seed, 0)``), so they start from
        the same weights and see the same batches and differ only in η (default:
        False, a different seed per trial).
    max_retries : int, optional, keyword only
        How many more times a trial is run when the worker process running it died
        (a segfault, an out-of-memory kill, ``os._exit``), each time in a fresh
        process of its own (default: 2). See Notes.

    Returns
    -------
    SearchResult
        ``best_lr``, ``best`` and ``results`` (one :class:`TrialResult` per lr).

    Notes
    -----
    A trial that raises, or returns nan or inf, is recorded (``failed`` or ``diverged``)
    and the search goes on; ``best_lr`` ignores it. ``SystemExit`` (``sys.exit`` or
    argparse inside the trial) counts as a failed trial, not the end of the caller.
    Numpy's overflow warnings are silenced inside trials, since large learning rates
    are *expected* to overflow.

    **Faults.** When a worker process dies, a ``ProcessPoolExecutor`` is broken and
    every trial not finished yet is lost with it. Finished trials are kept; the lost
    ones are run again, each in a fresh process of its own (so a trial that kills its
    worker cannot take the others down with it), up to ``max_retries`` times; a trial
    that killed its worker every time is recorded as failed, with that reason. On a
    dask cluster, dask itself reschedules the tasks of a dead worker. ``Ctrl-C``
    (``KeyboardInterrupt``) stops the search; the exception carries the trials that
    had finished, as a :class:`SearchResult` in its ``partial_result`` attribute (the
    others recorded as failed, "interrupted").

    Threads share one process, so in a ``ThreadPoolExecutor`` (or a dask worker with
    several threads) concurrent trials reseed the same global generators and are not
    reproducible; use processes, or one thread per worker.

    Examples
    --------
    >>> from minigrad import nn, optim                           # doctest: +SKIP
    >>> from minigrad.train import evaluate, fit
    >>> def trial(lr):                  # at module level, so worker processes find it
    ...     model = nn.MLP([64, 32, 10])
    ...     fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr),
    ...         (X_train, y_train), epochs=5, progress=False)
    ...     return evaluate(model, nn.CrossEntropyLoss(), (X_val, y_val))[0]
    >>> result = grid_search(trial, np.logspace(-3, 0, 7))
    >>> result.best_lr
    >>> print(result)                   # a table: lr, value, seconds, best/diverged
    """
    lrs = _check_lrs(lrs)
    seeds = [trial_seed(seed, 0 if same_seed else i) for i in range(len(lrs))]
    return _search(trial, lrs, seeds, metric, executor, n_jobs, max_retries)


def random_search(trial, low, high, n, log=True, metric=None, executor=None, n_jobs=None,
                  seed=0, *, same_seed=False, max_retries=2):
    r"""Run ``trial(lr)`` for ``n`` learning rates drawn at random from [low, high].

    With ``log=True`` (the default) the exponent is uniform,
    :math:`\eta = 10^{u},\ u \sim \mathcal U(\log_{10} \text{low}, \log_{10} \text{high})`,
    so every decade gets the same share of trials — what a learning rate needs, since
    1e-4 and 1e-3 differ as much as 1e-2 and 1e-1. With ``log=False``, :math:`\eta \sim
    \mathcal U(\text{low}, \text{high})`.

    Parameters
    ----------
    trial, metric, executor, n_jobs, same_seed, max_retries
        As in :func:`grid_search`.
    low, high : float
        The range (``0 < low < high``; ``0 <= low`` when ``log=False``).
    n : int
        Number of trials.
    log : bool, optional
        Draw uniformly in log space (default) or linearly.
    seed : int, optional
        Seeds the draw of the learning rates and, as in :func:`grid_search`, each trial.

    Returns
    -------
    SearchResult
        The trials sorted by learning rate, and the best one.
    """
    if not (isinstance(n, numbers.Integral) and n >= 1):
        raise ValueError(f"n must be a positive integer (the number of trials), got {n!r}")
    if not (math.isfinite(low) and math.isfinite(high) and 0 <= low < high):
        raise ValueError(f"need 0 <= low < high, got low={low}, high={high}")
    rng = np.random.default_rng(seed)
    if log:
        if low <= 0:
            raise ValueError(f"log=True needs low > 0, got low={low}")
        lrs = 10 ** rng.uniform(math.log10(low), math.log10(high), size=n)
    else:
        lrs = rng.uniform(low, high, size=n)
    seeds = [trial_seed(seed, 0 if same_seed else i) for i in range(n)]
    return _search(trial, [float(lr) for lr in lrs], seeds, metric, executor, n_jobs,
                   max_retries)


def _search(trial, lrs, seeds, metric, executor, n_jobs, max_retries):
    """Run every trial, turn the outcomes into records sorted by lr."""
    if not callable(trial):
        raise TypeError(f"trial must be a function trial(lr), got {type(trial).__name__}")
    if not (isinstance(max_retries, numbers.Integral) and max_retries >= 0):
        raise ValueError(f"max_retries must be an integer >= 0, got {max_retries!r}")
    try:
        outcomes = run_trials(trial, lrs, seeds, executor, n_jobs, max_retries)
    except KeyboardInterrupt as interrupt:
        done = getattr(interrupt, "outcomes", None) or []
        done = done + [None] * (len(lrs) - len(done))
        interrupted = (None, "KeyboardInterrupt: the search was interrupted before this "
                             "trial finished", math.nan)
        interrupt.partial_result = _summarise(
            lrs, seeds, [o if o is not None else interrupted for o in done], metric)
        raise
    search = _summarise(lrs, seeds, outcomes, metric)
    if search.best is None:
        results = search.results
        first_error = next((r.error for r in results if r.failed), None)
        reason = f"; the first error was {first_error}" if first_error else " (all diverged)"
        warnings.warn(f"none of the {len(results)} trials finished with a finite metric"
                      f"{reason}", RuntimeWarning, stacklevel=3)
    return search


def _summarise(lrs, seeds, outcomes, metric):
    results = [_record(lr, s, outcome, metric) for lr, s, outcome in zip(lrs, seeds, outcomes)]
    results.sort(key=lambda r: r.lr)
    return SearchResult(results, metric)


def trial_seed(seed, index):
    """The seed of trial ``index``: a 32-bit number derived from ``(seed, index)``.

    Different trials get independent streams, and the same ``(seed, index)`` always the
    same one, wherever the trial runs."""
    return int(np.random.SeedSequence([seed, index]).generate_state(1)[0])


def _check_lrs(lrs):
    lrs = [float(lr) for lr in np.ravel(lrs)]
    if not lrs:
        raise ValueError("lrs is empty: give at least one learning rate")
    bad = [lr for lr in lrs if not (math.isfinite(lr) and lr > 0)]
    if bad:
        raise ValueError(f"learning rates must be positive and finite; got {bad}")
    return lrs


# -- running the trials ----------------------------------------------------------------
def _run_trial(trial, lr, seed):
    """Run one trial (in whatever process the executor chose) and never raise.

    Returns ``(outcome, error, seconds)``: the trial's number or dict of numbers (as
    Python floats), or None and ``"ExceptionType: message"`` if it raised.
    """
    start = time.perf_counter()
    try:
        with _seeded(seed), np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            outcome, error = _plain(trial(lr)), None
    except (Exception, SystemExit) as exc:      # sys.exit() in a trial fails the trial only
        outcome, error = None, f"{type(exc).__name__}: {exc}"
    return outcome, error, time.perf_counter() - start


@contextlib.contextmanager
def _seeded(seed):
    """Seed minigrad's, numpy's global and Python's generators; put them back after."""
    saved = (minigrad.random.generator(), np.random.get_state(), random.getstate())
    minigrad.random.manual_seed(seed)
    np.random.seed(seed)
    random.seed(seed)
    try:
        yield
    finally:
        minigrad.random._generator = saved[0]      # undo manual_seed (same package)
        np.random.set_state(saved[1])
        random.setstate(saved[2])


def _plain(outcome):
    """The trial's result as a float or a dict of floats (a Tensor/numpy scalar is fine)."""
    if isinstance(outcome, dict):
        return {str(k): _number(v, f"metric {k!r}") for k, v in outcome.items()}
    return _number(outcome, "the result")


def _number(value, what):
    if hasattr(value, "item"):                 # numpy scalars, one-element Tensors
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"trial must return a number or a dict of numbers; {what} is a "
                        f"{type(value).__name__}")
    return float(value)


def _record(lr, seed, outcome, metric):
    """A TrialResult from what ``_run_trial`` returned."""
    returned, error, seconds = outcome
    if error is not None:
        metrics = {}
    elif isinstance(returned, dict):
        metrics = returned
        if metric not in returned:
            error = (f"KeyError: trial returned the metrics {sorted(returned)}; pass "
                     f"metric=<one of them> to say which to minimise" if metric is None
                     else f"KeyError: metric {metric!r} is not among the trial's metrics "
                          f"{sorted(returned)}")
    else:
        metrics = {metric or "value": returned}
    value = math.nan if error is not None else metrics[metric or "value"]
    diverged = error is None and not math.isfinite(value)
    return TrialResult(lr, value, metrics, diverged, error, seconds, seed)


def run_trials(trial, lrs, seeds, executor=None, n_jobs=1, max_retries=2):
    """Run ``trial(lr, seed)`` for every pair of ``lrs`` and ``seeds``; one outcome each.

    The machinery under :func:`grid_search` and :func:`random_search`, public so that
    other experiments (:mod:`minigrad.experiment`) run their trials the same way: in
    this process (``n_jobs=1``), on a new process pool of ``n_jobs`` workers, or on any
    ``concurrent.futures`` ``executor``. A trial that raises is an outcome, not the end of
    the run; trials lost when a worker process dies are run again on a fresh pool, at
    most ``max_retries`` times (:func:`_rerun_lost`).
    """
    jobs = list(zip(lrs, seeds))
    if executor is None:
        if n_jobs is None:
            n_jobs = os.cpu_count() or 1
        if not (isinstance(n_jobs, numbers.Integral) and n_jobs >= 1):
            raise ValueError(f"n_jobs must be a positive integer, got {n_jobs!r}")
        n_jobs = min(n_jobs, len(lrs))
        if n_jobs == 1:
            return _run_here(trial, jobs)
        _check_picklable(trial)
        pool = _process_pool(n_jobs)
        try:
            outcomes, lost = _submit_all(pool, trial, jobs)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return _rerun_lost(trial, jobs, outcomes, lost, max_retries, n_jobs)
    if not isinstance(executor, concurrent.futures.Executor):
        raise TypeError(f"executor must be a concurrent.futures.Executor, got "
                        f"{type(executor).__name__}")
    if not isinstance(executor, concurrent.futures.ProcessPoolExecutor):
        return _submit_all(executor, trial, jobs)[0]
    _check_picklable(trial)
    outcomes, lost = _submit_all(executor, trial, jobs)
    workers = getattr(executor, "_max_workers", None) or os.cpu_count() or 1
    return _rerun_lost(trial, jobs, outcomes, lost, max_retries, workers)


def _run_here(trial, jobs):
    """The trials one after the other in this process (Ctrl-C keeps the finished ones)."""
    outcomes = []
    try:
        for lr, seed in jobs:
            outcomes.append(_run_trial(trial, lr, seed))
    except KeyboardInterrupt as interrupt:
        interrupt.outcomes = outcomes
        raise
    return outcomes


def _submit_all(executor, trial, jobs):
    """Submit every trial, then collect the outcomes in submission order.

    Returns the outcomes and the indices of the trials lost because the executor broke
    (a worker process died): their outcome says so, and they may be run again.
    """
    futures = [executor.submit(_run_trial, trial, lr, s) for lr, s in jobs]
    outcomes, lost = [], []
    try:
        for i, future in enumerate(futures):
            try:
                outcomes.append(future.result())
            except concurrent.futures.BrokenExecutor as exc:
                lost.append(i)
                outcomes.append((None, _died(exc, attempts=1), math.nan))
            except KeyboardInterrupt:
                raise
            except BaseException as exc:     # the executor's own failure (dask's
                outcomes.append((None, f"{type(exc).__name__}: {exc}", math.nan))  # KilledWorker)
    except KeyboardInterrupt as interrupt:
        for future in futures:
            future.cancel()
        interrupt.outcomes = [None if i in lost else o for i, o in enumerate(outcomes)]
        raise
    return outcomes, lost


def _died(exc, attempts):
    return (f"{type(exc).__name__}: the worker process running this trial died (a "
            f"segfault, an out-of-memory kill, os._exit...) in {attempts} attempt"
            f"{'s' if attempts > 1 else ''}")


def _rerun_lost(trial, jobs, outcomes, lost, max_retries, parallel):
    """Run the lost trials again, each in a fresh single-worker pool of its own, so a
    trial that kills its worker takes down only itself; at most ``max_retries`` times."""
    try:
        return _rerun_lost_attempts(trial, jobs, outcomes, lost, max_retries, parallel)
    except KeyboardInterrupt as interrupt:
        interrupt.outcomes = [None if o[1] and "worker process" in o[1] else o
                              for o in outcomes]
        raise


def _rerun_lost_attempts(trial, jobs, outcomes, lost, max_retries, parallel):
    for attempt in range(2, max_retries + 2):
        if not lost:
            break
        still_lost = []
        for chunk_start in range(0, len(lost), parallel):
            chunk = lost[chunk_start:chunk_start + parallel]
            pools = [_process_pool(1) for _ in chunk]
            try:
                futures = [pool.submit(_run_trial, trial, *jobs[i])
                           for pool, i in zip(pools, chunk)]
                for i, future in zip(chunk, futures):
                    try:
                        outcomes[i] = future.result()
                    except concurrent.futures.BrokenExecutor as exc:
                        outcomes[i] = (None, _died(exc, attempt), math.nan)
                        still_lost.append(i)
            finally:
                for pool in pools:
                    pool.shutdown(wait=True, cancel_futures=True)
        lost = still_lost
    return outcomes


def _process_pool(n_jobs):
    """The default executor: ``n_jobs`` worker processes, one BLAS thread each.

    On Linux the workers are forked: they start in milliseconds and see every function
    the parent has defined (in a script or a notebook). When ``threadpoolctl`` is
    installed each worker limits numpy's BLAS to one thread; otherwise ``n_jobs``
    workers, each with a BLAS thread per core, fight over the cores on large matrix
    products (measured: 3× slower than running the trials one after the other).
    """
    context = multiprocessing.get_context("fork") if sys.platform == "linux" else None
    try:
        import threadpoolctl          # imported here, so forked workers already have it
        one_blas_thread = functools.partial(threadpoolctl.threadpool_limits, 1, "blas")
    except ImportError:
        one_blas_thread = None
    return concurrent.futures.ProcessPoolExecutor(n_jobs, mp_context=context,
                                                  initializer=one_blas_thread)


def _check_picklable(trial):
    """Raise a clear error for a trial that cannot be sent to another process."""
    try:
        pickle.dumps(trial)
    except Exception as exc:
        raise TypeError(
            f"trial {getattr(trial, '__name__', trial)!r} cannot be sent to a worker "
            f"process ({type(exc).__name__}: {exc}). Define it at module level with def "
            "(or use functools.partial of such a function) — lambdas and functions "
            "defined inside other functions cannot be pickled — or pass n_jobs=1 to run "
            "the trials in this process.") from None


# ======================================================================================
# The LR range test
# ======================================================================================
@dataclass
class RangeTestResult:
    """The curve of an LR range test.

    Attributes
    ----------
    lrs : numpy.ndarray
        The learning rate of each step (geometrically increasing).
    losses : numpy.ndarray
        The training loss of each step's batch.
    smoothed : numpy.ndarray
        The bias-corrected exponential moving average of ``losses``.
    suggested_lr : float or None
        The lr where ``smoothed`` falls fastest against log lr (None if it never falls).
    diverged : bool
        True when the test stopped early because the loss exploded.
    """

    lrs: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    suggested_lr: float | None
    diverged: bool


def lr_range_test(model, loss_fn, optimizer, batches, start_lr=1e-7, end_lr=10,
                  num_iter=100, smooth=0.98, diverge_threshold=4):
    r"""Smith's LR range test: train while η grows exponentially, watch the loss.

    Step :math:`i = 0 \dots N-1` trains on one batch with

    .. math::

        \eta_i = \eta_{\text{start}} \left(\frac{\eta_{\text{end}}}{\eta_{\text{start}}}
        \right)^{i/(N-1)},

    and smooths the noisy batch losses :math:`\ell_i` with a bias-corrected exponential
    moving average (as Adam corrects its moments):

    .. math::

        a_i = \beta a_{i-1} + (1 - \beta)\,\ell_i,\quad a_{-1} = 0, \qquad
        \bar\ell_i = \frac{a_i}{1 - \beta^{i+1}}.

    At first η is too small to change anything; then the loss falls; then η is too
    large and it explodes. The test stops once :math:`\bar\ell_i` exceeds
    ``diverge_threshold`` times the lowest value so far (or is not finite), and suggests
    the η where :math:`\bar\ell` falls fastest, :math:`\arg\min_i\, d\bar\ell/d\log\eta`.
    A common choice is that value, or a tenth of the η at the minimum of the curve.

    Parameters
    ----------
    model : minigrad.nn.Module
        The model; its parameters are restored afterwards.
    loss_fn : callable
        ``loss_fn(model(X), y)`` gives the scalar loss (e.g. ``nn.CrossEntropyLoss()``).
    optimizer : minigrad.optim.Optimizer
        Built on ``model.parameters()``; its state and learning rates are restored
        afterwards. Every parameter group gets the same η during the test.
    batches : iterable of (X, y)
        Training batches (a :class:`minigrad.data.DataLoader`, a list of pairs...),
        reused from the start when there are fewer than ``num_iter``. ``X`` is wrapped
        in a Tensor; ``y`` is passed to ``loss_fn`` as it is (as :func:`minigrad.train.fit`
        does). A DataLoader's epoch counter is restored afterwards too.
    start_lr, end_lr : float
        The first and last learning rates (default 1e-7 and 10).
    num_iter : int
        Number of steps (default 100).
    smooth : float
        :math:`\beta` of the moving average (default 0.98; 0 turns smoothing off).
    diverge_threshold : float
        Stop when the smoothed loss exceeds this many times its minimum (default 4).

    Returns
    -------
    RangeTestResult
        ``lrs``, ``losses``, ``smoothed``, ``suggested_lr`` and ``diverged``.
    """
    if not (0 < start_lr < end_lr and math.isfinite(end_lr)):
        raise ValueError(f"need 0 < start_lr < end_lr, got start_lr={start_lr}, "
                         f"end_lr={end_lr}")
    if not (isinstance(num_iter, numbers.Integral) and num_iter >= 2):
        raise ValueError(f"num_iter must be an integer >= 2, got {num_iter!r}")
    if not 0 <= smooth < 1:
        raise ValueError(f"smooth must be in [0, 1), got {smooth}")
    if not diverge_threshold > 1:
        raise ValueError(f"diverge_threshold must be > 1, got {diverge_threshold}")

    schedule = start_lr * (end_lr / start_lr) ** (np.arange(num_iter) / (num_iter - 1))
    lrs, losses, smoothed = [], [], []
    average, lowest, diverged = 0.0, math.inf, False
    with _restored(model, optimizer, batches), np.errstate(over="ignore", invalid="ignore"):
        for i, (lr, (X, y)) in enumerate(zip(schedule, _cycle(batches))):
            for group in optimizer.param_groups:
                group["lr"] = float(lr)
            optimizer.zero_grad()
            loss = loss_fn(model(X if isinstance(X, Tensor) else Tensor(X)), y)
            loss.backward()
            optimizer.step()

            value = loss.item()
            average = smooth * average + (1 - smooth) * value
            lrs.append(float(lr))
            losses.append(value)
            smoothed.append(average / (1 - smooth ** (i + 1)))
            if not math.isfinite(smoothed[-1]) or smoothed[-1] > diverge_threshold * lowest:
                diverged = True
                break
            lowest = min(lowest, smoothed[-1])

    lrs, losses, smoothed = np.array(lrs), np.array(losses), np.array(smoothed)
    return RangeTestResult(lrs, losses, smoothed, _steepest_descent(lrs, smoothed), diverged)


@contextlib.contextmanager
def _restored(model, optimizer, batches):
    """Put the model's parameters and gradients, the optimizer and the loader back."""
    params = model.parameters()
    model_state = {k: v.clone() for k, v in model.state_dict().items()}   # copies
    grads = [None if p.grad is None else p.grad.clone() for p in params]
    optimizer_state = copy.deepcopy(optimizer.state_dict())   # with every group's lr
    loader_state = batches.state_dict() if hasattr(batches, "load_state_dict") else None
    try:
        yield
    finally:
        model.load_state_dict(model_state)
        for p, grad in zip(params, grads):
            p.grad = grad
        optimizer.load_state_dict(optimizer_state)
        if loader_state is not None:
            batches.load_state_dict(loader_state)


def _cycle(batches):
    """Yield batches forever, starting again at the end (a new epoch of a loader)."""
    if iter(batches) is batches:                         # a one-shot iterator: remember it
        yield from itertools.cycle(batches)
        return
    while True:
        empty = True
        for batch in batches:
            empty = False
            yield batch
        if empty:
            raise ValueError("batches is empty")


def _steepest_descent(lrs, smoothed):
    """The lr where the smoothed loss falls fastest per unit of log lr, before its minimum.

    Only the part of the curve before the smoothed loss turns up is searched: past the
    minimum the loss is exploding, and its noise there can look like a steep descent.
    """
    finite = np.isfinite(smoothed)
    lrs, smoothed = lrs[finite], smoothed[finite]
    before_minimum = int(np.argmin(smoothed)) + 1 if len(smoothed) else 0
    if before_minimum < 3:
        return None
    slope = np.gradient(smoothed[:before_minimum], np.log(lrs[:before_minimum]))
    steepest = int(np.argmin(slope))
    return float(lrs[steepest]) if slope[steepest] < 0 else None


# ======================================================================================
# Plots
# ======================================================================================
def plot_search(result, ax=None, label="trials", color=None):
    """Draw each trial's metric against its learning rate (log axis); return the Axes.

    ``label`` and ``color`` style this search's line and its best point, so several
    searches can share one axis.

    Finished trials are joined by a line, the best is starred, and diverged or failed
    trials are marked with a red ✕ along the top of the plot. When the values are
    positive and span more than two decades (a nearly diverged trial can give 1e30),
    the y-axis is logarithmic too.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    finished = [r for r in result.results if r.ok]
    values = [r.value for r in finished]
    if finished:
        (line,) = ax.plot([r.lr for r in finished], values, "o-", label=label, color=color)
        color = line.get_color()
        if min(values) > 0 and max(values) > 100 * min(values):
            ax.set_yscale("log")
    bad = [r for r in result.results if not r.ok]
    if bad:
        top = max(values, default=1.0)
        ax.plot([r.lr for r in bad], [top] * len(bad), "x", color="tab:red", markersize=10,
                markeredgewidth=2, label="diverged / failed")
    if result.best is not None:
        ax.plot(result.best.lr, result.best.value, "*", color=color or "tab:green",
                markersize=16, markeredgecolor="k", label=f"best η = {result.best.lr:.3g}")
    ax.set_xscale("log")
    ax.set_xlabel("learning rate η")
    ax.set_ylabel(result.metric or "trial value")
    ax.legend()
    return ax


def plot_range_test(result, ax=None):
    """Draw the range test's raw and smoothed loss against η (log axis); return the Axes.

    The suggested η is a dashed vertical line. The y-axis stops a little above the first
    smoothed loss, so the final explosion does not squash the interesting part.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    ax.plot(result.lrs, result.losses, color="0.75", linewidth=1, label="batch loss")
    ax.plot(result.lrs, result.smoothed, color="tab:blue", linewidth=2, label="smoothed")
    if result.suggested_lr is not None:
        ax.axvline(result.suggested_lr, color="tab:red", linestyle="--",
                   label=f"suggested η = {result.suggested_lr:.3g}")
    finite = np.isfinite(result.smoothed) & np.isfinite(result.losses)
    if finite.any():
        low = min(result.smoothed[finite].min(), result.losses[finite].min())
        high = 1.5 * result.smoothed[finite][0]
        if low < high:
            ax.set_ylim(low - 0.05 * (high - low), high)
    ax.set_xscale("log")
    ax.set_xlabel("learning rate η")
    ax.set_ylabel("training loss")
    ax.legend()
    return ax
