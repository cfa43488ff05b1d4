"""Test-wide settings: Hypothesis runs derandomized (the same examples every run, so CI
cannot flake); set HYPOTHESIS_PROFILE=explore for fresh random examples."""

import os

from hypothesis import settings

settings.register_profile("chainrule", derandomize=True, deadline=None)
settings.register_profile("explore", derandomize=False, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "chainrule"))
