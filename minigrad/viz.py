"""Draw a tensor's computational graph: every op, its shape and dtype, and the gradients.

A Tensor made by an op remembers its inputs (``t._parents``) and the op's name
(``t._op``); following ``_parents`` back from a result visits the whole graph that
``backward()`` will walk. This module lists that graph and draws it, with matplotlib
only (no system package needed), left to right in the order the forward pass ran::

    loss = criterion(model(x), y)
    draw_graph(loss, names=dict(model.named_parameters()))   # before backward()

    retain_grads(loss)                    # keep .grad on the intermediate tensors too
    loss.backward(retain_graph=True)      # keep the graph so it can still be drawn
    draw_graph(loss)                      # now each box also shows ‖∂L/∂t‖

:func:`to_dot` writes the same graph as Graphviz DOT text for anyone who has Graphviz
(``dot -Tsvg graph.dot > graph.svg``).

``backward()`` releases the graph it walked (as PyTorch does) unless it is called with
``retain_graph=True``: draw before, or pass ``retain_graph=True``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from minigrad.tensor import Tensor

__all__ = ["Node", "build_graph", "draw_graph", "retain_grads", "to_dot"]


@dataclass
class Node:
    """One tensor of the graph, as drawn.

    Attributes
    ----------
    tensor : Tensor
        The tensor itself.
    op : str
        The op that made it (``"matmul"``, ``"relu"``, …), or ``""`` for a leaf.
    name : str
        The name given in ``names`` (``"0.weight"``), or ``""``.
    parents : list of int
        Indices (into the node list) of the op's inputs, in the op's argument order.
    constants : list of str
        Scalar constants the op used, when they are folded into its label.
    depth : int
        The column the node is drawn in: the root's is the length of the longest path
        to it from a leaf; every other node sits one column before its first user.
    """

    tensor: Tensor
    op: str
    name: str = ""
    parents: list = field(default_factory=list)
    depth: int = 0
    constants: list = field(default_factory=list)

    @property
    def kind(self) -> str:
        """``"op"``, ``"param"`` (a leaf that requires grad) or ``"input"`` (a constant)."""
        if self.op:
            return "op"
        return "param" if self.tensor.requires_grad else "input"

    @property
    def grad_norm(self):
        """‖t.grad‖ (the Euclidean norm over all elements), or None when there is none."""
        t = self.tensor
        if not (t.is_leaf or getattr(t, "_retains_grad", False)):
            return None               # an intermediate keeps no .grad (see retain_grads)
        grad = t.grad
        if grad is None:
            return None
        return float(np.linalg.norm(_values(grad)))

    def label(self) -> str:
        """The text in the node's box: what it is, its shape and dtype, ‖grad‖ if any."""
        t = self.tensor
        title = self.op or self.name or ("parameter" if t.requires_grad else
                                         "a Python number" if _is_python_number(t) else
                                         "input")
        if self.constants:
            title = f"{title} ({', '.join(self.constants)})"
        if self.op and self.name:
            title = f"{self.name} = {title}"
        shape = "×".join(str(n) for n in t.shape) if t.shape else "scalar"
        lines = [title, f"{shape} {np.dtype(t.dtype).name}"]
        if self.grad_norm is not None:
            lines.append(f"‖grad‖={self.grad_norm:.3g}")
        return "\n".join(lines)


def _values(x) -> np.ndarray:
    """The numpy values of a Tensor or an array (``.grad`` is either, engine by engine)."""
    return x.array if isinstance(x, Tensor) else np.asarray(x)


def _is_constant_scalar(t: Tensor) -> bool:
    """A plain number that met a tensor in an op (the 2 of ``x ** 2``)."""
    return not t._parents and not t.requires_grad and t.shape == ()


def _is_python_number(t: Tensor) -> bool:
    """The one tensor the engine lists as the parent for *every* Python number operand.

    It stands for any number (an op keeps the number itself), so its value says nothing.
    """
    from minigrad import ops
    return t is getattr(ops, "_NUMBER", None)


def _constant_text(t: Tensor) -> str:
    return "a number" if _is_python_number(t) else f"{t.item():g}"


def build_graph(root: Tensor, names: Mapping[str, Tensor] | None = None,
                fold_constants: bool = False):
    """The graph behind ``root``: its nodes in topological order and its edges.

    Parameters
    ----------
    root : Tensor
        The tensor whose history to list (usually the loss).
    names : mapping of str to Tensor, optional
        Labels for some tensors, e.g. ``dict(model.named_parameters())``.
    fold_constants : bool
        Leave out the scalar constants (the ``2`` of ``x ** 2``) as nodes and note them
        in the label of the op that used them instead: ``mul (3)`` for a 0-d tensor,
        ``pow (a number)`` for a Python number (the engine keeps those inside the op, so
        its graph does not know their value).

    Returns
    -------
    nodes : list of Node
        Every tensor ``root`` was computed from (``root`` included), inputs before the
        ops that use them; ``root`` is last.
    edges : list of (int, int)
        ``(i, j)`` when node ``i`` is an input of node ``j``'s op. A tensor used twice by
        the same op (``a * a``) gives two edges.

    Raises
    ------
    RuntimeError
        When ``backward()`` has already released the graph (call it with
        ``retain_graph=True`` to draw afterwards).
    """
    if not isinstance(root, Tensor):
        raise TypeError(f"build_graph needs a minigrad Tensor, not {type(root).__name__}")
    labels = {id(t): name for name, t in (names or {}).items()}
    index, order = {}, []
    stack = [(root, False)]
    while stack:                      # iterative depth-first search: no recursion limit
        t, parents_done = stack.pop()
        if parents_done:
            if id(t) not in index:
                index[id(t)] = len(order)
                order.append(t)
            continue
        if id(t) in index:
            continue
        if not t._parents and t._backward is not None:     # made by an op, inputs gone
            raise RuntimeError(
                "this graph was released by backward() (as in PyTorch, to free memory), "
                "so there is nothing left to draw: draw it before backward(), or call "
                "backward(retain_graph=True)")
        stack.append((t, True))
        for parent in reversed(t._parents):
            if id(parent) not in index:
                stack.append((parent, False))
    if fold_constants:
        kept = [t for t in order if t is root or not _is_constant_scalar(t)]
    else:
        kept = order
    index = {id(t): i for i, t in enumerate(kept)}
    nodes = [Node(t, t._op if t._parents else "", labels.get(id(t), "")) for t in kept]
    edges = []
    for j, t in enumerate(kept):
        for parent in t._parents:
            if id(parent) not in index:            # a folded constant: part of the label
                nodes[j].constants.append(_constant_text(parent))
                continue
            nodes[j].parents.append(index[id(parent)])
            edges.append((index[id(parent)], j))
        nodes[j].depth = max((nodes[i].depth + 1 for i in nodes[j].parents), default=0)
    # Then pull every node but the root as far right as its users allow: a leaf, or a
    # chain of ops on leaves only (W → W.T), sits just before the op that first uses it,
    # not in column 0 with a long edge across the drawing.
    users = [[] for _ in nodes]
    for i, j in edges:
        users[i].append(j)
    for i in reversed(range(len(nodes) - 1)):
        if users[i]:
            nodes[i].depth = min(nodes[j].depth for j in users[i]) - 1
    return nodes, edges


def retain_grads(root: Tensor) -> None:
    """Call ``retain_grad()`` on every intermediate tensor behind ``root``.

    After ``root.backward(retain_graph=True)`` each of them then holds its ``.grad``
    (∂root/∂t), so :func:`draw_graph` can show a gradient norm on every box, not only
    on the parameters.
    """
    for node in build_graph(root)[0]:
        if node.op and node.tensor.requires_grad:
            node.tensor.retain_grad()


def to_dot(root: Tensor, names: Mapping[str, Tensor] | None = None) -> str:
    """The graph as Graphviz DOT text (``dot -Tsvg`` draws it).

    Nodes are ``n0``, ``n1``, … in topological order; ops are ellipses, parameters
    filled boxes, other inputs plain boxes; edges point from an input to the op using it.
    """
    nodes, edges = build_graph(root, names)
    shapes = {"op": "ellipse", "param": "box", "input": "box"}
    lines = ["digraph minigrad {", "  rankdir=LR;",
             '  node [fontname="Helvetica", fontsize=10];']
    for i, node in enumerate(nodes):
        label = node.label().replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        style = ', style=filled, fillcolor="#dbe9f6"' if node.kind == "param" else ""
        lines.append(f'  n{i} [label="{label}", shape={shapes[node.kind]}{style}];')
    for i, j in edges:
        lines.append(f"  n{i} -> n{j};")
    lines.append("}")
    return "\n".join(lines) + "\n"


_COLORS = {"op": "#fde9c9", "param": "#dbe9f6", "input": "#eeeeee"}


def _layout(nodes: list) -> np.ndarray:
    """(x, y) for every node: x is its depth; within a column, nodes are ordered by the
    mean height of their inputs (a few sweeps of the barycentre heuristic), so edges
    cross as little as a simple rule manages."""
    columns: dict = {}
    for i, node in enumerate(nodes):
        columns.setdefault(node.depth, []).append(i)
    children = [[] for _ in nodes]
    for j, node in enumerate(nodes):
        for i in node.parents:
            children[i].append(j)
    y = np.zeros(len(nodes))
    for column in columns.values():
        y[column] = np.arange(len(column)) - (len(column) - 1) / 2
    for sweep in range(4):
        # Forward sweeps place ops near their inputs; backward sweeps place leaves near
        # the op that uses them.
        depths = sorted(columns) if sweep % 2 == 0 else sorted(columns, reverse=True)
        for depth in depths:
            column = columns[depth]
            neighbours = [nodes[i].parents if sweep % 2 == 0 else children[i]
                          for i in column]
            key = [np.mean(y[n]) if n else y[i] for i, n in zip(column, neighbours)]
            column[:] = [column[k] for k in np.argsort(key, kind="stable")]
            y[column] = np.arange(len(column)) - (len(column) - 1) / 2
    x = np.array([node.depth for node in nodes], dtype=float)
    return np.column_stack([x, y])


def draw_graph(root: Tensor, names: Mapping[str, Tensor] | None = None, ax=None,
               title: str | None = None, fontsize: float | None = None,
               direction: str | None = None):
    """Draw the graph behind ``root`` with matplotlib; returns the Axes.

    Each box is one tensor (scalar constants are folded into the op that used them,
    ``mul (3)``, ``pow (a number)``): ops (orange) show the op's name, parameters (blue: leaves
    with ``requires_grad=True``) and inputs (grey) their name if ``names`` gives one;
    every box shows shape and dtype and, once ``.grad`` is filled, ``‖grad‖``. Arrows run
    from an op's inputs to its output, so the forward pass reads left to right and
    ``backward()`` runs right to left.

    Parameters
    ----------
    root : Tensor
        The result whose graph to draw (usually the loss).
    names : mapping of str to Tensor, optional
        Labels, e.g. ``dict(model.named_parameters())``.
    ax : matplotlib Axes, optional
        Where to draw; a new figure sized for the graph when omitted.
    title : str, optional
    fontsize : float, optional
        Text size in the boxes (default: smaller for larger graphs).
    direction : {"LR", "TB"}, optional
        Forward pass left to right (``"LR"``) or top to bottom (``"TB"``, which suits a
        long graph on a page that scrolls). Default: ``"LR"`` up to 10 columns.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch

    nodes, edges = build_graph(root, names, fold_constants=True)
    layers_spread = _layout(nodes)            # (column, position within the column)
    n_columns = int(layers_spread[:, 0].max()) + 1
    n_rows = int(np.ptp(layers_spread[:, 1])) + 1
    direction = direction or ("LR" if n_columns <= 10 else "TB")
    if direction not in ("LR", "TB"):
        raise ValueError(f'direction must be "LR" or "TB", not {direction!r}')
    if direction == "LR":                     # columns left to right, first row on top
        xy = layers_spread * [1.0, -1.0]
        size = (2.2 * n_columns, 0.95 * n_rows + 0.8)
    else:                                     # columns top to bottom, 1.6 units apart
        xy = layers_spread[:, ::-1] * [1.6, -1.0]
        size = (1.45 * n_rows + 0.5, 0.8 * n_columns + 0.8)
    if ax is None:
        _, ax = plt.subplots(figsize=(min(max(size[0], 6.0), 16.0),
                                      min(max(size[1], 2.5), 24.0)), layout="constrained")
    if fontsize is None:
        fontsize = 9 if len(nodes) <= 20 else 8
    boxes = []
    for node, (x, y) in zip(nodes, xy):
        text = ax.text(x, y, node.label(), ha="center", va="center", fontsize=fontsize,
                       zorder=3, bbox=dict(boxstyle="round,pad=0.3",
                                           facecolor=_COLORS[node.kind],
                                           edgecolor="0.4", linewidth=0.8))
        boxes.append(text)
    seen = {}
    for i, j in edges:
        repeat = seen[i, j] = seen.get((i, j), -1) + 1    # a tensor used twice (x * x):
        bend = 0.0 if repeat == 0 else 0.3 * (-1) ** repeat * ((repeat + 1) // 2)
        ax.add_patch(FancyArrowPatch(                     # bend the second arrow
            xy[i], xy[j], patchA=boxes[i].get_bbox_patch(), patchB=boxes[j].get_bbox_patch(),
            arrowstyle="-|>", mutation_scale=8, color="0.35", linewidth=0.8,
            shrinkA=1, shrinkB=1, zorder=2, connectionstyle=f"arc3,rad={bend}"))
    pad = (0.6, 0.6) if direction == "LR" else (0.9, 0.5)
    ax.set_xlim(xy[:, 0].min() - pad[0], xy[:, 0].max() + pad[0])
    ax.set_ylim(xy[:, 1].min() - pad[1], xy[:, 1].max() + pad[1])
    ax.set_axis_off()
    handles = [plt.Rectangle((0, 0), 1, 1, facecolor=_COLORS[k], edgecolor="0.4")
               for k in ("input", "param", "op")]
    ax.legend(handles, ["input (no grad)", "parameter (requires_grad)", "op output"],
              fontsize=fontsize, frameon=False, loc="lower center", ncols=3,
              bbox_to_anchor=(0.5, 1.0))
    ax.set_title(title or f"Computational graph: {len(nodes)} tensors, {len(edges)} edges",
                 pad=4 + 2 * fontsize)
    return ax
