r"""Datasets and batches with PyTorch's names: ``torch.utils.data`` for minigrad.

A *dataset* is anything with ``len(dataset)`` and ``dataset[i]`` (one sample, e.g. an
``(x, y)`` pair). A :class:`DataLoader` cuts it into mini-batches: each epoch it visits
the indices ``0 … n-1`` (in a fresh random order with ``shuffle=True``), takes
``batch_size`` samples at a time and *collates* them — stacks the i-th field of every
sample into one tensor with a new first axis of length ``batch_size``.

For data that is already two arrays, :class:`minigrad.data.DataLoader` ``(X, y, …)``
does the same in one step.
"""

from __future__ import annotations

import numbers

import numpy as np

from minigrad.random import generator
from minigrad.tensor import Tensor

__all__ = ["Dataset", "TensorDataset", "DataLoader", "default_collate"]


class Dataset:
    """Base class of map-style datasets: subclasses define ``__getitem__`` and
    ``__len__`` (as ``torch.utils.data.Dataset``)."""

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __len__")


class TensorDataset(Dataset):
    """Sample ``i`` is ``(t[i] for t in tensors)``; every tensor has the same first
    dimension (as ``torch.utils.data.TensorDataset``)."""

    def __init__(self, *tensors):
        sizes = {t.shape[0] for t in tensors}
        if len(sizes) != 1:
            raise ValueError(f"Size mismatch between tensors: first dimensions "
                             f"{[t.shape[0] for t in tensors]}")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self):
        return self.tensors[0].shape[0]


def default_collate(samples: list):
    """Stack a list of samples into a batch: tensors and arrays along a new first axis,
    numbers into a 1-D tensor, tuples/lists/dicts field by field."""
    first = samples[0]
    if isinstance(first, Tensor):
        return Tensor._wrap(np.stack([s.array for s in samples]))
    if isinstance(first, np.ndarray):
        return Tensor._wrap(np.stack(samples))
    if isinstance(first, numbers.Number):
        return Tensor(samples)
    if isinstance(first, dict):
        return {key: default_collate([s[key] for s in samples]) for key in first}
    if isinstance(first, (tuple, list)):
        return [default_collate(list(field)) for field in zip(*samples)]
    raise TypeError(f"default_collate: cannot batch samples of type {type(first).__name__}")


class DataLoader:
    """Mini-batches of a dataset, as ``torch.utils.data.DataLoader``.

    Parameters
    ----------
    dataset : Dataset
        Anything with ``len`` and integer indexing.
    batch_size : int, default 1
    shuffle : bool, default False
        A new random order each epoch, from minigrad's seeded generator
        (:func:`minigrad.manual_seed`) — not the same order PyTorch would draw.
    drop_last : bool, default False
        Skip a last batch smaller than ``batch_size``.
    collate_fn : callable, default :func:`default_collate`
    num_workers : int
        Accepted and ignored: batches are made in this process.

    ``sampler``, ``batch_sampler`` and ``generator`` are not supported (they raise).
    """

    def __init__(self, dataset, batch_size: int = 1, shuffle: bool = False,
                 sampler=None, batch_sampler=None, num_workers: int = 0,
                 collate_fn=None, pin_memory: bool = False, drop_last: bool = False,
                 generator=None, **kwargs):
        if sampler is not None or batch_sampler is not None or generator is not None:
            raise NotImplementedError("DataLoader: sampler, batch_sampler and generator "
                                      "are not supported; use shuffle=True")
        if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral) \
                or batch_size < 1:
            raise ValueError(f"batch_size should be a positive integer value, but got "
                             f"batch_size={batch_size}")
        self.dataset, self.batch_size = dataset, int(batch_size)
        self.shuffle, self.drop_last = bool(shuffle), bool(drop_last)
        self.collate_fn = collate_fn or default_collate
        self.num_workers = num_workers

    def __len__(self) -> int:
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self):
        n = len(self.dataset)
        order = generator().permutation(n) if self.shuffle else np.arange(n)
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            indices = order[start:start + self.batch_size]
            yield self.collate_fn([self.dataset[int(i)] for i in indices])
