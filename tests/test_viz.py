"""minigrad.viz: the graph it lists, the figure it draws and the DOT text it writes."""

import re

import matplotlib
import numpy as np
import pytest

import minigrad
from minigrad.viz import build_graph, draw_graph, retain_grads, to_dot

matplotlib.use("Agg")


def leaf(values, requires_grad=True):
    return minigrad.tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad)


def small_graph():
    """L = (a·b + c)·f: 4 leaves, 3 ops, 6 edges."""
    a, b, c, f = leaf(2.0), leaf(-3.0), leaf(10.0), leaf(-2.0)
    return (a * b + c) * f, dict(a=a, b=b, c=c, f=f)


def test_counts_on_a_known_graph():
    loss, names = small_graph()
    nodes, edges = build_graph(loss, names)
    assert len(nodes) == 7 and len(edges) == 6
    assert [n.op for n in nodes if n.op] == ["mul", "add", "mul"]     # topological order
    assert nodes[-1].tensor is loss
    assert sorted(n.name for n in nodes if n.name) == ["a", "b", "c", "f"]
    for i, j in edges:                                  # every edge runs forward
        assert i < j and nodes[j].depth > nodes[i].depth


def test_a_tensor_used_twice_is_one_node_with_two_edges():
    a = leaf([1.0, 2.0])
    nodes, edges = build_graph(a * a)
    assert len(nodes) == 2 and edges == [(0, 1), (0, 1)]
    arrows = draw_graph(a * a).patches
    assert len(arrows) == 2                             # the second one bent, not hidden
    assert arrows[0].get_connectionstyle().rad != arrows[1].get_connectionstyle().rad
    matplotlib.pyplot.close("all")


def test_constants_are_nodes_unless_folded():
    x = leaf([1.0, 2.0])
    y = (x ** 2).sum() * minigrad.tensor(0.5, dtype=np.float64)
    nodes, edges = build_graph(y)
    constants = [n for n in nodes if not n.op and not n.tensor.requires_grad]
    assert len(nodes) == 4 + len(constants) and len(constants) >= 1   # x, pow, sum, mul
    nodes, edges = build_graph(y, fold_constants=True)
    assert len(nodes) == 4 and len(edges) == 3
    assert nodes[1].label().startswith("pow")
    assert nodes[3].label().startswith("mul (0.5)")          # a 0-d tensor: its value
    z = x * 3.0                                              # a Python number
    assert build_graph(z, fold_constants=True)[0][1].label().startswith("mul (")


def test_mlp_graph_counts_and_a_long_chain():
    minigrad.manual_seed(0)
    model = minigrad.nn.Sequential(minigrad.nn.Linear(4, 8), minigrad.nn.ReLU(),
                                   minigrad.nn.Linear(8, 3))
    x = minigrad.randn(5, 4)
    loss = minigrad.nn.CrossEntropyLoss()(model(x), minigrad.tensor([0, 1, 2, 0, 1]))
    nodes, edges = build_graph(loss, dict(model.named_parameters()))
    # x, W1, b1, linear, relu, W2, b2, linear, the loss op (and its labels, if the op
    # keeps them as an input)
    ops = [n.op for n in nodes if n.op]
    assert ops[:3] == ["linear", "relu", "linear"] and len(ops) == 4
    assert len(nodes) in (9, 10) and len(edges) == len(nodes) - 1   # a tree here
    assert len(edges) == sum(len(n.parents) for n in nodes)
    assert {n.name for n in nodes if n.kind == "param"} == {"0.weight", "0.bias",
                                                           "2.weight", "2.bias"}
    y = leaf(1.0)
    for _ in range(20_000):                             # far past Python's recursion limit
        y = y * 1.0
    assert len(build_graph(y, fold_constants=True)[0]) == 20_001


def test_gradient_norms_after_backward():
    loss, names = small_graph()
    retain_grads(loss)
    loss.backward(retain_graph=True)
    nodes, _ = build_graph(loss, names)
    norms = {n.name or n.op: n.grad_norm for n in nodes}
    # L = (ab + c)f = 8 at a=2, b=-3, c=10, f=-2: ∂L/∂a = bf = 6, ∂L/∂f = ab + c = 4
    assert norms["a"] == pytest.approx(6.0) and norms["f"] == pytest.approx(4.0)
    assert nodes[-1].grad_norm == pytest.approx(1.0)
    assert "‖grad‖=6" in nodes[0].label()


def test_a_released_graph_is_an_error_that_says_what_to_do():
    loss, _ = small_graph()
    loss.backward()                                     # releases the graph
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        build_graph(loss)


def test_draw_graph_makes_a_figure_with_one_box_per_node():
    loss, names = small_graph()
    ax = draw_graph(loss, names=names)
    assert len(ax.texts) == 7 and len(ax.patches) == 6  # boxes and arrows
    assert "7 tensors, 6 edges" in ax.get_title()
    assert any(t.get_text().startswith("a\n") for t in ax.texts)
    ax_tb = draw_graph(loss, direction="TB")
    assert len(ax_tb.texts) == 7
    with pytest.raises(ValueError, match="direction"):
        draw_graph(loss, direction="up")
    with pytest.raises(TypeError, match="Tensor"):
        draw_graph(np.ones(3))
    matplotlib.pyplot.close("all")


def test_dot_text():
    loss, names = small_graph()
    dot = to_dot(loss, names)
    assert dot.startswith("digraph minigrad {") and dot.rstrip().endswith("}")
    declared = re.findall(r"^  (n\d+) \[label=\"([^\"]*)\"", dot, flags=re.M)
    arrows = re.findall(r"^  (n\d+) -> (n\d+);$", dot, flags=re.M)
    assert len(declared) == 7 and len(arrows) == 6
    names_in_dot = {label.split("\\n")[0] for _, label in declared}
    assert {"a", "b", "c", "f", "mul", "add"} <= names_in_dot
    ids = {n for n, _ in declared}
    assert all(i in ids and j in ids for i, j in arrows)
    assert dot.count("shape=ellipse") == 3
