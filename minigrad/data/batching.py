r"""Mini-batches with seeded shuffling: a ``batches`` generator and a ``DataLoader``.

Mini-batch stochastic gradient descent estimates the gradient on a small random
batch :math:`B_t` of the data at each step,

.. math::

    g_t = \frac{1}{|B_t|} \sum_{i \in B_t} \nabla_\theta \ell(x_i, y_i; \theta_t),

visiting every sample once per epoch in a fresh random order. Article 001 (§4.2)
trains on MNIST with PyTorch's ``DataLoader(dataset, batch_size=100, shuffle=True)``;
here the same loop reads ``DataLoader(X, y, batch_size=100, shuffle=True)``.
"""

import numpy as np

from ._checks import check_pair


def batches(X, y, batch_size, shuffle=True, seed=None, drop_last=False):
    """Iterate over ``(X_batch, y_batch)`` pairs covering the data once (one epoch).

    The arguments are checked and the order is drawn when ``batches`` is
    called, so a mistake shows up on that line, not at the first batch.

    Parameters
    ----------
    X : array_like, shape (n, ...)
        Inputs, one sample per row.
    y : array_like, shape (n, ...)
        Targets, one per sample.
    batch_size : int
        Samples per batch. The last batch is smaller when ``batch_size`` does
        not divide ``n``, unless ``drop_last`` is set.
    shuffle : bool, default True
        Visit the samples in a random order; otherwise in their stored order.
    seed : int, sequence of int or None, default None
        Seed for ``numpy.random.default_rng``, so the same seed gives the same
        order. ``None`` gives a fresh order each call.
    drop_last : bool, default False
        Skip the final batch if it is smaller than ``batch_size``.

    Returns
    -------
    iterator of (X_batch, y_batch)
        Rows of ``X`` and ``y`` for each batch (copies, safe to modify).

    Examples
    --------
    >>> X, y = np.arange(10).reshape(5, 2), np.arange(5)
    >>> [len(yb) for _, yb in batches(X, y, batch_size=2, seed=0)]
    [2, 2, 1]
    """
    X, y = check_pair(X, y)
    _check_batch_size(batch_size, len(y))
    if shuffle:
        order = np.random.default_rng(seed).permutation(len(y))
    else:
        order = np.arange(len(y))
    return _take_batches(X, y, order, batch_size, drop_last)


def _take_batches(X, y, order, batch_size, drop_last):
    """Yield the rows of ``X`` and ``y`` listed in ``order``, ``batch_size`` at a time."""
    stop = len(order) - batch_size + 1 if drop_last else len(order)
    for start in range(0, stop, batch_size):
        index = order[start:start + batch_size]
        yield X[index], y[index]


class DataLoader:
    """Iterate over the data in mini-batches, one epoch per ``for`` loop.

    Each pass (each ``iter(loader)``) is a new epoch with a new order. Epoch
    ``k``'s order depends only on ``seed`` and ``k``, so a run that restores
    :meth:`state_dict` continues with exactly the orders it would have seen.

    Parameters
    ----------
    X : array_like, shape (n, ...)
        Inputs, one sample per row.
    y : array_like, shape (n, ...)
        Targets, one per sample.
    batch_size : int, default 32
        Samples per batch.
    shuffle : bool, default True
        Reshuffle at the start of every epoch.
    seed : int or None, default 0
        Seed of the shuffling. ``None`` picks a random seed, kept in ``self.seed``
        so the run can still be repeated.
    drop_last : bool, default False
        Skip each epoch's final batch if it is smaller than ``batch_size``.

    Attributes
    ----------
    epoch : int
        The epoch the next ``for`` loop will run (0 at first).

    Examples
    --------
    >>> X, y = np.arange(20).reshape(10, 2), np.arange(10)
    >>> loader = DataLoader(X, y, batch_size=4, seed=0)
    >>> len(loader)
    3
    >>> for X_batch, y_batch in loader:
    ...     pass                          # one training step per batch
    >>> loader.state_dict()
    {'seed': 0, 'epoch': 1}
    """

    def __init__(self, X, y, batch_size=32, shuffle=True, seed=0, drop_last=False):
        self.X, self.y = check_pair(X, y)
        _check_batch_size(batch_size, len(self.y))
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.seed = int(np.random.default_rng().integers(2**32)) if seed is None else seed
        self.epoch = 0

    def __iter__(self):
        # Seeding with the pair (seed, epoch) makes each epoch's order
        # independent of how many epochs ran before it in this process.
        epoch_seed = (self.seed, self.epoch)
        self.epoch += 1
        return batches(self.X, self.y, self.batch_size, shuffle=self.shuffle,
                       seed=epoch_seed, drop_last=self.drop_last)

    def __len__(self):
        """Number of batches per epoch."""
        if self.drop_last:
            return len(self.y) // self.batch_size
        return -(-len(self.y) // self.batch_size)  # ceil(n / batch_size)

    def state_dict(self):
        """Return what decides the coming orders: ``{"seed": ..., "epoch": ...}``."""
        return {"seed": self.seed, "epoch": self.epoch}

    def load_state_dict(self, state):
        """Continue from a :meth:`state_dict`: the next epoch is ``state["epoch"]``."""
        missing = {"seed", "epoch"} - set(state)
        if missing:
            raise KeyError(
                f"DataLoader state is missing {sorted(missing)}; got keys {sorted(state)}"
            )
        if int(state["epoch"]) < 0:
            raise ValueError(f"epoch must be >= 0; got {state['epoch']!r}")
        self.seed = int(state["seed"])
        self.epoch = int(state["epoch"])


def _check_batch_size(batch_size, n_samples):
    """Raise a clear error for a bad ``batch_size`` or an empty data set."""
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
            or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer; got {batch_size!r}")
    if n_samples == 0:
        raise ValueError("cannot make batches from an empty data set (X and y have 0 samples)")
