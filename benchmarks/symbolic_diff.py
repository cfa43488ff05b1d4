"""Symbolic differentiation against SymPy (and SymEngine, if installed).

(A) The gradient of a symbolic XOR-network loss: 2 inputs, 8 tanh hidden units, a sigmoid
    output, squared error summed over the 4 XOR points; 33 weights.
(B) The 3rd derivative of sin(cos(sin(...x))) nested 30 deep; also the result's size
    (tree and shared graph) for depths 10 to 40, which should grow linearly.

chainrule hash-conses expressions and caches canonical forms, so every repetition uses
fresh symbol names: nothing is reused between runs. Run:

    python benchmarks/symbolic_diff.py [--repeat 5]
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))

from _common import machine, optional_import, print_table, revision  # noqa: E402

import chainrule.numpy as cnp  # noqa: E402
from chainrule.symbolic import Symbol, diff, gradient, sizes  # noqa: E402

XOR = [((0, 0), 0), ((0, 1), 1), ((1, 0), 1), ((1, 1), 0)]


def xor_loss(sym, tanh, sigmoid, tag):
    """The loss built with a library's symbols and functions; returns (loss, weights)."""
    w1 = [[sym(f"w1_{i}_{j}{tag}") for j in range(8)] for i in range(2)]
    b1 = [sym(f"b1_{j}{tag}") for j in range(8)]
    w2 = [sym(f"w2_{j}{tag}") for j in range(8)]
    b2 = sym(f"b2{tag}")
    loss = 0
    for (a, b), y in XOR:
        h = [tanh(a * w1[0][j] + b * w1[1][j] + b1[j]) for j in range(8)]
        out = sigmoid(sum(h[j] * w2[j] for j in range(8)) + b2)
        loss = loss + (out - y) ** 2
    return loss, [w for row in w1 for w in row] + b1 + w2 + [b2]


def nested(sym, sin, cos, depth, tag):
    x = sym(f"x{tag}")
    e = x
    for i in range(depth):
        e = sin(e) if i % 2 == 0 else cos(e)
    return e, x


def timed(fn, repeat):
    times = []
    for k in range(repeat):
        t0 = time.perf_counter()
        fn(f"_{k}_{time.perf_counter_ns()}")
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def chainrule_rows(repeat):
    def a_full(tag):
        loss, ws = xor_loss(Symbol, cnp.tanh, cnp.sigmoid, tag)
        gradient(loss, ws, textbook=False)

    def a_graph(tag):
        loss, ws = xor_loss(Symbol, cnp.tanh, cnp.sigmoid, tag)
        gradient(loss, ws, simplify=False)

    def b(tag):
        e, x = nested(Symbol, cnp.sin, cnp.cos, 30, tag)
        diff(e, x, 3, textbook=False)

    return {"chainrule (canonical form)": (timed(a_full, repeat), timed(b, repeat)),
            "chainrule (gradient graph, A only)": (timed(a_graph, repeat), None)}


def sympy_rows(repeat):
    sp = optional_import("sympy")
    if sp is None:
        return {}

    def sig(z):
        return 1 / (1 + sp.exp(-z))

    def a(tag):
        loss, ws = xor_loss(sp.Symbol, sp.tanh, sig, tag)
        [sp.diff(loss, w) for w in ws]

    def b(tag):
        e, x = nested(sp.Symbol, sp.sin, sp.cos, 30, tag)
        sp.diff(e, x, 3)

    return {"SymPy": (timed(a, max(1, repeat // 2)), timed(b, 1))}


def symengine_rows(repeat):
    se = optional_import("symengine")
    if se is None:
        return {}

    def a(tag):
        loss, ws = xor_loss(se.Symbol, se.tanh, lambda z: 1 / (1 + se.exp(-z)), tag)
        [se.diff(loss, w) for w in ws]

    def b(tag):
        e, x = nested(se.Symbol, se.sin, se.cos, 30, tag)
        se.diff(e, x, 3)

    return {"SymEngine": (timed(a, repeat), timed(b, repeat))}


def main():
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 5
    print(f"# symbolic differentiation - {machine()}\n# {revision()}\n")
    rows = {**chainrule_rows(repeat), **sympy_rows(repeat), **symengine_rows(repeat)}
    ref = rows.get("SymPy")
    table = []
    for name, (a, b) in rows.items():
        ratio_a = f"{ref[0] / a:.0f}x" if ref else "-"
        ratio_b = f"{ref[1] / b:.0f}x" if ref and b else "-"
        table.append([name, f"{a * 1e3:.1f} ms", ratio_a,
                      f"{b * 1e3:.1f} ms" if b else "-", ratio_b])
    print_table(["library", "(A) XOR gradient", "vs SymPy", "(B) 3rd derivative, depth 30",
                 "vs SymPy"], table)
    print("\n# result size of (B) by depth (tree nodes / shared graph nodes)")
    size_rows = []
    for depth in (10, 20, 30, 40):
        e, x = nested(Symbol, cnp.sin, cnp.cos, depth, f"_size{depth}")
        tree, dag = sizes(diff(e, x, 3, textbook=False))
        size_rows.append([depth, tree, dag])
    print_table(["depth", "tree size", "graph size"], size_rows)


if __name__ == "__main__":
    main()
