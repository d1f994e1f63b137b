"""Random expression graphs, run in minigrad and in PyTorch (float64, some float32 inputs):
same values, dtypes and gradients, same errors.

Hypothesis draws a *scenario*:

1. two to four leaf tensors of shapes that broadcast against each other ((3, 4), (4,),
   (3, 1), (2, 3, 4), …), some requiring grad, some constants, mostly float64 and some
   float32 (so PyTorch's promotion runs through the graph and its gradients);
2. a first graph: a few ops drawn from the op table (:data:`OP_CASES` names: elementwise
   unary and binary ops with broadcasting, sum/mean/amax/max/var with dims, softmax,
   matmul (also with a transposed view), reshape/transpose/permute, indexing), each
   taking its operands from everything computed so far — so a tensor is often used
   twice (``x * x``, a leaf feeding several ops);
   their values either uniform in [−1.5, 1.5] or on the grid k/2 (so ties, zeros and
   clamp bounds — the kinks where conventions differ — are hit);
3. optionally an in-place change of a leaf, under ``no_grad``, *before* backward: PyTorch
   raises if an op saved that leaf, and minigrad must raise too (or both compute); the
   backward runs once, or twice through a retained graph;
4. in-place updates under ``no_grad`` *between* the graphs (an SGD step ``p -= lr * p.grad``,
   ``mul_``, item assignment, ``grad.zero_()``, ``grad = None``);
5. a second graph from the changed leaves, whose backward accumulates into ``.grad``.

The loss of a graph is ``Σ_v (v · c_v).sum()`` over every value v it computed (fixed
weights c_v), so every node's gradient matters. Each scenario is run under ``torch`` and
under ``minigrad`` and every forward value, every leaf's ``.grad`` and every error are
compared. ``derandomize=True`` makes the run the same every time; a failure prints the
scenario (Hypothesis's falsifying example plus the ops, in ``note``).
"""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
torch = pytest.importorskip("torch")

from hypothesis import HealthCheck, event, given, note, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import minigrad  # noqa: E402
from minigrad.gradcheck.cases import OP_CASES  # noqa: E402

LEAF_SHAPES = [(3, 4), (4,), (3, 1), (1, 4), (), (2, 3, 4), (2, 1, 4)]
MAX_POOL = 9            # values (leaves + results) a graph may draw operands from
RTOL, ATOL = 1e-7, 1e-10                 # all leaves float64
RTOL_FLOAT32, ATOL_FLOAT32 = 1e-4, 1e-5  # some leaves float32: the two libraries may
                                         # round at different places
EXAMPLES = 400


# --------------------------------------------------------------------------------------
# The ops: names from the op table; how to call each with either library
# --------------------------------------------------------------------------------------
def positive(lib, x):
    """Values in (0.5, 1.5): inputs the op table draws from its "positive" domain."""
    return lib.sigmoid(x) + 0.5


def broadcasts(*shapes) -> bool:
    try:
        np.broadcast_shapes(*shapes)
        return True
    except ValueError:
        return False


@dataclass(frozen=True)
class GraphOp:
    """One op of the table: its name in OP_CASES, how many operands, when it applies
    (a function of the operands' shapes), whether it takes a dim, and how to call it
    (``call(lib, *tensors, dim, keepdim)``)."""

    name: str
    arity: int
    applies: object
    call: object
    takes_dim: bool = False
    data_dependent_shape: bool = False       # its result is not an operand for later ops


def _unary(name, call=None, applies=lambda s: True, **kw):
    return GraphOp(name, 1, applies, call or (lambda lib, a, d, k: getattr(lib, name)(a)), **kw)


def _binary(name, call=None, applies=broadcasts):
    return GraphOp(name, 2, applies, call or (lambda lib, a, b, d, k: getattr(lib, name)(a, b)))


def _matmul_applies(a, b) -> bool:
    if not a or not b:
        return False
    inner = b[0] if len(b) == 1 else b[-2]
    return a[-1] == inner and broadcasts(a[:-2], b[:-2])


def _matmul_transposed_applies(a, b) -> bool:
    return len(a) >= 1 and len(b) == 2 and a[-1] == b[-1]


def _linear_applies(x, w, b) -> bool:
    return _matmul_transposed_applies(x, w) and b in ((w[0],), (1,), ())


def _rows_and_classes(s) -> bool:
    return len(s) == 2 and s[0] >= 1 and s[1] >= 2


def _cross_entropy(lib, a, d, k):
    labels = lib.tensor([i % a.shape[1] for i in range(a.shape[0])])
    return lib.nn.functional.cross_entropy(a, labels)


GRAPH_OPS = [
    _binary("add"), _binary("sub"), _binary("mul"),
    _binary("div", lambda lib, a, b, d, k: a / positive(lib, b)),
    _binary("pow", lambda lib, a, b, d, k: positive(lib, a) ** b),
    _binary("maximum"), _binary("minimum"),
    _binary("where(x > 0, x, y)", lambda lib, a, b, d, k: lib.where(a > 0, a, b)),
    _binary("matmul", lambda lib, a, b, d, k: a @ b, _matmul_applies),
    _binary("matmul(x, W.T)", lambda lib, a, b, d, k: a @ b.T, _matmul_transposed_applies),
    _binary("stack(dim=1)", lambda lib, a, b, d, k: lib.stack([a, b], dim=0),
            lambda a, b: a == b),
    _binary("cat(dim=1)", lambda lib, a, b, d, k: lib.cat([a, b], dim=-1),
            lambda a, b: len(a) == len(b) >= 1 and a[:-1] == b[:-1]),
    GraphOp("linear", 3, _linear_applies,
            lambda lib, x, w, b, d, k: lib.nn.functional.linear(x, w, b)),
    _binary("linear(no bias)", lambda lib, a, b, d, k: lib.nn.functional.linear(a, b),
            _matmul_transposed_applies),
    _binary("mm", lambda lib, a, b, d, k: lib.mm(a, b),
            lambda a, b: len(a) == len(b) == 2 and a[1] == b[0]),
    _binary("mv", lambda lib, a, b, d, k: lib.mv(a, b),
            lambda a, b: len(a) == 2 and len(b) == 1 and a[1] == b[0]),
    _binary("dot", lambda lib, a, b, d, k: lib.dot(a, b),
            lambda a, b: len(a) == len(b) == 1 and a == b),
    _binary("bmm", lambda lib, a, b, d, k: lib.bmm(a, b),
            lambda a, b: len(a) == len(b) == 3 and a[0] == b[0] and a[2] == b[1]),
    _unary("cross_entropy", _cross_entropy, _rows_and_classes),
    _unary("sinh"), _unary("cosh"),
    _unary("neg"), _unary("exp"), _unary("tanh"), _unary("sigmoid"), _unary("relu"),
    _unary("sin"), _unary("cos"), _unary("square"), _unary("abs"),
    _unary("log", lambda lib, a, d, k: lib.log(positive(lib, a))),
    _unary("sqrt", lambda lib, a, d, k: lib.sqrt(positive(lib, a))),
    _unary("pow(x, 3)", lambda lib, a, d, k: a ** 3),
    _unary("pow(x, 0.5)", lambda lib, a, d, k: positive(lib, a) ** 0.5),
    _unary("rpow(2, x)", lambda lib, a, d, k: 2 ** a),
    _unary("rsub(1, x)", lambda lib, a, d, k: 1 - a),
    _unary("rdiv(1, x)", lambda lib, a, d, k: 1 / positive(lib, a)),
    _unary("clamp(-1, 1)", lambda lib, a, d, k: a.clamp(-1, 1)),
    _unary("clone", lambda lib, a, d, k: a.clone()),
    _unary("sum", lambda lib, a, d, k: a.sum()),
    _unary("mean", lambda lib, a, d, k: a.mean()),
    _unary("max", lambda lib, a, d, k: a.max()),
    _unary("norm", lambda lib, a, d, k: a.norm()),
    _unary("sum(axis=1)", lambda lib, a, d, k: a.sum(dim=d, keepdim=k),
           lambda s: len(s) >= 1, takes_dim=True),
    _unary("mean(axis=0)", lambda lib, a, d, k: a.mean(dim=d, keepdim=k),
           lambda s: len(s) >= 1, takes_dim=True),
    _unary("amax(axis=1)", lambda lib, a, d, k: a.amax(dim=d, keepdim=k),
           lambda s: len(s) >= 1, takes_dim=True),
    _unary("sum(axis=(0, 2), keepdims)", lambda lib, a, d, k: a.sum(dim=(0, -1), keepdim=k),
           lambda s: len(s) >= 2, takes_dim=True),
    _unary("amin", lambda lib, a, d, k: a.amin(dim=d, keepdim=k),
           lambda s: len(s) >= 1, takes_dim=True),
    _unary("min(dim=0, keepdim).values", lambda lib, a, d, k: a.min(dim=d, keepdim=k).values,
           lambda s: len(s) >= 1, takes_dim=True),
    _unary("std", lambda lib, a, d, k: a.std(dim=d, keepdim=k),
           lambda s: len(s) >= 1 and min(s) >= 2, takes_dim=True),
    _unary("max(dim=1).values", lambda lib, a, d, k: a.max(dim=d, keepdim=k).values,
           lambda s: len(s) >= 1, takes_dim=True),
    _unary("var(dim=1)", lambda lib, a, d, k: a.var(dim=d, keepdim=k),
           lambda s: len(s) >= 1 and min(s) >= 2, takes_dim=True),
    _unary("softmax(dim=-1)", lambda lib, a, d, k: a.softmax(dim=d),
           lambda s: len(s) >= 1, takes_dim=True),
    _unary("log_softmax(dim=-1)", lambda lib, a, d, k: a.log_softmax(dim=d),
           lambda s: len(s) >= 1, takes_dim=True),
    _unary("reshape", lambda lib, a, d, k: a.reshape(tuple(reversed(a.shape)) or (1,))),
    _unary("flatten(1)", lambda lib, a, d, k: a.flatten()),
    _unary("unsqueeze(1)", lambda lib, a, d, k: a.unsqueeze(0)),
    _unary("squeeze", lambda lib, a, d, k: a.squeeze()),
    _unary(".T", lambda lib, a, d, k: a.T, lambda s: len(s) == 2),
    _unary("transpose(0, 2)", lambda lib, a, d, k: a.transpose(0, -1), lambda s: len(s) >= 2),
    _unary("permute(2, 0, 1)", lambda lib, a, d, k: a.permute(2, 0, 1), lambda s: len(s) == 3),
    _unary("getitem[int]", lambda lib, a, d, k: a[-1], lambda s: len(s) >= 1 and s[0] >= 1),
    _unary("getitem[slice]", lambda lib, a, d, k: a[..., 1:3],
           lambda s: len(s) >= 1 and s[-1] >= 3),            # never an empty dim
    _unary("getitem[int array]", lambda lib, a, d, k: a[lib.tensor([0, 0, a.shape[0] - 1])],
           lambda s: len(s) >= 1 and s[0] >= 1),
    _unary("getitem[mask]", lambda lib, a, d, k: a[a > 0], data_dependent_shape=True),
]
OPS_BY_NAME = {op.name: op for op in GRAPH_OPS}
OP_NAMES = sorted(OPS_BY_NAME)


def test_every_graph_op_is_in_the_op_table():
    assert MATRIX_PRODUCTS <= set(OPS_BY_NAME)
    missing = set(OPS_BY_NAME) - {case.name for case in OP_CASES}
    assert not missing, f"not in minigrad.gradcheck.cases.OP_CASES: {sorted(missing)}"


# --------------------------------------------------------------------------------------
# Drawing a scenario
# --------------------------------------------------------------------------------------
# PyTorch refuses matrix products of two dtypes (float32 @ float64) where minigrad
# promotes (a known difference, in the side-by-side suite): such operands are not drawn.
MATRIX_PRODUCTS = {"matmul", "matmul(x, W.T)", "linear", "linear(no bias)", "mm", "mv",
                   "dot", "bmm"}


def outcome_of(op: GraphOp, operands, dim, keepdim):
    """``(shape, dtype)`` of ``op`` on zeros of the operands' ``(shape, dtype)`` (PyTorch
    tells, without a graph)."""
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        zeros = [torch.zeros(shape, dtype=getattr(torch, dtype)) for shape, dtype in operands]
        out = op.call(torch, *zeros, dim, keepdim)
        return tuple(out.shape), str(out.dtype).replace("torch.", "")


def draw_graph(draw, pool: list, n_ops: int, rotation: int) -> list:
    """``n_ops`` instructions ``(op name, operand positions, dim, keepdim)``; ``pool``
    (the ``(shape, dtype)`` of what can be an operand) grows as results are made.

    Hypothesis favours small draws, so the list of ops is rotated by ``rotation`` (from
    the scenario's seed) and by the step: every op gets its turn across examples."""
    program = []
    for step in range(n_ops):
        positions = range(min(len(pool), MAX_POOL))
        first = draw(st.integers(0, len(OP_NAMES) - 1)) + rotation + 7 * step
        for offset in range(len(OP_NAMES)):          # the first op from there that fits
            name = OP_NAMES[(first + offset) % len(OP_NAMES)]
            op = OPS_BY_NAME[name]
            fits = [operands for operands in itertools.product(positions, repeat=op.arity)
                    if op.applies(*[pool[i][0] for i in operands]) and (
                        name not in MATRIX_PRODUCTS or len({pool[i][1] for i in operands}) == 1)]
            if fits:
                break
        operands = draw(st.sampled_from(fits))
        dim = keepdim = None
        if op.takes_dim:
            ndim = len(pool[operands[0]][0])
            dim = draw(st.integers(-ndim, ndim - 1))
            keepdim = draw(st.booleans())
        program.append((name, operands, dim, keepdim))
        if not op.data_dependent_shape:
            pool.append(outcome_of(op, [pool[i] for i in operands], dim, keepdim))
    return program


UPDATES = ["sgd step", "mul_", "add_", "setitem", "grad.zero_()", "grad = None"]


@st.composite
def scenarios(draw):
    n_leaves = draw(st.integers(2, 4))
    shapes = [draw(st.sampled_from(LEAF_SHAPES)) for _ in range(n_leaves)]
    requires = [draw(st.booleans()) for _ in range(n_leaves)]
    mixed = draw(st.booleans())       # else every leaf float64, compared at RTOL
    dtypes = [draw(st.sampled_from(["float64", "float32"])) if mixed else "float64"
              for _ in range(n_leaves)]
    requires[draw(st.integers(0, n_leaves - 1))] = True
    seed = draw(st.integers(0, 2**16))
    on_grid = draw(st.booleans())     # values k/2: ties, zeros and clamp bounds are hit
    leaves = list(zip(shapes, dtypes))
    first = draw_graph(draw, list(leaves), draw(st.integers(1, 6)), seed)
    before_backward = draw(st.none() | st.tuples(st.integers(0, n_leaves - 1),
                                                 st.sampled_from(["mul_", "setitem"])))
    if any(name in ("var(dim=1)", "std") for name, *_ in first):
        # A known, harmless difference: minigrad's var is built from ops that save the
        # centred values, not the input, so it computes the right gradient after the input
        # changed where PyTorch (whose var saves its input) refuses. Not compared.
        before_backward = None
    twice = draw(st.booleans())       # backward(retain_graph=True), then backward again
    between = draw(st.lists(st.tuples(st.integers(0, n_leaves - 1), st.sampled_from(UPDATES)),
                            max_size=3))
    second = draw_graph(draw, list(leaves), draw(st.integers(1, 6)), seed // 7)
    return dict(shapes=shapes, requires=requires, dtypes=dtypes, seed=seed, on_grid=on_grid,
                first=first, twice=twice,
                before_backward=before_backward, between=between, second=second)


# --------------------------------------------------------------------------------------
# Running a scenario under one library
# --------------------------------------------------------------------------------------
def weights(shape, k: int) -> np.ndarray:
    """The fixed weights c_v of the loss for the k-th value: cos of a ramp, no RNG."""
    n = math.prod(shape)
    return np.cos(np.arange(n) * 0.7 + k).reshape(shape)


def values(t) -> np.ndarray:
    return t.detach().numpy().copy()


def update(lib, leaf, kind: str) -> None:
    """One in-place change of a leaf (or its gradient), under no_grad."""
    with lib.no_grad():
        if kind == "sgd step":
            if leaf.grad is not None:
                leaf -= 0.1 * leaf.grad
        elif kind == "mul_":
            leaf.mul_(0.5)
        elif kind == "add_":
            leaf.add_(lib.tensor(0.25, dtype=lib.float64))
        elif kind == "setitem":
            if leaf.ndim:
                leaf[0] = 0.75
            else:
                leaf.fill_(0.75)
        elif kind == "grad.zero_()":
            if leaf.grad is not None:
                leaf.grad.zero_()
        elif kind == "grad = None":
            leaf.grad = None


def run_graph(lib, leaves, program, record: list):
    """Build the graph, record every value, and return the loss (None if nothing in it
    requires grad)."""
    pool, loss = list(leaves), None
    for k, (name, operands, dim, keepdim) in enumerate(program):
        op = OPS_BY_NAME[name]
        out = op.call(lib, *[pool[i] for i in operands], dim, keepdim)
        record.append((f"value {k} ({name})", values(out)))
        if out.requires_grad:
            term = (out * lib.tensor(weights(tuple(out.shape), k))).sum()
            loss = term if loss is None else loss + term
        if not op.data_dependent_shape:
            pool.append(out)
    return loss


def execute(lib, scenario) -> list:
    """Run ``scenario`` under ``lib``: a list of (what, array or error name) records."""
    rng = np.random.default_rng(scenario["seed"])
    draw = (lambda shape: rng.integers(-3, 4, shape) / 2) if scenario["on_grid"] else \
        (lambda shape: rng.uniform(-1.5, 1.5, shape))
    leaves = [lib.tensor(draw(shape), dtype=getattr(lib, dtype), requires_grad=rg)
              for shape, rg, dtype in zip(scenario["shapes"], scenario["requires"],
                                          scenario["dtypes"])]
    record = []

    def grads(when):
        for i, leaf in enumerate(leaves):
            record.append((f"{when}: leaf {i} grad",
                           None if leaf.grad is None else values(leaf.grad)))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            loss = run_graph(lib, leaves, scenario["first"], record)
            if scenario["before_backward"] is not None:
                index, kind = scenario["before_backward"]
                update(lib, leaves[index], kind)
            if loss is not None:
                try:
                    loss.backward(retain_graph=scenario["twice"])
                    if scenario["twice"]:
                        loss.backward()                  # the gradients add up again
                except RuntimeError as error:
                    modified = "modified by an inplace operation" in str(error)
                    record.append(("first backward", "in-place error" if modified
                                   else f"RuntimeError: {error}"))
                    for leaf in leaves:          # the engines may stop at different nodes
                        leaf.grad = None
            grads("after the first graph")
            for index, kind in scenario["between"]:
                update(lib, leaves[index], kind)
            record.append(("leaves after the updates", [values(leaf) for leaf in leaves]))
            loss = run_graph(lib, leaves, scenario["second"], record)
            if loss is not None:
                loss.backward()
            grads("after the second graph")
        except Exception as error:  # noqa: BLE001 - compared with the other library's
            record.append(("error", f"{type(error).__name__}: {error}"))
    return record


def describe(scenario) -> str:
    def graph(program):
        return "; ".join(f"{name}{list(operands)}" + (f"(dim={dim}, keepdim={keepdim})"
                                                       if dim is not None else "")
                         for name, operands, dim, keepdim in program)
    return (f"leaves {scenario['shapes']} requires_grad {scenario['requires']} "
            f"dtypes {scenario['dtypes']} "
            f"seed {scenario['seed']} on_grid {scenario['on_grid']}\n"
            f" first: {graph(scenario['first'])}\n"
            f" before backward: {scenario['before_backward']}; twice: {scenario['twice']}\n"
            f" between: {scenario['between']}\n second: {graph(scenario['second'])}")


def assert_same_records(expected: list, actual: list, rtol: float, atol: float) -> None:
    """Every record equal, in order. One difference is allowed: minigrad refusing a
    backward after an in-place change where PyTorch computes. PyTorch sometimes saves a
    copy it made (a matmul whose batch dims broadcast) and so does not mind the change;
    minigrad's backward reads the tensor itself, so it must refuse. The other way round —
    PyTorch refusing, minigrad computing — is a wrong gradient and fails."""
    for (what, want), (got_what, got) in zip(expected, actual):
        if got_what == "first backward" and got == "in-place error" and what != got_what:
            event("minigrad refused an in-place change PyTorch allowed")
            return
        assert what == got_what, f"PyTorch recorded {what!r}, minigrad {got_what!r}: {got!r}"
        if isinstance(want, list):
            for w, g in zip(want, got):
                np.testing.assert_allclose(g, w, rtol=rtol, atol=atol, err_msg=what)
        elif isinstance(want, np.ndarray):
            assert isinstance(got, np.ndarray), f"{what}: minigrad gave {got!r}"
            assert got.shape == want.shape, f"{what}: shape {got.shape}, PyTorch {want.shape}"
            assert got.dtype == want.dtype, f"{what}: dtype {got.dtype}, PyTorch {want.dtype}"
            np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, equal_nan=True,
                                       err_msg=what)
        else:
            assert (got.split(":")[0] if isinstance(got, str) else got) == \
                (want.split(":")[0] if isinstance(want, str) else want), \
                f"{what}: minigrad {got!r}, PyTorch {want!r}"
    assert len(actual) == len(expected), \
        f"PyTorch recorded {[w for w, _ in expected]}, minigrad {[w for w, _ in actual]}"


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(scenarios())
def test_random_graphs_match_pytorch(scenario):
    note(describe(scenario))
    expected = execute(torch, scenario)
    for what, outcome in expected:
        if what in ("first backward", "error"):
            event(f"PyTorch: {what}: {outcome.split(':')[0]}")
    single = "float32" in scenario["dtypes"]
    assert_same_records(expected, execute(minigrad, scenario),
                        *((RTOL_FLOAT32, ATOL_FLOAT32) if single else (RTOL, ATOL)))
