"""The optimizer base class: parameter groups, per-parameter state, checkpoints.

Every optimizer in minigrad does the same three things around its own update rule:

1. it keeps the parameters in *groups*, each group a dict holding ``"params"`` and the
   hyper-parameters (``"lr"``, ``"momentum"``, …) that apply to it, so one model can use
   several learning rates;
2. it keeps a small *state* per parameter (a momentum buffer, running averages, a step
   count), created the first time that parameter has a gradient;
3. it saves and restores both (``state_dict()``), so a checkpoint can be written to
   ``.npz`` without pickle.

As in PyTorch, each piece of per-parameter state is a Tensor outside the graph (the step
count a 0-d float32 tensor), and ``state_dict()`` hands out the live state, not a copy:
take ``copy.deepcopy(optimizer.state_dict())`` to keep a snapshot.

That shared work lives here, once. A subclass only validates its hyper-parameters, says
what state a parameter starts with, and writes ``step()`` — the algorithm itself.

The layout follows ``torch.optim.Optimizer``. What minigrad leaves out: ``maximize``,
``foreach``, ``fused``, ``capturable`` and ``differentiable`` (they change how the
arithmetic is dispatched, not what it is), sparse gradients, named parameters and hooks.
"""

import copy
import numbers

import numpy as np

from minigrad.tensor import Tensor


class Optimizer:
    """Base class of all optimizers.

    Parameters
    ----------
    params : iterable
        The parameters to optimize: an iterable of parameters (:class:`minigrad.Tensor`
        objects, usually ``model.parameters()``), or an iterable of dicts, each a parameter group
        ``{"params": [...], "lr": ..., ...}`` whose missing entries are taken from
        ``defaults``.
    defaults : dict
        The hyper-parameters every group starts from (``lr`` and the algorithm's own).

    Attributes
    ----------
    param_groups : list of dict
        One dict per group: ``"params"`` (a list of parameters) and its hyper-parameters.
        Learning-rate schedulers change ``group["lr"]`` here.
    state : dict
        ``state[p]`` is the dict of per-parameter state (Tensors, outside the graph).
    defaults : dict
        The hyper-parameters given to the constructor.
    """

    def __init__(self, params, defaults):
        self.defaults = dict(defaults)
        self._check_hyperparameters(self.defaults)
        self.state = {}
        self.param_groups = []

        if _is_parameter(params):
            raise TypeError("params should be an iterable of parameters or of dicts, "
                            f"but got a single {type(params).__name__}; "
                            "wrap it in a list: [p]")
        if isinstance(params, set):
            raise TypeError(_SET_ERROR)
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(k for k in group if k != "params"):
                lines.append(f"    {key}: {group[key]}")
        lines.append(")")
        return "\n".join(lines)

    # ------------------------------------------------------------------ groups
    def add_param_group(self, param_group):
        """Add a group of parameters, e.g. layers unfrozen while fine-tuning.

        Missing hyper-parameters are filled in from ``defaults``; the group's values are
        checked like the constructor's.
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        group = dict(param_group)
        params = group.get("params")
        if params is None:
            raise ValueError("a parameter group needs a 'params' entry")
        if isinstance(params, set):
            raise TypeError(_SET_ERROR)
        group["params"] = [params] if _is_parameter(params) else list(params)

        for i, p in enumerate(group["params"]):
            if not _is_parameter(p):
                raise TypeError("optimizer can only optimize Tensors, but parameter "
                                f"{i} of the new group is a {type(p).__name__}")
            if p.dtype.kind != "f":
                raise TypeError(f"parameter {i} of the new group has dtype {p.dtype}; "
                                "only floating-point parameters can be optimized")

        for name, default in self.defaults.items():
            group.setdefault(name, default)
        self._check_hyperparameters(group)

        ids = [id(p) for p in group["params"]]
        if len(ids) != len(set(ids)):
            raise ValueError("a parameter appears twice in the same group; "
                             "it would be updated twice per step")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if seen.intersection(ids):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    def _check_hyperparameters(self, group):
        """Raise ValueError for hyper-parameters that make no sense (overridden)."""

    # -------------------------------------------------------------- the loop
    def zero_grad(self, set_to_none=True):
        """Forget the gradients, before the next ``backward()`` accumulates new ones.

        With ``set_to_none=True`` (the default, as in PyTorch) ``.grad`` becomes None, so
        a parameter that gets no gradient next time is skipped by ``step()``; with False
        the arrays are filled with zeros in place.
        """
        for group in self.param_groups:
            for p in group["params"]:
                if p._grad is not None:
                    if set_to_none:
                        p._grad = None
                    else:
                        p._grad.zero_()

    def step(self, closure=None):
        """Update every parameter that has a gradient (implemented by each optimizer)."""
        raise NotImplementedError

    def _init_state(self, p, group):
        """The state a parameter starts with, the first time it has a gradient."""
        return {}

    def _parameters_with_grad(self):
        """Yield ``(group, theta, g, state)`` for every parameter whose gradient exists.

        ``theta`` is the parameter's numpy array (update it in place), ``g`` its
        gradient's array and ``state`` its state dict (of Tensors: their ``.array`` is
        what the update rule changes in place), created by ``_init_state`` on first use.
        Parameters whose ``.grad`` is None are skipped, as in PyTorch.

        Each parameter yielded counts as changed in place (its version goes up), as an
        optimizer step does in PyTorch: a graph built before the step can then no longer
        be backpropagated through by mistake.
        """
        for group in self.param_groups:
            for p in group["params"]:
                grad = p._grad
                if grad is None:
                    continue
                theta, g = p.array, grad.array
                if g.shape != theta.shape:
                    raise ValueError(f"a parameter of shape {theta.shape} has a gradient "
                                     f"of shape {g.shape}")
                state = self.state.get(p)
                if state is None:
                    state = self.state[p] = self._init_state(p, group)
                p._changed_in_place()
                yield group, theta, g, state

    @staticmethod
    def _closure_loss(closure):
        """Call ``closure`` (which recomputes the loss and its gradients) if given."""
        return None if closure is None else closure()

    # ---------------------------------------------------------- checkpoints
    def state_dict(self):
        """The optimizer's state and hyper-parameters, as PyTorch gives them.

        Returns
        -------
        dict
            ``{"state": {index: {name: Tensor}},
            "param_groups": [{hyper-parameters..., "params": [index, ...]}]}``, where a
            parameter's index is its position counting through all groups in order, as
            in PyTorch. Parameters that have never had a gradient have no state entry.
            The state is the optimizer's own (later steps change it, as in PyTorch);
            the hyper-parameters are copies.
        """
        index = {}
        param_groups = []
        for group in self.param_groups:
            packed = {k: copy.deepcopy(v) for k, v in group.items() if k != "params"}
            packed["params"] = []
            for p in group["params"]:
                index[id(p)] = len(index)
                packed["params"].append(index[id(p)])
            param_groups.append(packed)
        state = {index[id(p)]: s for p, s in self.state.items()}
        return {"state": state, "param_groups": param_groups}

    def load_state_dict(self, state_dict):
        """Restore what :meth:`state_dict` returned (hyper-parameters and state).

        The saved groups must match this optimizer's: the same number of groups and the
        same number of parameters in each, and every saved array must have its
        parameter's shape. As in PyTorch, a saved Tensor of the parameter's dtype is taken
        as it is (not copied); arrays and numbers (from an ``.npz`` file) become Tensors.
        """
        for key in ("state", "param_groups"):
            if key not in state_dict:
                raise KeyError(f"optimizer state_dict has no {key!r} entry")
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"loaded state dict has {len(saved_groups)} parameter groups, "
                             f"but the optimizer has {len(self.param_groups)}")
        for i, (group, saved) in enumerate(zip(self.param_groups, saved_groups)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(f"parameter group {i} of the loaded state dict has "
                                 f"{len(saved['params'])} parameters, but the optimizer's "
                                 f"group {i} has {len(group['params'])}")

        by_index = {}
        for group, saved in zip(self.param_groups, saved_groups):
            for saved_index, p in zip(saved["params"], group["params"]):
                by_index[int(saved_index)] = p

        new_state = {}
        for saved_index, saved_state in state_dict["state"].items():
            saved_index = int(saved_index)
            if saved_index not in by_index:
                raise ValueError(f"loaded state dict has state for parameter {saved_index}, "
                                 "which is in none of its parameter groups")
            p = by_index[saved_index]
            new_state[p] = {name: _restore_state_value(value, p, saved_index, name)
                            for name, value in saved_state.items()}

        new_groups = []
        for group, saved in zip(self.param_groups, saved_groups):
            new_group = {k: _restore_hyperparameter(k, v) for k, v in saved.items()
                         if k != "params"}
            new_group["params"] = group["params"]
            self._check_hyperparameters(new_group)
            new_groups.append(new_group)

        self.state = new_state
        self.param_groups = new_groups


# ---------------------------------------------------------------------- helpers
_SET_ERROR = ("parameters must be in an ordered collection (a list), not a set: the order "
              "of a set changes between runs, and state_dict() refers to parameters by "
              "position")


def _is_parameter(x):
    return isinstance(x, Tensor)


def _restore_state_value(value, p, index, name):
    """A saved state entry as the optimizer keeps it: a Tensor — the 0-d float32 step
    count, or an array shaped like the parameter (0-d for a 0-d parameter: the update
    rules change state arrays in place, which a Python float would not allow). Plain
    numbers and None, which an optimizer of the user's may keep, come back as they are."""
    if name == "step":
        return step_count(float(np.asarray(value)))
    if value is None or isinstance(value, (numbers.Number, str)):
        return value                          # a plain value a subclass keeps, as it was
    if isinstance(value, Tensor) and value.dtype == p.dtype and value.shape == p.shape:
        return value                                   # PyTorch keeps it too, uncopied
    value = np.array(value, dtype=p.dtype, copy=True)
    if value.shape != p.shape:
        raise ValueError(f"loaded state {name!r} of parameter {index} has shape {value.shape}, "
                         f"but the parameter has shape {p.shape}")
    return Tensor._wrap(value)


def state_tensor(array) -> Tensor:
    """A piece of optimizer state (a moving average, a buffer): a Tensor over ``array``."""
    return Tensor._wrap(array)


def step_count(value: float = 0.0) -> Tensor:
    """The number of steps taken, as PyTorch keeps it: a 0-d float32 tensor."""
    return Tensor._wrap(np.array(value, dtype=np.float32))


def _restore_hyperparameter(name, value):
    if isinstance(value, np.ndarray) and value.ndim == 1 or isinstance(value, list):
        return tuple(_plain_number(v) for v in value)   # e.g. betas after a round trip
    if np.ndim(value) == 0:
        return _plain_number(value)
    return copy.deepcopy(value)


def _plain_number(value):
    """A 0-d array or numpy scalar as a Python bool/int/float (others unchanged)."""
    if isinstance(value, np.ndarray) and value.ndim == 0 or isinstance(value, np.generic):
        return value.item()
    return value


def check_hyperparameter(name, value, low=0.0, high=None, high_inclusive=True, rule=None):
    """Raise ``ValueError("Invalid <name>: <value> (must be ...)")`` if out of range.

    Checks ``low <= value`` and, when ``high`` is given, ``value <= high`` (or
    ``value < high`` with ``high_inclusive=False``).
    """
    if hasattr(value, "numel") and value.numel() == 1:      # a one-element Tensor, as torch
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"Invalid {name}: {value!r} (must be a real number)")
    ok = low <= value and (high is None or (value <= high if high_inclusive else value < high))
    if not ok:
        if rule is None:
            if high is None:
                rule = f">= {low:g}"
            else:
                rule = f"in [{low:g}, {high:g}{']' if high_inclusive else ')'}"
        raise ValueError(f"Invalid {name}: {value} (must be {rule})")


def l2_penalty(g, theta, weight_decay):
    """The gradient of ``f(θ) + λ/2 ‖θ‖²``: ``g + λ θ`` (a new array; ``g`` is kept).

    This is *coupled* weight decay (L2 regularisation through the gradient), as in
    PyTorch's SGD, Adagrad, RMSprop and Adam; AdamW decays ``θ`` directly instead.
    """
    return g + weight_decay * theta if weight_decay != 0 else g

