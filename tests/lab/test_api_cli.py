"""``chainrule lab``: prints its URL, serves, stops cleanly on Ctrl-C (SIGINT), warns off
loopback, opens the browser unless told not to, and says how to install what is missing."""

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("starlette")
uvicorn = pytest.importorskip("uvicorn")
httpx = pytest.importorskip("httpx")

import chainrule.cli.lab as cli_lab  # noqa: E402


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process is POSIX")
def test_starts_prints_url_serves_and_stops_on_sigint():
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    src = str(Path(cli_lab.__file__).resolve().parents[2])
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.Popen([sys.executable, "-m", "chainrule", "lab", "--no-browser"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert match, line + proc.stderr.read()
        url = match.group(0)
        page = httpx.get(url, timeout=20)
        has_pages = (Path(cli_lab.__file__).parents[1] / "lab" / "static" / "index.html").is_file()
        assert page.status_code == (200 if has_pages else 404)
        assert "default-src 'self'" in page.headers["content-security-policy"]
        assert httpx.post(url + "api/diff", json={"formula": "x^3"}, timeout=20).json()[
            "derivative"] == "3*x**2"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert "Traceback" not in out + err and "stopped" in out


def test_missing_extra_says_how_to_install(run, monkeypatch):
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # import uvicorn -> ImportError
    status, out, err = run("lab", "--no-browser")
    assert status == 2 and 'pip install "chainrule[lab]"' in err


class _FakeServer:
    def __init__(self, config):
        self.config = config

    def run(self, sockets=None):
        self.sockets = sockets


def test_warns_off_loopback_and_opens_the_browser(run, monkeypatch):
    monkeypatch.setattr(uvicorn, "Server", _FakeServer)
    opened = []

    class Now:  # threading.Timer, without the wait
        def __init__(self, delay, fn, args):
            self.fn, self.args = fn, args

        def start(self):
            self.fn(*self.args)

    monkeypatch.setattr(cli_lab.threading, "Timer", Now)
    monkeypatch.setattr(cli_lab.webbrowser, "open", opened.append)
    status, out, err = run("lab", "--host", "0.0.0.0")
    assert status == 0 and "warning" in err and "0.0.0.0" in err
    assert opened == [re.search(r"http://\S+/", out).group(0)]
    status, out, err = run("lab", "--no-browser")
    assert status == 0 and err == "" and len(opened) == 1


def test_bad_port_or_host(run):
    assert run("lab", "--port", "70000")[0] == 2
    status, out, err = run("lab", "--host", "256.1.1.1", "--no-browser")
    assert status == 2 and "cannot listen" in err
