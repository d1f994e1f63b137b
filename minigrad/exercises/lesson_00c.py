"""Exercises of lesson 00c: from scalars to tensors."""

import sys

import numpy as np

import minigrad
from minigrad.exercises import CheckFailed, exercise


def _array(fn, *args):
    result = fn(*args)
    if not isinstance(result, (np.ndarray, np.generic, float, int)):
        raise CheckFailed(f"return a numpy array, not {type(result).__name__}")
    return np.asarray(result)


# --------------------------------------------------------------------------- unbroadcast
# (grad shape, input shape): what broadcasting did and the sum that undoes it.
_UNBROADCAST_CASES = [
    ((3, 4), (3, 4), "nothing was broadcast: return grad unchanged"),
    ((3, 4), (4,), "a leading axis was added: sum over it"),
    ((3, 4), (3, 1), "an axis of length 1 was stretched to 4: sum over it, keep length 1"),
    ((2, 3, 4), (3, 1), "an axis added and one stretched"),
    ((2, 1, 4), (1, 1, 4), "a stretched first axis; the middle one was 1 all along"),
    ((5,), (), "a scalar was broadcast to (5,): its gradient is a scalar"),
]


def _unbroadcast_case(fn, grad_shape, shape, what):
    rng = np.random.default_rng(sum(grad_shape) + len(shape))
    grad = rng.standard_normal(grad_shape)
    added = len(grad_shape) - len(shape)
    axes = tuple(range(added)) + tuple(added + i for i, n in enumerate(shape)
                                       if n == 1 and grad_shape[added + i] != 1)
    expected = grad.sum(axis=axes).reshape(shape)
    got = _array(fn, grad.copy(), shape)
    if got.shape != shape:
        tip = ""
        if got.size == expected.size:
            tip = " (the right numbers, the wrong shape: keep the stretched axes with " \
                  "keepdims=True, or reshape to the input's shape)"
        raise CheckFailed(f"grad {grad_shape} → input {shape} ({what}): got shape "
                          f"{got.shape}, expected {shape}{tip}")
    if not np.allclose(got, expected):
        count = grad.size // max(expected.size, 1)
        if np.allclose(got * count, expected):
            raise CheckFailed(f"grad {grad_shape} → input {shape}: you averaged; each "
                              f"input element fed {count} outputs, so its gradient is the "
                              "*sum* of theirs")
        raise CheckFailed(f"grad {grad_shape} → input {shape} ({what}): wrong values; "
                          f"expected the sum over axes {axes}")


def _unbroadcast_checks():
    checks = []
    for grad_shape, shape, what in _UNBROADCAST_CASES:
        def check(fn, grad_shape=grad_shape, shape=shape, what=what):
            _unbroadcast_case(fn, grad_shape, shape, what)
        check.__doc__ = f"grad {grad_shape} → input {shape}"
        checks.append(check)
    return checks


@exercise(
    "00c", "unbroadcast", "Write unbroadcast",
    question=r"""
    When an op broadcasts an input of shape ``shape`` up to the output's shape, the
    gradient arriving from above has the output's shape. Write
    ``unbroadcast(grad, shape)`` that returns the input's gradient: ``grad`` summed over
    the axes broadcasting added (on the left) and over the axes of length 1 it
    stretched, with the result in ``shape``.
    """,
    hint=r"""
    ``added = grad.ndim - len(shape)`` leading axes were added. Among the rest, axis
    ``added + i`` was stretched where ``shape[i] == 1`` but ``grad.shape[added + i]``
    is not 1. One ``grad.sum(axis=…)`` over all of them, then ``.reshape(shape)``.
    """,
    answer=r"""
    Each element of the input was copied into every position along the broadcast axes,
    so by the chain rule its gradient is the sum of the gradients of all its copies.
    This is the one helper every op of ``minigrad/ops.py`` calls,
    :func:`minigrad.ops.unbroadcast`.
    """,
    checks=_unbroadcast_checks())
def unbroadcast(grad, shape):
    """Sum grad over the axes broadcasting added or stretched; return shape `shape`."""
    if grad.shape == shape:
        return grad
    added = grad.ndim - len(shape)
    stretched = tuple(added + i for i, n in enumerate(shape)
                      if n == 1 and grad.shape[added + i] != 1)
    return grad.sum(axis=tuple(range(added)) + stretched).reshape(shape)


# --------------------------------------------------------------------------- matmul
def _matmul_case(fn, n, k, m, seed):
    rng = np.random.default_rng(seed)
    a, b, g = (rng.standard_normal(s) for s in ((n, k), (k, m), (n, m)))
    result = fn(a.copy(), b.copy(), g.copy())
    if not isinstance(result, tuple) or len(result) != 2:
        raise CheckFailed("return a pair (grad_a, grad_b)")
    grad_a, grad_b = (np.asarray(r) for r in result)
    for name, got, want, formula, shape_name in [
            ("grad_a", grad_a, g @ b.T, "G Bᵀ", "A"),
            ("grad_b", grad_b, a.T @ g, "Aᵀ G", "B")]:
        if got.shape != want.shape:
            raise CheckFailed(f"A {a.shape} @ B {b.shape}: {name} has shape {got.shape}, "
                              f"but a gradient has the shape of its input, {shape_name} "
                              f"{want.shape}. ∂L/∂{shape_name} = {formula}")
        if not np.allclose(got, want):
            wrong = {"G B": g @ b if g.shape[1] == b.shape[0] else None,
                     "Bᵀ G": b.T @ g if b.shape[0] == g.shape[0] else None,
                     "A G": a @ g if a.shape[1] == g.shape[0] else None,
                     "G Aᵀ": g @ a.T if g.shape[1] == a.shape[1] else None}
            for wrong_formula, value in wrong.items():
                if value is not None and value.shape == want.shape and np.allclose(got, value):
                    raise CheckFailed(
                        f"A {a.shape} @ B {b.shape}: your {name} is {wrong_formula}; "
                        f"from Z_ij = Σ_k A_ik B_kj, ∂L/∂{shape_name} = {formula}")
            raise CheckFailed(f"A {a.shape} @ B {b.shape}: {name} has the right shape but "
                              f"the wrong values; expected {formula}")


def _check_matmul_rectangular(fn):
    """A (2, 3) @ B (3, 4)"""
    _matmul_case(fn, 2, 3, 4, seed=0)


def _check_matmul_square(fn):
    """A (3, 3) @ B (3, 3), where a missing transpose keeps the shape"""
    _matmul_case(fn, 3, 3, 3, seed=1)


def _check_matmul_vector(fn):
    """A (1, 5) @ B (5, 1)"""
    _matmul_case(fn, 1, 5, 1, seed=2)


@exercise(
    "00c", "matmul-backward", "The gradient of a matrix product",
    question=r"""
    $Z = AB$ with $A$ of shape (n, k) and $B$ of shape (k, m), and $G = \partial
    L/\partial Z$ of shape (n, m). Write ``matmul_backward(a, b, grad)`` returning
    ``(grad_a, grad_b)``, the numpy arrays $\partial L/\partial A$ and
    $\partial L/\partial B$. Derive them from index notation, as the lesson did, not by
    guessing transposes until the shapes fit.
    """,
    hint=r"""
    $Z_{ij} = \sum_k A_{ik}B_{kj}$, so $\partial Z_{ij}/\partial A_{ik} = B_{kj}$ and
    $\partial L/\partial A_{ik} = \sum_j G_{ij} B_{kj}$. Which matrix product sums over
    $j$ like that? Do the same for $B_{kj}$, summing over $i$.
    """,
    answer=r"""
    $\partial L/\partial A = G B^\top$ (shape (n, m)·(m, k) = (n, k), A's shape) and
    $\partial L/\partial B = A^\top G$ (shape (k, n)·(n, m) = (k, m), B's shape). A
    square case is the real test: there a forgotten transpose still has the right shape.
    """,
    checks=[_check_matmul_rectangular, _check_matmul_square, _check_matmul_vector])
def matmul_backward(a, b, grad):
    """Gradients of L with respect to a and b, given grad = ∂L/∂(a @ b)."""
    return grad @ b.T, a.T @ grad


# --------------------------------------------------------------------------- question
@exercise(
    "00c", "recursion-limit", "How deep can a recursive topological sort go?",
    question=r"""
    Write micrograd's recursive ``build_topo`` for minigrad tensors (it follows
    ``t._parents``) and find, on your Python, a chain ``y = x * 1.0 * 1.0 * …`` that it
    cannot sort, while ``minigrad.tensor.topological_order`` sorts a chain twenty
    times as long.
    Where does the limit come from?
    """,
    hint=r"""
    ``sys.getrecursionlimit()`` is the number of nested Python calls allowed (1,000 by
    default); each node of a chain adds one nested call to ``build_topo``.
    """,
    answer=r"""
    A chain half as long as the recursion limit sorts; one as long as the limit raises
    ``RecursionError``. The limit is on Python's call stack, not on memory: the
    iterative version keeps its pending nodes on a list, and 20,000 (or 100,000, as
    in the lesson) are no problem.
    """)
def recursion_limit():
    def build_topo(node, order, visited):
        if id(node) not in visited:
            visited.add(id(node))
            for parent in node._parents:
                if parent.requires_grad:          # the constants 1.0 need no gradient
                    build_topo(parent, order, visited)
            order.append(node)
        return order

    def chain(length):
        y = minigrad.tensor(1.0, requires_grad=True)
        for _ in range(length):
            y = y * 1.0
        return y

    limit = sys.getrecursionlimit()
    assert len(build_topo(chain(limit // 2), [], set())) == limit // 2 + 1
    try:
        build_topo(chain(limit), [], set())
        deep_ok = True
    except RecursionError:
        deep_ok = False
    from minigrad.tensor import topological_order
    assert not deep_ok and len(topological_order(chain(20 * limit))) == 20 * limit + 1
    return limit
