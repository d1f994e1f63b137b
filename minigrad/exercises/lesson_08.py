"""Exercises of lesson 08: choosing η by search."""

import numpy as np

from minigrad.exercises import exercise
from minigrad.lr_search import random_search


@exercise(
    "08", "log-uniform-share", "Uniform or log-uniform draws?",
    question=r"""
    Draw 400 learning rates in $[10^{-4}, 1]$ with
    :func:`minigrad.lr_search.random_search`, once with ``log=False`` and once with
    ``log=True`` (a trial that just returns 0 is enough; ``n_jobs=1`` runs it here). What
    share of each lands in
    the top decade $[0.1, 1]$, and what share below $10^{-2}$?
    """,
    hint=r"""
    Uniform: the share of an interval is its length over 1 − 10⁻⁴. Log-uniform: each of
    the four decades gets a quarter.
    """,
    answer=r"""
    Uniform: about 90 % of the draws in the top decade and only about 1 % below
    $10^{-2}$ — two whole decades almost never tried. Log-uniform: about 25 % in each
    decade. Since $10^{-4}$ and $10^{-3}$ differ as much as 0.1 and 1 for training, a
    learning rate is searched on a log scale.
    """)
def log_uniform_share():
    shares = {}
    for log in (False, True):
        search = random_search(lambda lr: 0.0, 1e-4, 1.0, n=400, log=log, seed=0, n_jobs=1)
        lrs = np.array([trial.lr for trial in search.results])
        shares[log] = (np.mean(lrs >= 0.1), np.mean(lrs < 0.01))
    assert 0.86 < shares[False][0] < 0.94 and shares[False][1] < 0.03
    assert 0.2 < shares[True][0] < 0.3 and 0.44 < shares[True][1] < 0.56
    return shares


@exercise(
    "08", "grid-or-random-2d", "A 4×4 grid or 16 random points?",
    question=r"""
    Search η (log scale, $[10^{-4}, 1]$) and the batch size (16, 32, 64, 128) together
    with 16 trials: a 4×4 grid or 16 random points. How many distinct η does each try?
    If only η matters and the best η is somewhere in the range (log-uniformly), how
    close does each get to it, over 1000 such problems?
    """,
    hint=r"""
    The grid repeats each of its four η values for every batch size. Measure the
    distance in decades, $\lvert\log_{10}\eta - \log_{10}\eta^*\rvert$.
    """,
    answer=r"""
    The grid tries 4 distinct η, the random points 16. The grid's closest η is on
    average 0.34 decades from the best (its four values, ``logspace(-4, 0, 4)``, are
    $4/3$ of a decade apart), the random search's 0.12 — almost three times closer:
    with one important hyperparameter out of two, random search tries four times as
    many values of it (Bergstra and Bengio's argument).
    """)
def grid_or_random_2d():
    rng = np.random.default_rng(0)
    grid_eta = np.repeat(np.linspace(-4, 0, 4), 4)              # log10 η, 4 × 4 grid
    best = rng.uniform(-4, 0, size=1000)                        # log10 η* per problem
    grid_gap = np.abs(grid_eta[None, :] - best[:, None]).min(axis=1)
    random_eta = rng.uniform(-4, 0, size=(1000, 16))
    random_gap = np.abs(random_eta - best[:, None]).min(axis=1)
    assert len(set(grid_eta)) == 4 and len(set(random_eta[0])) == 16
    assert round(grid_gap.mean(), 2) == 0.34 and round(random_gap.mean(), 2) == 0.12
    return grid_gap.mean(), random_gap.mean()
