"""Scrapy settings of newsarchive: polite by default, for servers we do not own.

Values here are defaults; a portal's ``[politeness]`` table, the command line and the
usual Scrapy ``-s NAME=VALUE`` override them, in that order.
"""

import os

from newsarchive import __version__

BOT_NAME = "newsarchive"
SPIDER_LOADER_CLASS = "newsarchive.crawl.loader.PortalSpiderLoader"

# Who we are: an honest User-Agent; set NEWSARCHIVE_CONTACT to a URL or e-mail address.
NEWSARCHIVE_CONTACT = ""
USER_AGENT = f"newsarchive/{__version__} (research archive crawler)"

# Politeness.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# Faults: retry what can recover, give up on what cannot, never hang.
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024  # after decompression
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
REDIRECT_MAX_TIMES = 8
DNS_TIMEOUT = 20

# One request per article, whatever tracking parameters its links carry.
REQUEST_FINGERPRINTER_CLASS = "newsarchive.crawl.fingerprint.CanonicalFingerprinter"

ITEM_PIPELINES = {"newsarchive.crawl.pipelines.ArchivePipeline": 300}
# The archive pipeline is synchronous, so parallel item processing buys nothing; Scrapy
# starts this many tasks for every response's output, which at the default (100) costs
# more than the extraction itself.
CONCURRENT_ITEMS = 4
EXTENSIONS = {
    "newsarchive.crawl.report.ProgressLine": 10,
    "newsarchive.crawl.logs.OneLineNetworkErrors": 0,
    # Feeds (-o/-O, FEEDS) carry archived articles only, with the export's fields.
    "scrapy.extensions.feedexport.FeedExporter": None,
    "newsarchive.crawl.feeds.ArticleFeeds": 0,
    "scrapy.extensions.telnet.TelnetConsole": None,
    "scrapy.extensions.remote_control.RemoteControl": None,
}
SPIDER_MIDDLEWARES: dict[str, int] = {}
DOWNLOADER_MIDDLEWARES = {
    # The portal's scope (newsarchive.scope) replaces Scrapy's offsite filter, which knows
    # neither ports nor addresses: one rule, so the two can never disagree.
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    # Every request, before anything is sent for it (robots.txt is 100).
    "newsarchive.crawl.middlewares.ScopeGuard": 50,
    # Both see 3xx and meta-refresh answers before Scrapy follows them (RedirectMiddleware
    # is 600, MetaRefreshMiddleware 580; answers pass from high numbers to low).
    "newsarchive.crawl.middlewares.ScopeRedirects": 660,
    "newsarchive.crawl.middlewares.RedirectLoopGuard": 650,
}

# Where the archive goes (``--db``; $NEWSARCHIVE_DB, as for every command, else data/archive.db).
NEWSARCHIVE_DB = os.environ.get("NEWSARCHIVE_DB") or "data/archive.db"
# Seconds a write waits while another process holds the archive's write lock (a sqlite3
# session in a transaction), saying so on stderr; then the crawl stops with status 3.
NEWSARCHIVE_LOCK_WAIT = 600.0
# Limits a researcher sets from the command line.
NEWSARCHIVE_SINCE = None  # ISO date: stop paging a section once its list is older
NEWSARCHIVE_MAX_PAGES = 0  # list pages per section, 0 = no limit
NEWSARCHIVE_MAX_ARTICLE_PAGES = 20  # continuation pages of one split article
NEWSARCHIVE_FULL = False  # crawl everything again, ignoring what the archive has
NEWSARCHIVE_RESUME = False  # walk every list page, skipping archived articles
NEWSARCHIVE_RECHECK = 0  # re-fetch the newest N archived articles to catch edits
NEWSARCHIVE_DOWNLOAD_ATTACHMENTS = False
NEWSARCHIVE_PROGRESS = False  # one progress line on stderr while running
# Worker processes that extract articles while the crawl process fetches and stores
# (0: extract in the crawl process).
NEWSARCHIVE_EXTRACT_WORKERS = 1

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"

# Distributed crawls (``--redis URL``; README "Scaling out"). Give every worker, `enqueue`
# and `ingest` the same values.
NEWSARCHIVE_REDIS_URL = ""  # set (here or with -s) to make every crawl a worker of a shared crawl
NEWSARCHIVE_REDIS_PREFIX = "newsarchive"  # all keys start with it: one prefix per shared crawl
NEWSARCHIVE_BLOOM_CAPACITY = 5_000_000  # requests per portal and crawl the duplicate filter is sized for
NEWSARCHIVE_BLOOM_ERROR_RATE = 1e-6  # its false-positive rate at that size (17 MiB, 20 hashes)
NEWSARCHIVE_REDIS_HEARTBEAT = 5.0  # seconds between a worker's heartbeats
NEWSARCHIVE_REDIS_WORKER_TTL = 60.0  # a worker silent this long is dead: its requests go back
NEWSARCHIVE_REDIS_IDLE_CLOSE = 15.0  # stop once nothing is queued or in flight for this long (0: wait)
NEWSARCHIVE_REDIS_POLL = 0.5  # how often an idle worker looks for work queued by others
