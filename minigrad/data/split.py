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
        class proportions of the whole (``y`` must hold class labels: integers,
        strings or booleans, or floats that are whole numbers). The sizes are
        the same as without it: each class gives a set the whole part of its
        share, and the leftover places go to the classes with the largest
        remainders (ties drawn with ``seed``), so every class's count is its
        share rounded down or up.

    Returns
    -------
    (X_train, y_train), (X_val, y_val), (X_test, y_test) : tuples of numpy.ndarray
        The three sets, each in shuffled order.

    Raises
    ------
    ValueError
        If a fraction is out of range, the fractions leave no training data,
        ``X`` and ``y`` differ in length, or ``stratify=True`` is given targets
        that are not class labels (continuous values, or every sample its own
        class).

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

    n_val, n_test = round(val_fraction * len(y)), round(test_fraction * len(y))
    groups = _classes(y) if stratify else [np.arange(len(y))]
    sizes = np.array([len(g) for g in groups])
    val_counts = _apportion(n_val, val_fraction * sizes, sizes, rng)
    test_counts = _apportion(n_test, test_fraction * sizes, sizes - val_counts, rng)
    train, val, test = [], [], []
    for indices, k_val, k_test in zip(groups, val_counts, test_counts):
        indices = rng.permutation(indices)
        val.append(indices[:k_val])
        test.append(indices[k_val:k_val + k_test])
        train.append(indices[k_val + k_test:])

    # Shuffle once more so a stratified split does not come out grouped by class.
    train, val, test = (rng.permutation(np.concatenate(part)) for part in (train, val, test))
    if len(train) == 0:
        raise ValueError(
            f"the split leaves no training samples ({len(y)} samples, "
            f"val_fraction={val_fraction}, test_fraction={test_fraction})"
        )
    return (X[train], y[train]), (X[val], y[val]), (X[test], y[test])


def _classes(y):
    """The indices of each class of ``y``, refusing targets that are not labels."""
    if y.size != len(y):
        raise ValueError(
            f"stratify=True needs one class label per sample; got y of shape {y.shape}"
        )
    labels = y.reshape(len(y))
    if labels.dtype.kind in "fc" and not np.all(np.mod(labels, 1) == 0):
        raise ValueError(
            "stratify=True needs class labels, but y holds continuous values "
            f"({labels.dtype} with fractional parts, e.g. {labels[np.mod(labels, 1) != 0][0]!r}); "
            "stratify on binned targets (np.digitize) or pass stratify=False"
        )
    classes, counts = np.unique(labels, return_counts=True)
    if len(y) > 1 and counts.max() == 1:
        raise ValueError(
            f"stratify=True: each of the {len(y)} samples is a class of its own, so "
            "there is nothing to stratify; are these class labels?"
        )
    return [np.flatnonzero(labels == label) for label in classes]


def _apportion(total, shares, capacity, rng):
    """Whole counts, one per class, summing to ``total``: the whole part of each share,
    then one more for the classes with the largest remainders (ties in random order),
    never more than a class's ``capacity`` (largest-remainder rounding)."""
    counts = np.minimum(np.floor(shares).astype(np.int64), capacity)
    remainders = shares - counts
    order = rng.permutation(len(shares))
    order = order[np.argsort(-remainders[order], kind="stable")]
    while counts.sum() < total:
        room = order[counts[order] < capacity[order]]
        if len(room) == 0:                 # cannot happen while total <= capacity.sum()
            raise ValueError(f"cannot place {total} samples in classes of sizes {capacity}")
        counts[room[:total - counts.sum()]] += 1
    return counts


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
