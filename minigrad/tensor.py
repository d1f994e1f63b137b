"""The Tensor: a numpy array that remembers how it was made.

Every Tensor holds

* ``data`` — a numpy array with the values,
* ``grad`` — a numpy array of the same shape with ∂loss/∂tensor, filled in by
  :meth:`Tensor.backward` (``None`` until then),
* for tensors made by an op: its parents and a ``_backward`` function that turns
  the gradient of the output into one gradient per parent (the chain rule for that op).

Calling ``loss.backward()`` visits the graph in reverse topological order and applies
the chain rule once per node:

.. math::

    \\frac{\\partial L}{\\partial x} = \\sum_{z \\,\\text{uses}\\, x}
        \\frac{\\partial L}{\\partial z}\\,\\frac{\\partial z}{\\partial x}

The sum is why gradients are *accumulated* (``+``) and never assigned: a tensor used twice
(``b = a + a``) receives a contribution from each use.

The ops themselves (forward and backward side by side) live in :mod:`minigrad.ops`;
this file holds the bookkeeping: creating tensors, the graph, ``backward()`` and the
operator overloads (``a + b`` calls :func:`minigrad.ops.add`).
"""

from __future__ import annotations

import contextlib
import numbers

import numpy as np

DEFAULT_DTYPE = np.float32

# --------------------------------------------------------------------------------------
# Gradient mode: ``with no_grad():`` builds no graph.
# --------------------------------------------------------------------------------------
_grad_enabled = True


def is_grad_enabled() -> bool:
    """Return True when new ops record the graph (the default)."""
    return _grad_enabled


@contextlib.contextmanager
def no_grad():
    """Context manager in which ops build no graph (use it for evaluation and updates).

    Inside ``with minigrad.no_grad():`` every result has ``requires_grad=False`` and keeps
    no reference to its inputs, so nothing is stored for a backward pass.
    """
    global _grad_enabled
    previous, _grad_enabled = _grad_enabled, False
    try:
        yield
    finally:
        _grad_enabled = previous


# --------------------------------------------------------------------------------------
# Turning user input into arrays
# --------------------------------------------------------------------------------------
def _to_array(data, dtype=None) -> np.ndarray:
    """numpy array for ``data`` with PyTorch's dtype rules.

    Python floats and lists of floats become float32 (the default dtype); Python ints
    become int64; numpy arrays keep their dtype (so float64 stays float64) unless ``dtype``
    is given.
    """
    if isinstance(data, Tensor):
        data = data.data
    if dtype is not None:
        return np.array(data, dtype=dtype)
    if isinstance(data, np.ndarray):
        return data.copy()
    if isinstance(data, np.generic):
        return np.array(data)
    array = np.array(data)
    if array.dtype == np.float64:
        return array.astype(DEFAULT_DTYPE)
    if array.dtype.kind == "i":
        return array.astype(np.int64)
    if array.dtype == object:
        raise TypeError(f"cannot make a tensor from {type(data).__name__} {data!r}")
    return array


def _operand(value, like: "Tensor") -> "Tensor":
    """Wrap a scalar or array that meets a Tensor in an op.

    Python numbers take the tensor's dtype (``x * 2.0`` stays float32), as in PyTorch;
    numpy arrays keep their own dtype and follow numpy's promotion rules.
    """
    if isinstance(value, Tensor):
        return value
    if isinstance(value, numbers.Number) and not isinstance(value, np.generic):
        dtype = like.dtype if like.dtype.kind == "f" or isinstance(value, numbers.Integral) \
            else DEFAULT_DTYPE
        # A new 0-d array that nothing else holds: wrap it as it is (Tensor() would copy).
        return Tensor._make(np.asarray(value, dtype=dtype), (), None, "")
    return Tensor(np.asarray(value))


class Tensor:
    """An n-dimensional array with reverse-mode automatic differentiation.

    Parameters
    ----------
    data : array_like
        The values. Python floats become float32, ints int64; numpy arrays keep their
        dtype (see :func:`minigrad.tensor`).
    requires_grad : bool
        Whether ``backward()`` should compute ∂loss/∂(this tensor) into ``.grad``.
        Only floating-point tensors can require gradients.
    dtype : numpy dtype, optional
        Force a dtype.

    Notes
    -----
    ``grad`` accumulates: every ``backward()`` *adds* into it, exactly as in PyTorch,
    so a training loop must reset it (``optimizer.zero_grad()`` or ``model.zero_grad()``
    set it back to ``None``) before each backward pass.
    """

    __slots__ = ("data", "grad", "requires_grad", "_parents", "_backward", "_op",
                 "_retains_grad", "__weakref__")
    __array_priority__ = 1000  # ``ndarray + Tensor`` calls Tensor.__radd__

    def __init__(self, data, requires_grad: bool = False, dtype=None):
        self.data = _to_array(data, dtype)
        self.grad = None
        self._parents = ()
        self._backward = None
        self._op = ""
        self._retains_grad = False
        self.requires_grad = False
        if requires_grad:
            self.requires_grad_(True)

    # -- graph construction (used by minigrad.ops) ------------------------------------
    @classmethod
    def _make(cls, data: np.ndarray, parents: tuple, backward, op: str) -> "Tensor":
        """Wrap an op's output; record parents and backward only if a gradient is needed."""
        out = cls.__new__(cls)
        out.data = data
        out.grad = None
        out._op = op
        out._retains_grad = False
        if _grad_enabled and any(p.requires_grad for p in parents):
            out.requires_grad = True
            out._parents = parents
            out._backward = backward
        else:
            out.requires_grad = False
            out._parents = ()
            out._backward = None
        return out

    # -- properties ------------------------------------------------------------------
    @property
    def array(self) -> np.ndarray:
        """The numpy array holding the values (the engine's storage)."""
        return self.data

    @property
    def shape(self) -> tuple:
        return self.data.shape

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return self.data.size

    @property
    def is_leaf(self) -> bool:
        """True for tensors the user made (not the output of an op that records grad)."""
        return self._backward is None

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix="tensor(")
        extras = ""
        if self.dtype != DEFAULT_DTYPE:
            extras += f", dtype={self.dtype}"
        if self._op:
            extras += f", grad_fn=<{self._op}>"
        elif self.requires_grad:
            extras += ", requires_grad=True"
        return f"tensor({body}{extras})"

    # -- conversions -----------------------------------------------------------------
    def item(self) -> float:
        """The value of a one-element tensor as a Python number."""
        if self.data.size != 1:
            raise ValueError(
                f"item() needs a tensor with exactly one element; this one has shape "
                f"{self.shape} ({self.data.size} elements)")
        return self.data.item()

    def numpy(self) -> np.ndarray:
        """The underlying numpy array (shared, not copied, as ``torch.Tensor.numpy``)."""
        return self.data

    def tolist(self):
        return self.data.tolist()

    def detach(self) -> "Tensor":
        """A tensor sharing this one's data but cut off from the graph."""
        return Tensor._make(self.data, (), None, "")

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        """Set ``requires_grad`` in place (only on leaves and float tensors)."""
        if requires_grad and self.dtype.kind != "f":
            raise TypeError(
                f"only floating-point tensors can require gradients; this one has dtype "
                f"{self.dtype} (use minigrad.tensor(..., dtype=np.float32))")
        if not requires_grad and not self.is_leaf:
            raise RuntimeError("requires_grad can only be switched off on a leaf tensor; "
                               "use .detach() to cut a tensor out of the graph")
        self.requires_grad = bool(requires_grad)
        return self

    def retain_grad(self) -> "Tensor":
        """Keep ``.grad`` on this non-leaf tensor after ``backward()`` (off by default)."""
        if not self.requires_grad:
            raise RuntimeError("retain_grad() on a tensor that does not require grad")
        self._retains_grad = True
        return self

    # -- backward ----------------------------------------------------------------------
    def backward(self, grad=None, retain_graph: bool = False) -> None:
        """Compute the gradient of this tensor with respect to every leaf that needs one.

        Parameters
        ----------
        grad : array_like, optional
            ∂L/∂self. May be omitted only when this tensor has one element (a loss), in
            which case it is 1. For any other shape, pass the gradient of the quantity you
            differentiate (``y.backward(np.ones_like(y.data))`` differentiates ``y.sum()``).
        retain_graph : bool
            Keep the graph so ``backward()`` can be called through it again. By default
            the graph is released afterwards, so memory stays flat over many steps.

        Notes
        -----
        Leaf gradients accumulate into ``.grad``; intermediate tensors keep none unless
        :meth:`retain_grad` was called.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward() called on a tensor that does not require grad: none of the "
                "tensors it was computed from has requires_grad=True (or it was computed "
                "inside no_grad())")
        if grad is None:
            if self.data.size != 1:
                raise RuntimeError(
                    f"backward() without an argument needs a one-element tensor (a scalar "
                    f"loss); this one has shape {self.shape}. Reduce it first (e.g. "
                    f".sum() or .mean()) or pass the gradient: backward(grad)")
            grad = np.ones(self.shape, dtype=self.dtype)
        else:
            grad = np.asarray(grad.data if isinstance(grad, Tensor) else grad,
                              dtype=self.dtype)
            if grad.shape != self.shape:
                raise ValueError(f"backward(grad): grad has shape {grad.shape} but the "
                                 f"tensor has shape {self.shape}")
        if self._backward is _RELEASED:
            raise RuntimeError(_RELEASED_MESSAGE)

        grads = {id(self): grad}
        taken = {id(_memory_owner(grad))}  # arrays a .grad holds now; the caller's grad too
        for node in reversed(topological_order(self)):
            node_grad = grads.pop(id(node), None)
            if node_grad is None:
                continue
            if node.is_leaf or node._retains_grad:
                node._accumulate(node_grad, taken)
            if node._backward is None:
                continue
            if node._backward is _RELEASED:
                raise RuntimeError(_RELEASED_MESSAGE)
            parent_grads = node._backward(node_grad)
            for parent, parent_grad in zip(node._parents, parent_grads):
                if parent_grad is None or not parent.requires_grad:
                    continue
                key = id(parent)
                if key in grads:
                    grads[key] = grads[key] + parent_grad
                else:
                    grads[key] = parent_grad
            if not retain_graph:
                node._parents = ()
                node._backward = _RELEASED

    def _accumulate(self, grad: np.ndarray, taken: set) -> None:
        """``self.grad += grad``, in this tensor's dtype.

        The first time, ``.grad`` must become an array no one else holds, since later
        backward passes (and optimizers) change it in place. An op's backward returns
        either a new array or its incoming gradient (or a view of it), which an op with
        two inputs may hand to both (``a + b`` gives ``g`` to ``a`` and to ``b``). So the
        array is kept as it is — no copy, as PyTorch does too — when its memory is not
        already some other tensor's ``.grad`` (``taken``, by memory owner) and it is
        writeable, row-major and of the right dtype; otherwise it is copied.
        """
        if self.grad is not None:
            self.grad += grad
            return
        owner = _memory_owner(grad)
        if (id(owner) in taken or not grad.flags.writeable or not grad.flags.c_contiguous
                or grad.dtype != self.dtype):
            grad = np.array(grad, dtype=self.dtype, copy=True)
            owner = grad
        taken.add(id(owner))
        self.grad = grad

    # -- operator overloads: each one calls the op in minigrad.ops -----------------------
    def __add__(self, other):
        return ops.add(self, other)

    def __radd__(self, other):
        return ops.add(other, self)

    def __sub__(self, other):
        return ops.sub(self, other)

    def __rsub__(self, other):
        return ops.sub(other, self)

    def __mul__(self, other):
        return ops.mul(self, other)

    def __rmul__(self, other):
        return ops.mul(other, self)

    def __truediv__(self, other):
        return ops.div(self, other)

    def __rtruediv__(self, other):
        return ops.div(other, self)

    def __pow__(self, other):
        return ops.pow(self, other)

    def __rpow__(self, other):
        return ops.pow(other, self)

    def __matmul__(self, other):
        return ops.matmul(self, other)

    def __rmatmul__(self, other):
        return ops.matmul(other, self)

    def __neg__(self):
        return ops.neg(self)

    def __getitem__(self, index):
        return ops.getitem(self, index)

    # Comparisons give boolean tensors outside the graph (they have no gradient).
    def __lt__(self, other):
        return Tensor(self.data < _data(other))

    def __le__(self, other):
        return Tensor(self.data <= _data(other))

    def __gt__(self, other):
        return Tensor(self.data > _data(other))

    def __ge__(self, other):
        return Tensor(self.data >= _data(other))

    def __eq__(self, other):
        return Tensor(self.data == _data(other))

    def __ne__(self, other):
        return Tensor(self.data != _data(other))

    __hash__ = object.__hash__

    def __bool__(self):
        if self.data.size != 1:
            raise RuntimeError(f"the truth value of a tensor of shape {self.shape} is "
                               "ambiguous; use .any() / .all() on .data")
        return bool(self.data)

    # -- methods that mirror torch.Tensor --------------------------------------------
    def sum(self, axis=None, keepdims=False):
        return ops.sum(self, axis, keepdims)

    def mean(self, axis=None, keepdims=False):
        return ops.mean(self, axis, keepdims)

    def max(self, axis=None, keepdims=False):
        return ops.max(self, axis, keepdims)

    def reshape(self, *shape):
        return ops.reshape(self, *shape)

    view = reshape

    def transpose(self, dim0, dim1):
        return ops.transpose(self, dim0, dim1)

    @property
    def T(self):
        return ops.permute(self, tuple(reversed(range(self.ndim))))

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

    def softmax(self, axis=-1):
        return ops.softmax(self, axis)

    def log_softmax(self, axis=-1):
        return ops.log_softmax(self, axis)

    def argmax(self, axis=None):
        """Index of the largest value (an integer tensor, outside the graph)."""
        return Tensor(np.argmax(self.data, axis=axis))


def _memory_owner(array: np.ndarray) -> np.ndarray:
    """The array that owns ``array``'s memory (``array`` itself unless it is a view)."""
    return array if array.base is None else array.base


def _data(value):
    return value.data if isinstance(value, Tensor) else value


def _released_backward(grad):  # pragma: no cover - replaced by the check in backward()
    raise RuntimeError("graph already released")


_RELEASED = _released_backward
_RELEASED_MESSAGE = (
    "backward() reached a part of the graph that an earlier backward() already released. "
    "Gradients accumulate, so calling backward() twice on the same graph would count them "
    "twice; recompute the forward pass, or pass retain_graph=True to the first backward()")


def topological_order(root: Tensor) -> list:
    """Every tensor ``root`` depends on that needs a gradient, parents before children.

    An iterative depth-first search with an explicit stack (no recursion, so a chain of
    100,000 ops is fine). A node is appended after all its parents — that is the
    topological order; ``backward()`` walks it in reverse.
    """
    order, visited = [], set()
    stack = [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        stack.append((node, True))
        for parent in node._parents:
            if parent.requires_grad and id(parent) not in visited:
                stack.append((parent, False))
    return order


# ops imports Tensor from this module, so import it last.
from minigrad import ops  # noqa: E402
