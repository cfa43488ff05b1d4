"""GradBench's gmm workload: ADBench's Gaussian mixture log-likelihood with a Wishart
prior, and its gradient.

For ``n`` points ``x`` in ``d`` dimensions and ``k`` components with log-weights
``alpha``, means ``mu`` and inverse-covariance factors ``icf`` (per component, ``d`` log
diagonal entries ``q`` then the ``d(d-1)/2`` entries of a strictly lower triangular ``L``
filled column by column, so that ``Q = diag(exp q) + L`` and ``Sigma^-1 = Q^T Q``):

    f = -n d/2 log(2 pi) + sum_i logsumexp_j(alpha_j + sum(q_j) - |Q_j (x_i - mu_j)|^2 / 2)
        - n logsumexp(alpha)
        + sum_j (gamma^2 / 2 (|exp q_j|^2 + |L_j|^2) - m sum(q_j)) - k (C - lnGamma_d(N/2))

with ``N = d + m + 1`` and ``C = N d log(gamma / sqrt 2)``; the gradient is taken with
respect to ``alpha``, ``mu`` and ``icf``. GradBench's sizes: ``n = 1000``, ``d`` in {2, 10,
20, 32, 64}, ``k`` in {5, 10, 25, 50, 100}; ``m = 0``, ``gamma = 1``; alpha, q, l and x
standard normal, means uniform in [0, 1).

Every library runs this same program (GradBench's own PyTorch objective forms
``x_i - mu`` in a Python loop over the points and uses an einsum, which is slower).
Each implementation's value and gradient are checked against chainrule's, which is
itself checked against central differences of the NumPy objective along random
directions; then each row is timed in a fresh process.

Run: python benchmarks/gradbench_gmm.py [--n N] [--k K] [--d D] [--rounds R]
     (default n=1000, k=25, d=10, 1 round)
"""

import os

os.environ.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")

import math
import sys

import _common as bench
import numpy as np
import scipy.special

import chainrule as cr
import chainrule.numpy as cnp

GAMMA, M = 1.0, 0


def int_arg(name: str, default: int) -> int:
    if name in sys.argv:
        return int(sys.argv[sys.argv.index(name) + 1])
    return default


def sizes() -> tuple:
    return int_arg("--n", 1000), int_arg("--k", 25), int_arg("--d", 10)


def make_data(n: int, k: int, d: int, seed: int = 31337):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d))
    means = rng.uniform(size=(k, d))
    icf = np.concatenate([rng.normal(size=(k, d)), rng.normal(size=(k, d * (d - 1) // 2))],
                         axis=1)
    alphas = rng.normal(size=k)
    return (alphas, means, icf), x


def q_index(d: int) -> np.ndarray:
    """Where each entry of ``Q`` comes from in ``[0, l_1, ..., l_p, e^q_1, ..., e^q_d]``:
    0 above the diagonal, the ``l`` filled column by column below it, ``e^q`` on it."""
    idx = np.zeros((d, d), dtype=np.int64)
    pos = 1
    for j in range(d):
        for i in range(j + 1, d):
            idx[i, j] = pos
            pos += 1
    idx[np.arange(d), np.arange(d)] = pos + np.arange(d)
    return idx


def make_objective(np_, d: int, k: int, amax=None):
    """The objective, written once for any NumPy-like namespace (``amax(x, axis)``: its
    maximum along an axis, if it is not ``np_.max``). ``Q_j (x_i - mu_j)`` is computed
    as ``Q_j x_i - Q_j mu_j``, with one stacked matrix product for all the points."""
    amax = amax or (lambda x, axis: np_.max(x, axis=axis))
    idx = q_index(d)
    dof = d + M + 1
    prior_const = k * (dof * d * math.log(GAMMA / math.sqrt(2.0))
                       - scipy.special.multigammaln(0.5 * dof, d))

    def logsumexp(a):  # along axis 0
        top = amax(a, 0)
        return np_.log(np_.sum(np_.exp(a - top), 0)) + top

    def objective(alphas, means, icf, x):
        n = x.shape[0]
        q, lower = icf[:, :d], icf[:, d:]
        qdiag, sum_q = np_.exp(q), np_.sum(q, 1)
        entries = np_.concatenate([np_.zeros_like(q[:, :1]), lower, qdiag], 1)
        qmat = entries[:, idx]                                          # (k, d, d)
        qx = qmat @ x.T                                                 # (k, d, n)
        qmu = np_.sum(qmat * means[:, None, :], 2)                      # (k, d)
        sq = np_.sum((qx - qmu[:, :, None]) ** 2, 1)                    # (k, n)
        inner = alphas[:, None] + sum_q[:, None] - 0.5 * sq
        prior = np_.sum(0.5 * GAMMA ** 2 * (np_.sum(qdiag ** 2, 1) + np_.sum(lower ** 2, 1))
                        - M * sum_q)
        return (-0.5 * n * d * math.log(2.0 * math.pi) + np_.sum(logsumexp(inner))
                - n * logsumexp(alphas) + prior - prior_const)
    return objective


def jit_or_none():
    """chainrule's jit, if this checkout has it."""
    try:
        from chainrule.compile import jit
    except ImportError:
        return None
    return jit


def chainrule_impl(params, x, jit):
    d, k = x.shape[1], params[0].shape[0]
    vg = cr.value_and_grad(make_objective(cnp, d, k), argnums=(0, 1, 2))
    if jit is not None:
        vg = jit(vg)
    return lambda: vg(*params, x)


def torch_impl(params, x):
    torch = bench.import_torch()
    if torch is None:
        return None
    d, k = x.shape[1], params[0].shape[0]
    f = make_objective(torch, d, k, lambda a, axis: torch.amax(a, dim=axis))
    xt = torch.tensor(x)

    def run():  # GradBench's PyTorch tool: leaves with requires_grad, then backward
        leaves = [torch.tensor(p, requires_grad=True) for p in params]
        value = f(*leaves, xt)
        value.backward()
        return value.item(), tuple(p.grad.numpy() for p in leaves)
    return run


def jax_impl(params, x, jit: bool):
    jx = bench.import_jax()
    if jx is None:
        return None
    jax, jnp = jx
    d, k = x.shape[1], params[0].shape[0]
    vg = jax.value_and_grad(make_objective(jnp, d, k), argnums=(0, 1, 2))
    vg = jax.jit(vg) if jit else vg
    args = [jnp.asarray(p) for p in params] + [jnp.asarray(x)]
    return lambda: jax.block_until_ready(vg(*args))


def implementations(params, x):
    """name -> factory of the zero-argument function to time (None: not available)."""
    jit = jit_or_none()
    f = make_objective(np, x.shape[1], params[0].shape[0])
    return {
        "NumPy objective only": lambda: lambda: f(*params, x),
        "chainrule": lambda: chainrule_impl(params, x, None),
        "chainrule jit": lambda: None if jit is None else chainrule_impl(params, x, jit),
        "PyTorch eager (GradBench's backward)": lambda: torch_impl(params, x),
        "JAX eager": lambda: jax_impl(params, x, jit=False),
        "JAX jit": lambda: jax_impl(params, x, jit=True),
    }


def reference(params, x):
    """chainrule's value and gradient, checked against central differences of the NumPy
    objective along three random directions."""
    value, grads = chainrule_impl(params, x, None)()
    f = make_objective(np, x.shape[1], params[0].shape[0])
    rng = np.random.default_rng(1)
    for _ in range(3):
        v = [rng.normal(size=p.shape) for p in params]
        h = 1e-5
        up = f(*[p + h * w for p, w in zip(params, v)], x)
        down = f(*[p - h * w for p, w in zip(params, v)], x)
        fd = (up - down) / (2 * h)
        ad = sum(float(np.sum(g * w)) for g, w in zip(grads, v))
        if not np.isclose(ad, fd, rtol=1e-6, atol=1e-6 * abs(value)):
            sys.exit(f"chainrule's gradient disagrees with central differences: {ad} {fd}")
    if not np.isclose(value, f(*params, x), rtol=1e-12):
        sys.exit("chainrule's value differs from NumPy's")
    return value, grads


def check(name, result, ref):
    if name == "NumPy objective only":
        result = (result, ref[1])
    value, grads = result
    ok = np.allclose(np.asarray(value), ref[0], rtol=1e-10) and all(
        np.allclose(np.asarray(g), r, rtol=1e-8, atol=1e-8) for g, r in zip(grads, ref[1]))
    if not ok:
        sys.exit(f"{name}: value or gradient differs from chainrule's")


def child(name: str) -> None:
    """Time one implementation in this (fresh) process and report it to the parent."""
    params, x = make_data(*sizes())
    fn = implementations(params, x)[name]()
    check(name, fn(), reference(params, x))
    bench.report(bench.measure(fn, repeat=5, warmup=2, min_time=0.2))


def main() -> None:
    n, k, d = sizes()
    params, x = make_data(n, k, d)
    ref = reference(params, x)
    available = bench.available(implementations(params, x),
                                lambda name, result: check(name, result, ref))
    print(f"{len(available) - 1} implementation(s) agree with chainrule's value and gradient "
          "(checked against central differences)\n")
    jobs = {name: ["--time", name, "--n", str(n), "--k", str(k), "--d", str(d)]
            for name in available}
    runs = bench.run_rounds(__file__, jobs, bench.rounds_arg(1))
    print(f"GradBench gmm objective and gradient, n = {n}, k = {k}, d = {d}, float64; "
          f"{bench.revision()}; {bench.machine()}")
    bench.timing_table(runs, "PyTorch eager (GradBench's backward)", "chainrule")
    print("\nchainrule rows: eager, and compiled with chainrule.compile.jit where this "
          "checkout has it; vmap is not used: the program already treats every point at "
          "once (one stacked matrix product)")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--time":
        child(sys.argv[2])
    else:
        main()
