"""GradBench's k-means workload: the cost and the Newton direction ``J / H``.

GradBench (the public AD benchmark) defines, for ``n`` points ``P`` and ``k`` centroids
``C`` in ``d`` dimensions, the cost ``f(P, C) = sum_i min_j |C_j - P_i|^2`` computed from
the all-pairs matrix ``|P_i|^2 + |C_j|^2 - 2 C_j . P_i``, and the ``"dir"`` function: the
gradient ``J`` of ``f`` with respect to ``C`` divided elementwise by the Hessian's
diagonal ``H`` (the Hessian is diagonal), found as the Hessian-vector product with ones.
Its inputs are uniform points in ``[0, 1)^d`` with the last ``k`` points as centroids,
so that no cluster is empty; its sizes are ``k`` in {10, 100, 1000}, ``n`` in {1000,
10000, 100000}, ``d`` in {8, 16}.

A chainrule user writes ``J, H = jvp(grad(cost), (C,), (ones,))``: one forward-over-reverse
pass gives both. Each implementation of ``dir`` is checked against the closed form
``dir_j = C_j - mean(points closest to C_j)``, then timed in a fresh process (as in
GradBench, ``dir`` alone; the NumPy row times the cost alone, for scale).

Run: python benchmarks/gradbench_kmeans.py [--n N] [--k K] [--d D] [--rounds R]
     (default n=10000, k=100, d=8, 1 round)
"""

import os

os.environ.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")

import sys

import _common as bench
import numpy as np

import chainrule as cr
import chainrule.numpy as cnp


def int_arg(name: str, default: int) -> int:
    if name in sys.argv:
        return int(sys.argv[sys.argv.index(name) + 1])
    return default


def sizes() -> tuple:
    return int_arg("--n", 10000), int_arg("--k", 100), int_arg("--d", 8)


def make_data(n: int, k: int, d: int, seed: int = 0):
    points = np.random.default_rng(seed).random((n, d))
    return points, points[-k:].copy()


def jit_or_none():
    """chainrule's jit, if this checkout has it."""
    try:
        from chainrule.compile import jit
    except ImportError:
        return None
    return jit


def make_cost(np_, amin=None):
    """GradBench's cost, written once for any NumPy-like namespace (``amin(x, axis)``:
    the namespace's minimum along an axis, if it is not ``np_.min``)."""
    amin = amin or (lambda x, axis: np_.min(x, axis=axis))

    def cost(points, centroids):
        dists = (np_.sum(points ** 2, axis=1)[None, :]
                 + np_.sum(centroids ** 2, axis=1)[:, None]
                 - 2.0 * (centroids @ points.T))
        return np_.sum(amin(dists, 0))
    return cost


def closed_form(points, centroids):
    """``J / H`` by hand: each centroid minus the mean of its points."""
    cost_ = make_cost(np)
    dists = ((points[None, :, :] - centroids[:, None, :]) ** 2).sum(-1)
    owner = dists.argmin(0)
    means = np.array([points[owner == j].mean(0) for j in range(len(centroids))])
    return cost_(points, centroids), centroids - means


def chainrule_dir(jit):
    cost = make_cost(cnp)

    def direction(points, centroids):
        g, h = cr.jvp(cr.grad(lambda c: cost(points, c)), (centroids,),
                      (cnp.ones_like(centroids),))
        return g / h
    return jit(direction) if jit is not None else direction


def torch_impl(points, centroids, functional: bool):
    torch = bench.import_torch()
    if torch is None:
        return None
    cost = make_cost(torch, lambda x, axis: torch.amin(x, dim=axis))
    P, C = torch.tensor(points), torch.tensor(centroids)
    ones = torch.ones_like(C)
    if functional:  # torch.func: forward-over-reverse, as the chainrule code does
        from torch.func import grad, jvp

        def run():
            g, h = jvp(grad(lambda c: cost(P, c)), (C,), (ones,))
            return g / h
    else:  # GradBench's PyTorch tool: a vjp and a reverse-over-reverse vhp
        from torch.autograd.functional import vhp, vjp

        def run():
            _, g = vjp(lambda c: cost(P, c), C, v=torch.tensor(1.0, dtype=C.dtype))
            _, h = vhp(lambda c: cost(P, c), C, v=ones)
            return g / h
    return lambda: run().numpy()


def jax_impl(points, centroids, jit: bool):
    jx = bench.import_jax()
    if jx is None:
        return None
    jax, jnp = jx
    cost = make_cost(jnp)

    def direction(P, C):
        g, h = jax.jvp(jax.grad(lambda c: cost(P, c)), (C,), (jnp.ones_like(C),))
        return g / h
    f = jax.jit(direction) if jit else direction
    P, C = jnp.asarray(points), jnp.asarray(centroids)
    return lambda: jax.block_until_ready(f(P, C))


def implementations(points, centroids):
    """name -> factory of the zero-argument function to time (None: not available)."""
    jit = jit_or_none()
    plain = chainrule_dir(None)
    cost = make_cost(np)
    return {
        "NumPy cost only": lambda: lambda: cost(points, centroids),
        "chainrule": lambda: lambda: plain(points, centroids),
        "chainrule jit": lambda: (None if jit is None else
                                  (lambda f: lambda: f(points, centroids))(chainrule_dir(jit))),
        "PyTorch eager (GradBench's vjp + vhp)": lambda: torch_impl(points, centroids, False),
        "PyTorch eager (torch.func jvp of grad)": lambda: torch_impl(points, centroids, True),
        "JAX eager": lambda: jax_impl(points, centroids, jit=False),
        "JAX jit": lambda: jax_impl(points, centroids, jit=True),
    }


def check(name, result, ref):
    if name == "NumPy cost only":
        if not np.isclose(result, ref[0], rtol=1e-10):
            sys.exit(f"{name}: the cost differs from the closed form's")
    elif not np.allclose(np.asarray(result), ref[1], rtol=1e-8, atol=1e-10):
        sys.exit(f"{name}: the direction differs from the closed form")


def child(name: str) -> None:
    """Time one implementation in this (fresh) process and report it to the parent."""
    points, centroids = make_data(*sizes())
    fn = implementations(points, centroids)[name]()
    check(name, fn(), closed_form(points, centroids))
    bench.report(bench.measure(fn, repeat=5, warmup=2, min_time=0.2))


def main() -> None:
    n, k, d = sizes()
    points, centroids = make_data(n, k, d)
    ref = closed_form(points, centroids)
    available = bench.available(implementations(points, centroids),
                                lambda name, result: check(name, result, ref))
    print(f"{len(available) - 1} implementation(s) agree with the closed-form Newton "
          "direction\n")
    jobs = {name: ["--time", name, "--n", str(n), "--k", str(k), "--d", str(d)]
            for name in available}
    runs = bench.run_rounds(__file__, jobs, bench.rounds_arg(1))
    print(f"GradBench kmeans dir, n = {n}, k = {k}, d = {d}, float64; {bench.revision()}; "
          f"{bench.machine()}")
    bench.timing_table(runs, "PyTorch eager (GradBench's vjp + vhp)", "chainrule")
    print("\nchainrule rows: eager, and compiled with chainrule.compile.jit where this "
          "checkout has it; vmap is not used: the program already treats every point at "
          "once (the all-pairs distance matrix)")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--time":
        child(sys.argv[2])
    else:
        main()
