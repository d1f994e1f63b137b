"""minigrad's benchmark: one command, a table of figures (never a timed test).

    python bench/run.py                 # the full run, about 2–3 minutes
    python bench/run.py --quick         # a smoke run, under 30 seconds
    python bench/run.py --json out.json --plot out.png

What it prints:

1. a check that every implementation computes the same losses on the same weights and
   data (otherwise comparing their speed would be meaningless);
2. ms per training step (forward, backward, SGD update; float32) of the MLP
   784-128-64-10 with ReLU and softmax cross-entropy at batch 16, 128 and 1024, for
   minigrad, the same step written by hand in numpy (no graph: the floor), PyTorch CPU
   eager, HIPS autograd and MyGrad — measured interleaved in one process, with each
   one's ratio to the numpy floor;
3. the cost of one tiny op's forward and backward, and of a chain of 100,000 ops (each
   library in a fresh process of its own, see ``micro.run_chain``);
4. memory over 10,000 training steps (it must not grow with the step count);
5. scalar (micrograd-style) autograd on a small network, and what the MLP above would
   cost that way — why the engine works on whole arrays.

Timing. Times on a shared machine move 15–45% between runs, so only ratios measured
side by side are quoted: each round times every implementation once (a fresh instance,
warmed up, in a new random order), and a ratio is the median over rounds of the two
times of the same round (see ``timing.py``). ``--clock cpu`` uses the process's CPU time
instead of the wall clock, which leaves out time other programs take.

Threads. numpy's BLAS and torch both start one thread per core. On a shared machine a
multi-threaded BLAS collapses whenever another process wants a core (an MLP step went
from 1.6 ms to 72 ms on the 2-core machine the figures come from), and at batch 16 one
thread is faster anyway. So every library here runs on one thread: the ``*_NUM_THREADS``
variables are set *before numpy is imported* (BLAS reads them once, when it loads), and
torch gets ``torch.set_num_threads(1)``. ``--threads N`` changes both.
"""

from __future__ import annotations

import argparse
import os
import sys


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="fewer repeats and steps: a smoke run in under 30 s")
    parser.add_argument("--batches", type=int, nargs="+", default=[16, 128, 1024],
                        help="batch sizes of the training-step table (default: 16 128 1024)")
    parser.add_argument("--repeats", type=int, default=None,
                        help="interleaved samples per implementation and batch size "
                             "(default: 30, or 5 with --quick)")
    parser.add_argument("--impls", nargs="+", default=None,
                        help="implementations to time (default: minigrad numpy torch "
                             "autograd mygrad; also: minigrad-tensors)")
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS and torch threads (default: 1, see above)")
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                        help="time with the wall clock (default) or with this process's "
                             "CPU time, which leaves out time other programs take on a "
                             "busy machine")
    parser.add_argument("--only", nargs="+", default=None,
                        choices=["check", "step", "op", "chain", "memory", "scalar"],
                        help="run only these sections")
    parser.add_argument("--json", metavar="PATH", help="also write every figure as JSON")
    parser.add_argument("--plot", metavar="PATH", help="also draw the ratios as a PNG")
    return parser.parse_args(argv)


ARGS = parse_args() if __name__ == "__main__" else None
_THREADS = str(ARGS.threads if ARGS else 1)
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = _THREADS                 # before numpy (and torch) load BLAS

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(_HERE))            # the repository, for `import minigrad`

import functools  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402

import impls  # noqa: E402  (numpy loads here, after the thread settings above)
import timing  # noqa: E402

CLOCK = time.process_time if ARGS and ARGS.clock == "cpu" else time.perf_counter

try:
    import torch  # noqa: E402
    torch.set_num_threads(int(_THREADS))
except ImportError:
    torch = None

LABELS = {
    "minigrad": "minigrad",
    "numpy": "numpy by hand (floor)",
    "torch": "PyTorch eager",
    "autograd": "HIPS autograd",
    "mygrad": "MyGrad",
    "minigrad-tensors": "minigrad, raw tensors",
}


def minigrad_label() -> str:
    return ("minigrad (nn + optim)" if impls._has_minigrad_nn()
            else "minigrad (tensors, own SGD)")


# --------------------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------------------
def section(title: str) -> None:
    print(f"\n## {title}\n", flush=True)


def run_check(makers: dict) -> dict:
    section("Same losses from the same weights and data (batch 32, 3 SGD steps)")
    losses = impls.check_same_losses(makers)
    for name, values in losses.items():
        print(f"  {LABELS[name]:<28}" + "  ".join(f"{v:.6f}" for v in values))
    print("  all agree with numpy by hand (rtol 2e-5)")
    return losses


def run_steps(makers: dict, batches, repeats: int) -> dict:
    section("Training step, MLP 784-128-64-10, float32, ms per step "
            f"(median of {repeats} interleaved samples)")
    results = {}
    for batch in batches:
        steps = {name: functools.partial(maker, batch) for name, maker in makers.items()}
        times = timing.interleaved(steps, repeats, clock=CLOCK)
        results[batch] = {
            name: {"ms": timing.median(t) * 1e3,
                   "ratio": timing.paired_ratio(times, name, "numpy"),
                   "spread": timing.spread(t),
                   "samples_ms": [x * 1e3 for x in t]}
            for name, t in times.items()}
        print(f"  batch {batch}: done", flush=True)
    print()
    print(format_step_table(results, list(makers)))
    print()
    for line in target_lines(results):
        print(line)
    return results


def format_step_table(results: dict, names: list) -> str:
    """A markdown table: one row per implementation, ms and ×floor per batch size."""
    batches = list(results)
    header = "| implementation | " + " | ".join(
        f"batch {b}: ms | ×floor" for b in batches) + " |"
    rule = "|---|" + "---:|---:|" * len(batches)
    rows = [header, rule]
    for name in names:
        label = minigrad_label() if name == "minigrad" else LABELS[name]
        cells = []
        for b in batches:
            r = results[b][name]
            cells += [f"{r['ms']:.3f}", f"{r['ratio']:.2f}×"]
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


#: The ratio to the numpy floor the training step must stay within (the bound every
#: change must keep), and the one the speed work aims for, by batch size.
BOUND = {16: 1.5, 128: 1.25, 1024: 1.25}
GOAL = {16: 1.3, 128: 1.1, 1024: 1.1}


def target_lines(results: dict) -> list:
    """The bound and the goal for each batch, with the measured ratio and whether it holds."""
    lines = ["Targets (ratios measured side by side in this run):"]

    def check(text, value, limit, below=True):
        ok = value <= limit if below else value >= limit
        lines.append(f"  [{'met' if ok else 'MISSED'}] {text}: {value:.2f}")

    for batch, r in results.items():
        for name, limits in (("bound", BOUND), ("goal", GOAL)):
            limit = limits.get(batch, limits[max(b for b in limits if b <= max(batch, 16))])
            check(f"{name}: minigrad / numpy floor at batch {batch} ≤ {limit}",
                  r["minigrad"]["ratio"], limit)
        for other in ("torch", "autograd", "mygrad"):
            if other not in r or (other == "torch" and batch > 128):
                continue
            times_ratio = timing.median(
                o / m for o, m in zip(r[other]["samples_ms"], r["minigrad"]["samples_ms"]))
            check(f"{LABELS[other]} / minigrad at batch {batch} ≥ 1 (minigrad at or ahead)",
                  times_ratio, 1.0, below=False)
    return lines


# --------------------------------------------------------------------------------------
def main(args) -> None:
    started = time.perf_counter()
    repeats = args.repeats or (5 if args.quick else 30)
    names = args.impls or list(impls.DEFAULT)
    if "numpy" not in names:
        names.insert(0, "numpy")                       # the floor every ratio divides by
    sections = set(args.only or ["check", "step", "op", "chain", "memory", "scalar"])

    info = timing.machine()
    print("# minigrad benchmark")
    print(f"machine: {info['cpu']}, {info['cpus']} CPUs, {info['platform']}")
    print(f"python {info['python']}, numpy {info['numpy']} ({info.get('blas', '?')}), "
          f"torch {info['torch']}, autograd {info['autograd']}, mygrad {info['mygrad']}")
    print(f"threads: BLAS {info.get('blas_threads', '?')}, torch {info.get('torch_threads')}"
          f"; clock: {args.clock}; command: python bench/run.py {' '.join(sys.argv[1:])}")

    makers, missing = impls.available(names)
    for name, reason in missing.items():
        print(f"skipping {LABELS[name]}: {reason} (pip install -e '.[bench]')")

    report = {"machine": info, "command": "python bench/run.py " + " ".join(sys.argv[1:]),
              "clock": args.clock,
              "minigrad_step": minigrad_label(), "repeats": repeats, "skipped": missing,
              "targets": {"goal": GOAL, "bound": BOUND}}
    if "check" in sections:
        report["losses"] = run_check(makers)
    if "step" in sections:
        report["step"] = run_steps(makers, args.batches, repeats)
    if "op" in sections or "chain" in sections:
        import micro
        if "op" in sections:
            report["tiny_op"] = micro.run_tiny_op(repeats, print_fn=print)
        if "chain" in sections:
            report["chain"] = micro.run_chain(20_000 if args.quick else 100_000,
                                              rounds=3 if args.quick else 7,
                                              clock=args.clock, print_fn=print)
    if "memory" in sections:
        import memory
        steps = (100, 500) if args.quick else (1000, 10000)
        report["memory"] = memory.run(steps, print_fn=print)
    if "scalar" in sections:
        import scalar_autograd
        report["scalar"] = scalar_autograd.run(quick=args.quick, print_fn=print)

    report["seconds"] = time.perf_counter() - started
    print(f"\n(whole run: {report['seconds']:.0f} s)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1, default=str)
        print(f"wrote {args.json}")
    if args.plot and "step" in report:
        import plot
        plot.ratios(report, args.plot)
        print(f"wrote {args.plot}")


if __name__ == "__main__":
    main(ARGS)
