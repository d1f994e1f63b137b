"""Run every lesson in order, headless, and report how long each took.

    python lessons/run_all.py            # the full lessons, as the docs site runs them
    python lessons/run_all.py --fast     # shortened training (MINIGRAD_FAST=1), for CI
    python lessons/run_all.py 03 07      # only lessons whose file name starts so

Each lesson runs in its own process with ``MPLBACKEND=Agg`` (no windows) and stops the
run on its first error, with the lesson's output shown.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

LESSONS_DIR = Path(__file__).resolve().parent


def lesson_files(prefixes=()) -> list:
    """The numbered lesson scripts, in file-name order."""
    files = sorted(LESSONS_DIR.glob("[0-9][0-9]_*.py"))
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
    result = subprocess.run([sys.executable, str(path)], cwd=LESSONS_DIR, env=env,
                            capture_output=True, text=True)
    return time.perf_counter() - start, result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prefixes", nargs="*", help="run only lessons starting so")
    parser.add_argument("--fast", action="store_true", help="shortened training")
    args = parser.parse_args(argv)
    total = 0.0
    for path in lesson_files(args.prefixes):
        seconds, result = run_lesson(path, args.fast)
        total += seconds
        status = "ok" if result.returncode == 0 else "FAILED"
        print(f"{path.name:<36} {seconds:7.1f} s  {status}", flush=True)
        if result.returncode != 0:
            print(result.stdout[-3000:], result.stderr[-5000:], sep="\n")
            return 1
    print(f"{'all lessons':<36} {total:7.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
