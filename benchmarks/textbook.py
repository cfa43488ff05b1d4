"""Answers in textbook form: size and speed on the textbook corpus.

For each problem of tests/symbolic/textbook_problems.py (a first calculus course plus ML
losses, with the textbook's answers) this reports whether chainrule's printed derivative is
no larger than the textbook's answer (operations counted by the same function,
``chainrule.symbolic._textbook.op_count``, on both texts), and the median time of
chainrule's ``diff`` (textbook form included) against SymPy's ``simplify(diff(...))`` on the
same formula. Every repetition uses fresh symbol names for chainrule (its expressions are
hash-consed and their canonical forms cached), so nothing is reused between runs. Run:

    python benchmarks/textbook.py [--repeat 3] [--misses]
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
from chainrule.symbolic._textbook import op_count, tidy  # noqa: E402


def ours(f: str, var: str, order: int):
    """chainrule's printed answer: the derivative tidied after each order."""
    e = f
    for _ in range(order):
        e = tidy(diff(e, var))
    return e


def _renamed(f: str, var: str, k: int) -> tuple:
    """The formula with every symbol renamed by a suffix, so caches cannot help."""
    names = sorted({str(s) for s in parse(f).free_symbols()} | {var})
    for n in names:
        f = re.sub(rf"\b{n}\b", f"{n}_{k}", f)
    return f, f"{var}_{k}"


def _time(fn, repeat: int) -> float:
    times = []
    for k in range(repeat):
        t = time.perf_counter()
        fn(k)
        times.append(time.perf_counter() - t)
    return min(times)


def main(repeat: int = 3, misses: bool = False) -> None:
    small, ratios, ours_t, sympy_t = 0, [], [], []
    for i, (f, var, n, answer, _) in enumerate(PROBLEMS):
        text = str(ours(f, var, n))
        ok = op_count(text) <= op_count(answer)
        small += ok
        if misses and not ok:
            print(f"  larger: d{n}/d{var} {f}: {text}  (textbook {answer})")
        t1 = _time(lambda k, f=f, v=var, n=n, i=i: ours(*_renamed(f, v, 1000 * i + k), n),
                   repeat)
        s_f = to_sympy(parse(f))
        s_v = {str(s): s for s in s_f.free_symbols}[var]
        t2 = _time(lambda k, s_f=s_f, s_v=s_v, n=n: sympy.simplify(sympy.diff(s_f, s_v, n)), 1)
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
    main(rep, "--misses" in sys.argv)
