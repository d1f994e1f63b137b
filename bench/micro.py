"""Fixed costs of the engine: one tiny op, and a chain of 100,000 ops.

With 1-element tensors numpy's arithmetic costs next to nothing (about a microsecond
for ``x * y``), so what these measure is the bookkeeping per op: wrapping the result,
recording the parents and the backward closure, sorting the graph, calling the closures.
That cost is paid once per op whatever the array size, which is why a training step on
a small batch is dominated by it and one on a large batch is not.
"""

from __future__ import annotations

import math
import time

import numpy as np

import timing

CHAIN_FACTOR = 1.00001


# --------------------------------------------------------------------------------------
# One tiny op: z = x * y on 1-element float32 tensors
# --------------------------------------------------------------------------------------
def _tiny_op_fns() -> dict:
    """``{(library, "forward" | "forward+backward"): maker of a zero-argument call}``."""
    fns = {}
    x0, y0 = np.array([1.5], np.float32), np.array([2.0], np.float32)
    fns[("numpy (no graph)", "forward")] = lambda: (lambda: x0 * y0)

    import minigrad
    x, y = minigrad.tensor(x0, requires_grad=True), minigrad.tensor(y0, requires_grad=True)
    fns[("minigrad", "forward")] = lambda: (lambda: x * y)

    def minigrad_both():
        (x * y).sum().backward()
    fns[("minigrad", "forward+backward")] = lambda: minigrad_both

    try:
        import torch
        tx = torch.tensor(x0, requires_grad=True)
        ty = torch.tensor(y0, requires_grad=True)
        fns[("PyTorch eager", "forward")] = lambda: (lambda: tx * ty)

        def torch_both():
            (tx * ty).sum().backward()
        fns[("PyTorch eager", "forward+backward")] = lambda: torch_both
    except ImportError:
        pass
    try:
        import mygrad as mg
        mx, my = mg.tensor(x0), mg.tensor(y0)
        fns[("MyGrad", "forward")] = lambda: (lambda: mx * my)

        def mygrad_both():
            (mx * my).sum().backward()
        fns[("MyGrad", "forward+backward")] = lambda: mygrad_both
    except ImportError:
        pass
    try:
        import autograd.numpy as anp
        from autograd import grad
        d_dx = grad(lambda a: anp.sum(a * y0))
        fns[("HIPS autograd", "forward+backward")] = lambda: (lambda: d_dx(x0))
    except ImportError:
        pass
    return fns


def run_tiny_op(repeats: int, print_fn=print) -> dict:
    """µs per call of ``x * y`` alone and with ``.sum().backward()``, interleaved."""
    fns = _tiny_op_fns()
    times = timing.interleaved(fns, repeats, block_seconds=0.005)
    result = {}
    for (library, what), t in times.items():
        result.setdefault(library, {})[what] = timing.median(t) * 1e6
    print_fn(f"\n## One tiny op: z = x * y on 1-element float32 tensors, µs per call "
             f"(median of {repeats} interleaved samples)\n")
    print_fn("| library | forward | forward + .sum().backward() |")
    print_fn("|---|---:|---:|")
    for library, r in result.items():
        cells = [f"{r[what]:.1f}" if what in r else "—"
                 for what in ("forward", "forward+backward")]
        print_fn(f"| {library} | " + " | ".join(cells) + " |")
    return result


# --------------------------------------------------------------------------------------
# A chain of 100,000 ops: y = x · 1.00001 · 1.00001 · …
# --------------------------------------------------------------------------------------
def _time_chain(x, n: int):
    """Build ``y = x · f · f · …`` (n products) from the leaf ``x``, then backward().

    The same code for every library: each leaf supports ``*``, ``backward()`` and
    ``.grad``. Returns (build seconds, backward seconds, ∂y/∂x).
    """
    start = time.perf_counter()
    y = x
    for _ in range(n):
        y = y * CHAIN_FACTOR
    built = time.perf_counter()
    y.backward()
    done = time.perf_counter()
    return built - start, done - built, float(x.grad)


def _minigrad_leaf():
    import minigrad
    return minigrad.tensor(1.0, requires_grad=True)


def _torch_leaf():
    import torch
    return torch.tensor(1.0, requires_grad=True)


def _scalar_leaf():
    from scalar_autograd import Value
    return Value(1.0)


def run_chain(n: int = 100_000, print_fn=print) -> dict:
    """Build a chain of ``n`` multiplications and backpropagate through it.

    The gradient is ``1.00001ⁿ`` (≈ e for n = 100,000), which checks that every link
    was visited exactly once; a recursive graph sort would fail long before this depth.
    """
    leaves = {"minigrad": _minigrad_leaf}
    try:
        import torch  # noqa: F401
        leaves["PyTorch eager"] = _torch_leaf
    except ImportError:
        pass
    leaves["scalar autograd (bench/scalar_autograd.py)"] = _scalar_leaf

    print_fn(f"\n## A chain of {n:,} ops (y = x·{CHAIN_FACTOR}·{CHAIN_FACTOR}·…), "
             "build the graph then backward()\n")
    print_fn("| library | build, ms | backward, ms | µs per op, both | ∂y/∂x |")
    print_fn("|---|---:|---:|---:|---:|")
    result = {}
    for name, make_leaf in leaves.items():
        forward, backward, grad = _time_chain(make_leaf(), n)
        expected = CHAIN_FACTOR ** n
        ok = math.isclose(grad, expected, rel_tol=1e-2)     # float32 rounds 100,000 times
        result[name] = {"build_ms": forward * 1e3, "backward_ms": backward * 1e3,
                        "us_per_op": (forward + backward) / n * 1e6, "grad": grad,
                        "grad_ok": ok}
        print_fn(f"| {name} | {forward * 1e3:.0f} | {backward * 1e3:.0f} | "
                 f"{(forward + backward) / n * 1e6:.2f} | {grad:.4f}"
                 f"{'' if ok else f' (expected {expected:.4f}!)'} |")
    if "PyTorch eager" in result:
        ours, theirs = result["minigrad"], result["PyTorch eager"]
        for phase in ("build", "backward"):
            ratio = ours[f"{phase}_ms"] / theirs[f"{phase}_ms"]
            print_fn(f"  [{'met' if ratio <= 1 else 'MISSED'}] goal: minigrad {phase} ≤ "
                     f"PyTorch {phase}: {ratio:.2f}×")
    return result
