"""Reverse mode through a long chain of scalar operations built by a Python loop.

This measures the per-operation overhead of an AD library (tracing, tape, backward
dispatch), not arithmetic: y = sin(y) * 1.0001 + 0.1; acc = acc + tanh(y) * y, on Python
floats (0-d tensors for PyTorch). The operation count is checked against chainrule's tape.
Each row is timed in a fresh process (see ``_common.run_child``); two diagnostic rows show
how much of chainrule's time is cyclic garbage collection.

Run: python benchmarks/scalar_graph.py [--rounds N]   (default 3 rounds)
"""

import os

os.environ.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")

import gc
import math
import sys

import _common as bench

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.core import ReverseTrace

STEPS = 333
OPS_PER_STEP = 6  # sin, *, +, tanh, *, +
N_OPS = 1 + OPS_PER_STEP * STEPS  # the initial x * 0.5, then the loop
X0 = 0.3


def make_f(sin, tanh):
    """The benchmark function, written once for any library's sin and tanh."""
    def f(x):
        y = x
        acc = x * 0.5
        for _ in range(STEPS):
            y = sin(y) * 1.0001 + 0.1
            acc = acc + tanh(y) * y
        return acc
    return f


def count_ops(f, x) -> int:
    """Differentiable primitive applications that chainrule records on its tape."""
    trace = ReverseTrace()
    with trace:
        f(trace.new_input(x))
        return len(trace.tape)


def chainrule_impl():
    g = cr.grad(make_f(cnp.sin, cnp.tanh))
    return lambda: float(g(X0))


def autograd_impl():
    ag = bench.optional_import("autograd")
    if ag is None:
        return None
    import autograd.numpy as anp

    g = ag.grad(make_f(anp.sin, anp.tanh))
    return lambda: float(g(X0))


def torch_impl():
    torch = bench.import_torch()
    if torch is None:
        return None
    f = make_f(torch.sin, torch.tanh)

    def grad():
        x = torch.tensor(X0, dtype=torch.float64, requires_grad=True)
        (g,) = torch.autograd.grad(f(x), x)
        return float(g)

    return grad


def jax_impl():
    jx = bench.import_jax()
    if jx is None:
        return None
    jax, jnp = jx
    g = jax.grad(make_f(jnp.sin, jnp.tanh))
    return lambda: float(g(X0))


IMPLS = {"chainrule": chainrule_impl, "autograd": autograd_impl,
         "PyTorch eager": torch_impl, "JAX eager (no jit)": jax_impl}
PEERS = ("autograd", "PyTorch eager", "JAX eager (no jit)")


def child(name: str, flags: list) -> None:
    """Time one implementation in this (fresh) process and report it to the parent."""
    if "--with-peers" in flags:  # diagnostic: the peers loaded (and run once) beside it
        for peer in PEERS:
            fn = IMPLS[peer]()
            if fn is not None:
                fn()
    if name == "plain":
        f = make_f(math.sin, math.tanh)
        fn = lambda: f(X0)
    else:
        fn = IMPLS[name]()
    if "--no-gc" in flags:  # diagnostic: the share of the time spent in cyclic GC
        gc.disable()
    slow = name.startswith("JAX")  # about 0.7 s per call: fewer, shorter batches
    t = bench.measure(fn, repeat=5 if slow else 7, warmup=1 if slow else 3,
                      min_time=0.05 if slow else 0.2)
    bench.report(t, value=fn())


ROWS = [("plain Python floats, forward only", "plain"), ("chainrule", "chainrule"),
        ("autograd", "autograd"), ("PyTorch eager", "PyTorch eager"),
        ("JAX eager (no jit)", "JAX eager (no jit)"),
        ("chainrule, cyclic GC disabled (diagnostic)", "chainrule", "--no-gc"),
        ("chainrule, peers loaded in the process (diagnostic)", "chainrule", "--with-peers")]


def main() -> None:
    n = count_ops(make_f(cnp.sin, cnp.tanh), X0)
    if n != N_OPS:
        sys.exit(f"expected {N_OPS} operations on the tape, chainrule recorded {n}")
    ref = chainrule_impl()()
    available = ["plain"]
    for name, make in IMPLS.items():
        fn = make()
        if fn is None:
            print(f"{name}: not installed, skipped")
            continue
        if not math.isclose(fn(), ref, rel_tol=1e-9, abs_tol=1e-12):
            sys.exit(f"{name}: gradient {fn()!r} differs from chainrule's {ref!r}")
        available.append(name)
    print(f"{N_OPS} operations; df/dx = {ref:.12g}; {len(available) - 2} installed peer(s) "
          "agree with chainrule\n")

    jobs = {label: ["--time", name, *flags] for label, name, *flags in ROWS
            if name in available and not ("--with-peers" in flags and len(available) == 2)}
    runs = bench.run_rounds(__file__, jobs, bench.rounds_arg())
    rows = []
    for label, reports in runs.items():
        for t in reports:
            if jobs[label][1] != "plain" and not math.isclose(t["value"], ref, rel_tol=1e-9):
                sys.exit(f"{label}: gradient {t['value']!r} differs from {ref!r}")
        t = bench.best(reports)
        per_op = [f"{t[k] / N_OPS * 1e6:.3f}" for k in ("median", "min")]
        rows.append([label, f"{t['median'] * 1e3:.3f}", f"{t['min'] * 1e3:.3f}", *per_op])
    print(f"gradient through {N_OPS} scalar operations; {bench.revision()}; {bench.machine()}")
    bench.print_table(["implementation", "median ms", "min ms", "median us/op", "min us/op"],
                      rows)
    n_rounds = len(runs["chainrule"])
    per_round = [t["median"] / N_OPS * 1e6 for t in runs["chainrule"]]
    per_op = float(rows[1][3])
    print(f"\nmedian: the lowest of {n_rounds} interleaved rounds' medians; min: over all rounds")
    print(f"chainrule: {per_op:.3f} us per operation, per round "
          f"{', '.join(f'{r:.3f}' for r in per_round)} "
          f"(target <= 2.5: {'met' if per_op <= 2.5 else 'NOT met'})")

if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--time":
        child(sys.argv[2], sys.argv[3:])
    else:
        main()
