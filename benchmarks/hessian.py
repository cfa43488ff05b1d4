"""The Hessian of a 100-dimensional function, against one value_and_grad.

f(x) = log sum exp(A x) + 0.5 x^T Q x + sum(cos(x) x^2), with A (50 x 100) and Q (100 x 100):
a few matrix products and elementwise functions, as a small model's loss. The target of
issue 12 is a Hessian at most 10 times the cost of one ``value_and_grad``. Also timed:
the Python loop that hessian used before vmap (one Hessian-vector product per basis
vector), and JAX's ``jax.hessian`` without and with ``jit`` if JAX is installed.

Run: python benchmarks/hessian.py [--n 100]
"""

import os

os.environ.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")

import sys

import _common as bench
import numpy as np

import chainrule.numpy as cnp
from chainrule._api import hessian, hvp, value_and_grad


def problem(n: int):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n // 2, n)) / np.sqrt(n)
    m = rng.standard_normal((n, n)) / np.sqrt(n)
    return a, m @ m.T, rng.standard_normal(n)


def main() -> None:
    n = int(sys.argv[sys.argv.index("--n") + 1]) if "--n" in sys.argv else 100
    a, q, x = problem(n)

    def f(x):
        return cnp.log(cnp.sum(cnp.exp(a @ x))) + 0.5 * x @ (q @ x) + cnp.sum(cnp.cos(x) * x**2)

    h = hessian(f)(x)
    loop = np.stack([hvp(f, x, e) for e in np.eye(n)])
    assert np.allclose(h, loop, rtol=1e-10, atol=1e-12), "hessian disagrees with the loop"
    rows = []
    vg = bench.measure(lambda: value_and_grad(f)(x), repeat=5)
    hs = bench.measure(lambda: hessian(f)(x), repeat=5)
    lp = bench.measure(lambda: [hvp(f, x, e) for e in np.eye(n)], repeat=3, warmup=1)
    rows.append(["chainrule value_and_grad", f"{vg.median * 1e3:.3f}", "1.0"])
    rows.append(["chainrule hessian (vmap over the basis)", f"{hs.median * 1e3:.3f}",
                 f"{hs.median / vg.median:.1f}"])
    rows.append([f"chainrule loop of {n} hvp (before vmap)", f"{lp.median * 1e3:.3f}",
                 f"{lp.median / vg.median:.1f}"])
    rows += jax_rows(a, q, x, h, vg.median)
    print(bench.machine())
    print(bench.revision())
    print(f"Hessian of a {n}-dimensional function; ratios against chainrule value_and_grad")
    bench.print_table(["what", "ms per call", "x value_and_grad"], rows)


def jax_rows(a, q, x, h, base: float) -> list:
    peer = bench.import_jax()
    if peer is None:
        return []
    jax, jnp = peer

    def f(x):
        return jnp.log(jnp.sum(jnp.exp(a @ x))) + 0.5 * x @ (q @ x) + jnp.sum(jnp.cos(x) * x**2)

    rows = []
    for label, fn in [("JAX hessian, no jit", jax.hessian(f)),
                      ("JAX hessian, jit", jax.jit(jax.hessian(f))),
                      ("JAX value_and_grad, jit", jax.jit(jax.value_and_grad(f)))]:
        jx = jnp.asarray(x)
        out = fn(jx)
        if "hessian" in label:
            assert np.allclose(np.asarray(out), h, rtol=1e-10, atol=1e-12)
        t = bench.measure(lambda fn=fn, jx=jx: jax.block_until_ready(fn(jx)), repeat=5)
        rows.append([label, f"{t.median * 1e3:.3f}", f"{t.median / base:.1f}"])
    return rows


if __name__ == "__main__":
    main()
