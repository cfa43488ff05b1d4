"""Answers in textbook form: size and speed on the textbook corpus.

For each problem of tests/symbolic/textbook_problems.py (a first calculus course plus ML
losses, with the textbook's answers) this reports whether chainrule's printed derivative is
no larger than the textbook's answer (operations counted by the same function,
``chainrule.symbolic._textbook.op_count``, on both texts), and the median time of
chainrule's ``diff`` (which returns the textbook form) against SymPy's
``simplify(diff(...))`` on the same formula, the best of ``--repeat`` runs each. Every
run uses fresh symbol names (chainrule's expressions are hash-consed and their forms
cached, SymPy caches its results), so nothing is reused between runs; with
``--same-names`` every run uses the formula's own names, so that both caches answer the
repeated runs. Run:

    python benchmarks/textbook.py [--repeat 3] [--misses] [--same-names]
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import re  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "symbolic"))

import sympy  # noqa: E402
from textbook_problems import PROBLEMS  # noqa: E402

from chainrule.symbolic import diff, parse, to_sympy  # noqa: E402
from chainrule.symbolic._textbook import op_count  # noqa: E402


def ours(f: str, var: str, order: int):
    """chainrule's answer: ``diff``, which gives the textbook form after each order."""
    return diff(f, var, order)


def _renamed(f: str, var: str, k: int) -> tuple:
    """The formula with every symbol renamed by a suffix, so caches cannot help."""
    names = sorted({str(s) for s in parse(f).free_symbols()} | {var})
    for n in names:
        f = re.sub(rf"(?<![A-Za-z_]){n}(?![A-Za-z0-9_])", f"{n}_{k}", f)  # 7x^3 too
    return f, f"{var}_{k}"


def _sympy(f: str, var: str) -> tuple:
    s_f = to_sympy(parse(f))
    return s_f, {str(s): s for s in s_f.free_symbols}[var]


def _time(fn, repeat: int) -> float:
    times = []
    for k in range(repeat):
        t = time.perf_counter()
        fn(k)
        times.append(time.perf_counter() - t)
    return min(times)


def main(repeat: int = 3, misses: bool = False, same_names: bool = False) -> None:
    small, ratios, ours_t, sympy_t = 0, [], [], []
    for i, (f, var, n, answer, _) in enumerate(PROBLEMS):
        text = str(ours(f, var, n))
        ok = op_count(text) <= op_count(answer)
        small += ok
        if misses and not ok:
            print(f"  larger: d{n}/d{var} {f}: {text}  (textbook {answer})")
        fresh = [(f, var) if same_names else _renamed(f, var, 1000 * i + k)
                 for k in range(repeat)]  # not timed
        t1 = _time(lambda k, fresh=fresh, n=n: ours(*fresh[k], n), repeat)
        theirs = [_sympy(*fr) for fr in fresh]  # fresh symbols for SymPy's cache too
        t2 = _time(lambda k, theirs=theirs, n=n:
                   sympy.simplify(sympy.diff(*theirs[k], n)), repeat)
        ours_t.append(t1)
        sympy_t.append(t2)
        ratios.append(t2 / t1)
    total = len(PROBLEMS)
    print(f"problems: {total}")
    print(f"no larger than the textbook: {small}/{total} = {100 * small / total:.1f}%")
    print(f"median time, chainrule diff (textbook form): {1e3 * statistics.median(ours_t):.2f} ms")
    print(f"median time, SymPy simplify(diff(...)):      {1e3 * statistics.median(sympy_t):.2f} ms")
    print(f"median of the per-problem speed-ups: {statistics.median(ratios):.1f}x")


if __name__ == "__main__":
    rep = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 3
    main(rep, "--misses" in sys.argv, "--same-names" in sys.argv)
