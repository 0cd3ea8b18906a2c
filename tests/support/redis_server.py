"""A throwaway redis-server on loopback, for trying a distributed crawl on one machine and
for the tests and benchmark: a free port, a private folder, no persistence, stopped on exit."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def redis_server_binary() -> str | None:
    return shutil.which("redis-server")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def local_redis(folder: Path, timeout: float = 10.0) -> Iterator[str]:
    """Run redis-server in ``folder`` until the block ends; yields its redis:// URL.
    Raises FileNotFoundError without the binary, RuntimeError if it does not start."""
    import redis

    binary = redis_server_binary()
    if binary is None:
        raise FileNotFoundError("no redis-server binary (Debian: apt-get install redis-server)")
    port = _free_port()
    log = folder / "redis.log"
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder),
         "--save", "", "--appendonly", "no", "--logfile", str(log)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        deadline = time.monotonic() + timeout
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    tail = log.read_text()[-500:] if log.exists() else ""
                    raise RuntimeError(f"redis-server did not start: {tail}") from None
                time.sleep(0.05)
        client.close()
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()



def require_redis_server() -> str:
    """The redis-server binary, or the test is skipped (failed under CI: see ``require``)."""
    from tests.support import require

    return require(redis_server_binary(), "no redis-server binary (Debian: apt-get install redis-server)")
