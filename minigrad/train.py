"""A small training loop that the lessons share: :func:`fit`.

One step of mini-batch gradient descent is always the same five lines,

.. code-block:: python

    optimizer.zero_grad()               # forget the last step's gradients
    loss = loss_fn(model(X_batch), y_batch)
    loss.backward()                     # ∂loss/∂θ into every parameter's .grad
    optimizer.step()                    # θ ← θ − η · (the optimizer's direction)
    scheduler.step()                    # the next η (per step or per epoch)

and :func:`fit` runs them over the batches of every epoch, evaluates on validation data
after each epoch, and records everything in a :class:`History`. A learning rate that is
too large makes the loss grow without bound; ``fit`` notices (a loss that is not finite,
or that exceeds a limit) and stops with ``history.diverged = True`` and a warning,
so a lesson can show divergence as a result instead of crashing.
"""

from __future__ import annotations

import inspect
import math
import numbers
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from minigrad.data import DataLoader
from minigrad.random import generator
from minigrad.tensor import Tensor, no_grad


class DivergenceWarning(RuntimeWarning):
    """Training stopped because the loss diverged (filter it in a learning-rate sweep)."""


@dataclass
class History:
    """What happened during :func:`fit`.

    Attributes
    ----------
    step_loss : list of float
        The training loss of every step (mini-batch), before that step's update.
    step_lr : list of float
        The learning rate each step used (of the first parameter group).
    epoch_loss : list of float
        The mean training loss of each completed epoch (weighted by batch size).
    epoch_lr : list of float
        The learning rate at the start of each epoch.
    val_loss : list of float
        The loss on the validation data after each epoch (if ``val_data`` was given).
    val_metric : list of float
        ``metric`` on the validation data after each epoch (if both were given).
    diverged : bool
        True when training stopped early because the loss diverged.
    stop_reason : str
        ``"completed"``, or why training stopped.
    """

    step_loss: list = field(default_factory=list)
    step_lr: list = field(default_factory=list)
    epoch_loss: list = field(default_factory=list)
    epoch_lr: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_metric: list = field(default_factory=list)
    diverged: bool = False
    stop_reason: str = ""


def accuracy(output, target) -> float:
    """The fraction of rows whose largest score is at the target class.

    ``output`` holds scores (N, C) (a Tensor or array), ``target`` the classes (N,).
    """
    scores = output.array if isinstance(output, Tensor) else np.asarray(output)
    labels = target.array if isinstance(target, Tensor) else np.asarray(target)
    return float(np.mean(np.argmax(scores, axis=1) == labels))


def fit(model, loss_fn, optimizer, train_data, epochs: int = 1, *, batch_size: int = 32,
        shuffle: bool = True, seed: int | None = None, scheduler=None,
        scheduler_interval: str = "epoch", val_data=None, metric=None,
        max_loss: float | None = None, divergence_factor: float | None = 1e4,
        progress: bool | None = None) -> History:
    """Train ``model`` for ``epochs`` passes over ``train_data``; return a :class:`History`.

    Parameters
    ----------
    model : callable
        Maps an input batch (a Tensor) to outputs, e.g. a :class:`minigrad.nn.Module`
        (switched to ``train()`` for training and ``eval()`` for validation).
    loss_fn : callable
        ``loss_fn(outputs, targets)`` → a scalar Tensor; the targets are numpy arrays.
    optimizer : minigrad.optim.Optimizer
        Updates the parameters; ``param_groups[0]["lr"]`` is recorded as the learning rate.
    train_data : (X, y) or minigrad.data.DataLoader
        A pair of numpy arrays, batched here with :class:`minigrad.data.DataLoader`
        (``batch_size``, ``shuffle``, ``seed``), or any re-iterable of ``(X_batch,
        y_batch)`` pairs giving one epoch per ``for`` loop. Pass your own ``DataLoader``
        to resume a run: its ``state_dict()`` remembers which epoch comes next.
    epochs : int
        Passes over the data.
    batch_size, shuffle : int, bool
        Used only when ``train_data`` is ``(X, y)``.
    seed : int, optional
        The seed of the shuffling when ``train_data`` is ``(X, y)``. By default it is
        drawn from minigrad's generator, so :func:`minigrad.manual_seed` decides it.
    scheduler : learning-rate scheduler, optional
        Stepped after every epoch, or after every step with ``scheduler_interval="step"``.
        A scheduler whose ``step`` needs a value (``ReduceLROnPlateau``) gets the
        validation loss if there is validation data, else the epoch's training loss
        (the step's loss when stepping per step — the loss computed *before* that
        step's update, which is one step late for
        :class:`~minigrad.optim.lr_scheduler.LossRatioLR`; see its notes).
    scheduler_interval : {"epoch", "step"}
        When the scheduler steps (default: ``"epoch"``).
    val_data : (X, y), optional
        Evaluated after each epoch, in one batch, without building a graph.
    metric : callable, optional
        ``metric(outputs, targets)`` → float on the validation data, e.g. :func:`accuracy`.
    max_loss : float, optional
        Stop (diverged) when a step's loss exceeds it.
    divergence_factor : float or None
        Stop (diverged) when a step's loss exceeds this multiple of the first step's
        loss (default 10⁴; None turns it off). A loss that is nan or ±inf always stops.
    progress : bool, optional
        Show a tqdm progress bar. By default only when stderr is a terminal.

    Returns
    -------
    History
        The losses, learning rates and metrics, and whether training diverged.

    Raises
    ------
    ValueError
        If the inputs or targets contain nan or inf (checked up front for ``(X, y)``
        pairs and ``val_data``, and on the batch whose loss was not finite for a
        DataLoader): that is a data problem, not divergence.
    """
    if scheduler_interval not in ("epoch", "step"):
        raise ValueError(f"scheduler_interval must be 'epoch' or 'step'; "
                         f"got {scheduler_interval!r}")
    if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral) or epochs < 0:
        raise ValueError(f"epochs must be a non-negative integer; got {epochs!r}")
    batches = _as_batches(train_data, batch_size, shuffle, seed)
    if val_data is not None:
        val_data = _check_pair("val_data", val_data)
        _check_finite("val_data", *val_data)
    history = History()
    limit = _LossLimit(max_loss, divergence_factor)
    step_scheduler = _scheduler_stepper(scheduler)
    bar = _progress_bar(progress, total=_steps(batches, epochs))

    try:
        for epoch in range(epochs):
            _set_mode(model, training=True)
            history.epoch_lr.append(_lr(optimizer))
            loss_sum, n_samples = 0.0, 0
            for X_batch, y_batch in batches:
                history.step_lr.append(_lr(optimizer))
                optimizer.zero_grad()
                loss = loss_fn(model(Tensor(X_batch)), y_batch)
                value = _loss_value(loss)
                history.step_loss.append(value)
                problem = limit.check(value)
                if problem and not math.isfinite(value):
                    _check_finite(f"the batch of step {len(history.step_loss)}",
                                  X_batch, y_batch)    # bad data is not a bad lr
                if problem:
                    return _stop(history, f"{problem} at epoch {epoch + 1}, step "
                                          f"{len(history.step_loss)}")
                loss.backward()
                optimizer.step()
                if scheduler_interval == "step":
                    step_scheduler(value)
                loss_sum += value * len(y_batch)
                n_samples += len(y_batch)
                bar.update(1)
                bar.set_postfix(loss=f"{value:.4g}", refresh=False)
            history.epoch_loss.append(loss_sum / max(n_samples, 1))

            plateau_value = history.epoch_loss[-1]
            if val_data is not None:
                val_loss, val_metric = evaluate(model, loss_fn, val_data, metric)
                history.val_loss.append(val_loss)
                if metric is not None:
                    history.val_metric.append(val_metric)
                if not math.isfinite(val_loss):
                    return _stop(history, f"validation loss is {val_loss} after epoch "
                                          f"{epoch + 1}")
                plateau_value = val_loss
            if scheduler_interval == "epoch":
                step_scheduler(plateau_value)
    finally:
        bar.close()
    history.stop_reason = "completed"
    return history


def evaluate(model, loss_fn, data, metric=None) -> tuple:
    """``(loss, metric)`` of ``model`` on ``data = (X, y)``, in eval mode and without a graph.

    ``metric`` is None when no metric function is given.
    """
    X, y = _check_pair("data", data)
    was_training = getattr(model, "training", True)
    _set_mode(model, training=False)
    try:
        with no_grad():
            outputs = model(Tensor(X))
            loss = _loss_value(loss_fn(outputs, y))
        return loss, (None if metric is None else float(metric(outputs, y)))
    finally:
        _set_mode(model, training=was_training)


# ---------------------------------------------------------------------------------------
# Divergence
# ---------------------------------------------------------------------------------------
class _LossLimit:
    """Decides when a loss means training has diverged."""

    def __init__(self, max_loss, factor):
        self.max_loss = max_loss
        self.factor = factor
        self.first_loss = None

    def check(self, loss: float) -> str:
        """A description of the problem with ``loss``, or ``""`` if it is fine."""
        if not math.isfinite(loss):
            return f"loss is {loss}"
        if self.first_loss is None:
            self.first_loss = loss
        if self.max_loss is not None and loss > self.max_loss:
            return f"loss {loss:.4g} exceeds max_loss={self.max_loss:g}"
        if self.factor is not None and self.first_loss > 0 \
                and loss > self.factor * self.first_loss:
            return (f"loss {loss:.4g} exceeds {self.factor:g} × the first loss "
                    f"({self.first_loss:.4g})")
        return ""


def _stop(history: History, reason: str) -> History:
    history.diverged = True
    history.stop_reason = f"diverged: {reason}"
    warnings.warn(f"training stopped, the loss diverged: {reason}. Try a smaller "
                  "learning rate.", DivergenceWarning, stacklevel=3)
    return history


# ---------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------
def _check_pair(name: str, data) -> tuple:
    if not (isinstance(data, (tuple, list)) and len(data) == 2):
        raise TypeError(f"{name} must be a pair (X, y) of arrays; got {type(data).__name__}")
    X, y = (np.asarray(a.array if isinstance(a, Tensor) else a) for a in data)
    if len(X) != len(y):
        raise ValueError(f"{name}: X has {len(X)} samples but y has {len(y)}")
    return X, y


def _check_finite(name: str, X, y) -> None:
    """Refuse inputs or targets holding nan or inf: no learning rate can fix those."""
    for part, values in (("X", X), ("y", y)):
        values = np.asarray(values.array if isinstance(values, Tensor) else values)
        if values.dtype.kind not in "fc":
            continue
        bad = ~np.isfinite(values)
        if bad.any():
            rows = np.flatnonzero(bad.reshape(len(values), -1).any(axis=1)) if values.ndim \
                else np.array([0])
            kinds = " and ".join(k for k, present in (("nan", np.isnan(values).any()),
                                                      ("inf", np.isinf(values).any()))
                                 if present)
            raise ValueError(f"{name}: {part} contains {kinds} ({int(bad.sum())} value(s), "
                             f"in {len(rows)} sample(s), the first at index {rows[0]}). "
                             "The loss cannot be finite on such data, whatever the "
                             "learning rate: clean or impute it first (np.isfinite "
                             "finds the values)")


def _as_batches(train_data, batch_size, shuffle, seed):
    """An iterable giving one epoch of ``(X_batch, y_batch)`` per ``for`` loop."""
    if isinstance(train_data, (tuple, list)):
        X, y = _check_pair("train_data", train_data)
        _check_finite("train_data", X, y)
        if seed is None:
            seed = int(generator().integers(2**32))
        return DataLoader(X, y, batch_size=batch_size, shuffle=shuffle, seed=seed)
    if isinstance(train_data, Iterator):
        raise TypeError("train_data is an iterator, which runs out after one epoch; pass "
                        "(X, y), a DataLoader or another re-iterable object")
    return train_data


def _steps(batches, epochs: int):
    """Total number of steps, if the batches know their length (for the progress bar)."""
    try:
        return epochs * len(batches)
    except TypeError:
        return None


def _loss_value(loss) -> float:
    if not isinstance(loss, Tensor) or loss.numel() != 1:
        shape = loss.shape if isinstance(loss, Tensor) else type(loss).__name__
        raise TypeError(f"loss_fn must return a one-element Tensor; got {shape} "
                        "(use reduction='mean' or 'sum')")
    return float(loss.item())


def _lr(optimizer) -> float:
    return float(optimizer.param_groups[0]["lr"])


def _set_mode(model, training: bool) -> None:
    if hasattr(model, "train"):
        model.train(training)


def _scheduler_stepper(scheduler):
    """A function ``f(value)`` that steps the scheduler (and does nothing without one).

    It calls ``scheduler.step(value)`` when ``step`` has a required argument (the metric
    of ``ReduceLROnPlateau`` or a loss-driven rule), else ``scheduler.step()``.
    """
    if scheduler is None:
        return lambda value: None
    wants_value = any(p.default is p.empty and p.kind in (p.POSITIONAL_ONLY,
                                                          p.POSITIONAL_OR_KEYWORD)
                      for p in inspect.signature(scheduler.step).parameters.values())
    if wants_value:
        return scheduler.step
    return lambda value: scheduler.step()


class _NoBar:
    """Stands in for a tqdm bar when none is shown."""

    def update(self, n=1):
        pass

    def set_postfix(self, **kwargs):
        pass

    def close(self):
        pass


def _progress_bar(progress, total):
    if progress is None:
        progress = sys.stderr.isatty()
    if not progress:
        return _NoBar()
    from tqdm.auto import tqdm
    return tqdm(total=total, unit="step", leave=False)
