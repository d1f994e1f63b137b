"""The Tensor: a numpy array that remembers how it was made.

Every Tensor holds

* ``array`` — the numpy array with the values: the engine's storage, what every op reads;
* ``grad`` — None, or a Tensor of the same shape holding ∂loss/∂tensor, filled in by
  :meth:`Tensor.backward`;
* for tensors made by an op: its parents and a ``_backward`` function that turns the
  gradient of the output into one gradient per parent (the chain rule for that op).

As in PyTorch, ``t.data`` is *another Tensor* over the same memory, cut off from the graph
(changes made through it are not tracked), and ``t.numpy()`` is the array itself.

Calling ``loss.backward()`` visits the graph in reverse topological order and applies
the chain rule once per node:

.. math::

    \\frac{\\partial L}{\\partial x} = \\sum_{z \\,\\text{uses}\\, x}
        \\frac{\\partial L}{\\partial z}\\,\\frac{\\partial z}{\\partial x}

The sum is why gradients are *accumulated* (``+``) and never assigned: a tensor used twice
(``b = a + a``) receives a contribution from each use.

In-place changes (``p -= lr * p.grad``, ``add_``, ``zero_``, an optimizer's step) change
the array itself and count up the tensor's *version*. An op remembers the version of each
tensor its backward will read; if that tensor changed since, ``backward()`` stops with
PyTorch's error instead of computing a gradient from the wrong numbers.

The ops themselves (forward and backward side by side) live in :mod:`minigrad.ops`;
this file holds the bookkeeping: creating tensors, the graph, ``backward()``, in-place
changes and the operator overloads (``a + b`` calls :func:`minigrad.ops.add`).
"""

from __future__ import annotations

import contextlib
import itertools
import numbers
import warnings

import numpy as np

from minigrad import dtypes
from minigrad.dtypes import DEFAULT_DTYPE
from minigrad.grad_mode import (_mode, enable_grad, is_grad_enabled,  # noqa: F401
                                no_grad, set_grad_enabled)
from minigrad.tensor_methods import TensorMethods


# --------------------------------------------------------------------------------------
# Turning user input into arrays
# --------------------------------------------------------------------------------------
def _to_array(data, dtype=None) -> np.ndarray:
    """A new numpy array for ``data`` with PyTorch's dtype rules.

    Python floats and lists of floats become float32 (the default dtype); Python ints
    become int64; bools stay bool; numpy arrays keep their dtype (so float64 stays
    float64) unless ``dtype`` is given.
    """
    if dtype is not None:
        dtype = dtypes.check_dtype(dtype)
    if isinstance(data, Tensor):
        data = data.array
    elif isinstance(data, (list, tuple)):
        data = _values_of(data)
    elif isinstance(data, (str, bytes)) or data is None:
        raise TypeError(f"new(): invalid data type '{type(data).__name__}' — a tensor "
                        "holds numbers: pass a number, a (nested) list of numbers or an array")
    if dtype is not None:
        return np.array(data, dtype=dtype)
    numpy_input = isinstance(data, (np.ndarray, np.generic))
    array = np.array(data)
    if array.dtype.kind in "USOVMm":
        raise TypeError(f"new(): invalid data type '{array.dtype}' in "
                        f"{type(data).__name__} — a tensor holds numbers only")
    if not numpy_input:
        if array.dtype.kind == "f":
            array = array.astype(DEFAULT_DTYPE)
        elif array.dtype.kind in "iu":
            array = array.astype(np.int64)
    dtypes.check_dtype(array.dtype)
    return array


def _values_of(items):
    """A (nested) list with every Tensor in it replaced by its array (``[t0, t1]``)."""
    return [_values_of(x) if isinstance(x, (list, tuple)) else
            x.array if isinstance(x, Tensor) else x for x in items]


# Every in-place change to any tensor takes the next number from this counter and writes
# it down as the latest change. backward() checks a node's saved inputs only if the latest
# change is no longer the one it was when the node was recorded: in a training step
# (forward, backward, then the optimizer's in-place step) it still is. (A number is never
# handed out twice, even to two threads at once, so a change is never missed.)
_in_place_numbers = itertools.count(1)
_latest_in_place_change = [0]


def _version_box(t: "Tensor") -> list:
    """The one-element list that counts ``t``'s in-place changes (shared by its views)."""
    if t._version_box is None:
        t._version_box = [0]
    return t._version_box


class Tensor(TensorMethods):
    """An n-dimensional array with reverse-mode automatic differentiation.

    Parameters
    ----------
    data : array_like
        The values. Python floats become float32, ints int64; numpy arrays keep their
        dtype (see :func:`minigrad.tensor`). Always copied.
    requires_grad : bool
        Whether ``backward()`` should compute ∂loss/∂(this tensor) into ``.grad``.
        Only floating-point tensors can require gradients.
    dtype : dtype, optional
        Force a dtype (``minigrad.float64``, ``numpy.float64``, …).

    Notes
    -----
    ``grad`` accumulates: every ``backward()`` *adds* into it, exactly as in PyTorch,
    so a training loop must reset it (``optimizer.zero_grad()`` or ``model.zero_grad()``
    set it back to ``None``) before each backward pass.
    """

    __slots__ = ("array", "_grad", "requires_grad", "_parents", "_backward", "_ctx", "_op",
                 "_saved", "_saved_versions", "_recorded_at", "_retains_grad", "_version_box",
                 "__weakref__")
    __array_priority__ = 1000  # ``ndarray + Tensor`` calls Tensor.__radd__

    def __init__(self, data, requires_grad: bool = False, dtype=None):
        self.array = _to_array(data, dtype)
        self._grad = None
        self._parents = ()
        self._backward = None
        self._ctx = ()
        self._op = ""
        self._saved = self._saved_versions = ()
        self._retains_grad = False
        self._version_box = None
        self.requires_grad = False
        if requires_grad:
            self.requires_grad_(True)

    # -- graph construction (used by minigrad.ops) ------------------------------------
    @classmethod
    def _make(cls, array: np.ndarray, parents: tuple, backward, op: str,
              saved: tuple = (), view_of: "Tensor" = None, ctx: tuple = ()) -> "Tensor":
        """Wrap an op's output; record parents and backward only if a gradient is needed.

        ``backward(g, parents, ctx)`` is a module-level function that returns one
        gradient per parent; ``ctx`` holds what it needs from the forward pass (a tuple
        of arrays, numbers, shapes, or one such value; the input Tensors are already its
        parents), as ``ctx`` does in PyTorch's ``autograd.Function``. Being a plain
        function, not a closure, keeps each recorded op down to the objects Python's
        garbage collector tracks that it needs — the Tensor, its parents tuple and, if it
        saves inputs, their tuple — without a function, its cells and their tuple too.

        ``saved`` names the inputs whose values the backward reads (``None`` stands for
        the output itself): their versions are written down now and checked by
        ``backward()``. ``view_of`` is the input whose memory the output shares: the two
        then count in-place changes together, as views do in PyTorch.
        """
        out = cls.__new__(cls)
        # numpy gives a scalar, not an array, for ops on 0-d arrays: keep arrays throughout.
        out.array = array if isinstance(array, np.ndarray) else np.asarray(array)
        out._grad = None
        out._op = op
        out._retains_grad = False
        out._version_box = None if view_of is None else _version_box(view_of)
        if _mode.enabled and _any_requires_grad(parents):
            out.requires_grad = True
            out._parents = parents
            out._backward = backward
            out._ctx = ctx
            out._saved = saved            # None stands for the output (at version 0)
            if saved:
                out._saved_versions = tuple([_version_of(t) for t in saved])
                out._recorded_at = _latest_in_place_change[0]
            else:
                out._saved_versions = ()
        else:
            out.requires_grad = False
            out._parents = ()
            out._backward = None
            out._ctx = out._saved = ()
        return out

    @classmethod
    def _wrap(cls, array: np.ndarray) -> "Tensor":
        """A plain tensor around ``array`` (no copy, no graph): ``_make`` with no parents."""
        out = cls.__new__(cls)
        out.array = array if isinstance(array, np.ndarray) else np.asarray(array)
        out._grad = out._backward = out._version_box = None
        out._op = ""
        out._retains_grad = out.requires_grad = False
        out._parents = out._saved = out._ctx = ()
        return out

    # -- properties ------------------------------------------------------------------
    @property
    def data(self) -> "Tensor":
        """This tensor's values as a new Tensor over the same memory, outside the graph.

        Changes made through ``.data`` are invisible to autograd (no version count, no
        error), as in PyTorch: ``p.data.sub_(lr * p.grad)`` updates ``p`` without being
        recorded. Prefer ``with no_grad(): p -= lr * p.grad``, which is checked.
        """
        return Tensor._wrap(self.array)

    @data.setter
    def data(self, value: "Tensor") -> None:
        if not isinstance(value, Tensor):
            raise TypeError(f"data must be a Tensor, not {type(value).__name__}")
        self.array = value.array

    @property
    def grad(self):
        """∂loss/∂self as a Tensor (no graph), or None before the first ``backward()``."""
        if self._grad is None and self._backward is not None and not self._retains_grad:
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being "
                "accessed. Its .grad attribute won't be populated during backward(). "
                "Call .retain_grad() on it first if you want its gradient.",
                UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError("assigned grad expected to be a Tensor or None but got "
                                f"grad of type {type(value).__name__}")
            if value.shape != self.shape:
                raise RuntimeError(f"assigned grad has data of a different size: "
                                   f"{value.shape} for a tensor of shape {self.shape}")
            if value.dtype != self.dtype:
                raise RuntimeError(f"assigned grad has data of a different type: "
                                   f"{value.dtype} for a tensor of dtype {self.dtype}")
        self._grad = value

    @property
    def _version(self) -> int:
        """How many in-place changes this tensor's memory has had (``torch._version``)."""
        return 0 if self._version_box is None else self._version_box[0]

    @property
    def shape(self) -> tuple:
        return self.array.shape

    @property
    def dtype(self) -> np.dtype:
        return self.array.dtype

    @property
    def ndim(self) -> int:
        return self.array.ndim

    @property
    def device(self):
        from minigrad.device import CPU
        return CPU

    @property
    def is_leaf(self) -> bool:
        """True for tensors the user made (not the output of an op that records grad)."""
        return self._backward is None

    @property
    def grad_fn(self):
        """The name of the op that made this tensor (None for leaves), e.g. ``MulBackward0``."""
        if self._backward is None:
            return None
        return "".join(word.capitalize() for word in self._op.split("_")) + "Backward0"

    def size(self, dim=None):
        """The shape (``size()``), or the length of one dimension (``size(dim)``)."""
        return self.shape if dim is None else self.shape[_dim(dim, self.ndim)]

    def numel(self) -> int:
        """The number of elements."""
        return self.array.size

    def dim(self) -> int:
        """The number of dimensions."""
        return self.array.ndim

    ndimension = dim

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self.array)

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(len(self.array)))

    def __repr__(self) -> str:
        from minigrad.printing import tensor_repr
        return tensor_repr(self)

    # -- conversions -----------------------------------------------------------------
    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self.array.size != 1:
            raise RuntimeError(f"a Tensor with {self.array.size} elements cannot be "
                               f"converted to Scalar (shape {self.shape}); item() needs "
                               "exactly one element")
        return self.array.item()

    def __float__(self) -> float:
        return float(self._only_element("float"))

    def __int__(self) -> int:
        return int(self._only_element("int"))

    def __index__(self) -> int:
        if self.dtype.kind not in "iu" or self.array.size != 1:
            raise TypeError("only integer tensors of a single element can be converted "
                            "to an index")
        return int(self.array.item())

    def __format__(self, spec: str) -> str:
        if self.ndim == 0:
            return self.array.item().__format__(spec)
        return object.__format__(self, spec)

    def _only_element(self, kind: str):
        if self.array.size != 1:
            raise ValueError(f"only one element tensors can be converted to Python "
                             f"scalars; {kind}() got a tensor of shape {self.shape}")
        return self.array.item()

    def numpy(self, force: bool = False) -> np.ndarray:
        """The underlying numpy array (shared, not copied, as ``torch.Tensor.numpy``)."""
        if self.requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                               "tensor.detach().numpy() instead.")
        return self.array

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        """``np.asarray(t)``: the values as a numpy array (PyTorch's rules: a tensor
        that requires grad must be detached first)."""
        array = self.numpy()
        if dtype is not None:
            array = array.astype(dtype, copy=False)
        return array.copy() if copy else array

    def tolist(self):
        return self.array.tolist()

    def detach(self) -> "Tensor":
        """A tensor sharing this one's memory (and version count), cut off from the graph."""
        return Tensor._make(self.array, (), None, "", view_of=self)

    def detach_(self) -> "Tensor":
        """Cut this tensor out of the graph, making it a leaf."""
        self._parents, self._backward, self._saved, self._ctx = (), None, (), ()
        self.requires_grad = False
        return self

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        """Set ``requires_grad`` in place (only on leaves and float tensors)."""
        if requires_grad and self.dtype.kind != "f":
            raise RuntimeError(
                f"only Tensors of floating point and complex dtype can require gradients; "
                f"this one has dtype {self.dtype} (use minigrad.tensor(..., "
                f"dtype=minigrad.float32))")
        if not requires_grad and not self.is_leaf:
            raise RuntimeError("you can only change requires_grad flags of leaf variables. "
                               "If you want to use a computed variable in a subgraph that "
                               "doesn't require differentiation use var_no_grad = "
                               "var.detach().")
        self.requires_grad = bool(requires_grad)
        return self

    def retain_grad(self) -> "Tensor":
        """Keep ``.grad`` on this non-leaf tensor after ``backward()`` (off by default)."""
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        self._retains_grad = True
        return self

    # -- backward ----------------------------------------------------------------------
    def backward(self, gradient=None, retain_graph=None, create_graph: bool = False,
                 inputs=None) -> None:
        """Compute the gradient of this tensor with respect to every leaf that needs one.

        Parameters
        ----------
        gradient : Tensor or array_like, optional
            ∂L/∂self. May be omitted only when this tensor has one element (a loss), in
            which case it is 1. For any other shape, pass the gradient of the quantity you
            differentiate (``y.backward(minigrad.ones_like(y))`` differentiates ``y.sum()``).
        retain_graph : bool, optional
            Keep the graph so ``backward()`` can be called through it again. By default
            the graph is released afterwards, so memory stays flat over many steps.
        create_graph, inputs
            PyTorch's higher-order options; minigrad does not differentiate its backward
            pass, so ``create_graph=True`` and ``inputs`` raise instead of being ignored.

        Notes
        -----
        Leaf gradients accumulate into ``.grad``; intermediate tensors keep none unless
        :meth:`retain_grad` was called.
        """
        if create_graph or inputs is not None:
            raise NotImplementedError("minigrad does not build a graph of the backward pass "
                                      "(create_graph=True) nor restrict it to inputs=")
        if not self.requires_grad:
            raise RuntimeError(
                "element 0 of tensors does not require grad and does not have a grad_fn: "
                "none of the tensors it was computed from has requires_grad=True (or it "
                "was computed inside no_grad())")
        gradient = self._seed_gradient(gradient)
        if self._backward is _RELEASED:
            raise RuntimeError(_RELEASED_MESSAGE)

        grads = {self: gradient}               # ∂L/∂node, by node, filled in as we go
        taken = {id(_memory_owner(gradient))}  # arrays a .grad holds now; the caller's too
        for node in reversed(topological_order(self)):
            node_grad = grads.pop(node, None)
            if node_grad is None:
                continue
            backward = node._backward
            if backward is None or node._retains_grad:
                node._accumulate(node_grad, taken)
            if backward is None:
                continue
            if backward is _RELEASED:
                raise RuntimeError(_RELEASED_MESSAGE)
            if node._saved and node._recorded_at != _latest_in_place_change[0]:
                node._check_saved_versions()          # something changed in place since
            parent_grads = backward(node_grad, node._parents, node._ctx)
            for parent, parent_grad in zip(node._parents, parent_grads):
                if parent_grad is None or not parent.requires_grad:
                    continue
                if parent in grads:                   # a second use: add (chain rule's Σ)
                    grads[parent] = grads[parent] + parent_grad
                else:
                    grads[parent] = parent_grad
            if not retain_graph:
                node._parents = node._saved = node._ctx = ()
                node._backward = _RELEASED

    def _check_saved_versions(self) -> None:
        """PyTorch's error if a tensor this node's backward reads was changed in place."""
        for saved, version in zip(self._saved, self._saved_versions):
            now = _version_of(self if saved is None else saved)
            if now != version:
                raise RuntimeError(_modified_message(self, saved, now, version))

    def _seed_gradient(self, gradient) -> np.ndarray:
        """The gradient backward() starts from: 1 for a scalar loss, else the caller's."""
        if gradient is None:
            if self.array.size != 1:
                raise RuntimeError(
                    f"grad can be implicitly created only for scalar outputs; this tensor "
                    f"has shape {self.shape}. Reduce it first (e.g. .sum() or .mean()) or "
                    f"pass the gradient: backward(gradient)")
            return np.array(1, dtype=self.dtype).reshape(self.shape)
        array = np.asarray(gradient.array if isinstance(gradient, Tensor) else gradient,
                           dtype=self.dtype)
        if array.shape != self.shape:
            raise RuntimeError(f"Mismatch in shape: gradient has a shape of {array.shape} "
                               f"and the tensor has a shape of {self.shape}")
        return array

    def _accumulate(self, grad: np.ndarray, taken: set) -> None:
        """``self.grad += grad``, in this tensor's dtype.

        The first time, ``.grad`` must become an array no one else holds, since later
        backward passes (and optimizers) change it in place. An op's backward returns
        either a new array or its incoming gradient (or a view of it), which an op with
        two inputs may hand to both (``a + b`` gives ``g`` to ``a`` and to ``b``). So the
        array is kept as it is — no copy, as PyTorch does too — when its memory is not
        already some other tensor's ``.grad`` (``taken``, by memory owner) and it is
        writeable, row-major and of the right dtype; otherwise it is copied.

        Later passes add in place, as PyTorch does: ``.grad`` stays the same tensor, so
        a caller who kept it (``g = p.grad``) sees the new sum (``g is p.grad``).
        """
        if self._grad is not None:
            self._grad.array += grad
            return
        owner = grad if grad.base is None else grad.base
        flags = grad.flags
        if (id(owner) in taken or not (flags.writeable and flags.c_contiguous)
                or grad.dtype != self.array.dtype):
            grad = np.array(grad, dtype=self.array.dtype, copy=True)
            owner = grad
        taken.add(id(owner))
        self._grad = Tensor._wrap(grad)

    # -- in-place changes ----------------------------------------------------------------
    def _check_inplace(self, *others) -> None:
        """Refuse in-place changes that would make a gradient wrong, with PyTorch's error."""
        if self.requires_grad:
            if self._backward is None and _mode.enabled:
                raise RuntimeError(
                    "a leaf Variable that requires grad is being used in an in-place "
                    "operation. (Update parameters inside `with minigrad.no_grad():`.)")
            if self._backward is not None:
                raise RuntimeError(
                    "minigrad does not support in-place operations on a tensor computed by "
                    f"an op that records gradients (this one came from {self._op}): the "
                    "backward pass may need its old values. Write y = y + x instead of "
                    "y += x, or change a copy made with .clone()")
        if _mode.enabled and any(isinstance(o, Tensor) and o.requires_grad for o in others):
            raise RuntimeError(
                "minigrad does not record in-place operations: this one would put a "
                "tensor that requires grad into a tensor that does not. Write "
                "y = y + x instead of y += x (or do it inside no_grad())")

    def _changed_in_place(self) -> "Tensor":
        """Count one in-place change of this tensor's memory; returns self."""
        if self._version_box is None:
            self._version_box = [1]
        else:
            self._version_box[0] += 1
        _latest_in_place_change[0] = next(_in_place_numbers)
        return self

    def _inplace(self, ufunc, other, alpha=1) -> "Tensor":
        """``self ← ufunc(self, alpha·other)`` in place, in self's dtype (PyTorch's cast rule)."""
        self._check_inplace(other)
        value = other.array if isinstance(other, Tensor) else other
        if alpha != 1:
            value = value * alpha
        result = dtypes.result_type(self.array, value)
        if ufunc is np.true_divide and result.kind != "f":
            result = DEFAULT_DTYPE
        self._check_castable(result)
        with _shape_errors_as_pytorchs(self, value):
            ufunc(self.array, value, out=self.array, casting="unsafe")
        return self._changed_in_place()

    def _check_castable(self, result: np.dtype) -> None:
        """PyTorch's rule for in-place results: never into a lower category (float → int)."""
        if dtypes.category(result) > dtypes.category(self.dtype):
            raise RuntimeError(f"result type {result} can't be cast to the desired output "
                               f"type {self.dtype}")

    def add_(self, other, alpha=1) -> "Tensor":
        """``self += alpha · other``, in place."""
        return self._inplace(np.add, other, alpha)

    def sub_(self, other, alpha=1) -> "Tensor":
        """``self -= alpha · other``, in place."""
        return self._inplace(np.subtract, other, alpha)

    def mul_(self, other) -> "Tensor":
        """``self *= other``, in place."""
        return self._inplace(np.multiply, other)

    def div_(self, other) -> "Tensor":
        """``self /= other``, in place."""
        return self._inplace(np.true_divide, other)

    __iadd__, __isub__, __imul__, __itruediv__ = add_, sub_, mul_, div_
    subtract_, multiply_, divide_ = sub_, mul_, div_          # PyTorch's longer names

    def zero_(self) -> "Tensor":
        """Set every element to 0, in place."""
        return self.fill_(0)

    def fill_(self, value) -> "Tensor":
        """Set every element to ``value``, in place."""
        self._check_inplace(value)
        if isinstance(value, Tensor) and value.ndim:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor "
                               f"with {value.ndim} dimensions.")
        self.array[...] = value.array if isinstance(value, Tensor) else value
        return self._changed_in_place()

    def copy_(self, src) -> "Tensor":
        """Copy ``src``'s values (broadcast to this shape) into this tensor, in place."""
        self._check_inplace(src)
        values = src.array if isinstance(src, Tensor) else np.asarray(src)
        with _shape_errors_as_pytorchs(self, values):
            np.copyto(self.array, values, casting="unsafe")
        return self._changed_in_place()

    def clamp_(self, min=None, max=None) -> "Tensor":  # noqa: A002 - PyTorch's names
        """Clip every element into [min, max], in place."""
        self._check_inplace(min, max)
        _check_clamp_bounds(min, max)
        self._check_castable(dtypes.result_type(
            self.array, *[_value(b) for b in (min, max) if b is not None]))
        np.clip(self.array, _value(min), _value(max), out=self.array, casting="unsafe")
        return self._changed_in_place()

    def normal_(self, mean: float = 0.0, std: float = 1.0) -> "Tensor":
        """Fill with samples of N(mean, std²) from minigrad's seeded generator."""
        from minigrad.random import generator
        self._check_inplace()
        self.array[...] = generator().normal(mean, std, self.shape)
        return self._changed_in_place()

    def uniform_(self, a: float = 0.0, b: float = 1.0) -> "Tensor":
        """Fill with samples of U(a, b) from minigrad's seeded generator."""
        from minigrad.random import generator
        self._check_inplace()
        self.array[...] = generator().uniform(a, b, self.shape)
        return self._changed_in_place()

    def __setitem__(self, index, value) -> None:
        """``t[index] = value``, in place (PyTorch's rules on tensors that require grad)."""
        self._check_inplace(value)
        self.array[ops._plain_index(index)] = value.array if isinstance(value, Tensor) \
            else value
        self._changed_in_place()

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

    def __floordiv__(self, other):
        return ops.floor_divide(self, other)

    def __rfloordiv__(self, other):
        return ops.floor_divide(other, self)

    def __mod__(self, other):
        return ops.remainder(self, other)

    def __rmod__(self, other):
        return ops.remainder(other, self)

    def __pos__(self):
        return self

    def __abs__(self):
        return ops.abs(self)

    def __getitem__(self, index):
        return ops.getitem(self, index)

    # Comparisons and logic give tensors outside the graph (they have no gradient).
    def __lt__(self, other):
        return ops.compare(np.less, self, other)

    def __le__(self, other):
        return ops.compare(np.less_equal, self, other)

    def __gt__(self, other):
        return ops.compare(np.greater, self, other)

    def __ge__(self, other):
        return ops.compare(np.greater_equal, self, other)

    def __eq__(self, other):
        if other is None:                 # ``if p.grad == None:``: a bool, as in PyTorch
            return False
        return ops.compare(np.equal, self, other)

    def __ne__(self, other):
        if other is None:
            return True
        return ops.compare(np.not_equal, self, other)

    def __and__(self, other):
        return ops.compare(np.bitwise_and, self, other)

    def __or__(self, other):
        return ops.compare(np.bitwise_or, self, other)

    def __invert__(self):
        return Tensor._wrap(~self.array)

    __hash__ = object.__hash__

    def __bool__(self):
        if self.array.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with more than one value is "
                               f"ambiguous (shape {self.shape}); use .any() or .all()")
        return bool(self.array)


def _dim(dim, ndim: int) -> int:
    """``dim`` wrapped into 0 … ndim−1, or PyTorch's IndexError when it is out of range."""
    low, high = (-1, 0) if ndim == 0 else (-ndim, ndim - 1)
    if not isinstance(dim, numbers.Integral) or not low <= dim <= high:
        raise IndexError(f"Dimension out of range (expected to be in range of "
                         f"[{low}, {high}], but got {dim})")
    return dim % max(ndim, 1)


def _value(x):
    return x.array if isinstance(x, Tensor) else x


def _check_clamp_bounds(low, high) -> None:
    if low is None and high is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")


@contextlib.contextmanager
def _shape_errors_as_pytorchs(target: "Tensor", value):
    """An in-place change whose value does not broadcast to the target's shape: PyTorch's
    RuntimeError instead of numpy's ValueError."""
    try:
        yield
    except ValueError:
        raise RuntimeError(f"output with shape {list(target.shape)} doesn't match the "
                           f"broadcast shape of a value of shape {list(np.shape(value))}: an "
                           "in-place change cannot change the tensor's shape") from None


def _memory_owner(array: np.ndarray) -> np.ndarray:
    """The array that owns ``array``'s memory (``array`` itself unless it is a view)."""
    return array if array.base is None else array.base


def _modified_message(node: Tensor, saved, version: int, expected: int) -> str:
    if saved is None:
        what = f"the output of {node._op} (shape {node.shape}, {node.dtype})"
    else:
        position = [i for i, p in enumerate(node._parents) if p is saved]
        where = f"input {position[0]} of {node._op}" if position else f"a tensor {node._op} used"
        what = f"{where} (shape {saved.shape}, {saved.dtype})"
    return ("one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: {what} is at version {version}; expected version "
            f"{expected} instead. Hint: it was changed in place (+=, add_, zero_, an "
            "optimizer's step, …) after the op used it; recompute the forward pass after "
            "the change, or change a copy (.clone())")


def _released_backward(g, parents, ctx):  # pragma: no cover - backward() checks first
    raise RuntimeError("graph already released")


_RELEASED = _released_backward
_RELEASED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Gradients accumulate, so calling backward() "
    "twice on the same graph would count them twice; recompute the forward pass, or pass "
    "retain_graph=True to the first backward()")


def topological_order(root: Tensor) -> list:
    """Every tensor ``root`` depends on that needs a gradient, parents before children.

    An iterative depth-first search with an explicit stack (no recursion, so a chain of
    100,000 ops is fine). A node is appended after all its parents — that is the
    topological order; ``backward()`` walks it in reverse. A leaf (no parents) is appended
    as soon as it is found, without its own trip through the stack.
    """
    order, visited = [], set()
    stack = [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
            continue
        if node in visited:
            continue
        visited.add(node)
        stack.append((node, True))
        for parent in node._parents:
            if parent.requires_grad and parent not in visited:
                if parent._parents:
                    stack.append((parent, False))
                else:                    # a leaf waits for nothing: it goes in at once
                    visited.add(parent)
                    order.append(parent)
    return order


def _version_of(t) -> int:
    """``t._version`` without the property call (``None`` stands for a new output: 0)."""
    box = None if t is None else t._version_box
    return 0 if box is None else box[0]


def _any_requires_grad(parents: tuple) -> bool:
    for parent in parents:         # a plain loop: faster than any() on one or two inputs
        if parent.requires_grad:
            return True
    return False


# ops imports Tensor from this module, so import it last, and hand it to the methods.
from minigrad import ops  # noqa: E402
from minigrad import tensor_methods  # noqa: E402

tensor_methods.ops = ops
