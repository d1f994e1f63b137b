"""``python -m minigrad.gradcheck``: every op of the engine, checked three ways.

For each op in :data:`minigrad.gradcheck.cases.OP_CASES`, over all its input shapes:

* **forward** — its value against the numpy reference computation;
* **float64 gradient** — ``backward()`` against central finite differences (the check
  of :func:`minigrad.gradcheck`, atol 1e-5, rtol 1e-3);
* **float32** — the op run again in float32, its value and its ``backward()`` compared
  with the float64 run (finite differences are too coarse in float32, but the float64
  gradient, once checked, is a reference), so a bug that shows only in float32 is caught.

It prints the worst error of each check and exits with status 1 if any op fails.
"""

import argparse
import sys

import numpy as np

from minigrad.gradcheck import analytical_grad, numerical_grad
from minigrad.gradcheck.cases import OP_CASES
from minigrad.tensor import Tensor

FLOAT32_RTOL, FLOAT32_ATOL = 1e-3, 1e-4   # float32 keeps about 7 digits; sums lose some


def _relative(error, reference):
    return float((error / (np.abs(reference) + 1e-12)).max(initial=0))


def check_case(case, seed: int = 0, eps: float = 1e-6) -> dict:
    """The worst errors of one op over its shapes, and whether each check passes."""
    rng = np.random.default_rng(seed)
    report = dict(forward=0.0, grad_abs=0.0, grad_rel=0.0, float32=0.0, passes=True)
    for shapes in case.shapes:
        arrays = case.make_inputs(shapes, rng)
        inputs = [Tensor(x, requires_grad=True) for x in arrays]
        out = case.fn(*inputs)
        forward_error = np.abs(out.array - case.reference(*arrays))
        report["forward"] = max(report["forward"], float(forward_error.max(initial=0)))
        report["passes"] &= bool(np.all(forward_error <= 1e-12 + 1e-12 * np.abs(out.array)))

        weights = rng.standard_normal(out.shape)
        analytical = analytical_grad(case.fn, inputs, weights)
        numerical = numerical_grad(case.fn, inputs, eps, grad_output=weights)
        for a, n in zip(analytical, numerical):
            error = np.abs(a - n)
            report["grad_abs"] = max(report["grad_abs"], float(error.max(initial=0)))
            report["grad_rel"] = max(report["grad_rel"], _relative(error, n))
            report["passes"] &= bool(np.all(error <= 1e-5 + 1e-3 * np.abs(n)))

        single = [Tensor(x.astype(np.float32), requires_grad=True) for x in arrays]
        single_out = case.fn(*single)
        single_grads = analytical_grad(case.fn, single, weights.astype(np.float32))
        pairs = [(single_out.array, out.array)] + list(zip(single_grads, analytical))
        for got, want in pairs:
            error = np.abs(got.astype(np.float64) - want)
            scale = np.abs(want).max(initial=0)
            report["float32"] = max(report["float32"], _relative(error, scale))
            report["passes"] &= got.dtype == np.float32 and bool(
                np.all(error <= FLOAT32_ATOL * max(scale, 1.0) + FLOAT32_RTOL * np.abs(want)))
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--eps", type=float, default=1e-6)
    args = parser.parse_args(argv)
    print(f"{'op':<28} {'shapes':>6} {'forward':>9} {'grad abs':>9} {'grad rel':>9} "
          f"{'float32':>9}  status")
    failures = 0
    for case in OP_CASES:
        r = check_case(case, args.seed, args.eps)
        failures += not r["passes"]
        print(f"{case.name:<28} {len(case.shapes):>6} {r['forward']:>9.1e} "
              f"{r['grad_abs']:>9.1e} {r['grad_rel']:>9.1e} {r['float32']:>9.1e}  "
              f"{'ok' if r['passes'] else 'FAIL'}")
    print(f"\n{len(OP_CASES) - failures} of {len(OP_CASES)} ops agree: forward with numpy "
          f"(1e-12), float64 gradient with finite differences (atol 1e-5, rtol 1e-3, eps "
          f"{args.eps:g}), float32 value and gradient with float64 (rtol {FLOAT32_RTOL:g})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
