"""``python -m minigrad.gradcheck``: every op of the engine against finite differences.

Prints, for each op in :data:`minigrad.gradcheck.cases.OP_CASES`, the worst absolute and
relative difference between ``backward()`` and central differences over all its input
shapes, and exits with status 1 if any op fails the ``gradcheck`` tolerance.
"""

import argparse
import sys

import numpy as np

from minigrad.gradcheck import analytical_grad, numerical_grad
from minigrad.gradcheck.cases import OP_CASES
from minigrad.tensor import Tensor


def worst_errors(case, seed: int = 0, eps: float = 1e-6) -> tuple:
    """(worst |numerical − analytical|, worst relative error, passes) over a case's shapes."""
    rng = np.random.default_rng(seed)
    worst_abs = worst_rel = 0.0
    passes = True
    for shapes in case.shapes:
        inputs = [Tensor(x, requires_grad=True) for x in case.make_inputs(shapes, rng)]
        weights = rng.standard_normal(case.fn(*inputs).shape)
        analytical = analytical_grad(case.fn, inputs, weights)
        numerical = numerical_grad(case.fn, inputs, eps, grad_output=weights)
        for a, n in zip(analytical, numerical):
            error = np.abs(a - n)
            worst_abs = max(worst_abs, float(error.max(initial=0)))
            worst_rel = max(worst_rel, float((error / (np.abs(n) + 1e-12)).max(initial=0)))
            passes &= bool(np.all(error <= 1e-5 + 1e-3 * np.abs(n)))
    return worst_abs, worst_rel, passes


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--eps", type=float, default=1e-6)
    args = parser.parse_args(argv)
    print(f"{'op':<28} {'shapes':>6} {'max abs err':>12} {'max rel err':>12}  status")
    failures = 0
    for case in OP_CASES:
        worst_abs, worst_rel, passes = worst_errors(case, args.seed, args.eps)
        failures += not passes
        print(f"{case.name:<28} {len(case.shapes):>6} {worst_abs:>12.2e} {worst_rel:>12.2e}"
              f"  {'ok' if passes else 'FAIL'}")
    print(f"\n{len(OP_CASES) - failures} of {len(OP_CASES)} ops agree with finite "
          f"differences (atol 1e-5, rtol 1e-3, float64, eps {args.eps:g})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
