"""Logistic regression on Dask: chainrule against dask-ml, on data generated chunk by chunk.

The data (``--rows`` x ``--cols``, default 5,000,000 x 50) are generated on the workers of a
``LocalCluster`` of worker processes, one chunk at a time from its own seed, and persisted
there: no process ever holds more than its share. Then, timed separately:

- chainrule's ``LogisticRegression(solver="lbfgs")`` fitted on the Dask arrays (each
  L-BFGS step: the parameters go out as one task, every chunk returns its log-loss and
  gradient, a tree of tasks adds them up);
- dask-ml's ``LogisticRegression`` with ``solver="lbfgs"`` on the same arrays (add
  ``--dask-ml-solvers lbfgs admm`` for its default solver, ADMM, which is far slower here);
- chainrule's fit again on a cluster of 1 worker (same data, regenerated there).

Accuracy: every model's log-loss on a held-out sample of ``--sample`` rows, next to
scikit-learn's ``LogisticRegression`` fitted in memory on another sample of that size.

    python benchmarks/dask_logistic.py                       # the issue's size
    python benchmarks/dask_logistic.py --rows 1000000 --cols 50 --workers 2 1
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import functools  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402

SEED = 7


def _chunk_X(block_info: dict | None = None, cols: int = 50) -> np.ndarray:
    loc = block_info[None]["array-location"][0]
    rng = np.random.default_rng([SEED, loc[0]])
    return rng.standard_normal((loc[1] - loc[0], cols)) * np.linspace(0.5, 2.0, cols)


def _chunk_y(Xb: np.ndarray, w: np.ndarray, block_info: dict | None = None) -> np.ndarray:
    loc = block_info[0]["array-location"][0]
    rng = np.random.default_rng([SEED + 1, loc[0]])
    p = 1.0 / (1.0 + np.exp(-(Xb @ w[:-1] + w[-1])))
    return (rng.uniform(size=len(Xb)) < p).astype(np.float64)


def make_data(rows: int, cols: int, chunk_rows: int) -> tuple:
    """Lazy ``(X, y)``: each chunk generated from its own seed where it is computed."""
    import dask.array as da

    w = np.random.default_rng(SEED).normal(scale=0.3, size=cols + 1)
    chunks = ((chunk_rows,) * (rows // chunk_rows) + ((rows % chunk_rows,) if rows %
                                                      chunk_rows else ()), (cols,))
    X = da.map_blocks(_chunk_X, cols=cols, chunks=chunks, dtype=np.float64,
                      meta=np.empty((0, 0)))
    y = X.map_blocks(_chunk_y, w, drop_axis=1, dtype=np.float64, meta=np.empty(0))
    return X, y


def log_loss(p: np.ndarray, y: np.ndarray) -> float:
    p = np.clip(p, 1e-15, 1 - 1e-15)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def run_cluster(n_workers: int, args: argparse.Namespace, peers: bool) -> dict:
    from chainrule.models import LogisticRegression
    from distributed import Client, LocalCluster, wait

    out: dict = {}
    with LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                      dashboard_address=None, memory_limit=None) as cluster, \
            Client(cluster) as client:
        client.run(lambda: __import__("chainrule.models"))  # imports, not in the timings
        X, y = make_data(args.rows, args.cols, args.chunk_rows)
        (X, y), out["generate s"] = timed(lambda: _persist(client, wait, X, y))
        tail = slice(args.rows - args.sample, args.rows)
        Xt, yt = X[tail].compute(), y[tail].compute()
        model = LogisticRegression(solver="lbfgs", tol=args.tol, max_iter=args.max_iter)
        _, out["chainrule s"] = timed(lambda: model.fit(X, y))
        out["chainrule iters"] = model.n_iter_
        out["chainrule log-loss"] = log_loss(model.predict_proba(Xt)[:, 1], yt)
        show(out)
        if peers:
            out.update(_dask_ml(X, y, Xt, yt, args))
            out.update(_sklearn(X, Xt, yt, y, args))
            show(out)
    return out


def show(results: dict, shown: set = set()) -> None:  # noqa: B006 - remembers what is shown
    """Print the results not printed yet (a long run shows its figures as they come)."""
    for key, value in results.items():
        if key not in shown:
            shown.add(key)
            print(f"  {key:32s} {value:.4f}" if isinstance(value, float) else
                  f"  {key:32s} {value}", flush=True)


def _persist(client, wait, X, y):
    X, y = client.persist([X, y])
    wait([X, y])
    return X, y


def _dask_ml(X, y, Xt, yt, args) -> dict:
    try:
        from dask_ml.linear_model import LogisticRegression as DaskLR
    except ImportError:
        return {}
    out = {}
    for solver in args.dask_ml_solvers:
        peer = DaskLR(solver=solver, tol=args.tol, max_iter=args.max_iter)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _, out[f"dask-ml {solver} s"] = timed(functools.partial(peer.fit, X, y))
        out[f"dask-ml {solver} log-loss"] = log_loss(
            np.asarray(peer.predict_proba(Xt))[:, 1], yt)
    return out


def _sklearn(X, Xt, yt, y, args) -> dict:
    try:
        from sklearn.linear_model import LogisticRegression as SkLR
    except ImportError:
        return {}
    Xs, ys = X[:args.sample].compute(), y[:args.sample].compute()
    sk = SkLR(tol=args.tol, max_iter=args.max_iter).fit(Xs, ys)
    return {"sklearn (sample fit) log-loss": log_loss(sk.predict_proba(Xt)[:, 1], yt)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--cols", type=int, default=50)
    parser.add_argument("--chunk-rows", type=int, default=250_000)
    parser.add_argument("--sample", type=int, default=100_000)
    parser.add_argument("--tol", type=float, default=1e-4)
    parser.add_argument("--max-iter", type=int, default=100)
    parser.add_argument("--workers", type=int, nargs="+", default=[2, 1])
    parser.add_argument("--dask-ml-solvers", nargs="*", default=["lbfgs"])
    args = parser.parse_args()
    print(f"logistic regression, {args.rows:,} x {args.cols} float64 "
          f"({args.rows * args.cols * 8 / 1e9:.2f} GB) in chunks of {args.chunk_rows:,} rows")
    base = None
    for i, n in enumerate(args.workers):
        print(f"\n{n} worker process(es):", flush=True)
        res = run_cluster(n, args, peers=(i == 0))
        show.__defaults__[0].clear()
        if base is None:
            base = res
        else:
            print(f"  chainrule time with {n} vs {args.workers[0]} workers: "
                  f"{res['chainrule s'] / base['chainrule s']:.2f}x")
        peer = base.get("dask-ml lbfgs s")
        if i == 0 and peer:
            print(f"  dask-ml lbfgs / chainrule time: {peer / res['chainrule s']:.2f}x")


if __name__ == "__main__":
    main()
