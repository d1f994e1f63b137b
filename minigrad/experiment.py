r"""Experiments with several seeds: conditions × seeds, means and confidence intervals.

One training run says little: change the seed — the initial weights, the order of the
mini-batches, *which* images were drawn for training — and its numbers move. A claim such
as "a smaller η overfits more" is a claim about the *average* run, so it needs several
runs per condition and an interval that says how well the average is known. This module
does that bookkeeping:

* :func:`run_experiment` runs ``trial(**condition, seed=s)`` for every condition and every
  replicate seed ``s``, on any :class:`concurrent.futures.Executor`, with the trial
  machinery of :mod:`minigrad.lr_search` (seeded generators, failures recorded, not
  raised). Replicate ``k`` gets the *same* seed in every condition, so conditions can be
  compared seed by seed (a *paired* comparison);
* :func:`resample` draws a seed's own subset of the data, so the data vary between
  replicates as well as the initialisation and the batch order;
* :func:`summarize` gives a mean with a Student-t confidence interval,
  :meth:`ExperimentResult.difference` the same for the per-seed difference of two
  conditions, and :func:`verdict` turns such an interval into one of four verdicts by a
  rule fixed in advance.

The interval is the **t interval** (not a bootstrap): with :math:`n` values
:math:`x_1 \dots x_n`,

.. math::

    \bar x = \frac1n \sum_i x_i, \qquad
    s = \sqrt{\frac{1}{n-1} \sum_i (x_i - \bar x)^2}, \qquad
    \bar x \pm t_{n-1,\,1-\alpha/2}\, \frac{s}{\sqrt n},

where :math:`t_{n-1, q}` is the :math:`q`-quantile of Student's t distribution with
:math:`n - 1` degrees of freedom (for 5 seeds and 95 %: 2.776, not the normal 1.96). It
covers the true mean with probability :math:`1 - \alpha` when the values are independent
and roughly normal. With 5–10 seeds a bootstrap interval would be too narrow (it cannot
see more spread than the few values show), which is why it is not used here.
"""

import functools
import itertools
import math
import numbers
from dataclasses import dataclass

import numpy as np

from minigrad.lr_search import run_trials, trial_seed

__all__ = ["run_experiment", "grid", "resample", "summarize", "t_quantile", "Summary",
           "ExperimentResult", "verdict", "VERDICTS"]


# ======================================================================================
# The interval
# ======================================================================================
@functools.lru_cache(maxsize=None)
def t_quantile(q, df):
    r"""The ``q``-quantile of Student's t distribution with ``df`` degrees of freedom.

    Substituting :math:`x = \sqrt\nu \tan\vartheta` in the t density
    :math:`f(x) \propto (1 + x^2/\nu)^{-(\nu+1)/2}` turns its distribution function into
    an integral over a finite range with a smooth integrand,

    .. math::

        F(\sqrt\nu \tan\vartheta) = \frac12 + \frac{\Gamma(\frac{\nu+1}{2})}
        {\sqrt\pi\, \Gamma(\frac\nu2)} \int_0^{\vartheta} \cos^{\nu-1}\varphi\, d\varphi,
        \qquad 0 \le \vartheta < \frac\pi2,

    which the trapezoid rule computes on a fine grid; the quantile is read off by
    interpolation (error below 1e-6). For ``df=1`` (Cauchy) this is exactly
    :math:`\tan(\pi (q - \frac12))`.

    Parameters
    ----------
    q : float
        The probability, 0 < q < 1.
    df : float
        Degrees of freedom, at least 1.
    """
    if not 0 < q < 1:
        raise ValueError(f"q must be in (0, 1), got {q}")
    if not df >= 1:
        raise ValueError(f"df must be at least 1 (two values), got {df}")
    if q < 0.5:
        return -t_quantile(1 - q, df)
    angle = np.linspace(0.0, math.pi / 2, 200_001)
    density = np.cos(angle) ** (df - 1)
    area = np.concatenate([[0.0], np.cumsum((density[1:] + density[:-1]) / 2)])   # trapezoids
    constant = math.exp(math.lgamma((df + 1) / 2) - math.lgamma(df / 2)) / math.sqrt(math.pi)
    area *= angle[1] * constant
    theta = float(np.interp(q - 0.5, area, angle))
    return math.sqrt(df) * math.tan(theta)


@dataclass(frozen=True)
class Summary:
    """The mean of some values, with its confidence interval.

    Attributes
    ----------
    mean : float
        The mean of the finite values.
    low, high : float
        The t interval (see the module's docstring); nan with fewer than 2 values.
    n : int
        How many finite values the summary rests on.
    n_nonfinite : int
        How many values were nan or inf (failed or diverged runs) and left out.
    sd : float
        Their sample standard deviation (``ddof=1``).
    confidence : float
        The interval's coverage, e.g. 0.95.
    values : tuple of float
        Every value, in seed order (non-finite ones included).
    """

    mean: float
    low: float
    high: float
    n: int
    n_nonfinite: int
    sd: float
    confidence: float
    values: tuple

    @property
    def half_width(self) -> float:
        """Half the interval's width: the "±" of ``mean ± half_width``."""
        return (self.high - self.low) / 2

    def __format__(self, spec):
        """``f"{s:.3f}"`` gives ``"0.123 [0.100, 0.146]"``."""
        spec = spec or ".3g"
        text = f"{self.mean:{spec}} [{self.low:{spec}}, {self.high:{spec}}]"
        return text + (f" ({self.n_nonfinite} of {self.n + self.n_nonfinite} not finite)"
                       if self.n_nonfinite else "")

    def __str__(self):
        return format(self, "")


def summarize(values, confidence=0.95) -> Summary:
    r"""The mean of ``values`` and its t confidence interval.

    .. math::

        \bar x \pm t_{n-1,\,(1+c)/2}\; s / \sqrt n

    with :math:`c` the confidence and :math:`s` the sample standard deviation. Values
    that are not finite (a diverged or failed run) are left out and counted in
    ``n_nonfinite``: decide, before summarising, what such a run should count as.
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    values = np.asarray(values, dtype=float).ravel()
    finite = values[np.isfinite(values)]
    n = len(finite)
    mean = float(finite.mean()) if n else math.nan
    sd = float(finite.std(ddof=1)) if n > 1 else math.nan
    half = t_quantile((1 + confidence) / 2, n - 1) * sd / math.sqrt(n) if n > 1 else math.nan
    return Summary(mean, mean - half, mean + half, n, len(values) - n, sd, confidence,
                   tuple(float(v) for v in values))


# ======================================================================================
# Verdicts
# ======================================================================================
VERDICTS = ("supported", "contradicted", "not supported", "inconclusive")


def verdict(effect, margin, predicts="effect") -> str:
    r"""One of four verdicts for a claim, from the interval of its effect.

    ``effect`` is a :class:`Summary` of an effect signed so that a claim of an effect
    predicts a *positive* value (e.g. "the gap at small η minus the gap at large η" for
    "small η overfits more"); ``margin`` :math:`\delta > 0` is the smallest effect that
    would matter, chosen before the experiment. With the interval :math:`[L, U]` and the
    mean :math:`\bar x`, a claim that there **is** an effect (``predicts="effect"``) is

    * **supported**: :math:`L > 0` and :math:`\bar x \ge \delta` — an effect in the
      claimed direction, of a size that matters;
    * **contradicted**: :math:`U < 0` and :math:`\bar x \le -\delta` — the same the
      other way;
    * **not supported**: :math:`-\delta < L` and :math:`U < \delta` — any effect is
      smaller than the margin (the two conditions are *equivalent* for practice);
    * **inconclusive**: anything else — the interval is too wide to decide.

    A claim that there is **no** effect (``predicts="no effect"``, e.g. "Adam's result
    does not depend on η") is *supported* by equivalence (:math:`-\delta < L`,
    :math:`U < \delta`), *contradicted* by an effect that matters in either direction
    (:math:`L > 0` and :math:`\bar x \ge \delta`, or :math:`U < 0` and
    :math:`\bar x \le -\delta`), and *inconclusive* otherwise.
    """
    if not margin > 0:
        raise ValueError(f"margin must be positive, got {margin}")
    if predicts not in ("effect", "no effect"):
        raise ValueError(f"predicts must be 'effect' or 'no effect', got {predicts!r}")
    if not (math.isfinite(effect.low) and math.isfinite(effect.high)):
        return "inconclusive"
    up = effect.low > 0 and effect.mean >= margin
    down = effect.high < 0 and effect.mean <= -margin
    equivalent = -margin < effect.low and effect.high < margin
    if predicts == "no effect":
        return "supported" if equivalent else "contradicted" if up or down else "inconclusive"
    return ("supported" if up else "contradicted" if down else "not supported" if equivalent
            else "inconclusive")


# ======================================================================================
# Running the grid
# ======================================================================================
def grid(**axes) -> list:
    """Every combination of the axes' values, as a list of keyword dicts.

    >>> grid(lr=[0.1, 1.0], batch_size=[8, 32])
    [{'lr': 0.1, 'batch_size': 8}, {'lr': 0.1, 'batch_size': 32}, {'lr': 1.0, 'batch_size': 8}, {'lr': 1.0, 'batch_size': 32}]
    """
    names = list(axes)
    return [dict(zip(names, values)) for values in itertools.product(*axes.values())]


def resample(n_total, size, seed) -> np.ndarray:
    """The indices of a seed's own subset: ``size`` of ``range(n_total)``, no repeats.

    ``X[resample(len(X), 200, seed)]`` is a different 200 rows for each seed, the same
    rows for the same seed — so a trial that draws its data this way varies the data
    between replicates, and every condition of one replicate sees the same data.
    """
    if not (isinstance(size, numbers.Integral) and 0 < size <= n_total):
        raise ValueError(f"size must be an integer in 1..{n_total}, got {size!r}")
    rng = np.random.default_rng([int(seed), 0x5EED])
    return np.sort(rng.choice(n_total, size=size, replace=False))


@dataclass
class ExperimentResult:
    """The metrics of every (condition, seed) cell of :func:`run_experiment`.

    Attributes
    ----------
    conditions : list of dict
        The conditions, in the order given.
    seeds : list of int
        The replicate seeds; replicate ``k`` used ``seeds[k]`` in every condition.
    metrics : dict of str to numpy.ndarray
        For each metric name, an array of shape ``(len(conditions), len(seeds))``; nan
        where the trial failed or did not return that metric.
    errors : list of str
        ``"condition, seed: error"`` for every trial that raised.
    confidence : float
        The coverage of the intervals :meth:`summary` gives.
    """

    conditions: list
    seeds: list
    metrics: dict
    errors: list
    confidence: float = 0.95

    def index(self, condition=None, **keywords) -> int:
        """The position of the condition matching ``condition`` (a dict) or keywords."""
        wanted = dict(condition or {}, **keywords)
        found = [i for i, c in enumerate(self.conditions)
                 if all(k in c and c[k] == v for k, v in wanted.items())]
        if len(found) != 1:
            raise KeyError(f"{wanted} matches {len(found)} conditions, not exactly one; "
                           f"the conditions are {self.conditions}")
        return found[0]

    def values(self, metric, condition=None, **keywords) -> np.ndarray:
        """The per-seed values of ``metric`` in one condition (seed order)."""
        if metric not in self.metrics:
            raise KeyError(f"no metric {metric!r}; the trials returned {sorted(self.metrics)}")
        return self.metrics[metric][self.index(condition, **keywords)]

    def summary(self, metric, condition=None, **keywords) -> Summary:
        """Mean and t interval of ``metric`` over the seeds of one condition."""
        return summarize(self.values(metric, condition, **keywords), self.confidence)

    def difference(self, metric, a, b, transform=None) -> Summary:
        r"""Mean and t interval of the per-seed difference ``a − b`` (paired).

        ``a`` and ``b`` are conditions (dicts of keywords). Replicate ``k`` ran both
        with the same seed — same data subset, same initial weights — so
        :math:`d_k = x_{a,k} - x_{b,k}` cancels what the two share, and its interval is
        narrower than comparing two separate means. ``transform`` (e.g. ``np.log10``) is
        applied to the values first: a difference of logs is a ratio.
        """
        xa, xb = self.values(metric, a), self.values(metric, b)
        if transform is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                xa, xb = transform(xa), transform(xb)
        return summarize(xa - xb, self.confidence)

    def __str__(self):
        """One line per condition: each metric's mean and interval."""
        lines = []
        for i, condition in enumerate(self.conditions):
            cells = "  ".join(f"{name} {summarize(values[i], self.confidence)}"
                              for name, values in self.metrics.items())
            lines.append(f"{condition}: {cells}")
        return "\n".join(lines)


def run_experiment(trial, conditions, seeds=5, executor=None, n_jobs=None, seed=0,
                   confidence=0.95, *, max_retries=2) -> ExperimentResult:
    """Run ``trial(**condition, seed=s)`` for every condition and replicate seed.

    Parameters
    ----------
    trial : callable
        ``trial(**condition, seed=seed)`` runs once and returns a number or a dict of
        numbers (the metrics). It should draw everything random from ``seed``: its data
        subset (:func:`resample`), the initial weights (the trial also runs after
        ``minigrad.manual_seed(seed)``, as in :func:`minigrad.lr_search.grid_search`)
        and the batch order. To run in worker processes it must be picklable: a
        module-level function or a :func:`functools.partial` of one.
    conditions : list of dict
        The conditions (keyword arguments of ``trial``); :func:`grid` makes a product.
    seeds : int or list of int
        The number of replicates (their seeds are derived from ``seed``), or the seeds.
    executor, n_jobs
        Where the trials run, as in :func:`minigrad.lr_search.grid_search`: any
        :class:`concurrent.futures.Executor`, or ``n_jobs`` local processes
        (``n_jobs=1``: one after the other in this process).
    seed : int
        Derives the replicate seeds when ``seeds`` is a number.
    confidence : float
        The coverage of the intervals of the result's summaries (default 0.95).
    max_retries : int, optional, keyword only
        As in :func:`minigrad.lr_search.grid_search`: a trial whose worker process died
        is run again, alone, up to this many times, then recorded as failed.

    Returns
    -------
    ExperimentResult
        Per-metric arrays (conditions × seeds) and summaries.
    """
    conditions = [dict(c) for c in conditions]
    if not conditions:
        raise ValueError("conditions is empty: give at least one dict of keywords")
    if isinstance(seeds, numbers.Integral):
        if seeds < 1:
            raise ValueError(f"seeds must be at least 1, got {seeds}")
        seeds = [trial_seed(seed, k) for k in range(seeds)]
    seeds = [int(s) for s in seeds]
    cells = [(c, s) for c in conditions for s in seeds]
    outcomes = run_trials(functools.partial(_call_cell, trial), cells,
                        [s for _, s in cells], executor, n_jobs, max_retries=max_retries)

    names, errors = [], []
    for (condition, s), (returned, error, _) in zip(cells, outcomes):
        if error is not None:
            errors.append(f"{condition}, seed {s}: {error}")
        elif isinstance(returned, dict):
            names += [k for k in returned if k not in names]
        elif "value" not in names:
            names.append("value")
    metrics = {name: np.full((len(conditions), len(seeds)), np.nan) for name in names}
    for k, (returned, error, _) in enumerate(outcomes):
        if error is None:
            row, col = divmod(k, len(seeds))
            for name, v in (returned.items() if isinstance(returned, dict)
                            else [("value", returned)]):
                metrics[name][row, col] = v
    return ExperimentResult(conditions, seeds, metrics, errors, confidence)


def _call_cell(trial, cell):
    """Run one cell: ``trial(**condition, seed=seed)`` (module level, so it pickles)."""
    condition, seed = cell
    return trial(**condition, seed=seed)
