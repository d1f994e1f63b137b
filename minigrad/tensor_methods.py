"""The methods of :class:`minigrad.Tensor` that mirror ``torch.Tensor``'s, one line each.

``x.sum(dim=0)`` is :func:`minigrad.ops.sum` applied to ``x``, ``x.exp()`` is
:func:`minigrad.ops.exp`, and so on: the maths lives in the ops, this file only gives
each one PyTorch's method name and argument names. Reductions accept PyTorch's
``dim=``/``keepdim=`` and numpy's ``axis=``/``keepdims=``.
"""

from __future__ import annotations

from minigrad import dtypes

ops = None  # minigrad.ops, set by minigrad.tensor once both modules exist (ops imports Tensor)

# ``Tensor.type()``: PyTorch's legacy tensor-type name of each dtype.
_TYPE_NAMES = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
               "int64": "LongTensor", "int32": "IntTensor", "int16": "ShortTensor",
               "int8": "CharTensor", "uint8": "ByteTensor", "bool": "BoolTensor"}


class TensorMethods:
    """Mixin of :class:`minigrad.Tensor`: PyTorch's tensor methods, each calling an op."""

    __slots__ = ()

    # -- arithmetic by name ----------------------------------------------------------
    def add(self, other, alpha=1):
        return ops.add(self, other, alpha)

    def sub(self, other, alpha=1):
        return ops.sub(self, other, alpha)

    def mul(self, other):
        return ops.mul(self, other)

    def div(self, other):
        return ops.div(self, other)

    subtract, multiply, divide, true_divide = sub, mul, div, div   # PyTorch's longer names

    def pow(self, exponent):
        return ops.pow(self, exponent)

    def neg(self):
        return ops.neg(self)

    def matmul(self, other):
        return ops.matmul(self, other)

    def mm(self, mat2):
        return ops.mm(self, mat2)

    def mv(self, vec):
        return ops.mv(self, vec)

    def dot(self, other):
        return ops.dot(self, other)

    def bmm(self, mat2):
        return ops.bmm(self, mat2)

    # -- reductions ------------------------------------------------------------------
    def sum(self, dim=None, keepdim=False, **kwargs):
        return ops.sum(self, dim, keepdim, **kwargs)

    def mean(self, dim=None, keepdim=False, **kwargs):
        return ops.mean(self, dim, keepdim, **kwargs)

    def max(self, dim=None, keepdim=False, **kwargs):
        return ops.max(self, dim, keepdim, **kwargs)

    def min(self, dim=None, keepdim=False, **kwargs):
        return ops.min(self, dim, keepdim, **kwargs)

    def amax(self, dim=(), keepdim=False, **kwargs):
        return ops.amax(self, dim, keepdim, **kwargs)

    def amin(self, dim=(), keepdim=False, **kwargs):
        return ops.amin(self, dim, keepdim, **kwargs)

    def argmax(self, dim=None, keepdim=False, **kwargs):
        return ops.argmax(self, dim, keepdim, **kwargs)

    def argmin(self, dim=None, keepdim=False, **kwargs):
        return ops.argmin(self, dim, keepdim, **kwargs)

    def var(self, dim=None, **kwargs):
        return ops.var(self, dim, **kwargs)

    def std(self, dim=None, **kwargs):
        return ops.std(self, dim, **kwargs)

    def norm(self, p="fro", dim=None, keepdim=False):
        return ops.norm(self, p, dim, keepdim)

    def any(self, dim=None, keepdim=False, **kwargs):
        return ops.logical_reduce(self, "any", dim, keepdim, **kwargs)

    def all(self, dim=None, keepdim=False, **kwargs):
        return ops.logical_reduce(self, "all", dim, keepdim, **kwargs)

    # -- shapes ----------------------------------------------------------------------
    def reshape(self, *shape):
        return ops.reshape(self, *shape)

    def view(self, *shape):
        return ops.reshape(self, *shape)

    def view_as(self, other):
        return ops.reshape(self, other.shape)

    def reshape_as(self, other):
        return ops.reshape(self, other.shape)

    def transpose(self, dim0, dim1):
        return ops.transpose(self, dim0, dim1)

    def permute(self, *dims):
        return ops.permute(self, *dims)

    def t(self):
        """Transpose a matrix (a 0-d or 1-D tensor is returned as it is), as ``torch.t``."""
        if self.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is "
                               f"{self.ndim}D")
        return ops.transpose(self, 0, -1) if self.ndim == 2 else self

    @property
    def T(self):
        return ops.permute(self, tuple(reversed(range(self.ndim))))

    def unsqueeze(self, dim):
        return ops.unsqueeze(self, dim)

    def squeeze(self, dim=None):
        return ops.squeeze(self, dim)

    def flatten(self, start_dim=0, end_dim=-1):
        return ops.flatten(self, start_dim, end_dim)

    def contiguous(self):
        return self

    def is_floating_point(self) -> bool:
        return self.array.dtype.kind == "f"

    # -- elementwise -----------------------------------------------------------------
    def exp(self):
        return ops.exp(self)

    def log(self):
        return ops.log(self)

    def relu(self):
        return ops.relu(self)

    def tanh(self):
        return ops.tanh(self)

    def sigmoid(self):
        return ops.sigmoid(self)

    def sin(self):
        return ops.sin(self)

    def cos(self):
        return ops.cos(self)

    def sinh(self):
        return ops.sinh(self)

    def cosh(self):
        return ops.cosh(self)

    def sqrt(self):
        return ops.sqrt(self)

    def square(self):
        return ops.square(self)

    def abs(self):
        return ops.abs(self)

    def sign(self):
        return ops.sign(self)

    def clamp(self, min=None, max=None):  # noqa: A002 - PyTorch's names
        return ops.clamp(self, min, max)

    clip = clamp

    def softmax(self, dim=None, **kwargs):
        return ops.softmax(self, dim, **kwargs)

    def log_softmax(self, dim=None, **kwargs):
        return ops.log_softmax(self, dim, **kwargs)

    def clone(self):
        return ops.clone(self)

    # -- dtype and device ------------------------------------------------------------
    def type(self, dtype=None):
        """The tensor type's name as PyTorch spells it (``type()`` gives
        ``"minigrad.FloatTensor"`` for float32), or a copy in ``dtype``
        (``type(minigrad.float64)``)."""
        if dtype is None:
            return f"minigrad.{_TYPE_NAMES[dtypes.check_dtype(self.dtype).name]}"
        return ops.to_dtype(self, dtype)

    def double(self):
        return ops.to_dtype(self, dtypes.float64)

    def float(self):
        return ops.to_dtype(self, dtypes.float32)

    def half(self):
        return ops.to_dtype(self, dtypes.float16)

    def long(self):
        return ops.to_dtype(self, dtypes.int64)

    def int(self):
        return ops.to_dtype(self, dtypes.int32)

    def bool(self):
        return ops.to_dtype(self, dtypes.bool)

    def to(self, *args, **kwargs):
        """``to(dtype)``, ``to("cpu")``, ``to(device, dtype)``, ``to(other_tensor)``.

        minigrad runs on the CPU only: any other device is refused with an error.
        """
        from minigrad.device import parse_to
        dtype = parse_to(*args, **kwargs)
        return self if dtype is None or dtype == self.dtype else ops.to_dtype(self, dtype)

    def cpu(self):
        return self

    def cuda(self, *args, **kwargs):
        from minigrad.device import device
        device("cuda")  # raises: minigrad has no GPU backend
