"""Test-wide settings and fixtures.

Hypothesis runs derandomized (the same examples every run, so CI cannot flake); set
HYPOTHESIS_PROFILE=explore for fresh random examples.
"""

import os

import pytest
from hypothesis import settings

settings.register_profile("chainrule", derandomize=True, deadline=None)
settings.register_profile("explore", derandomize=False, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "chainrule"))


@pytest.fixture
def run(capsys):
    """Run ``chainrule`` in-process: ``run(*argv) -> (status, stdout, stderr)``. argparse's
    own errors come back as their exit code, and no traceback may ever be printed."""
    from chainrule.cli import main

    def runner(*argv):
        try:
            status = main(list(argv))
        except SystemExit as exc:
            status = exc.code
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return status, out, err
    return runner
