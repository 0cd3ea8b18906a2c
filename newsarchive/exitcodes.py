"""Exit statuses shared by every command, so cron jobs can tell outcomes apart."""

OK = 0  # finished, nothing went wrong
ERRORS = 1  # finished, but some pages failed (see the end-of-run table)
USAGE = 2  # bad arguments or a bad portal definition
BLOCKED = 3  # blocked by an anti-bot challenge, or the archive is locked by another crawl
UNAVAILABLE = 4  # the distributed crawl's Redis is down, unreachable or refused the password
# Stopped before the end (the shell's convention: 128 + the signal's number). What was
# stored stays; a plain rerun continues the unfinished walks.
INTERRUPTED = 130  # Ctrl-C (SIGINT)
TERMINATED = 143  # SIGTERM (timeout, systemd, kill)


def for_signal(signum: int | None) -> int | None:
    """The exit status of a crawl stopped by ``signum``, or None if it was not."""
    import signal

    return {signal.SIGINT: INTERRUPTED, signal.SIGTERM: TERMINATED}.get(signum) if signum else None
