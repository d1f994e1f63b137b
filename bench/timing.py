"""Timing that survives a noisy machine: interleave, repeat, take medians of ratios.

On a shared 2-core virtual machine the same benchmark's median moves 15–45% from one
run to the next (measured on the machines this project runs on). A *ratio* of two implementations
measured side by side is far steadier, because whatever slows the machine down slows
both. So :func:`interleaved` times every implementation once per repeat, in rotating
order (A B C, B C A, C A B, …), and :func:`paired_ratio` divides times taken in the same
repeat before taking the median.
"""

from __future__ import annotations

import gc
from importlib import metadata
import os
import platform
import statistics
import time

import numpy as np


def _calibrate(fn, block_seconds: float, warmup_seconds: float) -> int:
    """Warm ``fn`` up, then return how many calls fill about ``block_seconds``."""
    calls, start = 0, time.perf_counter()
    while calls < 3 or time.perf_counter() - start < warmup_seconds:
        fn()
        calls += 1
    per_call = (time.perf_counter() - start) / calls
    return max(1, round(block_seconds / per_call))


def interleaved(makers: dict, repeats: int, block_seconds: float = 0.02,
                warmup_seconds: float = 0.05, clock=time.perf_counter) -> dict:
    """Seconds per call of each function, ``repeats`` samples each, taken interleaved.

    Parameters
    ----------
    makers : dict
        ``{name: zero-argument callable returning the function to time}``. Every sample
        times a *freshly made* function (new weights, new arrays): the same step can run
        10–20% faster or slower depending on where its arrays happen to land in memory,
        and a new instance per sample averages that luck out instead of locking it in.
    repeats : int
        Samples per function. Sample ``r`` of every function is taken in the same round,
        so ``times[a][r] / times[b][r]`` compares them under the same machine load.
    block_seconds : float
        Each sample times a block of calls lasting about this long (one call if a single
        call is longer), so a short function is not measured at the clock's resolution.
    clock : callable
        ``time.perf_counter`` (wall-clock time, the default) or ``time.process_time``
        (CPU time of this process: it leaves out the time other programs hold the CPU,
        which on a busy shared machine is most of the noise; with every library on one
        thread the two agree on an idle machine).

    Returns
    -------
    dict
        ``{name: [seconds per call, one per repeat]}``.
    """
    names = list(makers)
    calls = {name: _calibrate(makers[name](), block_seconds, warmup_seconds)
             for name in names}
    times = {name: [] for name in names}
    order = np.random.default_rng(0)
    for _ in range(repeats):
        # A new random order every round: what ran just before changes the caches and the
        # memory allocator's state, so no implementation may always follow the same one.
        for i in order.permutation(len(names)):
            name = names[i]
            fn, n = makers[name](), calls[name]
            for _ in range(max(2, n // 4)):              # warm up (first calls allocate)
                fn()
            gc.collect()                                 # garbage of the others stays out
            start = clock()
            for _ in range(n):
                fn()
            times[name].append((clock() - start) / n)
    return times


def median(values) -> float:
    return statistics.median(values)


def paired_ratio(times: dict, name: str, reference: str) -> float:
    """Median over repeats of ``times[name][r] / times[reference][r]``."""
    return statistics.median(a / b for a, b in zip(times[name], times[reference]))


def spread(values) -> float:
    """Relative spread of samples: (75th − 25th percentile) / median."""
    q1, q2, q3 = np.percentile(values, [25, 50, 75])
    return float((q3 - q1) / q2)


def machine() -> dict:
    """Where the numbers came from: CPU, cores, Python, numpy/BLAS, torch, threads."""
    info = {"python": platform.python_version(), "platform": platform.platform(),
            "cpus": os.cpu_count(), "numpy": np.__version__}
    try:
        with open("/proc/cpuinfo") as f:
            models = [line.split(":", 1)[1].strip() for line in f
                      if line.startswith("model name")]
        info["cpu"] = models[0] if models else platform.processor()
    except OSError:
        info["cpu"] = platform.processor() or platform.machine()
    try:
        from threadpoolctl import threadpool_info
        blas = [p for p in threadpool_info() if p.get("user_api") == "blas"]
        if blas:
            info["blas"] = f"{blas[0]['internal_api']} {blas[0]['version']}"
            info["blas_threads"] = blas[0]["num_threads"]
    except ImportError:
        pass
    for package in ("torch", "autograd", "mygrad"):
        try:
            info[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            info[package] = None
    if info["torch"]:
        import torch
        info["torch_threads"] = torch.get_num_threads()
    info["OMP_NUM_THREADS"] = os.environ.get("OMP_NUM_THREADS")
    return info
