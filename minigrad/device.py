"""Devices: minigrad computes on the CPU, with numpy, and says so when asked for more.

PyTorch code names devices everywhere (``device="cpu"``, ``x.to(device)``,
``torch.cuda.is_available()``). minigrad accepts the CPU in all those places, so such
code runs unchanged, and refuses any other device with an error rather than quietly
computing somewhere else than the code asked.
"""

from __future__ import annotations

import numbers


class device:  # noqa: N801 - PyTorch's name
    """A device, as ``torch.device``: only ``"cpu"`` (optionally ``"cpu:0"``) exists here."""

    def __init__(self, type_or_name="cpu", index=None):
        if isinstance(type_or_name, device):
            type_or_name = str(type_or_name)
        name = str(type_or_name)
        kind, _, number = name.partition(":")
        if kind != "cpu":
            raise RuntimeError(
                f"minigrad runs on the CPU only; device {name!r} is not available "
                "(minigrad.cuda.is_available() is False). Use device='cpu'.")
        if number not in ("", "0") or index not in (None, 0):
            raise RuntimeError(f"there is one CPU device (cpu:0), not {name!r}")
        self.type, self.index = "cpu", None

    def __repr__(self):
        return "device(type='cpu')"

    def __str__(self):
        return "cpu"

    def __eq__(self, other):
        return isinstance(other, (device, str)) and str(other).partition(":")[0] == "cpu"

    def __hash__(self):
        return hash("cpu")


CPU = device("cpu")
_default = CPU


def check(value) -> device:
    """``value`` (None, a name or a device) as the CPU device, or the error for any other."""
    return CPU if value is None else device(value)


def set_default_device(value) -> None:
    """Accept ``"cpu"`` (the only device); refuse any other."""
    check(value)


def get_default_device() -> device:
    return _default


def parse_to(*args, **kwargs):
    """The dtype a ``to(...)`` call asks for (None: keep it), checking any device on the way.

    Accepts PyTorch's forms, for tensors and modules alike: ``to(dtype)``, ``to(device)``,
    ``to(device, dtype)``, ``to(other_tensor)``, and the keywords ``device=``, ``dtype=``,
    ``non_blocking=``, ``copy=``. Any device but the CPU is refused.
    """
    from minigrad import dtypes
    from minigrad.tensor import Tensor
    dtype = kwargs.pop("dtype", None)
    check(kwargs.pop("device", None))
    kwargs.pop("non_blocking", None)
    kwargs.pop("copy", None)
    if kwargs:
        raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
    for arg in args:
        if isinstance(arg, Tensor):
            dtype = arg.dtype
        elif isinstance(arg, (str, device)):
            check(arg)
        elif isinstance(arg, numbers.Integral) and not isinstance(arg, bool):
            device(f"cuda:{arg}")      # an integer names a GPU in PyTorch: refused
        else:
            dtype = dtypes.check_dtype(arg)
    return None if dtype is None else dtypes.check_dtype(dtype)


class accelerator:  # noqa: N801 - stands in for the module torch.accelerator
    """``minigrad.accelerator.is_available()`` is False: minigrad runs on the CPU only."""

    @staticmethod
    def is_available() -> bool:
        return False

    @staticmethod
    def current_accelerator():
        return None

    @staticmethod
    def device_count() -> int:
        return 0


class cuda:  # noqa: N801 - stands in for the module torch.cuda
    """``minigrad.cuda.is_available()`` is False: there is no GPU backend."""

    @staticmethod
    def is_available() -> bool:
        return False

    @staticmethod
    def device_count() -> int:
        return 0
