"""Run every lesson in order, headless, and report how long each took.

    python lessons/run_all.py            # the full lessons, as the docs site runs them
    python lessons/run_all.py --fast     # shortened training (MINIGRAD_FAST=1), for CI
    python lessons/run_all.py 03 07      # only lessons whose file name starts so

Each lesson runs in its own process with ``MPLBACKEND=Agg`` (no windows) and stops the
run on its first error, with the lesson's output shown. A lesson is ``NN_name.py`` or
``NNx_name.py`` (``00a_…``, ``03b_…``), run in file-name order; while one runs, a dot is
printed every few seconds.
"""

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

LESSONS_DIR = Path(__file__).resolve().parent
#: A lesson's file name: two digits, an optional letter, an underscore (the docs
#: gallery uses the same rule, docs/conf.py LESSON_NAME).
LESSON_NAME = re.compile(r"^\d\d[a-z]?_\w+\.py$")
DOT_EVERY = 5.0  # seconds between progress dots


def lesson_files(prefixes=()) -> list:
    """The lesson scripts, in file-name order."""
    files = sorted(p for p in LESSONS_DIR.glob("*.py") if LESSON_NAME.match(p.name))
    return [f for f in files if not prefixes or f.name.startswith(tuple(prefixes))]


def run_lesson(path: Path, fast: bool) -> tuple:
    """Run one lesson; return (seconds, CompletedProcess)."""
    env = dict(os.environ, MPLBACKEND="Agg")
    # One BLAS thread: the lessons' matrices are small, and two threads fighting over
    # two cores with anything else running make them many times slower.
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(variable, "1")
    # the lesson imports minigrad from this checkout, installed or not
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(LESSONS_DIR.parent),
                                                      env.get("PYTHONPATH")]))
    if fast:
        env["MINIGRAD_FAST"] = "1"
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, str(path)], cwd=LESSONS_DIR, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while True:
        try:
            stdout, stderr = process.communicate(timeout=DOT_EVERY)
            break
        except subprocess.TimeoutExpired:
            print(".", end="", flush=True)  # still running
    result = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    return time.perf_counter() - start, result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prefixes", nargs="*", help="run only lessons starting so")
    parser.add_argument("--fast", action="store_true", help="shortened training")
    args = parser.parse_args(argv)
    total = 0.0
    paths = lesson_files(args.prefixes)
    for i, path in enumerate(paths, 1):
        print(f"[{i}/{len(paths)}] {path.name:<36} ", end="", flush=True)
        seconds, result = run_lesson(path, args.fast)
        total += seconds
        status = "ok" if result.returncode == 0 else "FAILED"
        print(f" {seconds:7.1f} s  {status}", flush=True)
        if result.returncode != 0:
            print(result.stdout[-3000:], result.stderr[-5000:], sep="\n")
            return 1
    print(f"{'all lessons':<36} {total:7.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
