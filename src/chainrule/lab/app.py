"""The lab's ASGI application: routes, static files, streams, and the safety around them.

- Every response carries the Content-Security-Policy (:data:`CSP`) and ``nosniff``.
- Bodies over 64 KiB get 413 (by ``Content-Length``, and by counting a streamed body).
- The work of each request runs in a worker thread under a budget with a deadline
  (503 past it), so the server keeps answering other requests meanwhile.
- Files are served only from the package's ``static`` folder (and plotly.js from the
  installed ``plotly`` package); nothing else on disk is reachable.
- Any failure is a JSON answer ``{"error": ...}``; an unexpected one is logged.

>>> app = create_app()
>>> sorted(r.path for r in app.routes)[:3]
['/', '/api/analyze2d', '/api/descent']
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response, StreamingResponse
from starlette.routing import Route

from . import _derivative as der
from . import _descent as des
from . import _network as net
from ._common import (
    MAX_BODY,
    ApiError,
    Fields,
    Limits,
    dumps,
    encoded,
    json_response,
    read_json,
    run_heavy,
)

__all__ = ["create_app", "CSP", "STATIC"]

log = logging.getLogger("chainrule.lab")

STATIC = Path(__file__).resolve().parent / "static"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'")
_HEADERS = [(b"content-security-policy", CSP.encode()),
            (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
_SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


class _Guard:
    """ASGI middleware: security headers on every response, 413 for a declared body over
    the limit before any route reads it."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        size = headers.get(b"content-length", b"0")
        if not size.isdigit() or int(size) > MAX_BODY:
            body = dumps({"error": f"the request body is larger than {MAX_BODY // 1024} KiB"
                          if size.isdigit() else "bad Content-Length"}).encode()
            status = 413 if size.isdigit() else 400
            await send({"type": "http.response.start", "status": status, "headers": [
                (b"content-type", b"application/json"), (b"connection", b"close"),
                (b"content-length", str(len(body)).encode()), *_HEADERS]})
            await send({"type": "http.response.body", "body": body})
            return

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *_HEADERS]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _client(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


def _work(fn: Callable) -> Callable:
    """An endpoint that reads the JSON body and runs ``fn(fields)`` under the budget."""
    async def endpoint(request: Request) -> Response:
        fields = Fields(await read_json(request))
        return json_response(await run_heavy(request.app.state.limits, encoded(fn), fields))
    endpoint.__name__ = fn.__name__.replace("_work", "")
    return endpoint


def _sse(events: AsyncIterator[dict]) -> StreamingResponse:
    async def lines() -> AsyncIterator[bytes]:
        try:
            async for event in events:
                yield f"data: {dumps(event)}\n\n".encode()
        except ApiError as err:
            yield f"data: {dumps({'type': 'error', 'error': err.message})}\n\n".encode()
        except Exception as err:  # noqa: BLE001 - the stream has started: report, log
            log.exception("lab stream failed")
            yield f"data: {dumps({'type': 'error', 'error': repr(err)[:300]})}\n\n".encode()
    return StreamingResponse(lines(), media_type="text/event-stream", headers=_SSE_HEADERS)


async def presets(request: Request) -> Response:
    return json_response({"presets": des.PRESETS})


async def descent(request: Request) -> Response:
    """The optimizers' runs are computed first (under the request's budget), so a bad
    request or an exceeded deadline is a plain 400 or 503; then their paths stream."""
    limits = request.app.state.limits
    req = await run_heavy(limits, des.parse_descent, Fields(await read_json(request)))
    runs = await run_heavy(limits, des.run_all, req)

    async def events() -> AsyncIterator[dict]:
        for event in des.progress_events(runs):
            yield event
        yield {"type": "done"}

    return _sse(events())


async def train(request: Request) -> Response:
    limits = request.app.state.limits
    fields = Fields(await read_json(request))
    run = await run_heavy(limits, net.make_run, fields, _client(request))
    request.app.state.runs.add(run)
    snap = await run_heavy(limits, net.snapshot, run)
    return json_response({"id": run.id, "snapshot": snap})


async def train_step(request: Request) -> Response:
    limits = request.app.state.limits
    run = request.app.state.runs.get(request.path_params["run"])
    n = Fields(await read_json(request)).integer("steps", 1, 1, 500)
    return json_response(await run_heavy(limits, encoded(net.train_steps), run, n, limits))


def _query_int(request: Request, name: str, default: int, lo: int, hi: int) -> int:
    text = request.query_params.get(name, str(default))
    if not text.isdigit() or not lo <= int(text) <= hi:
        raise ApiError(400, f"{name!r} must be an integer from {lo} to {hi}")
    return int(text)


async def train_stream(request: Request) -> Response:
    limits = request.app.state.limits
    run = request.app.state.runs.get(request.path_params["run"])
    total = _query_int(request, "steps", 500, 1, 5000)
    every = max(_query_int(request, "every", 10, 1, 5000), -(-total // 200))

    async def events() -> AsyncIterator[dict]:
        done = 0
        while done < total:
            k = min(every, total - done)
            snap = await run_heavy(limits, net.train_steps, run, k, limits)
            done += k
            yield {"type": "snapshot", **snap}
        yield {"type": "done"}

    return _sse(events())


async def train_tableau(request: Request) -> Response:
    run = request.app.state.runs.get(request.path_params["run"])
    index = Fields(await read_json(request)).integer("index", 0, 0, 10**6)
    return json_response(await run_heavy(request.app.state.limits, encoded(net.tableau), run,
                                         index))


async def train_delete(request: Request) -> Response:
    request.app.state.runs.delete(request.path_params["run"])
    return json_response({"ok": True})


def _file(path: Path) -> Response:
    return FileResponse(path, headers={"Cache-Control": "no-cache"})


async def index(request: Request) -> Response:
    page = STATIC / "index.html"
    if not page.is_file():
        raise ApiError(404, "the lab's pages are not installed (static/index.html missing)")
    return _file(page)


async def static(request: Request) -> Response:
    """A file of the static folder: the resolved path must lie inside it."""
    rel = request.path_params["path"]
    try:
        target = (STATIC / rel).resolve()
        found = target.is_relative_to(STATIC) and target.is_file()
    except (ValueError, OSError):  # a NUL byte, a name too long...
        found = False
    if not found:
        raise ApiError(404, "no such file")
    return _file(target)


async def plotly_js(request: Request) -> Response:
    try:
        import plotly
    except ImportError:
        raise ApiError(404, 'plotly is not installed: pip install "chainrule[lab]"') from None
    path = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise ApiError(404, "plotly.min.js is missing from the installed plotly package")
    return FileResponse(path, headers={"Cache-Control": "max-age=3600"})


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return json_response(exc.body(), exc.status)


async def _http_error(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 400)
    detail = getattr(exc, "detail", "") or "error"
    words = {404: "not found", 405: "method not allowed"}.get(status, str(detail))
    return json_response({"error": f"{words}: {request.method} {request.url.path[:200]}"},
                         status)


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("lab: unexpected error on %s %s", request.method, request.url.path)
    return json_response({"error": f"internal error ({type(exc).__name__}); it was logged"},
                         500)


def _routes() -> list:
    post = ["POST"]
    return [
        Route("/", index), Route("/static/{path:path}", static),
        Route("/vendor/plotly.min.js", plotly_js),
        Route("/api/presets", presets),
        Route("/api/diff", _work(der.diff_work), methods=post),
        Route("/api/plot1d", _work(der.plot1d_work), methods=post),
        Route("/api/tangent", _work(der.tangent_work), methods=post),
        Route("/api/taylor", _work(der.taylor_work), methods=post),
        Route("/api/analyze2d", _work(der.analyze2d_work), methods=post),
        Route("/api/numeric", _work(der.numeric_work), methods=post),
        Route("/api/descent", descent, methods=post),
        Route("/api/train", train, methods=post),
        Route("/api/train/{run}/step", train_step, methods=post),
        Route("/api/train/{run}/stream", train_stream),
        Route("/api/train/{run}/tableau", train_tableau, methods=post),
        Route("/api/train/{run}", train_delete, methods=["DELETE"]),
    ]


def create_app(limits: Limits | None = None, **limit_options: Any) -> Starlette:
    """The lab as an ASGI app (serve it with uvicorn). ``limits`` (or keyword options of
    :class:`._common.Limits`: ``seconds``, ``nodes``, ``threads``, ``runs_per_client``,
    ``runs_total``, ``run_steps``, ``new_runs_per_minute``) tighten or loosen the
    defaults."""
    app = Starlette(routes=_routes(), exception_handlers={
        ApiError: _api_error, HTTPException: _http_error, Exception: _unexpected})
    app.state.limits = limits if limits is not None else Limits(**limit_options)
    app.state.runs = net.Runs(app.state.limits)
    app.add_middleware(_Guard)
    return app
