"""Per-example gradients of a small MLP over a batch of 256: vmap(grad) against a loop.

A tanh MLP 50 -> 64 -> 10 with softmax cross-entropy, float64. The gradient of each
example's loss with respect to all parameters, for 256 examples, computed by:

- chainrule ``vmap(grad(loss), in_axes=(None, 0, 0))``,
- a Python loop of chainrule ``grad(loss)`` over the examples (what one wrote before vmap),
- JAX's ``jax.vmap(jax.grad(loss), in_axes=(None, 0, 0))`` without jit and with jit
  (if JAX is installed), each checked against chainrule's result first.

Run: python benchmarks/vmap_per_example.py
"""

import os

os.environ.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")

import _common as bench
import numpy as np

import chainrule.numpy as cnp
from chainrule._api import grad, vmap

N, D, H, C = 256, 50, 64, 10


def make_data(seed: int = 0):
    rng = np.random.default_rng(seed)
    xs = rng.standard_normal((N, D))
    ys = np.eye(C)[rng.integers(0, C, N)]
    params = (rng.standard_normal((D, H)) / np.sqrt(D), np.zeros(H),
              rng.standard_normal((H, C)) / np.sqrt(H), np.zeros(C))
    return params, xs, ys


def loss(params, x, y):
    """Cross-entropy of one example (x: D features, y: one-hot C)."""
    w1, b1, w2, b2 = params
    z = cnp.tanh(x @ w1 + b1) @ w2 + b2
    return cnp.log(cnp.sum(cnp.exp(z))) - cnp.sum(z * y)


def main() -> None:
    params, xs, ys = make_data()
    per_example = vmap(grad(loss), in_axes=(None, 0, 0))
    got = per_example(params, xs, ys)
    looped = [grad(loss)(params, x, y) for x, y in zip(xs, ys)]
    for k in range(4):
        assert np.allclose(got[k], np.stack([g[k] for g in looped]), rtol=1e-12, atol=1e-14)
    t_vmap = bench.measure(lambda: per_example(params, xs, ys), repeat=5)
    t_loop = bench.measure(lambda: [grad(loss)(params, x, y) for x, y in zip(xs, ys)],
                           repeat=3, warmup=1)
    rows = [["chainrule vmap(grad)", f"{t_vmap.median * 1e3:.2f}", "1.0"],
            ["chainrule loop of grad", f"{t_loop.median * 1e3:.2f}",
             f"{t_loop.median / t_vmap.median:.1f}"]]
    rows += jax_rows(params, xs, ys, got, t_vmap.median)
    print(bench.machine())
    print(bench.revision())
    print(f"Per-example gradients, MLP {D}-{H}-{C}, batch {N}, float64; "
          "ratio = time / chainrule vmap(grad)")
    bench.print_table(["what", "ms per batch", "ratio"], rows)


def jax_rows(params, xs, ys, expected, base: float) -> list:
    peer = bench.import_jax()
    if peer is None:
        return []
    jax, jnp = peer

    def jloss(params, x, y):
        w1, b1, w2, b2 = params
        z = jnp.tanh(x @ w1 + b1) @ w2 + b2
        return jnp.log(jnp.sum(jnp.exp(z))) - jnp.sum(z * y)

    jp = tuple(jnp.asarray(p) for p in params)
    jx, jy = jnp.asarray(xs), jnp.asarray(ys)
    fn = jax.vmap(jax.grad(jloss), in_axes=(None, 0, 0))
    rows = []
    for label, f in [("JAX vmap(grad), no jit", fn), ("JAX vmap(grad), jit", jax.jit(fn))]:
        out = f(jp, jx, jy)
        for k in range(4):
            assert np.allclose(np.asarray(out[k]), expected[k], rtol=1e-10, atol=1e-12)
        t = bench.measure(lambda f=f: jax.block_until_ready(f(jp, jx, jy)), repeat=5)
        rows.append([label, f"{t.median * 1e3:.2f}", f"{t.median / base:.2f}"])
    return rows


if __name__ == "__main__":
    main()
