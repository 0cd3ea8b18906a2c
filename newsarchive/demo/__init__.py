"""The bundled demo portal: a county media-centre site served on loopback for demos and tests.

``DemoPortal`` is the model (articles, sections, hazards, and the truth a crawl must match);
``DemoServer`` serves it over real HTTP, in a thread or a child process.
"""

from __future__ import annotations

from newsarchive.demo.portal import DemoPortal
from newsarchive.demo.server import DemoServer

__all__ = ["DemoPortal", "DemoServer"]
