"""Shared helpers for the benchmarks: timing, page-fault counting, optional peers, tables.

Every benchmark script sets ``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS`` and
``MKL_NUM_THREADS`` to 1 itself, at its very top, before NumPy is imported; importing this
module afterwards does not change that.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class Timing:
    """Seconds per call (median and minimum over the repeats) and minor faults per call."""

    median: float
    min: float
    faults: float
    number: int
    repeat: int


def _minflt() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def measure(fn: Callable[[], Any], *, keep: bool = True, repeat: int = 7, warmup: int = 3,
            min_time: float = 0.2, number: int | None = None) -> Timing:
    """Time ``fn()``: ``warmup`` untimed calls, then ``repeat`` batches of ``number`` calls.

    ``keep=True`` is the training-loop style: ``r = fn()``, so the previous result stays
    alive while the next call runs (as a gradient does until the optimizer step uses it).
    ``keep=False`` discards each result as soon as the call returns. ``number`` defaults to
    enough calls for a batch to last about ``min_time`` seconds.
    """
    r = None
    for _ in range(warmup):
        r = fn()
    if number is None:
        t0 = time.perf_counter()
        r = fn()
        one = max(time.perf_counter() - t0, 1e-7)
        number = max(1, int(min_time / one))
    if not keep:
        r = None
    gc.collect()
    times, faults = [], 0
    for _ in range(repeat):
        f0 = _minflt()
        t0 = time.perf_counter()
        if keep:
            for _ in range(number):
                r = fn()
        else:
            for _ in range(number):
                fn()
        t1 = time.perf_counter()
        faults += _minflt() - f0
        times.append((t1 - t0) / number)
    del r
    return Timing(statistics.median(times), min(times), faults / (number * repeat),
                  number, repeat)


def report(t: Timing, **extra: Any) -> None:
    """Print a timing as the last line of a child process's output (see ``run_child``)."""
    print(json.dumps({**asdict(t), **extra}))


def run_child(script: str, *args: str) -> dict:
    """Run ``python script *args`` in a fresh process and return what it ``report``-ed.

    Each implementation is timed in its own process because earlier work in a process
    changes later timings: a peer that frees a large block raises glibc's mmap threshold
    (no more page faults for anyone afterwards), and a peer's imported objects make every
    full cyclic-GC pass slower for a library that builds Python objects per operation.
    """
    proc = subprocess.run([sys.executable, script, *args], capture_output=True, text=True,
                          check=False)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{proc.stdout}{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_rounds(script: str, jobs: dict, rounds: int) -> dict:
    """Run every job (key -> child arguments) once per round, rounds interleaved, so that
    a burst of background load hits all rows alike. Returns key -> list of reports."""
    out: dict = {key: [] for key in jobs}
    for _ in range(rounds):
        for key, args in jobs.items():
            out[key].append(run_child(script, *args))
    return out


def best(reports: list) -> dict:
    """The round with the lowest median; ``min`` is the minimum over all rounds."""
    b = dict(min(reports, key=lambda t: t["median"]))
    b["min"] = min(t["min"] for t in reports)
    return b


def rounds_arg(default: int = 3) -> int:
    """``--rounds N`` from the command line."""
    if "--rounds" in sys.argv:
        return int(sys.argv[sys.argv.index("--rounds") + 1])
    return default


def optional_import(name: str) -> Any | None:
    """The module ``name`` if it can be imported, else ``None`` (the peer is skipped)."""
    try:
        return importlib.import_module(name)
    except Exception:  # ImportError, or a broken install of an optional peer
        return None


def import_jax() -> tuple[Any, Any] | None:
    """``(jax, jax.numpy)`` in float64 on one CPU core, or ``None`` if JAX is missing.

    XLA:CPU sizes its thread pool from the CPU affinity mask and ignores the BLAS thread
    variables, so the main thread is pinned to one core while JAX creates its threads
    (they inherit the mask), then unpinned.
    """
    if optional_import("jax") is None:
        return None
    import jax

    jax.config.update("jax_enable_x64", True)
    jax.config.update("jax_platforms", "cpu")
    pin = hasattr(os, "sched_setaffinity")
    if pin:
        cpus = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {min(cpus)})
    try:
        jax.devices()
        import jax.numpy as jnp

        jnp.ones(2).block_until_ready()
    finally:
        if pin:
            os.sched_setaffinity(0, cpus)
    return jax, jnp


def import_torch() -> Any | None:
    """PyTorch limited to one thread, or ``None`` if it is not installed."""
    torch = optional_import("torch")
    if torch is not None:
        torch.set_num_threads(1)
    return torch


def machine() -> str:
    import numpy as np

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name"))
    except (OSError, StopIteration):
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (f"{cpu}, {cores} cores, "
            f"Python {platform.python_version()}, NumPy {np.__version__}, "
            f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}")


def revision() -> str:
    """chainrule's version and, from a git checkout, the commit measured."""
    import chainrule

    try:
        rev = subprocess.run(["git", "-C", os.path.dirname(chainrule.__file__), "describe",
                              "--always", "--dirty"], capture_output=True, text=True,
                             timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        rev = ""
    return f"chainrule {chainrule.__version__}" + (f" (git {rev})" if rev else "")


def print_table(headers: list[str], rows: list[list[Any]]) -> None:
    """A Markdown table (pastes straight into the README)."""
    cells = [[str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]

    def line(items):
        return "| " + " | ".join(
            s.ljust(w) if i == 0 else s.rjust(w) for i, (s, w) in enumerate(zip(items, widths))
        ) + " |"
    print(line(headers))
    print("|" + "|".join(("-" * (w + 1) + ":") if i else ("-" * (w + 2))
                         for i, w in enumerate(widths)) + "|")
    for r in cells:
        print(line(r))


def available(factories: dict, check: Callable[[str, Any], None]) -> list[str]:
    """The names of the implementations that run here and pass ``check(name, result)``
    (which exits on a wrong answer): a factory returning None (a peer not installed) or
    one that fails to run (a transformation that cannot run the program yet) is skipped,
    with a line saying so."""
    names = []
    for name, factory in factories.items():
        fn = factory()
        if fn is None:
            print(f"{name}: not available here, skipped")
            continue
        try:
            result = fn()
        except Exception as e:  # noqa: BLE001 (reported and skipped, never hidden)
            print(f"{name}: failed, skipped ({type(e).__name__}: {str(e)[:160]})")
            continue
        check(name, result)
        names.append(name)
    return names


def timing_table(runs: dict, base_key: str, fallback_key: str) -> None:
    """Median and fastest batch per implementation, and the ratio to ``base_key``'s median
    (``fallback_key``'s when ``base_key`` did not run)."""
    res = {name: best(reports) for name, reports in runs.items()}
    key = base_key if base_key in res else fallback_key
    base = res[key]["median"]
    rows = [[name, f"{t['median'] * 1e3:.2f}", f"{t['min'] * 1e3:.2f}",
             f"{t['median'] / base:.2f}"] for name, t in res.items()]
    print_table(["implementation", "median ms", "min ms", f"x {key}"], rows)
    first = next(iter(runs.values()))
    print(f"\nmedian ms: the lowest of {len(first)} round(s)' medians of 5 batches; "
          "min ms: the fastest batch")
