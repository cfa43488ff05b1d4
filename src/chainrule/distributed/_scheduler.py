"""Which Dask scheduler runs the work, and how a value reaches the workers once a step.

chainrule uses whatever scheduler is active: the default ``dask.distributed.Client``
when one exists (a ``LocalCluster`` or ``Client("tcp://scheduler:8786")``), else Dask's
local scheduler (threads in this process). :func:`connect` opens a client with a
deadline, so an unreachable scheduler is a clear error within seconds, never a hang.

>>> active_client() is None or hasattr(active_client(), "scatter")
True
"""

from __future__ import annotations

import uuid
from typing import Any

__all__ = ["active_client", "broadcast", "connect", "require_dask", "SchedulerUnreachable"]


class SchedulerUnreachable(ConnectionError):
    """No Dask scheduler answered at the address within the timeout."""


def require_dask(where: str) -> Any:
    """``dask.array``, or an ImportError saying how to install it."""
    try:
        import dask.array as da
    except ImportError:  # pragma: no cover - the tests skip without dask
        raise ImportError(f"{where} needs Dask: pip install 'chainrule[dask]' (dask and "
                          "distributed)") from None
    return da


def active_client() -> Any:
    """The default ``dask.distributed.Client``, or ``None`` (Dask's local scheduler)."""
    try:
        from distributed import default_client
    except ImportError:  # pragma: no cover - distributed is optional
        return None
    try:
        client = default_client()
    except ValueError:
        return None
    return client if client.status == "running" else None


def broadcast(value: Any) -> Any:
    """``value`` as one Dask task of the step's graph, which every chunk task reads: it is
    sent to the scheduler once, computed on one worker and copied from worker to worker
    where it is needed (the local scheduler hands it to each task by reference).

    Not ``client.scatter(value, broadcast=True)``: a scatter to every worker waits on a
    worker that has just died until the scheduler notices (minutes), and scattered data
    cannot be recomputed, while a task's value is recomputed on a surviving worker."""
    from dask import delayed

    return delayed(value, name=f"chainrule-shared-{uuid.uuid4().hex}", traverse=False)


def connect(address: str, timeout: float = 10.0, **kwargs: Any) -> Any:
    """A ``dask.distributed.Client`` connected to ``address`` (it becomes the default, so
    chainrule's fits run on it), or :class:`SchedulerUnreachable` after ``timeout``
    seconds.

    >>> connect("tcp://127.0.0.1:9", timeout=0.5)   # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    chainrule.distributed._scheduler.SchedulerUnreachable: no Dask scheduler answered at ...
    """
    from distributed import Client

    try:
        return Client(address, timeout=timeout, **kwargs)
    except (OSError, TimeoutError) as exc:
        raise SchedulerUnreachable(
            f"no Dask scheduler answered at {address!r} within {timeout:g} s ({exc}); check "
            "the address and that `dask scheduler` runs there, or omit the client to use "
            "Dask's local scheduler") from None
