"""Gaussian-process hyperparameters: value_and_grad of the negative log marginal likelihood.

An autograd-style program that uses the linear algebra and special functions of issue 10:
an RBF kernel ``K = v exp(-|x_i - x_j|^2 / (2 l^2)) + s I`` on n one-dimensional points,
its Cholesky factor ``L``, ``alpha = solve_triangular(L, y)``, the log determinant from
the diagonal of ``L``, and a Gamma(a, 1) prior on the lengthscale whose shape ``a`` is
learned too (so ``gammaln(a)`` is differentiated). The four parameters are
``theta = log([l, v, s, a])``; float64 throughout.

Every implementation is first checked against a hand-written gradient (the trace formula
``0.5 tr((K^-1 - alpha alpha^T) dK)``), then each row is timed in a fresh process (see
``_common.run_child``), in training-loop style (``r = fn()``).

Run: python benchmarks/gp_marginal.py [--n N] [--rounds R]   (default n=300, 1 round)
"""

import os

os.environ.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")

import sys

import _common as bench
import numpy as np
import scipy.linalg
import scipy.special

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.scipy.linalg import solve_triangular
from chainrule.scipy.special import gammaln

THETA = np.log([1.3, 0.8, 0.05, 2.0])  # lengthscale, variance, noise, prior shape


def n_arg(default: int = 300) -> int:
    if "--n" in sys.argv:
        return int(sys.argv[sys.argv.index("--n") + 1])
    return default


def make_data(n: int, seed: int = 0):
    """Points in [0, 10], y = sin(x) + noise; returns the squared distances and y."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(0.0, 10.0, n))
    y = np.sin(x) + 0.2 * rng.standard_normal(n)
    return (x[:, None] - x[None, :]) ** 2, y


def make_objective(np_, cholesky, solve_tri, gammaln_):
    """The objective, written once for any library's NumPy, cholesky, solve_triangular
    and gammaln (as a user porting code between them would)."""
    def objective(theta, D, y):
        ell, v, s, a = (np_.exp(theta[i]) for i in range(4))
        K = v * np_.exp(-0.5 * D / ell**2) + s * np_.eye(y.shape[0])
        L = cholesky(K)
        alpha = solve_tri(L, y, lower=True)
        # autograd differentiates diagonal only over axes (-1, -2)
        log_det = 2.0 * np_.sum(np_.log(np_.diagonal(L, axis1=-1, axis2=-2)))
        nll = 0.5 * np_.dot(alpha, alpha) + 0.5 * log_det + 0.5 * y.shape[0] * np_.log(2 * np_.pi)
        log_prior = (a - 1.0) * theta[0] - ell - gammaln_(a)
        return nll - log_prior
    return objective


def numpy_objective(theta, D, y):
    return make_objective(np, np.linalg.cholesky, scipy.linalg.solve_triangular,
                          scipy.special.gammaln)(theta, D, y)


def hand_written(theta, D, y):
    """Value and gradient by the trace formula, with SciPy's cho_solve."""
    ell, v, s, a = np.exp(theta)
    Kf = v * np.exp(-0.5 * D / ell**2)
    K = Kf + s * np.eye(len(y))
    L = np.linalg.cholesky(K)
    alpha = scipy.linalg.cho_solve((L, True), y)
    W = scipy.linalg.cho_solve((L, True), np.eye(len(y))) - np.outer(alpha, alpha)
    value = 0.5 * alpha @ y + np.sum(np.log(np.diag(L))) + 0.5 * len(y) * np.log(2 * np.pi) \
        - ((a - 1.0) * theta[0] - ell - scipy.special.gammaln(a))
    grad = np.array([0.5 * np.sum(W * (Kf * D / ell**2)) - (a - 1.0) + ell,
                     0.5 * np.sum(W * Kf), 0.5 * s * np.trace(W),
                     -a * (theta[0] - scipy.special.digamma(a))])
    return value, grad


def autograd_impl(D, y):
    ag = bench.optional_import("autograd")
    if ag is None:
        return None
    import autograd.numpy as anp
    import autograd.scipy.linalg as asl
    import autograd.scipy.special as asp

    vg = ag.value_and_grad(make_objective(anp, anp.linalg.cholesky, asl.solve_triangular,
                                          asp.gammaln))
    return lambda: vg(THETA, D, y)


def jax_impl(D, y, jit):
    jx = bench.import_jax()
    if jx is None:
        return None
    jax, jnp = jx
    import jax.scipy.linalg as jsl
    import jax.scipy.special as jsp

    f = make_objective(jnp, jnp.linalg.cholesky, jsl.solve_triangular, jsp.gammaln)
    vg = jax.value_and_grad(f)
    vg = jax.jit(vg) if jit else vg
    args = (jnp.asarray(THETA), jnp.asarray(D), jnp.asarray(y))
    return lambda: jax.block_until_ready(vg(*args))


def implementations(D, y):
    """name -> factory of the zero-argument function to time (None: not installed)."""
    vg = cr.value_and_grad(make_objective(cnp, cnp.linalg.cholesky, solve_triangular,
                                          gammaln))
    return {
        "NumPy/SciPy forward only": lambda: lambda: numpy_objective(THETA, D, y),
        "hand-written gradient": lambda: lambda: hand_written(THETA, D, y),
        "chainrule": lambda: lambda: vg(THETA, D, y),
        "autograd": lambda: autograd_impl(D, y),
        "JAX eager": lambda: jax_impl(D, y, jit=False),
        "JAX jit": lambda: jax_impl(D, y, jit=True),
    }


def check(name, result, ref):
    if name == "NumPy/SciPy forward only":
        result = (result, ref[1])
    value, grad = (np.asarray(r) for r in result)
    if not (np.allclose(value, ref[0], rtol=1e-10) and
            np.allclose(grad, ref[1], rtol=1e-7, atol=1e-9)):
        sys.exit(f"{name}: value or gradient differs from the hand-written one:\n"
                 f"{value} {grad}\n{ref[0]} {ref[1]}")


def child(name: str) -> None:
    """Time one implementation in this (fresh) process and report it to the parent."""
    D, y = make_data(n_arg())
    fn = implementations(D, y)[name]()
    check(name, fn(), hand_written(THETA, D, y))
    bench.report(bench.measure(fn, repeat=5, warmup=2, min_time=0.1))


def main() -> None:
    n = n_arg()
    D, y = make_data(n)
    ref = hand_written(THETA, D, y)
    available = bench.available(implementations(D, y),
                                lambda name, result: check(name, result, ref))
    print(f"{len(available) - 1} implementation(s) agree with the hand-written gradient "
          "(value and 4 partial derivatives; the forward-only row: value)\n")
    jobs = {name: ["--time", name, "--n", str(n)] for name in available}
    runs = bench.run_rounds(__file__, jobs, bench.rounds_arg(1))
    res = {name: bench.best(reports) for name, reports in runs.items()}
    fwd = res["NumPy/SciPy forward only"]["median"]
    hand = res["hand-written gradient"]["median"]
    rows = [[name, f"{t['median'] * 1e3:.2f}", f"{t['min'] * 1e3:.2f}",
             f"{t['median'] / hand:.2f}", f"{t['median'] / fwd:.2f}"]
            for name, t in res.items()]
    print(f"GP marginal likelihood, n = {n}, float64; {bench.revision()}; {bench.machine()}")
    bench.print_table(["implementation", "median ms", "min ms", "x hand-written",
                       "x forward"], rows)
    print(f"\nmedian ms: the lowest of {len(runs[available[0]])} round(s)' medians of 5 "
          "batches; min ms: the fastest batch")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--time":
        child(sys.argv[2])
    else:
        main()
