"""Exit statuses shared by every command, so cron jobs can tell outcomes apart."""

OK = 0  # finished, nothing went wrong
ERRORS = 1  # finished, but some pages failed (see the end-of-run table)
USAGE = 2  # bad arguments or a bad portal definition
BLOCKED = 3  # blocked by an anti-bot challenge, or the archive is locked by another crawl
UNAVAILABLE = 4  # the distributed crawl's Redis is down, unreachable or refused the password
