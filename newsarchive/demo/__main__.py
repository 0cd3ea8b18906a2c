"""``python -m newsarchive.demo serve``: run the demo portal until killed.

Prints the base URL on the first line of stdout (DemoServer reads it), then serves. SIGTERM and
SIGINT stop it cleanly.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sys

from newsarchive.demo.portal import DemoPortal
from newsarchive.demo.server import LOOPBACK, Engine, close_server, start_server


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m newsarchive.demo")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the demo portal on loopback until killed")
    serve.add_argument("--host", default="127.0.0.1", choices=LOOPBACK)
    serve.add_argument("--port", type=int, default=0, help="0 picks a free port")
    serve.add_argument("--articles", type=int, default=60)
    serve.add_argument("--seed", type=int, default=0)
    serve.add_argument("--faults", action="store_true", help="add the fault section")
    serve.add_argument("--latency-ms", type=float, default=0.0, help="delay added to every response")
    serve.add_argument("--spec", help=argparse.SUPPRESS)  # a full DemoPortal.spec() as JSON
    return parser


async def _serve(portal: DemoPortal, host: str, port: int) -> None:
    engine = Engine(portal)
    try:
        server = await start_server(engine, host, port)
    except OSError as exc:
        print(f"error: cannot serve on {host}:{port}: {exc}", flush=True)
        raise SystemExit(1) from None
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            asyncio.get_running_loop().add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    bound = server.sockets[0].getsockname()[1]
    print(f"http://{host}:{bound}", flush=True)
    try:
        await stop
    finally:
        await close_server(server, engine)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.spec:
        portal = DemoPortal.from_spec(json.loads(args.spec))
    else:
        portal = DemoPortal(articles=args.articles, seed=args.seed, faults=args.faults,
                            latency_ms=args.latency_ms)
    host = "127.0.0.1" if args.host == "localhost" else args.host
    asyncio.run(_serve(portal, host, args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
