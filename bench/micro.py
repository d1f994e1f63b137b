"""Fixed costs of the engine: one tiny op, and a chain of 100,000 ops.

With 1-element tensors numpy's arithmetic costs next to nothing (about a microsecond
for ``x * y``), so what these measure is the bookkeeping per op: wrapping the result,
recording the parents and the backward function, sorting the graph, calling the backwards.
That cost is paid once per op whatever the array size, which is why a training step on
a small batch is dominated by it and one on a large batch is not.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import subprocess
import sys
import time

import numpy as np

import timing

_HERE = os.path.dirname(os.path.abspath(__file__))

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
CHAIN_LEAVES = {       # library → the code that makes its leaf x (run in a fresh process)
    "minigrad": "import minigrad; x = minigrad.tensor(1.0, requires_grad=True)",
    "PyTorch eager": "import torch; torch.set_num_threads(1); "
                     "x = torch.tensor(1.0, requires_grad=True)",
    "scalar autograd (bench/scalar_autograd.py)":
        "from scalar_autograd import Value; x = Value(1.0)",
}


def _time_chain(x, n: int, clock=time.perf_counter):
    """Build ``y = x · f · f · …`` (n products) from the leaf ``x``, then backward().

    The same code for every library: each leaf supports ``*``, ``backward()`` and
    ``.grad``. Returns (build seconds, backward seconds, ∂y/∂x).
    """
    start = clock()
    y = x
    for _ in range(n):
        y = y * CHAIN_FACTOR
    built = clock()
    y.backward()
    done = clock()
    return built - start, done - built, float(x.grad)


def _chain_in_fresh_process(library: str, n: int, clock: str) -> dict:
    """Time one chain in a new Python process that imports only ``library``.

    A graph of Python objects is scanned by Python's cyclic garbage collector while it
    grows, and each full scan also walks every other object alive in the process —
    168,000 of them once torch is imported, 25,000 with minigrad alone. Timing each
    library in its own process charges each for its own objects only, as in a user's
    program that imports one of them.
    """
    code = (f"import json, sys, time; sys.path[:0] = {[_HERE, os.path.dirname(_HERE)]!r}\n"
            f"{CHAIN_LEAVES[library]}\n"
            "from micro import _time_chain\n"
            f"clock = time.{'process_time' if clock == 'cpu' else 'perf_counter'}\n"
            f"print(json.dumps(_time_chain(x, {n}, clock)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"the {library} chain failed:\n{done.stderr}")
    build, backward, grad = json.loads(done.stdout.splitlines()[-1])
    return {"build": build, "backward": backward, "grad": grad}


def run_chain(n: int = 100_000, rounds: int = 5, clock: str = "wall",
              print_fn=print) -> dict:
    """Build a chain of ``n`` multiplications and backpropagate through it.

    Each library runs in its own fresh process, ``rounds`` times, interleaved (A B C,
    B C A, …); the table shows medians and the ratios are medians of same-round ratios.
    The gradient is ``1.00001ⁿ`` (≈ e for n = 100,000), which checks that every link was
    visited exactly once; a recursive graph sort would fail long before this depth.
    """
    libraries = [name for name in CHAIN_LEAVES
                 if name != "PyTorch eager" or importlib.util.find_spec("torch")]
    times = {name: [] for name in libraries}
    for r in range(rounds):
        for name in libraries[r % len(libraries):] + libraries[:r % len(libraries)]:
            times[name].append(_chain_in_fresh_process(name, n, clock))

    print_fn(f"\n## A chain of {n:,} ops (y = x·{CHAIN_FACTOR}·{CHAIN_FACTOR}·…), "
             f"build the graph then backward(); each library in a fresh process, median "
             f"of {rounds} interleaved rounds\n")
    print_fn("| library | build, ms | backward, ms | µs per op, both | ∂y/∂x |")
    print_fn("|---|---:|---:|---:|---:|")
    result, expected = {}, CHAIN_FACTOR ** n
    for name, runs in times.items():
        build = timing.median([t["build"] for t in runs])
        backward = timing.median([t["backward"] for t in runs])
        grad = runs[-1]["grad"]
        ok = math.isclose(grad, expected, rel_tol=1e-2)     # float32 rounds 100,000 times
        result[name] = {"build_ms": build * 1e3, "backward_ms": backward * 1e3,
                        "us_per_op": (build + backward) / n * 1e6, "grad": grad,
                        "grad_ok": ok}
        print_fn(f"| {name} | {build * 1e3:.0f} | {backward * 1e3:.0f} | "
                 f"{(build + backward) / n * 1e6:.2f} | {grad:.4f}"
                 f"{'' if ok else f' (expected {expected:.4f}!)'} |")
    if "PyTorch eager" in times:
        for phase in ("build", "backward"):
            ratio = timing.median([ours[phase] / theirs[phase] for ours, theirs
                                   in zip(times["minigrad"], times["PyTorch eager"])])
            result["minigrad"][f"{phase}_ratio_to_torch"] = ratio
            print_fn(f"  [{'met' if ratio <= 1 else 'MISSED'}] goal: minigrad {phase} ≤ "
                     f"PyTorch {phase}: {ratio:.2f}× (median of same-round ratios)")
    return result
