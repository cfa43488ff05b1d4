"""``chainrule lab``: a local web lab for derivatives, descent and backprop.

The pages (``static/``) call a JSON API served by :func:`create_app`, an ASGI application
on Starlette (run with uvicorn; ``pip install "chainrule[lab]"``). The API only calls the
library; see :mod:`.app` for the routes and their limits.
"""

from .app import CSP, create_app

__all__ = ["create_app", "CSP"]
