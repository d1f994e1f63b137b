"""Check gradients against finite differences.

The derivative is a limit, so a small step approximates it. The *central* difference

.. math::

    \\frac{\\partial f}{\\partial x_i} \\approx
    \\frac{f(x + \\varepsilon e_i) - f(x - \\varepsilon e_i)}{2\\varepsilon}

has error O(ε²) (the one-sided difference only O(ε)). In float64 with ε = 10⁻⁶ that is
about 10⁻¹⁰ relative — far below any real bug. In float32 the rounding error of f itself
(≈10⁻⁷ times ``|f|``) divided by 2ε swamps the estimate, which is why the check runs in float64.

``gradcheck`` compares this estimate with what ``backward()`` computes and raises a
:class:`GradcheckError` naming the input, the element, and both values when they differ.
The same check, for every op of the engine, is a command::

    python -m minigrad.gradcheck
"""

from __future__ import annotations

import warnings
from typing import Callable, Sequence

import numpy as np

from minigrad.tensor import Tensor, no_grad


class GradcheckError(AssertionError):
    """An analytical gradient disagrees with its finite-difference estimate."""


def _float64_copies(inputs: Sequence) -> list:
    """float64 copies of the inputs (requires_grad kept), so the originals are untouched."""
    copies = []
    for x in inputs:
        if isinstance(x, Tensor) and x.dtype.kind == "f":
            copies.append(Tensor(x.array, dtype=np.float64, requires_grad=x.requires_grad))
        elif isinstance(x, np.ndarray) and x.dtype.kind == "f":
            copies.append(Tensor(x, dtype=np.float64))
        else:
            copies.append(x)
    return copies


def _weighted_output(fn: Callable, inputs: list, weights) -> float:
    """⟨weights, fn(inputs)⟩ without building a graph: the scalar being differentiated."""
    with no_grad():
        out = _checked_output(fn(*inputs))
    return float(np.sum(np.asarray(out.array, dtype=np.float64) * weights))


def _checked_output(out) -> Tensor:
    """``fn``'s result, or a TypeError saying what gradcheck needs instead."""
    if not isinstance(out, Tensor):
        raise TypeError(f"gradcheck: fn must return a minigrad Tensor (built from its "
                        f"inputs by minigrad ops), but it returned a {type(out).__name__}; "
                        "a number computed outside minigrad has no gradient to check")
    return out


def _output_weights(out: Tensor, grad_output, rng) -> np.ndarray:
    """The vector r that turns f's output into the scalar ⟨r, f(x)⟩ to differentiate."""
    if grad_output is not None:
        weights = np.asarray(grad_output, dtype=np.float64)
        if weights.shape != out.shape:
            raise ValueError(f"grad_output has shape {weights.shape}, but fn returns a "
                             f"tensor of shape {out.shape}")
        return weights
    if out.numel() == 1:
        return np.ones(out.shape)
    if rng is None:
        raise ValueError(f"fn returns a tensor of shape {out.shape}, not a scalar; pass "
                         "grad_output (the weights of its elements) to differentiate "
                         "⟨grad_output, fn(x)⟩")
    return rng.standard_normal(out.shape)


def numerical_grad(fn: Callable, inputs: Sequence, eps: float = 1e-6,
                   grad_output=None) -> list:
    """Central-difference gradient of ``fn`` with respect to every float input, in float64.

    Parameters
    ----------
    fn : callable
        Takes the inputs (Tensors) and returns a Tensor.
    inputs : sequence of Tensor or numpy arrays
        Where to evaluate the gradient. They are copied to float64; never modified.
    eps : float
        The step ε of :math:`(f(x+εe_i) − f(x−εe_i)) / 2ε`.
    grad_output : array_like, optional
        For a non-scalar output, the weights r: the gradient of ⟨r, fn(x)⟩ is estimated.

    Returns
    -------
    list of numpy.ndarray
        One float64 array per input, shaped like it (``None`` for non-float inputs).
    """
    inputs = _float64_copies(inputs)
    with no_grad():
        out = _checked_output(fn(*inputs))
    weights = _output_weights(out, grad_output, rng=None)
    grads = []
    for x in inputs:
        if not isinstance(x, Tensor) or x.dtype.kind != "f":
            grads.append(None)
            continue
        values = x.array             # perturbed in place, one element at a time
        grad = np.zeros(x.shape)
        for i in np.ndindex(x.shape):   # by index: right for any memory layout
            original = values[i]
            values[i] = original + eps
            f_plus = _weighted_output(fn, inputs, weights)
            values[i] = original - eps
            f_minus = _weighted_output(fn, inputs, weights)
            values[i] = original
            grad[i] = (f_plus - f_minus) / (2 * eps)
        grads.append(grad)
    return grads


def analytical_grad(fn: Callable, inputs: list, weights) -> list:
    """∂⟨weights, fn(x)⟩/∂x from ``backward()``, for the inputs that require grad."""
    for x in inputs:
        if isinstance(x, Tensor):
            x.grad = None
    out = _checked_output(fn(*inputs))
    if not out.requires_grad:
        raise GradcheckError("fn's output does not require grad: no input with "
                             "requires_grad=True reaches it")
    out.backward(weights)
    return [None if not (isinstance(x, Tensor) and x.requires_grad)
            else (x.grad.array if x.grad is not None else np.zeros(x.shape)) for x in inputs]


def gradcheck(fn: Callable, inputs: Sequence, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, fast_mode: bool = False, seed: int = 0) -> bool:
    """Check ``backward()`` against central finite differences; True or an error.

    Every input that is a Tensor with ``requires_grad=True`` is checked; others are held
    constant. A non-scalar output f is reduced to ⟨r, f⟩ with a random r, which checks the
    vector–Jacobian product backward() computes. An element passes when
    ``|numerical − analytical| ≤ atol + rtol·|numerical|`` (the defaults are PyTorch's).

    Parameters
    ----------
    fn : callable
        Takes the inputs and returns a Tensor.
    inputs : sequence
        Tensors (checked if they require grad) and constants.
    eps, atol, rtol : float
        Finite-difference step and tolerances.
    fast_mode : bool
        Compare one directional derivative along a random unit direction u instead of
        every element: ``(f(x+εu) − f(x−εu))/2ε`` against ``⟨∇f, u⟩``. Two evaluations
        instead of two per element, so quick for large inputs — but one wrong element of
        n is diluted by about 1/√n and can pass. Off by default, as in PyTorch.
    seed : int
        Seeds the random output weights and directions, so a failure reproduces.

    Raises
    ------
    GradcheckError
        Naming the input, the element index, the numerical and the analytical value.
    """
    if any(isinstance(x, Tensor) and x.requires_grad and x.dtype == np.float32
           for x in inputs):
        warnings.warn("gradcheck: float32 inputs are checked in float64 copies; finite "
                      "differences with eps=1e-6 are meaningless in float32 itself",
                      stacklevel=2)
    rng = np.random.default_rng(seed)
    inputs = _float64_copies(inputs)
    if not any(isinstance(x, Tensor) and x.requires_grad for x in inputs):
        raise ValueError("gradcheck: no input has requires_grad=True, nothing to check")
    with no_grad():
        weights = _output_weights(_checked_output(fn(*inputs)), None, rng)
    analytical = analytical_grad(fn, inputs, weights)
    for position, (x, grad) in enumerate(zip(inputs, analytical)):
        if grad is None:
            continue
        if fast_mode:
            _check_direction(fn, inputs, weights, position, grad, eps, atol, rtol, rng)
        else:
            numerical = _numerical_for(fn, inputs, weights, position, eps)
            _check_elements(position, x.shape, numerical, grad, atol, rtol)
    return True


def _numerical_for(fn, inputs, weights, position, eps) -> np.ndarray:
    """Central differences for one input (the others held fixed)."""
    def fn_of_one(x):
        args = list(inputs)
        args[position] = x
        return fn(*args)
    x = Tensor(inputs[position].array)
    return numerical_grad(fn_of_one, [x], eps, grad_output=weights)[0]


def _check_elements(position, shape, numerical, analytical, atol, rtol) -> None:
    error = np.abs(numerical - analytical)
    allowed = atol + rtol * np.abs(numerical)
    bad = ~(error <= allowed)                  # nan anywhere counts as a mismatch
    if not bad.any():
        return
    for name, values in (("numerical", numerical), ("analytical", analytical)):
        if not np.isfinite(values).all():
            where = tuple(int(i) for i in np.argwhere(~np.isfinite(values))[0])
            raise GradcheckError(
                f"the {name} gradient of input {position} is not finite at index {where} "
                f"({values[where]}); gradcheck needs fn to be finite and differentiable "
                f"around the inputs (is an input at a pole, a kink, or out of fn's domain?)")
    worst = np.unravel_index(np.argmax(np.where(bad, error - allowed, -np.inf)), shape)
    raise GradcheckError(
        f"gradient mismatch for input {position} (shape {tuple(shape)}) at index "
        f"{tuple(int(i) for i in worst)}: numerical {numerical[worst]:.10g} vs "
        f"analytical {analytical[worst]:.10g} (|difference| "
        f"{error[worst]:.3g} > atol + rtol·|numerical| = {allowed[worst]:.3g}); "
        f"{int(np.sum(bad))} of {error.size} elements differ")


def _check_direction(fn, inputs, weights, position, grad, eps, atol, rtol, rng) -> None:
    x = inputs[position]
    direction = rng.standard_normal(x.shape)
    direction /= np.linalg.norm(direction)

    def value_at(step):
        args = list(inputs)
        args[position] = Tensor(x.array + step * direction)
        return _weighted_output(fn, args, weights)

    numerical = (value_at(eps) - value_at(-eps)) / (2 * eps)
    analytical = float(np.sum(grad * direction))
    allowed = atol + rtol * abs(numerical)
    if abs(numerical - analytical) > allowed:
        raise GradcheckError(
            f"gradient mismatch for input {position} (shape {tuple(x.shape)}) along a "
            f"random direction (fast mode, seed-reproducible): numerical directional "
            f"derivative {numerical:.10g} vs analytical {analytical:.10g} (|difference| "
            f"{abs(numerical - analytical):.3g} > {allowed:.3g})")
