"""Seeded train / validation / test split."""

import numpy as np

from ._checks import check_pair


def train_val_test_split(X, y, val_fraction=0.15, test_fraction=0.15, seed=0,
                         stratify=False):
    """Shuffle the samples and cut them into training, validation and test sets.

    The sizes are ``n_val = round(val_fraction * n)`` and
    ``n_test = round(test_fraction * n)``; the training set gets the rest.
    The same ``seed`` always gives the same split.

    Parameters
    ----------
    X : array_like, shape (n, ...)
        Inputs, one sample per row.
    y : array_like, shape (n, ...)
        Targets, one per sample.
    val_fraction, test_fraction : float, default 0.15
        Share of the samples for validation and for testing; each in [0, 1),
        together less than 1. A fraction of 0 gives an empty set.
    seed : int or None, default 0
        Seed for ``numpy.random.default_rng``; ``None`` gives a fresh split.
    stratify : bool, default False
        If True, split each class of ``y`` separately, so every set keeps the
        class proportions of the whole (``y`` must hold class labels). Sizes
        are then rounded per class and may differ from the above by a few.

    Returns
    -------
    (X_train, y_train), (X_val, y_val), (X_test, y_test) : tuples of numpy.ndarray
        The three sets, each in shuffled order.

    Raises
    ------
    ValueError
        If a fraction is out of range, the fractions leave no training data,
        or ``X`` and ``y`` differ in length.

    Examples
    --------
    >>> X, y = np.arange(20).reshape(10, 2), np.arange(10)
    >>> (X_tr, y_tr), (X_va, y_va), (X_te, y_te) = train_val_test_split(
    ...     X, y, val_fraction=0.2, test_fraction=0.2)
    >>> len(y_tr), len(y_va), len(y_te)
    (6, 2, 2)
    """
    X, y = check_pair(X, y)
    _check_fractions(val_fraction, test_fraction)
    rng = np.random.default_rng(seed)

    if stratify:
        if y.size != len(y):
            raise ValueError(
                f"stratify=True needs one class label per sample; got y of shape {y.shape}"
            )
        labels = y.reshape(len(y))
        groups = [np.flatnonzero(labels == label) for label in np.unique(labels)]
    else:
        groups = [np.arange(len(y))]
    train, val, test = [], [], []
    for indices in groups:
        indices = rng.permutation(indices)
        n_val = round(val_fraction * len(indices))
        n_test = round(test_fraction * len(indices))
        val.append(indices[:n_val])
        test.append(indices[n_val:n_val + n_test])
        train.append(indices[n_val + n_test:])

    # Shuffle once more so a stratified split does not come out grouped by class.
    train, val, test = (rng.permutation(np.concatenate(part)) for part in (train, val, test))
    if len(train) == 0:
        raise ValueError(
            f"the split leaves no training samples ({len(y)} samples, "
            f"val_fraction={val_fraction}, test_fraction={test_fraction})"
        )
    return (X[train], y[train]), (X[val], y[val]), (X[test], y[test])


def _check_fractions(val_fraction, test_fraction):
    """Raise a clear error unless both fractions are in [0, 1) and sum below 1."""
    for name, value in (("val_fraction", val_fraction), ("test_fraction", test_fraction)):
        if not 0 <= value < 1:
            raise ValueError(f"{name} must be in [0, 1); got {value!r}")
    if val_fraction + test_fraction >= 1:
        raise ValueError(
            f"val_fraction + test_fraction must be below 1 to leave training data; "
            f"got {val_fraction} + {test_fraction} = {val_fraction + test_fraction}"
        )
