"""Shared by the CLI tests: run ``chainrule`` in-process and capture what it prints."""

import pytest

from chainrule.cli import main


@pytest.fixture
def run(capsys):
    """``run(*argv) -> (status, stdout, stderr)``; argparse's own errors come back as their
    exit code, and no traceback may ever be printed."""
    def runner(*argv):
        try:
            status = main(list(argv))
        except SystemExit as exc:
            status = exc.code
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return status, out, err
    return runner
