"""chainrule.models against scikit-learn: logistic regression fit time and log-loss, and
the MLP on XOR.

1. LogisticRegression (C=1, L2) on 100,000 x 50 synthetic binary data (seed 0):
   chainrule's Newton solver (gradient by chainrule, closed-form Hessian) against
   scikit-learn's lbfgs (default tol) — the best of ``--repeat`` fit times and the final
   training log-loss of each (both computed by the same NumPy code).
2. MLPClassifier (2-8-2, tanh, Adam, learning rate 0.05, seed 0) on XOR: epochs until
   100% accuracy, and the time of a fit with that many epochs.

Run: python benchmarks/models_bench.py [--repeat N]   (default 3)
"""

import os

os.environ.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")

import argparse
import sys
import time

import numpy as np

from chainrule.models import LogisticRegression, MLPClassifier


def make_data(n: int = 100_000, d: int = 50, seed: int = 0) -> tuple:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    w = rng.standard_normal(d) / np.sqrt(d) * 3
    p = 1 / (1 + np.exp(-(X @ w + 0.5)))
    return X, (rng.uniform(size=n) < p).astype(int)


def log_loss(model, X, y) -> float:
    z = X @ model.coef_.ravel() + model.intercept_[0]
    return float(np.mean(np.logaddexp(0, z) - y * z))


def best_fit(factory, X, y, repeat: int) -> tuple:
    times, model = [], None
    for _ in range(repeat):
        model = factory()
        t0 = time.perf_counter()
        model.fit(X, y)
        times.append(time.perf_counter() - t0)
    return min(times), model


def logistic_rows(repeat: int) -> list:
    from sklearn.linear_model import LogisticRegression as SkLogisticRegression

    X, y = make_data()
    t_sk, sk = best_fit(lambda: SkLogisticRegression(C=1.0, solver="lbfgs"), X, y, repeat)
    l_sk = log_loss(sk, X, y)
    rows = []
    for label, kwargs in (("newton, tol 1e-8", {"solver": "newton", "tol": 1e-8}),
                          ("lbfgs, tol 1e-8", {"solver": "lbfgs", "tol": 1e-8}),
                          ("defaults: lbfgs, tol 1e-4 as scikit-learn", {})):
        t_cr, cr = best_fit(lambda kw=kwargs: LogisticRegression(C=1.0, **kw), X, y, repeat)
        l_cr = log_loss(cr, X, y)
        rows.append((f"chainrule LogisticRegression ({label})", f"{t_cr:.3f}",
                     f"{l_cr:.10f}", f"{cr.n_iter_}", f"{t_cr / t_sk:.2f}",
                     f"{abs(l_cr - l_sk):.1e}"))
    rows.append(("scikit-learn LogisticRegression (lbfgs, tol 1e-4)", f"{t_sk:.3f}",
                 f"{l_sk:.10f}", f"{int(sk.n_iter_[0])}", "1.00", "0"))
    return rows


def xor_row(repeat: int) -> tuple:
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])

    def make():
        return MLPClassifier(hidden_layer_sizes=(8,), learning_rate=0.05, random_state=0)

    clf, steps = make(), 0
    while clf.partial_fit(X, y).score(X, y) < 1.0 and steps < 10_000:
        steps += 1
    steps += 1
    t, _ = best_fit(lambda: make().set_params(max_iter=steps, tol=-np.inf), X, y, repeat)
    return steps, t


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = logistic_rows(args.repeat)
    steps, t_xor = xor_row(args.repeat)
    print("| logistic regression, 100,000 x 50 | fit time (s) | training log-loss | "
          "iterations | time vs scikit-learn | log-loss difference |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    print()
    print("| MLP on XOR (2-8-2 tanh, Adam lr 0.05, seed 0) | epochs to 100% | fit time (s) |")
    print("|---|---|---|")
    print(f"| chainrule MLPClassifier | {steps} | {t_xor:.3f} |")
    print()
    print(f"command: {sys.executable} benchmarks/models_bench.py --repeat {args.repeat} "
          "(OPENBLAS/OMP/MKL_NUM_THREADS=1)")


if __name__ == "__main__":
    main()
