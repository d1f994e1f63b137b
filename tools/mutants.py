"""Mutation testing: do the tests fail when the code is wrong?

A *mutant* is the library with one small, realistic bug put in on purpose: a sign flipped,
a ``<`` where ``<=`` belongs, a special case dropped. The hand-made list is in
``tools/mutant_list.py``: each mutant names a file, an exact snippet of its source and
the snippet's replacement, and the test files that cover that module. For every mutant
this script copies the repository to a temporary directory (the working tree is never
touched), puts the bug in, runs the covering tests with ``pytest -x`` and records

* **killed** — a test failed (or the package no longer imports, or the run hung past
  ``--timeout``): the tests noticed the bug;
* **survived** — every test passed: no test checks what the bug broke;
* **stale** — the snippet is no longer in the file (the code changed since the mutant
  was written): reported, not counted, to be re-anchored.

The test file that killed each mutant is remembered (in a small JSON file in the
temporary directory) and run alone first next time; only if it passes do all the
covering files run. The score is killed / (killed + survived). ``--without-torch`` runs every test with
``import torch`` failing, as on a machine without PyTorch (the comparisons with PyTorch
then skip), so the score says what the by-value tests alone catch.

Usage (from the repository root, with the project's virtual environment)::

    .venv/bin/python tools/mutants.py                  # every mutant, PyTorch importable
    .venv/bin/python tools/mutants.py --without-torch  # the same with PyTorch hidden
    .venv/bin/python tools/mutants.py --only adam      # mutants whose id contains "adam"
    .venv/bin/python tools/mutants.py --only relu --tests tests/test_special_points.py
    .venv/bin/python tools/mutants.py --check          # only check the snippets are found
    .venv/bin/python tools/mutants.py --show pow-exponent-at-zero   # print one mutant

Standard library only; nothing is downloaded. At most 2 workers (``--jobs``).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import hashlib
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from mutant_list import MUTANTS, Mutant  # noqa: E402

COPIED = ("minigrad", "tests", "setup.cfg", "pyproject.toml")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "_build", "auto_lessons")
PYTEST = ["-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "--no-header", "-rfE"]
# What ``import torch`` meets with --without-torch: the error of a missing package (pytest's
# importorskip skips on ModuleNotFoundError only), saying who hid it.
NO_TORCH = ('raise ModuleNotFoundError("No module named \'torch\' (hidden by tools/mutants.py '
            '--without-torch)", name="torch")\n')
MAX_JOBS = 2


# --------------------------------------------------------------------------------------
# One copy of the repository per worker
# --------------------------------------------------------------------------------------
class Sandbox:
    """A copy of the repository in a temporary directory, where mutants are applied."""

    def __init__(self, parent: Path, name: str, without_torch: bool):
        self.root = parent / name
        self.root.mkdir()
        for item in COPIED:
            source = ROOT / item
            if source.is_dir():
                shutil.copytree(source, self.root / item, ignore=IGNORED)
            else:
                shutil.copy2(source, self.root / item)
        path = [str(self.root)]
        if without_torch:
            shadow = parent / "no_torch" / "torch"
            shadow.mkdir(parents=True, exist_ok=True)
            (shadow / "__init__.py").write_text(NO_TORCH)
            path.insert(0, str(shadow.parent))
        self.env = dict(os.environ, PYTHONPATH=os.pathsep.join(path),
                        PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="Agg",
                        OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")

    def run_tests(self, tests, timeout: float) -> tuple[int | None, str, float]:
        """Run ``tests`` here; (pytest's exit code or None on timeout, output, seconds)."""
        start = time.perf_counter()
        try:
            done = subprocess.run([sys.executable, *PYTEST, *tests], cwd=self.root,
                                  env=self.env, capture_output=True, text=True,
                                  timeout=timeout)
        except subprocess.TimeoutExpired as expired:
            output = expired.stdout or ""
            return None, output if isinstance(output, str) else output.decode(), \
                time.perf_counter() - start
        return done.returncode, done.stdout + done.stderr, time.perf_counter() - start

    def apply(self, mutant: Mutant) -> str | None:
        """Put the mutant in; return the original text (None if the snippet is missing)."""
        path = self.root / mutant.file
        original = path.read_text()
        if original.count(mutant.old) != 1:
            return None
        path.write_text(original.replace(mutant.old, mutant.new))
        return original

    def restore(self, mutant: Mutant, original: str) -> None:
        (self.root / mutant.file).write_text(original)


# --------------------------------------------------------------------------------------
# Running the mutants
# --------------------------------------------------------------------------------------
def snippet_count(mutant: Mutant) -> int:
    return (ROOT / mutant.file).read_text().count(mutant.old)


def run_one(sandbox: Sandbox, mutant: Mutant, timeout: float, hint: str | None) -> dict:
    """Apply ``mutant``, run its tests, restore the file. ``hint`` is the test file that
    killed this mutant last time: it runs alone first, and only if it passes do all the
    covering files run (the same verdict, most of the time in a fraction of the time)."""
    original = sandbox.apply(mutant)
    if original is None:
        return {"mutant": mutant, "status": "stale", "seconds": 0.0, "output": ""}
    try:
        hinted = hint in mutant.tests and len(mutant.tests) > 1
        if hinted:
            code, output, seconds = sandbox.run_tests([hint], timeout)
        if not hinted or code not in (1, 2, None):     # None: it hung, which counts too
            code, output, more = sandbox.run_tests(mutant.tests, timeout)
            seconds = more + (seconds if hinted else 0.0)
    finally:
        sandbox.restore(mutant, original)
    if code is None:
        status = "killed"                       # it hung: the tests noticed (by timeout)
        output = f"timed out after {timeout:.0f} s\n{output}"
    elif code == 0:
        status = "survived"
    elif code in (1, 2):                        # a failure, or an import/collection error
        status = "killed"
    else:                                       # pytest's usage error, no tests run, ...
        status = "error"
    return {"mutant": mutant, "status": status, "seconds": seconds, "output": output,
            "code": code}


def first_failure(output: str) -> str:
    """The line of pytest's output that names the failing test (for the log)."""
    for line in output.splitlines():
        if line.startswith(("FAILED", "ERROR")):
            return line[:150]
    return ""


def killing_file(output: str) -> str | None:
    """The test file named by the first FAILED/ERROR line, e.g. ``tests/test_ops.py``."""
    line = first_failure(output)
    if not line:
        return None
    path = line.split()[1].split("::")[0]
    return path if path.endswith(".py") else None


def _cache_path() -> Path:
    """Where the killing test file of each mutant is remembered between runs (outside the
    repository: a per-checkout file in the temporary directory)."""
    key = hashlib.sha1(str(ROOT).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"minigrad-mutants-{key}.json"


def load_hints() -> dict:
    try:
        return json.loads(_cache_path().read_text())
    except (OSError, ValueError):
        return {}


def save_hints(hints: dict) -> None:
    try:
        _cache_path().write_text(json.dumps(hints, indent=0, sort_keys=True))
    except OSError:
        pass


def baseline(sandbox: Sandbox, mutants, timeout: float) -> bool:
    """Every covering test file must pass on the unmutated code, or scores mean nothing."""
    tests = sorted({t for m in mutants for t in m.tests})
    code, output, seconds = sandbox.run_tests(tests, timeout=max(timeout, 900))
    print(f"baseline: {len(tests)} test files, {seconds:.0f} s, "
          f"{'pass' if code == 0 else 'FAIL (exit code %s)' % code}", flush=True)
    if code != 0:
        print(output[-3000:])
    return code == 0


def run_all(mutants, jobs: int, without_torch: bool, timeout: float, check_baseline: bool,
            verbose: bool) -> list:
    results = []
    with tempfile.TemporaryDirectory(prefix="minigrad-mutants-") as tmp:
        sandboxes = [Sandbox(Path(tmp), f"copy{i}", without_torch) for i in range(jobs)]
        if check_baseline and not baseline(sandboxes[0], mutants, timeout):
            sys.exit("the covering tests fail without any mutant: fix that first")
        free = queue.Queue()
        for sandbox in sandboxes:
            free.put(sandbox)
        lock = threading.Lock()
        hints = load_hints()

        def work(mutant):
            sandbox = free.get()
            try:
                result = run_one(sandbox, mutant, timeout, hints.get(mutant.id))
            finally:
                free.put(sandbox)
            with lock:
                results.append(result)
                if result["status"] == "killed" and killing_file(result["output"]):
                    hints[mutant.id] = killing_file(result["output"])
                note = first_failure(result["output"]) if result["status"] == "killed" else ""
                print(f"[{len(results):3d}/{len(mutants)}] {result['status']:<8} "
                      f"{result['seconds']:6.1f} s  {mutant.id}"
                      + (f"\n        {note}" if verbose and note else ""), flush=True)
                if result["status"] == "error":
                    print(result["output"][-2000:], flush=True)
            return result

        with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
            list(pool.map(work, mutants))
        save_hints(hints)
    order = {m.id: i for i, m in enumerate(mutants)}
    return sorted(results, key=lambda r: order[r["mutant"].id])


def report(results, without_torch: bool, seconds: float) -> float:
    by_status = {}
    for result in results:
        by_status.setdefault(result["status"], []).append(result["mutant"])
    killed = len(by_status.get("killed", []))
    survived = by_status.get("survived", [])
    counted = killed + len(survived)
    score = 100.0 * killed / counted if counted else 0.0
    print()
    print(f"Mutation score ({'without' if without_torch else 'with'} PyTorch): "
          f"{killed} of {counted} killed = {score:.1f} %  "
          f"({len(by_status.get('stale', []))} stale, {len(by_status.get('error', []))} "
          f"errors, {seconds / 60:.1f} min)")
    for title, status in (("Survivors", "survived"), ("Stale (re-anchor them)", "stale"),
                          ("Errors", "error")):
        if by_status.get(status):
            print(f"{title}:")
            for mutant in by_status[status]:
                print(f"  {mutant.id:<34} {mutant.file}: {mutant.why}")
    return score


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--without-torch", action="store_true",
                        help="run the tests with `import torch` failing")
    parser.add_argument("--only", action="append", default=[], metavar="TEXT",
                        help="run the mutants whose id or file contains TEXT (repeatable)")
    parser.add_argument("--tests", action="append", default=[], metavar="FILE",
                        help="run only these test files against every mutant (repeatable; "
                             "e.g. to see that a new test file alone kills the mutants "
                             "it was written for)")
    parser.add_argument("--jobs", type=int, default=MAX_JOBS,
                        help=f"parallel workers, at most {MAX_JOBS} (default {MAX_JOBS})")
    parser.add_argument("--timeout", type=float, default=300,
                        help="seconds before a mutant's test run counts as hung (killed)")
    parser.add_argument("--no-baseline", action="store_true",
                        help="skip the check that the covering tests pass unmutated")
    parser.add_argument("--fail-under", type=float, default=None, metavar="PERCENT",
                        help="exit with status 1 when the score is below PERCENT")
    parser.add_argument("--check", action="store_true",
                        help="only check that every snippet occurs exactly once")
    parser.add_argument("--show", metavar="ID", help="print one mutant as a diff and exit")
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="print the failing test that killed each mutant")
    args = parser.parse_args(argv)

    ids = [m.id for m in MUTANTS]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        sys.exit(f"duplicate mutant ids in mutant_list.py: {duplicates}")
    mutants = [m for m in MUTANTS
               if not args.only or any(t in m.id or t in m.file for t in args.only)]
    if args.tests:
        missing = [t for t in args.tests if not (ROOT / t).exists()]
        if missing:
            sys.exit(f"no such test file: {missing}")
        mutants = [dataclasses.replace(m, tests=tuple(args.tests)) for m in mutants]
    if args.show:
        for m in MUTANTS:
            if m.id == args.show:
                print(f"{m.id}  ({m.file}; tests: {' '.join(m.tests)})\n{m.why}\n"
                      f"--- {m.old}\n+++ {m.new}")
                return 0
        sys.exit(f"no mutant {args.show!r}")
    if args.check:
        bad = [(m, n) for m in mutants if (n := snippet_count(m)) != 1]
        for m, n in bad:
            print(f"{m.id}: snippet found {n} times in {m.file}")
        missing = sorted({t for m in mutants for t in m.tests if not (ROOT / t).exists()})
        for t in missing:
            print(f"missing test file: {t}")
        print(f"{len(mutants)} mutants, {len(bad)} stale or ambiguous, "
              f"{len(missing)} missing test files")
        return 1 if bad or missing else 0
    if not 1 <= args.jobs <= MAX_JOBS:
        sys.exit(f"--jobs must be 1 or {MAX_JOBS} (the machine is shared)")
    if not mutants:
        sys.exit("no mutant matches --only")

    start = time.perf_counter()
    print(f"{len(mutants)} mutants, {args.jobs} workers, PyTorch "
          f"{'hidden' if args.without_torch else 'importable'}", flush=True)
    results = run_all(mutants, args.jobs, args.without_torch, args.timeout,
                      not args.no_baseline, args.verbose)
    score = report(results, args.without_torch, time.perf_counter() - start)
    return 1 if args.fail_under is not None and score < args.fail_under else 0


if __name__ == "__main__":
    sys.exit(main())
