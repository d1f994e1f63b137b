"""How a tensor prints: PyTorch's format, so printed numbers read the same in both.

``tensor([0.1000, 2.0000])``, ``tensor([1., 2.])``, ``tensor([1, 2])``,
``tensor(1.5000, requires_grad=True)``, ``tensor(2., grad_fn=<MulBackward0>)``: four
decimals, a trailing ``.`` for whole floats, scientific notation when the values span more
than three decades, as ``torch.Tensor.__repr__`` does.
"""

from __future__ import annotations

import numpy as np

from minigrad.dtypes import DEFAULT_DTYPE


def _float_formatter(values: np.ndarray):
    """A function formatting one float the way PyTorch would within this tensor."""
    finite = np.abs(values[np.isfinite(values)]).astype(np.float64)
    nonzero = finite[finite != 0]
    whole = finite.size == 0 or np.all(np.ceil(finite) == finite)
    big, small = (nonzero.max(), nonzero.min()) if nonzero.size else (0.0, 0.0)
    scientific = nonzero.size and (big / small > 1000.0 or big > 1.0e8 or
                                   (not whole and small < 1.0e-4))
    if whole and not scientific:
        spec = "{:.0f}."
    elif scientific:
        spec = "{:.4e}"
    else:
        spec = "{:.4f}"
    # As PyTorch: the column width comes from the finite nonzero values only.
    shown = values[np.isfinite(values) & (values != 0)]
    width = max([1] + [len(_one(spec, v)) for v in shown.ravel()])
    return lambda v: _one(spec, v).rjust(width)


def _padded(values: np.ndarray, text):
    """Integers and bools: every value right-aligned to the widest (``[ True, False]``)."""
    width = max([1] + [len(text(v)) for v in values.ravel()])
    return lambda v: text(v).rjust(width)


def _one(spec: str, value) -> str:
    if np.isnan(value):
        return "nan"
    if np.isinf(value):
        return "inf" if value > 0 else "-inf"
    return spec.format(float(value))


def tensor_repr(t) -> str:
    """``repr(t)`` in PyTorch's format."""
    array = t.array
    if array.dtype.kind == "f":
        formatter = {"float_kind": _float_formatter(array)}
    elif array.dtype.kind == "b":
        formatter = {"bool": _padded(array, lambda v: str(bool(v)))}
    else:
        formatter = {"int": _padded(array, str)}
    body = np.array2string(array, separator=", ", prefix="tensor(", formatter=formatter,
                           threshold=1000, edgeitems=3, max_line_width=80)
    extras = ""
    if array.size == 0 and array.ndim != 1:
        extras += f", size={array.shape}"
    if array.dtype != DEFAULT_DTYPE and array.size == 0 or \
            array.dtype not in (DEFAULT_DTYPE, np.int64, np.bool_):
        extras += f", dtype=minigrad.{array.dtype}"
    if t.grad_fn is not None:
        extras += f", grad_fn=<{t.grad_fn}>"
    elif t.requires_grad:
        extras += ", requires_grad=True"
    return f"tensor({body}{extras})"
