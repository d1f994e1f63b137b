"""Synthetic regression data: article 001's house prices and a general ``make_regression``.

Both return plain numpy arrays, with targets as a column ``(n, 1)`` so that they
line up with the output of a ``Linear(in_features, 1)`` layer.
"""

import numpy as np


def make_house_prices(n=100, noise=0.1, seed=0, dtype=np.float64):
    r"""The house-price data of article 001 (§4.1), reproduced bit for bit.

    .. math::

        x_i \sim \mathcal{U}[0, 1), \qquad
        y_i = 2 x_i + 1 + \sigma\,\varepsilon_i, \qquad
        \varepsilon_i \sim \mathcal{N}(0, 1)

    The article writes::

        np.random.seed(0)
        X = np.random.rand(100, 1)
        y = 2 * X + 1 + np.random.randn(100, 1) * 0.1

    This function draws the same numbers in the same order from numpy's legacy
    ``RandomState(seed)`` (the generator behind ``np.random.seed``), so with the
    defaults it returns exactly the article's arrays — without touching numpy's
    global random state.

    Parameters
    ----------
    n : int, default 100
        Number of samples.
    noise : float, default 0.1
        Standard deviation :math:`\sigma` of the Gaussian noise.
    seed : int, default 0
        Seed for ``numpy.random.RandomState``.
    dtype : numpy dtype, default float64
        Data type of the returned arrays. float64 is what the article computes;
        use ``np.float32`` to match minigrad's default tensor dtype.

    Returns
    -------
    X : numpy.ndarray, shape (n, 1)
        Inputs in [0, 1).
    y : numpy.ndarray, shape (n, 1)
        Targets, ``2 * X + 1`` plus noise.

    Examples
    --------
    >>> X, y = make_house_prices()
    >>> X.shape, y.shape
    ((100, 1), (100, 1))
    """
    _check_count("n", n)
    _check_noise(noise)
    rng = np.random.RandomState(seed)
    X = rng.rand(n, 1)
    y = 2 * X + 1 + rng.randn(n, 1) * noise
    return X.astype(dtype, copy=False), y.astype(dtype, copy=False)


def make_regression(n_samples=100, n_features=1, noise=0.1, bias=0.0, weights=None,
                    seed=0, dtype=np.float32):
    r"""Random linear-regression data with known true weights.

    .. math::

        \mathbf{x}_i \sim \mathcal{N}(0, I), \qquad
        y_i = \mathbf{x}_i^\top \mathbf{w} + b + \sigma\,\varepsilon_i, \qquad
        \varepsilon_i \sim \mathcal{N}(0, 1)

    Parameters
    ----------
    n_samples : int, default 100
        Number of samples :math:`n`.
    n_features : int, default 1
        Number of input features :math:`d`.
    noise : float, default 0.1
        Standard deviation :math:`\sigma` of the Gaussian noise on the targets.
    bias : float, default 0.0
        The intercept :math:`b`.
    weights : array_like of shape (n_features,) or (n_features, 1), optional
        The true weights :math:`\mathbf{w}`. Drawn from :math:`\mathcal{N}(0, 1)`
        when not given.
    seed : int or None, default 0
        Seed for ``numpy.random.default_rng``; ``None`` gives fresh randomness.
    dtype : numpy dtype, default float32
        Data type of ``X``, ``y`` and the returned weights.

    Returns
    -------
    X : numpy.ndarray, shape (n_samples, n_features)
    y : numpy.ndarray, shape (n_samples, 1)
    true_weights : numpy.ndarray, shape (n_features, 1)
        The :math:`\mathbf{w}` used, so a fitted model can be compared with it.

    Examples
    --------
    >>> X, y, w = make_regression(n_samples=50, n_features=3, bias=1.0)
    >>> X.shape, y.shape, w.shape
    ((50, 3), (50, 1), (3, 1))
    """
    _check_count("n_samples", n_samples)
    _check_count("n_features", n_features)
    _check_noise(noise)
    rng = np.random.default_rng(seed)
    if weights is None:
        w = rng.standard_normal((n_features, 1))
    else:
        w = np.asarray(weights, dtype=np.float64)
        if w.size != n_features or w.ndim > 2:
            raise ValueError(
                f"weights must hold one value per feature (n_features={n_features}); "
                f"got shape {w.shape}"
            )
        w = w.reshape(n_features, 1)
    X = rng.standard_normal((n_samples, n_features))
    y = X @ w + bias + noise * rng.standard_normal((n_samples, 1))
    return X.astype(dtype), y.astype(dtype), w.astype(dtype)


def _check_count(name, value):
    """Raise a clear error unless ``value`` is a positive integer."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer; got {value!r}")


def _check_noise(noise):
    """Raise a clear error unless ``noise`` is a finite number >= 0."""
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite number >= 0; got {noise!r}")
