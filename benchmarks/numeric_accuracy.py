"""Accuracy and cost of numerical derivatives on a fixed set of smooth functions.

Functions: sin, exp, x**x, sigmoid, log, 1/(1+25x^2), x^3-2x+1, tanh; points 0.3, 0.5, 1,
2, 3.7 (40 cases per order). Exact first and second derivatives come from closed forms
(checked against chainrule's automatic derivatives). For each method the table gives the
worst and median relative error and the average number of function evaluations per
derivative (counted by a wrapper around f, point by point), for orders 1 and 2:

- chainrule.numeric.derivative (defaults),
- numdifftools.Derivative (defaults), when importable,
- scipy.differentiate (derivative for order 1, hessian for order 2), when importable,
- the plain central difference with h = 1e-5.

Targets for chainrule: worst relative error <= 1e-11 (order 1) and <= 1e-10 (order 2),
at most 25 evaluations per derivative on average (two independent step sequences:
the price of a status "ok" that always holds; see chainrule/numeric/_confirm.py).

Run: python benchmarks/numeric_accuracy.py
"""

import os

os.environ.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")

import sys
import warnings

import numpy as np

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.numeric import derivative

POINTS = (0.3, 0.5, 1.0, 2.0, 3.7)
TARGETS = {1: 1e-11, 2: 1e-10}
MAX_EVALS = 25.0


def _sig(x):
    return 1.0 / (1.0 + np.exp(-x))


# name: (f written with chainrule.numpy, f', f'')
FUNCTIONS = {
    "sin": (cnp.sin, np.cos, lambda x: -np.sin(x)),
    "exp": (cnp.exp, np.exp, np.exp),
    "x**x": (lambda x: x ** x, lambda x: x ** x * (np.log(x) + 1),
             lambda x: x ** x * ((np.log(x) + 1) ** 2 + 1 / x)),
    "sigmoid": (cnp.sigmoid, lambda x: _sig(x) * (1 - _sig(x)),
                lambda x: _sig(x) * (1 - _sig(x)) * (1 - 2 * _sig(x))),
    "log": (cnp.log, lambda x: 1 / x, lambda x: -1 / x ** 2),
    "1/(1+25x^2)": (lambda x: 1 / (1 + 25 * x * x), lambda x: -50 * x / (1 + 25 * x * x) ** 2,
                    lambda x: 50 * (75 * x * x - 1) / (1 + 25 * x * x) ** 3),
    "x^3-2x+1": (lambda x: x ** 3 - 2 * x + 1, lambda x: 3 * x * x - 2, lambda x: 6 * x),
    "tanh": (cnp.tanh, lambda x: 1 / np.cosh(x) ** 2,
             lambda x: -2 * np.tanh(x) / np.cosh(x) ** 2),
}


class Counted:
    """``f`` that counts the points it is evaluated at."""

    def __init__(self, f):
        self.f, self.n = f, 0

    def __call__(self, x):
        self.n += int(np.size(x))
        return self.f(x)


def check_exact():
    """The closed forms agree with chainrule's automatic derivatives."""
    for name, (f, d1, d2) in FUNCTIONS.items():
        for x in POINTS:
            for order, d in ((1, d1), (2, d2)):
                ad = float(cr.derivative(f, order=order)(x))
                assert abs(ad - d(x)) <= 1e-13 * max(1.0, abs(d(x))), (name, x, order)


def run_chainrule(f, x, order):
    r = derivative(f, x, order=order, full_output=True)
    return float(r.value), int(r.evaluations)


def run_central(f, x, order, h=1e-5):
    if order == 1:
        return (f(x + h) - f(x - h)) / (2 * h), 2
    return (f(x + h) - 2 * f(x) + f(x - h)) / h ** 2, 3


def peer_methods():
    """Optional peers, as (label, runner) pairs."""
    peers = []
    try:
        import numdifftools as nd

        def run_nd(f, x, order):
            return float(nd.Derivative(f, n=order)(x)), None
        peers.append((f"numdifftools {nd.__version__} Derivative", run_nd))
    except ImportError:
        pass
    try:
        import scipy
        from scipy import differentiate as sd

        def run_sd(f, x, order):
            if order == 1:
                return float(sd.derivative(f, x).df), None
            res = sd.hessian(lambda v: f(v[0]), np.array([x]))
            return float(np.asarray(res.ddf).reshape(-1)[0]), None
        peers.append((f"scipy {scipy.__version__} differentiate", run_sd))
    except ImportError:
        pass
    return peers


def measure(run, order):
    """Relative errors, evaluation counts and silent non-finite results over the set."""
    errs, evals, nonfinite = [], [], 0
    for f, d1, d2 in FUNCTIONS.values():
        for x in POINTS:
            counted = Counted(f)
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                value, reported = run(counted, x, order)
            if reported is not None:
                assert reported == counted.n, (reported, counted.n)
            exact = (d1 if order == 1 else d2)(x)
            if not np.isfinite(value):
                nonfinite += 1
            errs.append(abs(value - exact) / abs(exact))
            evals.append(counted.n)
    return np.array(errs), float(np.mean(evals)), nonfinite


def main():
    check_exact()
    methods = [("chainrule.numeric.derivative", run_chainrule)] + peer_methods()
    methods.append(("central difference, h = 1e-5", run_central))
    print("Numerical derivatives on 8 functions x 5 points "
          f"({', '.join(map(str, POINTS))}): relative error and evaluations per derivative\n")
    print("| method | 1st: worst | 1st: median | 1st: evals | 2nd: worst | 2nd: median "
          "| 2nd: evals |")
    print("|---|---|---|---|---|---|---|")
    results = {}
    for label, run in methods:
        cells = []
        for order in (1, 2):
            errs, evals, nonfinite = measure(run, order)
            results[label, order] = (errs, evals)
            worst = np.nanmax(errs) if np.isfinite(errs).any() else np.nan
            note = f" ({nonfinite} NaN)" if nonfinite else ""
            cells += [f"{worst:.1e}{note}", f"{np.nanmedian(errs):.1e}", f"{evals:.1f}"]
        print(f"| {label} | " + " | ".join(cells) + " |")
    print(f"\ncommand: {sys.executable} {' '.join(sys.argv)}")
    ok = all(results["chainrule.numeric.derivative", n][0].max() <= TARGETS[n]
             and results["chainrule.numeric.derivative", n][1] <= MAX_EVALS for n in (1, 2))
    print("chainrule targets (worst <= 1e-11 / 1e-10, <= 25 evaluations):",
          "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
