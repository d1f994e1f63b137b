r"""Writing your own op: :class:`Function`, as ``torch.autograd.Function``.

An op is two functions: ``forward`` computes the output from the inputs, ``backward``
turns :math:`g = \partial L/\partial\,\text{output}` into one gradient per input, by the
chain rule :math:`\partial L/\partial x = g \cdot \partial\,\text{output}/\partial x`.
Subclass :class:`Function`, write both as static methods, and call ``apply``::

    class LegendreP3(minigrad.autograd.Function):
        '''P₃(x) = ½(5x³ − 3x), whose derivative is P₃'(x) = 3/2 (5x² − 1).'''

        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)          # what backward will need
            return 0.5 * (5 * x ** 3 - 3 * x)

        @staticmethod
        def backward(ctx, grad_output):
            x, = ctx.saved_tensors
            return grad_output * 1.5 * (5 * x ** 2 - 1)

    y = LegendreP3.apply(x)                   # a node of the graph, like any op

``forward`` runs without recording a graph (its inside is one node), and ``backward``
too: both take and return Tensors. This is the same pattern as every op in
:mod:`minigrad.ops`, which write the two halves with numpy arrays instead.
"""

from __future__ import annotations

import numpy as np

from minigrad.tensor import Tensor, no_grad

__all__ = ["Function", "FunctionCtx", "once_differentiable", "grad", "gradcheck"]


class FunctionCtx:
    """The ``ctx`` object a :class:`Function`'s ``forward`` and ``backward`` share.

    Attributes
    ----------
    needs_input_grad : tuple of bool
        For each argument of ``forward``: does it need a gradient? (``backward`` may
        return None for those that do not.)

    Any other attribute can be set freely (``ctx.alpha = alpha``) for values that are
    not tensors.
    """

    def __init__(self):
        self.needs_input_grad = ()
        self._saved = ()
        self._saved_versions = ()

    def save_for_backward(self, *tensors) -> None:
        """Keep ``tensors`` (or None) for ``backward``, which reads them from
        :attr:`saved_tensors`. Each one's version is recorded, so changing one in place
        before ``backward`` is an error (as in PyTorch), not a silently wrong gradient."""
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(f"save_for_backward can only save tensors, but argument "
                                f"{tensors.index(t)} was of type {type(t).__name__}; store "
                                "other values as attributes of ctx")
        self._saved = tensors
        self._saved_versions = tuple(getattr(t, "_version", None) for t in tensors)

    @property
    def saved_tensors(self) -> tuple:
        """The tensors given to :meth:`save_for_backward`, unchanged since."""
        for t, version in zip(self._saved, self._saved_versions):
            now = getattr(t, "_version", None)
            if t is not None and now != version:
                raise RuntimeError(
                    "one of the variables needed for gradient computation has been "
                    f"modified by an inplace operation: [{t.dtype} tensor of shape "
                    f"{tuple(t.shape)}] is at version {now}; expected version {version} "
                    "instead. Hint: clone it before changing it in place.")
        return self._saved

    # Accepted for code written for PyTorch; minigrad needs nothing from them.
    def mark_dirty(self, *tensors) -> None:
        pass

    def mark_non_differentiable(self, *tensors) -> None:
        pass

    def set_materialize_grads(self, value: bool) -> None:
        pass


class Function:
    """Base class of custom ops (``torch.autograd.Function``): subclass it, write
    ``forward(ctx, *inputs)`` and ``backward(ctx, *grad_outputs)`` as static methods,
    and call ``MyOp.apply(*inputs)``.

    ``backward`` returns one gradient per argument of ``forward`` (None for arguments
    that are not tensors or need none), each shaped like its input.

    PyTorch's newer style also works: ``forward(*inputs)`` without ``ctx`` and a static
    ``setup_context(ctx, inputs, output)`` that saves what ``backward`` needs.
    """

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("a Function subclass must define forward(ctx, *inputs) "
                                  "as a @staticmethod")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("a Function subclass must define "
                                  "backward(ctx, *grad_outputs) as a @staticmethod")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError

    def __init__(self, *args, **kwargs):
        raise RuntimeError("Function classes are not instantiated: call "
                           f"{type(self).__name__}.apply(...) instead")

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run ``forward`` on ``args`` and record one graph node whose backward is
        ``cls.backward``. Returns what ``forward`` returns (a Tensor or a tuple)."""
        ctx = FunctionCtx()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad
                                     for a in args)
        new_style = cls.setup_context is not Function.setup_context
        with no_grad():
            output = cls.forward(*args, **kwargs) if new_style \
                else cls.forward(ctx, *args, **kwargs)
        if new_style:
            cls.setup_context(ctx, args, output)

        single = isinstance(output, Tensor)
        outputs = (output,) if single else tuple(output)
        if not all(isinstance(o, Tensor) for o in outputs):
            raise TypeError(f"{cls.__name__}.forward must return a Tensor or a tuple of "
                            f"Tensors; got {type(output).__name__}")
        inputs = [(i, a) for i, a in enumerate(args) if isinstance(a, Tensor)]
        nodes = tuple(_output_node(cls, ctx, args, inputs, outputs, k)
                      for k in range(len(outputs)))
        return nodes[0] if single else nodes


def _output_node(cls, function_ctx, args, inputs, outputs, k) -> Tensor:
    """The graph node for output ``k`` of ``cls.apply(*args)``.

    Its backward calls ``cls.backward`` with ``g`` for output ``k`` and zeros for the
    others; an op with several outputs used together thus calls ``backward`` once per
    output, and the engine adds the results (``backward`` is linear in its gradients).
    """
    name = f"{cls.__name__}Backward"
    parents = tuple(t for _, t in inputs)
    positions = tuple(i for i, _ in inputs)             # where each parent is in args
    output_types = tuple((o.shape, o.dtype) for o in outputs)
    return Tensor._make(outputs[k].array, parents, _output_node_backward, name,
                        ctx=(cls, function_ctx, name, len(args), positions, output_types, k))


def _output_node_backward(g, parents, ctx):
    cls, function_ctx, name, n_args, positions, output_types, k = ctx
    grad_outputs = [Tensor(np.zeros(shape, dtype=dtype)) for shape, dtype in output_types]
    grad_outputs[k] = Tensor._wrap(g)
    with no_grad():
        grads = cls.backward(function_ctx, *grad_outputs)
    grads = grads if isinstance(grads, tuple) else (grads,)
    if len(grads) != n_args:
        raise RuntimeError(f"function {name} returned an incorrect number of "
                           f"gradients (expected {n_args}, got {len(grads)})")
    return tuple(_gradient_for(name, i, grads[i], tensor)
                 for i, tensor in zip(positions, parents))


def _gradient_for(name: str, index: int, grad, tensor: Tensor):
    """``grad`` (what backward returned for input ``index``) as an array shaped like the
    input, summing over broadcast axes as PyTorch does; or a clear error."""
    if grad is None or not tensor.requires_grad:
        return None
    array = grad.array if isinstance(grad, Tensor) else np.asarray(grad)
    if array.shape != tensor.shape:
        try:
            np.broadcast_shapes(array.shape, tensor.shape)
            expandable = np.broadcast_shapes(array.shape, tensor.shape) == array.shape
        except ValueError:
            expandable = False
        if not expandable:
            raise RuntimeError(f"Function {name} returned an invalid gradient at index "
                               f"{index} - got {list(array.shape)} but expected shape "
                               f"compatible with {list(tensor.shape)}")
        from minigrad.ops import unbroadcast
        array = unbroadcast(array, tensor.shape)
    return array.astype(tensor.dtype, copy=False)


def once_differentiable(backward):
    """Accepted for PyTorch code: minigrad's backward passes never build a graph."""
    return backward


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         allow_unused=None):
    r"""The gradients :math:`\partial\,\text{outputs}/\partial\,\text{inputs}`, returned
    instead of added into ``.grad`` (``torch.autograd.grad``).

    Runs the same backward pass as ``outputs.backward(grad_outputs)``; every ``.grad``
    in the graph is left as it was. ``create_graph=True`` (gradients of gradients) is
    not supported.
    """
    from minigrad.tensor import topological_order
    if create_graph:
        raise NotImplementedError("minigrad.autograd.grad: create_graph=True (a graph of "
                                  "the backward pass) is not supported")
    single = isinstance(inputs, Tensor)
    inputs = (inputs,) if single else tuple(inputs)
    if isinstance(outputs, (tuple, list)):
        if len(outputs) != 1:
            raise NotImplementedError("minigrad.autograd.grad takes one output tensor")
        outputs = outputs[0]
        if isinstance(grad_outputs, (tuple, list)):
            grad_outputs = grad_outputs[0]
    for i, t in enumerate(inputs):
        if not t.requires_grad:
            raise RuntimeError(f"One of the differentiated Tensors (index {i}) does not "
                               "require grad")
    nodes = topological_order(outputs)
    kept = [(n, n._grad, n._retains_grad) for n in nodes]
    in_graph = {id(n) for n in nodes}
    try:
        for n in nodes:
            n._grad = None
        for t in inputs:
            t._retains_grad = True
        outputs.backward(grad_outputs, retain_graph=bool(retain_graph))
        results = tuple(t._grad if id(t) in in_graph else None for t in inputs)
    finally:
        for n, old_grad, old_retains in kept:
            n._grad, n._retains_grad = old_grad, old_retains
    unused = [i for i, r in enumerate(results) if r is None]
    if unused and not allow_unused:
        raise RuntimeError(f"One of the differentiated Tensors (index {unused[0]}) appears "
                           "to not have been used in the graph. Set allow_unused=True if "
                           "this is the desired behavior.")
    return results


def gradcheck(func, inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    """``torch.autograd.gradcheck``'s place: :func:`minigrad.gradcheck` (float64 central
    differences against the backward pass; True, or an error naming the input)."""
    from minigrad.gradcheck import gradcheck as check
    return check(func, inputs, eps=eps, atol=atol, rtol=rtol)
