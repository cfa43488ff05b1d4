"""``jit(grad(f))`` on a scalar graph: per-call time and compile time, against JAX.

The graph: 2,000 random operations (sin, cos, tanh, +, -, *) on 50 inputs indexed out of
one vector, each operation taking one or two earlier values at random (fixed seed); the
output sums the last 20 values. Both libraries trace the same Python function. "compile"
is the first call of a new ``jit(grad(f))`` on a new closure (tracing, optimization and
code generation; nothing cached from earlier compilations), the lowest of a few; "call"
is the time per call afterwards. Each row is timed in a fresh process.

Run: python benchmarks/jit_scalar.py [--rounds N]   (default 3 rounds)
"""

import os

os.environ.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")

import random
import sys
import time

import _common as bench
import numpy as np

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.compile import jit

N_IN, N_OPS, N_OUT, SEED = 50, 2000, 20, 0
X = np.linspace(-1.0, 1.0, N_IN)


def program(seed: int = SEED) -> list:
    rng = random.Random(seed)
    return [(rng.choice("sctamd"), rng.randrange(N_IN + k), rng.randrange(N_IN + k))
            for k in range(N_OPS)]


def make_f(sin, cos, tanh, prog):
    """The benchmark function for any library's sin, cos and tanh (a new closure)."""
    unary = {"s": sin, "c": cos, "t": tanh}

    def f(x):
        v = [x[i] for i in range(N_IN)]
        for op, i, j in prog:
            a, b = v[i], v[j]
            if op in unary:
                v.append(unary[op](a))
            else:
                v.append(a + b if op == "a" else a * b if op == "m" else a - b)
        out = v[-1]
        for t in v[-N_OUT:-1]:
            out = out + t
        return out

    return f


def chainrule_grad(compiled: bool):
    g = cr.grad(make_f(cnp.sin, cnp.cos, cnp.tanh, program()))
    return jit(g) if compiled else g


def jax_grad():
    jx = bench.import_jax()
    if jx is None:
        return None
    jax, jnp = jx
    g = jax.jit(jax.grad(make_f(jnp.sin, jnp.cos, jnp.tanh, program())))
    return lambda x: g(x).block_until_ready()


def compile_time(make, repeat: int = 3) -> float:
    """The lowest time of the first call of a newly made jitted gradient."""
    best = float("inf")
    for _ in range(repeat):
        fn = make()
        t0 = time.perf_counter()
        fn(X)
        best = min(best, time.perf_counter() - t0)
    return best


MAKERS = {"chainrule jit(grad)": lambda: chainrule_grad(True), "JAX jit(grad)": jax_grad,
          "chainrule grad (no jit)": lambda: chainrule_grad(False)}


def child(name: str, what: str) -> None:
    make = MAKERS[name]
    if what == "compile":
        t = compile_time(make)
        bench.report(bench.Timing(t, t, 0.0, 1, 3), value=0.0)
        return
    fn = make()
    fn(X)
    t = bench.measure(lambda: fn(X), repeat=5, warmup=2, min_time=0.2)
    bench.report(t, value=float(np.sum(fn(X))))


def main() -> None:
    ref = chainrule_grad(False)(X)
    got = chainrule_grad(True)(X)
    if not np.allclose(got, ref, rtol=1e-12, atol=1e-14):
        sys.exit("chainrule: jit(grad) differs from grad")
    has_jax = jax_grad() is not None
    if has_jax and not np.allclose(np.asarray(jax_grad()(X)), ref, rtol=1e-10, atol=1e-12):
        sys.exit("JAX's gradient differs from chainrule's")
    names = [n for n in MAKERS if has_jax or not n.startswith("JAX")]
    jobs = {(n, w): ["--time", n, w] for n in names for w in ("call", "compile")
            if not (w == "compile" and "no jit" in n)}
    runs = bench.run_rounds(__file__, jobs, bench.rounds_arg())
    best = {k: bench.best(r) for k, r in runs.items()}
    print(f"jit(grad(f)), {N_OPS} scalar operations on {N_IN} inputs indexed out of one "
          f"vector; {bench.revision()}; {bench.machine()}")
    rows = [[n, f"{best[n, 'call']['median'] * 1e6:.1f}", f"{best[n, 'call']['min'] * 1e6:.1f}",
             f"{best[n, 'compile']['min'] * 1e3:.1f}" if (n, "compile") in best else "-"]
            for n in names]
    bench.print_table(["implementation", "median us/call", "min us/call", "compile ms"], rows)
    if has_jax:
        cr_call = best["chainrule jit(grad)", "call"]["median"]
        jax_call = best["JAX jit(grad)", "call"]["median"]
        ratio_call = cr_call / jax_call
        ratio_compile = best["JAX jit(grad)", "compile"]["min"] / \
            best["chainrule jit(grad)", "compile"]["min"]
        print(f"\nper call: chainrule / JAX = {ratio_call:.2f} (target <= 5: "
              f"{'met' if ratio_call <= 5 else 'NOT met'})")
        print(f"compile: JAX / chainrule = {ratio_compile:.1f} (target >= 20: "
              f"{'met' if ratio_compile >= 20 else 'NOT met'})")


if __name__ == "__main__":
    if len(sys.argv) > 3 and sys.argv[1] == "--time":
        child(sys.argv[2], sys.argv[3])
    else:
        main()
