"""Memory over thousands of training steps: it must not grow with the step count.

Each step builds a graph and ``backward()`` releases it, so after the first step the
memory in use should go up and down by the same amount every step. A leak — a graph kept
alive by a stray reference, gradients appended instead of accumulated — shows as memory
that keeps climbing. This runs the minigrad training step (and the numpy floor, for
scale) for N₁ and then N₂ steps and compares:

* the peak of numpy + Python memory during steps 1…N₁ and during steps N₁+1…N₂
  (``tracemalloc``, which numpy reports its arrays to),
* the memory still in use after N₁ and after N₂ steps,
* the number of live Python objects the garbage collector tracks,
* the process's peak resident set size (``ru_maxrss``, the operating system's view).
"""

from __future__ import annotations

import gc
import resource
import time
import tracemalloc

import impls

BATCH = 128


def _measure(make_step, first: int, total: int) -> dict:
    step = make_step(BATCH)
    step()                                     # first step: allocations that stay
    gc.collect()
    tracemalloc.start()
    start = time.perf_counter()
    for _ in range(first):
        step()
    gc.collect()
    current_1, peak_1 = tracemalloc.get_traced_memory()
    objects_1 = len(gc.get_objects())
    rss_1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.reset_peak()
    for _ in range(total - first):
        step()
    gc.collect()
    current_2, peak_2 = tracemalloc.get_traced_memory()
    objects_2 = len(gc.get_objects())
    rss_2 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.stop()
    return {"peak_mb": [peak_1 / 2**20, peak_2 / 2**20],
            "in_use_mb": [current_1 / 2**20, current_2 / 2**20],
            "gc_objects": [objects_1, objects_2],
            "maxrss_mb": [rss_1 / 1024, rss_2 / 1024],
            "seconds": time.perf_counter() - start}


def run(steps=(1000, 10000), print_fn=print) -> dict:
    first, total = steps
    print_fn(f"\n## Memory over {total:,} training steps (batch {BATCH}): steps 1–{first:,} "
             f"vs {first + 1:,}–{total:,}\n")
    print_fn("(traced: what the steps allocate — activations, graph, gradients, "
             "temporaries; the weights, made before, are not counted)\n")
    print_fn("| step | peak traced, MB | in use after, MB | live objects | max RSS, MB |")
    print_fn("|---|---:|---:|---:|---:|")
    result = {}
    for name, maker in (("minigrad", impls.make_minigrad), ("numpy", impls.make_numpy)):
        r = result[name] = _measure(maker, first, total)
        for i, label in enumerate((f"1–{first:,}", f"{first + 1:,}–{total:,}")):
            print_fn(f"| {name}, steps {label} | {r['peak_mb'][i]:.2f} | "
                     f"{r['in_use_mb'][i]:.2f} | {r['gc_objects'][i]:,} | "
                     f"{r['maxrss_mb'][i]:.0f} |")
    m = result["minigrad"]
    grew = m["peak_mb"][1] - m["peak_mb"][0]
    held = m["in_use_mb"][1] - m["in_use_mb"][0]
    verdict = "no growth" if grew < 0.5 and held < 0.1 and \
        m["gc_objects"][1] - m["gc_objects"][0] < 100 else "GROWS"
    print_fn(f"\nminigrad: peak {grew:+.2f} MB, memory held {held:+.3f} MB, "
             f"{m['gc_objects'][1] - m['gc_objects'][0]:+d} live objects between the two "
             f"windows → {verdict}")
    result["verdict"] = verdict
    return result
