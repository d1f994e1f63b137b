"""Exercises of lesson 00b: a scalar autograd engine."""

import numpy as np

import minigrad
from minigrad.exercises import CheckFailed, exercise


# --------------------------------------------------------------------------- task
class _Node:
    """A stand-in for the lesson's Value: a name and the nodes it was computed from."""

    def __init__(self, name, *parents):
        self.name = name
        self._parents = parents

    def __repr__(self):
        return self.name


def _diamond():
    """a → b, a → c, (b, c) → d: the graph of d = f(a) · g(a)."""
    a = _Node("a")
    b, c = _Node("b", a), _Node("c", a)
    return [a, b, c, _Node("d", b, c)]


def _check_order(fn, nodes, what):
    root = nodes[-1]
    order = fn(root)
    if not isinstance(order, list):
        raise CheckFailed(f"{what}: return a list of nodes, not {type(order).__name__}")
    names = [getattr(n, "name", repr(n)) for n in order]
    for node in nodes:
        count = sum(1 for n in order if n is node)
        if count == 0:
            raise CheckFailed(f"{what}: node {node.name!r} is missing from {names}; "
                              "follow every node's _parents, not only the first")
        if count > 1:
            raise CheckFailed(f"{what}: node {node.name!r} appears {count} times in "
                              f"{names}; remember which nodes you have visited (a set) "
                              "and add each once")
    if len(order) != len(nodes):
        raise CheckFailed(f"{what}: {len(order)} nodes returned, the graph has "
                          f"{len(nodes)}")
    position = {id(n): i for i, n in enumerate(order)}
    for node in nodes:
        for parent in node._parents:
            if position[id(parent)] > position[id(node)]:
                raise CheckFailed(
                    f"{what}: {node.name!r} comes before its input {parent.name!r} in "
                    f"{names}; a node must come after everything it was computed from "
                    "(append a node only once all its parents are appended)")
    if order[-1] is not root:
        raise CheckFailed(f"{what}: the root {root.name!r} should come last, not "
                          f"{names[-1]!r}")


def _check_single(fn):
    """a graph of one node"""
    _check_order(fn, [_Node("x")], "a graph of one node")


def _check_diamond(fn):
    """the diamond a → b, a → c, (b, c) → d"""
    _check_order(fn, _diamond(), "the diamond a → (b, c) → d")


def _check_used_twice(fn):
    """d = a · a (one parent listed twice)"""
    a = _Node("a")
    _check_order(fn, [a, _Node("d", a, a)], "d = a·a")


def _check_wide_and_deep(fn):
    """a small multi-layer graph"""
    x1, x2, w1, w2 = _Node("x1"), _Node("x2"), _Node("w1"), _Node("w2")
    m1, m2 = _Node("x1*w1", x1, w1), _Node("x2*w2", x2, w2)
    s = _Node("sum", m1, m2)
    t = _Node("tanh", s)
    loss = _Node("loss", t, s)
    _check_order(fn, [x1, x2, w1, w2, m1, m2, s, t, loss], "a neuron")


def _check_long_chain(fn):
    """a chain of 100,000 nodes"""
    nodes = [_Node("x0")]
    for i in range(1, 100_001):
        nodes.append(_Node(f"x{i}", nodes[-1]))
    order = fn(nodes[-1])
    if len(order) != len(nodes) or order[0] is not nodes[0] or order[-1] is not nodes[-1]:
        raise CheckFailed("a chain of 100,001 nodes x0 → x1 → … → x100000: expected them "
                          f"in order, got {len(order)} nodes")


@exercise(
    "00b", "topological-order", "Topological order without recursion",
    question=r"""
    The lesson's ``build_topo`` calls itself once per node, so a graph deeper than
    Python's recursion limit (about 1,000) crashes it (micrograd PR #90). Write
    ``topological_order(root)`` that returns every node ``root`` depends on — following
    each node's ``_parents`` — with every node after all of its parents and ``root``
    last, *without recursion*. The checker runs it on small graphs (one with a node
    used twice) and on a chain of 100,000 nodes.
    """,
    hint=r"""
    Keep an explicit stack of ``(node, parents_done)`` pairs. Pop a node: if its
    parents are done, append it to the order; otherwise push it back marked done, then
    push its parents that are not yet visited. A ``visited`` set (by ``id``) makes each
    node appear once.
    """,
    answer=r"""
    A node is appended only when it is popped the second time, after everything pushed
    above it — its parents and their ancestors — has been appended: that is the
    topological order. The stack lives in a Python list, so depth costs memory, not
    call frames. minigrad's own ``minigrad.tensor.topological_order`` is this
    function, plus a test that skips tensors that need no gradient.
    """,
    checks=[_check_single, _check_diamond, _check_used_twice, _check_wide_and_deep,
            _check_long_chain])
def topological_order(root):
    """Every node root depends on (root included), each after all its _parents."""
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
            if id(parent) not in visited:
                stack.append((parent, False))
    return order


# --------------------------------------------------------------------------- questions
@exercise(
    "00b", "backward-twice", "Calling backward() twice",
    question=r"""
    In the lesson's ``Value``, ``backward()`` adds into ``.grad``; call it twice on the
    same loss and every gradient doubles (micrograd issue #53). What does minigrad do
    for $y = x^2$ at $x = 3$ when you call ``y.backward()`` twice? And with
    ``retain_graph=True`` on the first call?
    """,
    hint=r"""
    Try it, and read the error message. Then think about what ``optimizer.zero_grad()``
    is for.
    """,
    answer=r"""
    The second ``backward()`` raises a RuntimeError (as PyTorch does): the first one
    released the graph, precisely so that it cannot be counted twice by accident. With
    ``retain_graph=True`` the graph survives and the second call *adds* another
    $2x = 6$: ``x.grad`` goes from 6 to 12. Accumulating is deliberate — a tensor used
    in two places receives the sum of both contributions — and it is why every training
    loop resets the gradients with ``zero_grad()`` before ``backward()``.
    """)
def backward_twice():
    x = minigrad.tensor(3.0, dtype=np.float64, requires_grad=True)
    y = x * x
    y.backward()
    first = x.grad.item()
    try:
        y.backward()
        message = ""
    except RuntimeError as error:
        message = str(error)

    x = minigrad.tensor(3.0, dtype=np.float64, requires_grad=True)
    y = x * x
    y.backward(retain_graph=True)
    y.backward()
    twice = x.grad.item()
    assert first == 6.0 and "retain_graph" in message and twice == 12.0
    return first, message, twice


@exercise(
    "00b", "used-twice", "A value used more than once",
    question=r"""
    $b = a \cdot a + a$ at $a = 3$. What is $\partial b/\partial a$, and how does the
    engine get it, given that each node's ``_backward`` only knows its own op? What
    would ``a.grad`` be if the ``_backward`` closures wrote ``self.grad = …`` instead of
    ``self.grad += …``?
    """,
    hint=r"""
    $a$ reaches $b$ along three edges: twice into the product, once into the sum. The
    multivariable chain rule sums over every path.
    """,
    answer=r"""
    $\partial b/\partial a = 2a + 1 = 7$: the product's backward adds $a \cdot g = 3$
    twice (once per operand) and the sum's adds $g = 1$. With ``=`` each write would
    replace the previous one and ``a.grad`` would be just one of the three
    contributions: 3 or 1, depending on the order — wrong either way.
    """)
def used_twice():
    a = minigrad.tensor(3.0, dtype=np.float64, requires_grad=True)
    b = a * a + a
    b.backward()
    contributions = [3.0, 3.0, 1.0]           # a·g and g·a from the product, g from +
    assert a.grad.item() == 7.0 == sum(contributions)
    return a.grad.item()
