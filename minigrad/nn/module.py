"""``Module`` and ``Parameter``: how a model keeps track of the numbers it learns.

A model is a tree. Its leaves are :class:`Parameter` tensors (the weights the optimizer
updates); its inner nodes are :class:`Module` objects (``Linear``, ``MLP``, your own
model). A module finds its parameters by looking at its own attributes::

    class TwoLayer(Module):
        def __init__(self):
            super().__init__()
            self.fc1 = Linear(2, 8)      # a sub-module: its parameters are ours too
            self.fc2 = Linear(8, 1)
            self.scale = Parameter(np.ones(1, dtype=np.float32))

        def forward(self, x):
            return self.fc2(self.fc1(x).relu()) * self.scale

``model.named_parameters()`` then yields ``fc1.weight``, ``fc1.bias``, ``fc2.weight``,
``fc2.bias`` and ``scale``: each name is the path of attribute names from the model to
the parameter, as in PyTorch, so ``state_dict()`` keys match PyTorch's for the same
model. Lists, tuples and dicts of modules or parameters are searched too, their items
named ``name.0``, ``name.1``, … (or ``name.key``).
"""

from __future__ import annotations

from collections import OrderedDict, namedtuple

import numpy as np

from minigrad.tensor import Tensor, no_grad


class Parameter(Tensor):
    """A tensor that a :class:`Module` learns: ``requires_grad=True`` and found by
    :meth:`Module.parameters`.

    Parameters
    ----------
    data : array_like
        The initial values (copied). Python floats become float32.
    requires_grad : bool
        True by default; set False to freeze the parameter.
    """

    __slots__ = ()

    def __init__(self, data, requires_grad: bool = True):
        super().__init__(data, requires_grad=requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


LoadResult = namedtuple("LoadResult", ["missing_keys", "unexpected_keys"])
"""What :meth:`Module.load_state_dict` returns: keys the state dict lacked or had extra."""


class Module:
    """Base class of every layer and model.

    Subclasses call ``super().__init__()``, assign parameters and sub-modules as
    attributes, and write :meth:`forward`. Calling the module (``model(x)``) calls
    ``forward(x)``.

    Attributes
    ----------
    training : bool
        True after :meth:`train` (the default), False after :meth:`eval`. None of
        minigrad's layers behave differently in the two modes, but a model with dropout
        or batch norm would read this flag.
    """

    def __init__(self):
        self.training = True

    # -- the forward pass --------------------------------------------------------------
    def forward(self, *args, **kwargs):
        """The computation of the module (written by each subclass)."""
        raise NotImplementedError(
            f"{type(self).__name__} has no forward(); a Module subclass must define "
            "forward(self, ...) with its computation")

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    # -- finding parameters and sub-modules ---------------------------------------------
    def _members(self):
        """Yield ``(name, item)`` for each Parameter or Module this module holds directly.

        Items are found in attribute-assignment order; lists, tuples and dicts held in
        an attribute contribute their items as ``attribute.index`` / ``attribute.key``.
        """
        for name, value in vars(self).items():
            if isinstance(value, (list, tuple)):
                items = ((f"{name}.{i}", item) for i, item in enumerate(value))
            elif isinstance(value, dict):
                items = ((f"{name}.{key}", item) for key, item in value.items())
            else:
                items = ((name, value),)
            for item_name, item in items:
                if isinstance(item, (Parameter, Module)):
                    yield item_name, item

    def named_children(self):
        """Yield ``(name, module)`` for the sub-modules this module holds directly."""
        for name, item in self._members():
            if isinstance(item, Module):
                yield name, item

    def children(self):
        """The sub-modules this module holds directly."""
        return [module for _, module in self.named_children()]

    def named_modules(self, prefix: str = ""):
        """Yield ``(name, module)`` for this module (name ``""``) and every descendant."""
        yield prefix, self
        for name, child in self.named_children():
            yield from child.named_modules(f"{prefix}.{name}" if prefix else name)

    def modules(self):
        """This module and every module inside it."""
        return [module for _, module in self.named_modules()]

    def named_parameters(self, prefix: str = ""):
        """Yield ``(name, parameter)`` for every parameter in the tree, each once.

        A parameter shared by two layers is reported under the first name it is found
        at, so an optimizer does not update it twice.
        """
        seen = set()
        for module_name, module in self.named_modules(prefix):
            for name, item in module._members():
                if isinstance(item, Parameter) and id(item) not in seen:
                    seen.add(id(item))
                    yield (f"{module_name}.{name}" if module_name else name), item

    def parameters(self):
        """Every parameter in the tree, in a fixed order (give it to an optimizer)."""
        return [p for _, p in self.named_parameters()]

    def add_module(self, name: str, module) -> None:
        """Add ``module`` as the sub-module ``name`` (the same as ``self.name = module``)."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        setattr(self, name, module)

    register_module = add_module

    def register_parameter(self, name: str, param) -> None:
        """Add ``param`` as the parameter ``name`` (the same as ``self.name = param``)."""
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{type(param).__name__}' object to parameter "
                            f"'{name}' (minigrad.nn.Parameter or None required)")
        setattr(self, name, param)

    def named_buffers(self, prefix: str = ""):
        """minigrad's layers keep no buffers (no batch-norm statistics): yields nothing."""
        return iter(())

    def buffers(self):
        """minigrad's layers keep no buffers: an empty iterator."""
        return iter(())

    def apply(self, fn) -> "Module":
        """Call ``fn(module)`` on every sub-module (children first) and then on this
        module, as ``torch.nn.Module.apply``; the usual way to initialise a model::

            def init_weights(m):
                if type(m) == nn.Linear:
                    nn.init.normal_(m.weight, std=0.01)
            net.apply(init_weights)
        """
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # -- training helpers ----------------------------------------------------------------
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset every parameter's ``.grad`` (gradients accumulate otherwise): to None
        (the default, as in PyTorch), or to zeros with ``set_to_none=False``."""
        for p in self.parameters():
            if set_to_none or p.grad is None:
                p.grad = None
            else:
                p.grad.zero_()

    def train(self, mode: bool = True) -> "Module":
        """Put this module and every sub-module in training mode (or evaluation mode)."""
        for module in self.modules():
            module.training = bool(mode)
        return self

    def eval(self) -> "Module":
        """Put this module and every sub-module in evaluation mode: ``train(False)``."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> "Module":
        """Switch gradient tracking of every parameter on or off (freeze a model)."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def to(self, *args, **kwargs) -> "Module":
        """Move the model to a device and/or cast its floating-point parameters to a
        dtype, in place, as ``torch.nn.Module.to``: ``to("cpu")``, ``to(torch.float64)``,
        ``to(device, dtype)``, ``to(device=..., dtype=...)``, ``to(tensor)`` (its dtype).

        minigrad runs on the CPU only: any other device is refused. Returns ``self``.
        """
        from minigrad.device import parse_to
        dtype = parse_to(*args, **kwargs)
        if dtype is not None:
            if dtype.kind not in "fc":
                raise TypeError(f"nn.Module.to only accepts floating point or complex "
                                f"dtypes, but got desired dtype={dtype}")
            for p in self.parameters():
                if p.dtype.kind == "f" and p.dtype != dtype:
                    _cast_parameter(p, dtype)
        return self

    def cpu(self) -> "Module":
        """The model is on the CPU already: returns ``self``."""
        return self

    def cuda(self, device=None) -> "Module":
        """Refused: minigrad runs on the CPU only."""
        return self.to("cuda")

    def float(self) -> "Module":
        """Cast floating-point parameters to float32."""
        return self.to(dtype=np.float32)

    def double(self) -> "Module":
        """Cast floating-point parameters to float64."""
        return self.to(dtype=np.float64)

    # -- saving and restoring ------------------------------------------------------------
    def state_dict(self) -> OrderedDict:
        """Every parameter by name: an ordered dict name → Tensor, detached but sharing
        the parameter's memory, as in PyTorch (so training on changes them: to keep a
        snapshot, copy it — ``{k: v.clone() for k, v in model.state_dict().items()}``).

        For the same architecture the names are PyTorch's (``0.weight``, ``fc1.bias``…),
        so ``{k: v.numpy() for k, v in torch_model.state_dict().items()}`` loads here.
        """
        return OrderedDict((name, p.detach()) for name, p in self.named_parameters())

    def load_state_dict(self, state_dict, strict: bool = True) -> LoadResult:
        """Copy values from ``state_dict`` (name → array or Tensor) into the parameters.

        Parameters
        ----------
        state_dict : mapping
            As returned by :meth:`state_dict`. Values are cast to each parameter's dtype.
        strict : bool
            If True (the default), a key the model lacks or a parameter the state dict
            lacks is an error. With False those are skipped and reported.

        Returns
        -------
        LoadResult
            ``(missing_keys, unexpected_keys)``.

        Raises
        ------
        KeyError
            With ``strict=True``, naming every missing and unexpected key.
        ValueError
            Naming every parameter whose saved shape differs (even with ``strict=False``).
            Nothing is copied unless every check passes.
        """
        params = OrderedDict(self.named_parameters())
        missing = [name for name in params if name not in state_dict]
        unexpected = [name for name in state_dict if name not in params]
        if strict and (missing or unexpected):
            problems = []
            if missing:
                problems.append(f"missing keys {missing}")
            if unexpected:
                problems.append(f"unexpected keys {unexpected}")
            raise KeyError(f"state dict does not match {type(self).__name__}: "
                           f"{' and '.join(problems)}")

        values = {}
        wrong_shapes = []
        for name, p in params.items():
            if name not in state_dict:
                continue
            value = state_dict[name]
            value = np.asarray(value.array if isinstance(value, Tensor) else value)
            if value.shape != p.shape:
                wrong_shapes.append(f"{name}: saved {value.shape}, model {p.shape}")
            values[name] = value
        if wrong_shapes:
            raise ValueError(f"state dict does not match {type(self).__name__}: shape "
                             f"mismatch for " + "; ".join(wrong_shapes))

        with no_grad():
            for name, value in values.items():
                params[name].copy_(value)
        return LoadResult(missing, unexpected)

    # -- printing --------------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The text inside the parentheses of this module's repr (override to add it)."""
        return ""

    def __repr__(self) -> str:
        children = list(self.named_children())
        if not children:
            return f"{type(self).__name__}({self.extra_repr()})"
        lines = [f"{type(self).__name__}("]
        if self.extra_repr():
            lines.append(f"  {self.extra_repr()}")
        for name, child in children:
            child_text = repr(child).replace("\n", "\n  ")
            lines.append(f"  ({name}): {child_text}")
        lines.append(")")
        return "\n".join(lines)


def _cast_parameter(p: Parameter, dtype) -> None:
    """Give parameter ``p`` (and its gradient) the dtype ``dtype``, in place."""
    from minigrad.tensor import no_grad
    with no_grad():
        p.data = p.data.to(dtype)
        if p.grad is not None:
            p.grad = p.grad.to(dtype)
