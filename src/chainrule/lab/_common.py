"""What every endpoint of the lab shares: reading a bounded JSON body, checking fields,
running the library under a budget in a worker thread, and answering JSON.

No mathematics lives here: the work is done by :mod:`chainrule.symbolic`,
:mod:`chainrule.analysis`, :mod:`chainrule.numeric`, :mod:`chainrule.optim` and
:mod:`chainrule.models`.

>>> clean({"a": float("nan"), "b": [1.0, float("inf")], "c": (2, "x")})
{'a': None, 'b': [1.0, None], 'c': [2, 'x']}
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable
from typing import Any

import anyio
import numpy as np
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..core.budget import BudgetExceeded, budget
from ..symbolic import ParseError, parse
from ..symbolic.expr import Expr

__all__ = ["ApiError", "Limits", "clean", "floats", "json_response", "read_json", "Fields",
           "run_heavy", "formula_of", "encoded"]

MAX_BODY = 64 * 1024


class Limits:
    """The server's limits (one object per app, so tests can tighten them)."""

    def __init__(self, seconds: float = 10.0, nodes: int = 400_000, threads: int = 2,
                 runs_per_client: int = 4, runs_total: int = 64, run_steps: int = 20_000,
                 new_runs_per_minute: int = 60) -> None:
        self.seconds = float(seconds)          # per-request deadline (the budget's time)
        self.nodes = int(nodes)                # the budget's work units per request
        self.limiter = anyio.CapacityLimiter(threads)
        self.runs_per_client = runs_per_client
        self.runs_total = runs_total
        self.run_steps = run_steps
        self.new_runs_per_minute = new_runs_per_minute


class ApiError(Exception):
    """An answer other than 200: ``status`` and a JSON body ``{"error", "column"?}``."""

    def __init__(self, status: int, message: str, column: int | None = None,
                 with_column: bool = False) -> None:
        super().__init__(message)
        self.status, self.message, self.column = status, message, column
        self.with_column = with_column or column is not None

    def body(self) -> dict:
        out: dict = {"error": self.message}
        if self.with_column or self.status == 400:
            out["column"] = self.column
        return out


def _finite(v: float) -> float | None:
    return v if math.isfinite(v) else None


def floats(a: Any) -> list:
    """A float array (any shape) as nested lists, with ``None`` for NaN and infinities."""
    arr = np.asarray(a, dtype=float)
    if np.isfinite(arr).all():
        return arr.tolist()
    return np.where(np.isfinite(arr), arr, None).tolist()


def clean(x: Any) -> Any:
    """JSON-ready data: NumPy values as Python ones, NaN and infinities as ``None``."""
    if isinstance(x, dict):
        return {str(k): clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [clean(v) for v in x]
    if isinstance(x, np.ndarray):
        return floats(x) if x.dtype.kind in "fiu" else clean(x.tolist())
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        return _finite(float(x))
    return x


def dumps(data: Any) -> str:
    return json.dumps(clean(data), allow_nan=False, separators=(",", ":"))


class _Json(JSONResponse):
    def render(self, content: Any) -> bytes:
        return dumps(content).encode("utf-8")


def json_response(data: Any, status: int = 200) -> Response:
    """A JSON answer; ``data`` may be already encoded (``bytes``, from :func:`encoded`)."""
    if isinstance(data, bytes):
        return Response(data, status_code=status, media_type="application/json")
    return _Json(data, status_code=status)


def encoded(fn: Callable) -> Callable:
    """``fn`` whose result is returned as JSON bytes (encoded in the worker thread, so a
    large answer does not hold up the event loop)."""
    @functools.wraps(fn)
    def wrapper(*args: Any) -> bytes:
        return dumps(fn(*args)).encode("utf-8")
    return wrapper


async def read_json(request: Request) -> dict:
    """The request's JSON object, read at most :data:`MAX_BODY` bytes far (413 beyond)."""
    size = request.headers.get("content-length")
    if size is not None and (not size.isdigit() or int(size) > MAX_BODY):
        raise ApiError(413, f"the request body is larger than {MAX_BODY // 1024} KiB")
    chunks, total = [], 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > MAX_BODY:
            raise ApiError(413, f"the request body is larger than {MAX_BODY // 1024} KiB")
        chunks.append(chunk)
    raw = b"".join(chunks)
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        raise ApiError(400, f"the body is not valid JSON: {err}") from None
    if not isinstance(data, dict):
        raise ApiError(400, "the body must be a JSON object")
    return data


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


class Fields:
    """Typed access to the fields of a request body, each checked with a clear 400."""

    def __init__(self, data: dict) -> None:
        self.data = data

    def _get(self, name: str, default: Any) -> Any:
        v = self.data.get(name, default)
        return default if v is None else v

    def string(self, name: str, default: str | None = None, max_len: int = 2000) -> Any:
        v = self._get(name, default)
        if v is None:
            raise ApiError(400, f"{name!r} is required")
        if not isinstance(v, str):
            raise ApiError(400, f"{name!r} must be a string")
        if len(v) > max_len:
            raise ApiError(400, f"{name!r} is longer than {max_len} characters")
        return v

    def integer(self, name: str, default: int, lo: int, hi: int) -> int:
        v = self._get(name, default)
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
            raise ApiError(400, f"{name!r} must be an integer from {lo} to {hi}")
        return v

    def number(self, name: str, default: float | None, lo: float = -1e12,
               hi: float = 1e12) -> float:
        v = self._get(name, default)
        if v is None:
            raise ApiError(400, f"{name!r} is required")
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not lo <= v <= hi:
            raise ApiError(400, f"{name!r} must be a number from {lo:g} to {hi:g}")
        return float(v)

    def choice(self, name: str, default: str, choices: tuple) -> str:
        v = self._get(name, default)
        if v not in choices:
            raise ApiError(400, f"{name!r} must be one of {', '.join(choices)}")
        return v

    def pair(self, name: str, default: Any, lo: float = -1e12, hi: float = 1e12) -> list:
        v = self._get(name, default)
        if v is None:
            raise ApiError(400, f"{name!r} is required")
        ok = isinstance(v, list) and len(v) == 2 and all(
            isinstance(t, (int, float)) and not isinstance(t, bool) and lo <= t <= hi
            for t in v)
        if not ok:
            raise ApiError(400, f"{name!r} must be a list of two numbers from {lo:g} to {hi:g}")
        return [float(t) for t in v]

    def range(self, lo_name: str, hi_name: str, lo: float, hi: float) -> tuple:
        a = self.number(lo_name, lo, -1e6, 1e6)
        b = self.number(hi_name, hi, -1e6, 1e6)
        if not a < b:
            raise ApiError(400, f"{lo_name!r} must be less than {hi_name!r}")
        return a, b


def formula_of(text: str) -> Expr:
    """The parsed formula; a bad one is a 400 with the 1-based column of the trouble."""
    try:
        e = parse(text)
    except ParseError as err:
        raise ApiError(400, err.message, err.column + 1) from None
    if not isinstance(e, Expr):
        raise ApiError(400, "an expression is needed here, not an equation", None)
    return e


def _guarded(limits: Limits, fn: Callable, args: tuple) -> Any:
    """Run ``fn`` under the request's budget, translating library errors into answers."""
    try:
        with np.errstate(all="ignore"), budget(seconds=limits.seconds, nodes=limits.nodes):
            return fn(*args)
    except ApiError:
        raise
    except ParseError as err:
        raise ApiError(400, err.message, err.column + 1) from None
    except BudgetExceeded as err:
        raise ApiError(503, f"too much work for one request: {err}") from None
    except (RecursionError, MemoryError):
        raise ApiError(503, "too much work for one request: the computation is too deep "
                       "or too large; try a smaller formula") from None
    except (ValueError, TypeError, ArithmeticError, ImportError, IndexError,
            KeyError) as err:
        raise ApiError(400, str(err) or type(err).__name__) from None


async def run_heavy(limits: Limits, fn: Callable, *args: Any) -> Any:
    """``fn(*args)`` in a worker thread under the per-request budget, so that other
    requests are served meanwhile; past the deadline (plus a grace second) the answer is
    a 503 even if the library has not stopped yet (its budget stops it soon after)."""
    call = functools.partial(_guarded, limits, fn, args)
    async with limits.limiter:  # the deadline starts when the work does, not in the queue
        with anyio.move_on_after(limits.seconds + 1.0) as scope:
            return await anyio.to_thread.run_sync(call, abandon_on_cancel=True)
    if scope.cancelled_caught:
        raise ApiError(503, f"the request took longer than its deadline of "
                       f"{limits.seconds:g} seconds")
    raise ApiError(503, "the request was cancelled")  # pragma: no cover
