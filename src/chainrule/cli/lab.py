"""``chainrule lab``: start the local web lab and open it in the browser.

    chainrule lab                      # 127.0.0.1, a free port, opens the browser
    chainrule lab --port 8765 --no-browser

The server binds to the loopback address unless ``--host`` says otherwise (then a
warning: anyone who can reach that address can use the lab). Ctrl-C stops it. Without
Starlette and uvicorn it says how to install them.

>>> url_for("127.0.0.1", 8000), url_for("::1", 8000)
('http://127.0.0.1:8000/', 'http://[::1]:8000/')
>>> is_loopback("localhost"), is_loopback("0.0.0.0")
(True, False)
"""

from __future__ import annotations

import argparse
import ipaddress
import socket
import sys
import threading
import webbrowser

__all__ = ["add_parser", "main", "url_for", "is_loopback", "MISSING"]

MISSING = ('chainrule lab needs Starlette and uvicorn, which are not installed: '
           'pip install "chainrule[lab]"')


def add_parser(sub: argparse._SubParsersAction) -> None:
    """The ``lab`` subcommand's options."""
    help = "start the local web lab (derivatives, descent, backprop) in the browser"
    p = sub.add_parser("lab", help=help, description=help)
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this computer only)")
    p.add_argument("--port", type=int, default=0,
                   help="port to listen on (default: a free port)")
    p.add_argument("--no-browser", action="store_true", help="do not open the browser")


def url_for(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _bind(host: str, port: int) -> socket.socket:
    family, kind, proto, _, addr = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(addr)
    except OSError:
        sock.close()
        raise
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def main(args: argparse.Namespace) -> int:
    """Run the lab until Ctrl-C; returns the exit status."""
    try:
        import uvicorn

        from ..lab import create_app
    except ImportError:
        print(MISSING, file=sys.stderr)
        return 2
    if not 0 <= args.port <= 65535:
        print(f"chainrule lab: --port must be from 0 to 65535, got {args.port}",
              file=sys.stderr)
        return 2
    try:
        sock = _bind(args.host, args.port)
    except OSError as err:
        print(f"chainrule lab: cannot listen on {args.host}:{args.port}: {err.strerror or err}",
              file=sys.stderr)
        return 2
    url = url_for(args.host, sock.getsockname()[1])
    if not is_loopback(args.host):
        print(f"chainrule lab: warning: listening on {args.host}, not only on this computer; "
              "anyone who can reach this address can use the lab", file=sys.stderr)
    seconds = getattr(args, "time_limit", None) or 10.0
    config = uvicorn.Config(create_app(seconds=seconds), log_level="warning",
                            timeout_graceful_shutdown=2, timeout_keep_alive=75)
    server = uvicorn.Server(config)
    print(f"chainrule lab running at {url}  (Ctrl-C to stop)", flush=True)
    if not args.no_browser:
        threading.Timer(0.5, webbrowser.open, [url]).start()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn re-raises the Ctrl-C it handled
        pass
    finally:
        sock.close()
    print("chainrule lab stopped", flush=True)
    return 0
