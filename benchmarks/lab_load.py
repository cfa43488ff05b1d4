"""Load test of ``chainrule lab``: many concurrent clients against a real uvicorn server.

Starts ``python -m chainrule lab --no-browser`` (a free port on 127.0.0.1), then sends
``--requests`` requests from ``--clients`` concurrent clients (httpx.AsyncClient), a fixed
mix of the API's endpoints, and reports errors (anything but 200, or no answer) and the
latency percentiles, overall and per endpoint. The mix is fixed by ``--seed``.

    python benchmarks/lab_load.py                     # 50 clients, 1,000 requests
    python benchmarks/lab_load.py --clients 10 --requests 200
"""

from __future__ import annotations

import os

for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

import argparse  # noqa: E402
import asyncio  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import signal  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import httpx  # noqa: E402

# (weight, name, method, path, body): a page's worth of typical requests
MIX = [
    (20, "presets", "GET", "api/presets", None),
    (20, "diff", "POST", "api/diff", lambda r: {"formula": r.choice(
        ["x^2*sin(x)", "exp(-x^2)", "ln(x)/x", "sqrt(1 + x^2)", "tan(3x + 1)", "x^x"])}),
    (15, "plot1d", "POST", "api/plot1d", lambda r: {"formula": "x^3 - 2x", "n": 400}),
    (10, "tangent", "POST", "api/tangent", lambda r: {"formula": "sin(x)", "at": r.random()}),
    (5, "taylor", "POST", "api/taylor", lambda r: {"formula": "cos(x)", "order": 6}),
    (5, "numeric", "POST", "api/numeric", lambda r: {"formula": "exp(x)", "at": 1.0}),
    (5, "analyze2d", "POST", "api/analyze2d", lambda r: {"formula": "x^2 - y^2 + x*y",
                                                         "n": 60}),
    (5, "descent", "POST", "api/descent", lambda r: {
        "formula": "(1 - x)^2 + 100(y - x^2)^2", "start": [-1.5, 2], "steps": 200,
        "optimizers": [{"name": "adam", "lr": 0.05}, {"name": "momentum", "lr": 0.001}]}),
    (4, "train", "POST", "api/train", lambda r: {"dataset": "xor", "n_samples": 100}),
    (11, "diff, order 3", "POST", "api/diff", lambda r: {"formula": "x^4*log(x)",
                                                               "order": 3}),
]


def start_server() -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "chainrule", "lab", "--no-browser"],
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    match = re.search(r"http://\S+/", line)
    if match is None:
        proc.kill()
        raise SystemExit(f"the lab did not start: {line!r}")
    return proc, match.group(0)


async def client(http: httpx.AsyncClient, url: str, queue: list, out: list) -> None:
    while queue:
        name, method, path, body = queue.pop()
        t0 = time.perf_counter()
        try:
            r = await http.request(method, url + path, json=body, timeout=60)
            ok = r.status_code == 200
            status = r.status_code
        except httpx.HTTPError as err:
            ok, status = False, type(err).__name__
        out.append((name, time.perf_counter() - t0, ok, status))


async def load(url: str, clients: int, requests: int, seed: int) -> list:
    rng = random.Random(seed)
    weights = [m[0] for m in MIX]
    queue = []
    for _ in range(requests):
        _, name, method, path, body = rng.choices(MIX, weights)[0]
        queue.append((name, method, path, body(rng) if body else None))
    out: list = []
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(limits=limits) as http:
        await asyncio.gather(*(client(http, url, queue, out) for _ in range(clients)))
    return out


def pct(values: list, q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1e3


def report(out: list, wall: float, clients: int) -> None:
    errors = [o for o in out if not o[2]]
    lat = [o[1] for o in out]
    print(f"{len(out)} requests from {clients} concurrent clients in {wall:.1f} s "
          f"({len(out) / wall:.0f} requests/s); errors: {len(errors)}")
    for name, _, _, status in errors[:10]:
        print(f"  error: {name}: {status}")
    print("\n| endpoint | requests | p50 ms | p95 ms | max ms |\n|---|---:|---:|---:|---:|")
    for name in dict.fromkeys(o[0] for o in out):
        ls = [o[1] for o in out if o[0] == name]
        print(f"| {name} | {len(ls)} | {pct(ls, 0.5):.0f} | {pct(ls, 0.95):.0f} | "
              f"{max(ls) * 1e3:.0f} |")
    print(f"| **all** | {len(lat)} | {pct(lat, 0.5):.0f} | {pct(lat, 0.95):.0f} | "
          f"{max(lat) * 1e3:.0f} |")
    print(f"\nmean {statistics.mean(lat) * 1e3:.0f} ms")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--requests", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    proc, url = start_server()
    try:
        t0 = time.perf_counter()
        out = asyncio.run(load(url, args.clients, args.requests, args.seed))
        report(out, time.perf_counter() - t0, args.clients)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)
    return 1 if any(not o[2] for o in out) else 0


if __name__ == "__main__":
    raise SystemExit(main())
