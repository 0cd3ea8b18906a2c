"""SIGTERM and SIGHUP stop a command the way Ctrl-C does, so its cleanup runs.

Python dies at once on SIGTERM, skipping ``finally``: a command that started a child
process (Datasette, the demo portal) would leave it running, holding its port, after
``kill``, ``timeout`` or systemd stopped the command. Raising KeyboardInterrupt instead
lets the code that started the child stop it.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from types import FrameType

STOPPING = (signal.SIGTERM, signal.SIGHUP)


def _interrupt(signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


@contextlib.contextmanager
def stop_like_ctrl_c() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise KeyboardInterrupt."""
    previous = {sig: signal.signal(sig, _interrupt) for sig in STOPPING}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
