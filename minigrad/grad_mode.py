"""Grad mode: whether new ops record the graph. One switch per thread, as in PyTorch.

``with minigrad.no_grad():`` turns recording off for the code inside — evaluation,
parameter updates — so no graph is kept and memory stays flat. The switch belongs to the
thread that flips it: a thread evaluating under ``no_grad`` does not stop another thread
from training, which matters when trials of a learning-rate search run on a
``ThreadPoolExecutor``.

Each of ``no_grad()``, ``enable_grad()`` and ``set_grad_enabled(mode)`` is a context
manager and a decorator (``@minigrad.no_grad()`` or bare ``@minigrad.no_grad``), and
puts the previous mode back on the way out, even when an exception leaves the block.
"""

from __future__ import annotations

import functools
import threading


class _GradMode(threading.local):
    enabled = True          # the class attribute is every new thread's starting value


_mode = _GradMode()


def is_grad_enabled() -> bool:
    """True when new ops record the graph (the default, in every thread)."""
    return _mode.enabled


def _set_grad_enabled(enabled: bool) -> None:
    _mode.enabled = bool(enabled)


class _Switch:
    """Sets grad mode to ``mode`` inside a ``with`` block and restores it after; called on
    a function, gives a decorator that does the same around every call."""

    def __init__(self, mode: bool):
        self.mode = bool(mode)

    def __enter__(self):
        self._previous = is_grad_enabled()
        _set_grad_enabled(self.mode)

    def __exit__(self, *exc_info):
        _set_grad_enabled(self._previous)
        return False

    def __call__(self, function):
        mode = self.mode

        @functools.wraps(function)
        def with_mode(*args, **kwargs):
            with _Switch(mode):
                return function(*args, **kwargs)
        return with_mode


class _FixedSwitch(_Switch):
    """A switch to one fixed mode, usable bare (``@no_grad``) or called (``no_grad()``)."""

    MODE = True

    def __new__(cls, function=None):
        return super().__new__(cls) if function is None else _Switch(cls.MODE)(function)

    def __init__(self, function=None):
        super().__init__(self.MODE)


class no_grad(_FixedSwitch):
    """Context manager (and decorator) in which ops build no graph.

    Inside ``with minigrad.no_grad():`` every result has ``requires_grad=False`` and keeps
    no reference to its inputs. In-place updates of parameters go here::

        with minigrad.no_grad():
            for p in model.parameters():
                p -= lr * p.grad
    """

    MODE = False


class enable_grad(_FixedSwitch):
    """Context manager (and decorator) that turns recording back on inside ``no_grad``."""

    MODE = True


class set_grad_enabled(_Switch):
    """Set grad mode to ``mode``: at once when called, restored when used in ``with``.

    ``minigrad.set_grad_enabled(False)`` switches recording off for this thread until it
    is switched on again; ``with minigrad.set_grad_enabled(is_train):`` switches it for
    the block only, as in PyTorch.
    """

    def __init__(self, mode: bool):
        super().__init__(mode)
        self._previous = is_grad_enabled()
        _set_grad_enabled(self.mode)

    def __enter__(self):
        pass                              # __init__ already switched; __exit__ restores

    def __call__(self, function):         # as a decorator: undo __init__'s switch first
        _set_grad_enabled(self._previous)
        return super().__call__(function)
