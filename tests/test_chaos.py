"""Completeness under chaos: a seeded portal none of the crawler's tests know (every paging
style the crawler claims, GBK sections, split articles, a 上一条/下一条-only section), crawled
by real ``newsarchive`` processes over real HTTP into real SQLite files.

- the portal itself: deterministic, every style across the seeds, every article reachable by
  following links the way a browser does (a small reference walker, below);
- a clean crawl archives exactly the portal's articles, each once, with their titles and bodies;
- a crawl SIGKILLed five times (alternating ``--resume`` and plain reruns), then allowed to
  finish, ends with the clean crawl's archive;
- the same with two Redis workers and ``ingest``, each killed once;
- ``reextract`` right after a crawl changes nothing; an unchanged re-run fetches only the
  sections' first pages and robots.txt.

Kill moments come from the seed; nothing here is random otherwise.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
import unicodedata
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

import pytest

from tests.support.chaos_portal import STYLES, ChaosPortal, Site, serve

ROOT = Path(__file__).resolve().parent.parent
# Chosen so that, together, they page every way STYLES lists (25 alone does), with Hanweb
# columns of groupSize 1, 2 and 3; all have split articles, five have GBK sections.
SEEDS = (5, 7, 10, 20, 24, 25)
DISTRIBUTED_SEEDS = (25,)  # one: a killed ingest holds its Redis lease for up to a minute
KILLS = 5
FIELDS = ("title", "published_at", "source", "authors", "body")
RUN_TIMEOUT = 180  # seconds any one command may take before the test gives up on it


# --- comparing ------------------------------------------------------------------------------
def canon(url: str | None) -> str | None:
    """Lower-case scheme and host, no fragment: how the portal's truth and the archive meet."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def _letters(text: str) -> str:
    return "".join(ch for ch in text or "" if unicodedata.category(ch)[0] not in "PSZC")


def bigram_f1(got: str | None, want: str | None) -> float:
    """Character-bigram F1, spaces and punctuation removed."""
    a, b = _letters(got or ""), _letters(want or "")
    if not a and not b:
        return 1.0
    grams_a = Counter(a[i : i + 2] for i in range(max(len(a) - 1, 1)))
    grams_b = Counter(b[i : i + 2] for i in range(max(len(b) - 1, 1)))
    overlap = sum((grams_a & grams_b).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(grams_a.values()), overlap / sum(grams_b.values())
    return 2 * precision * recall / (precision + recall)


def _connect(db: Path) -> sqlite3.Connection:
    """Read-only, so polling never takes a lock a crawl needs."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    conn.row_factory = sqlite3.Row
    return conn


def archive_rows(db: Path) -> list[dict]:
    if not db.exists():
        return []
    conn = _connect(db)
    try:
        return [dict(row) for row in conn.execute("SELECT * FROM articles ORDER BY id")]
    except sqlite3.OperationalError:  # the schema is not made yet
        return []
    finally:
        conn.close()


def article_count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        conn = _connect(db)
        try:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return 0


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db, timeout=30)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def by_url(rows: list[dict]) -> tuple[dict[str, dict], dict[str, int]]:
    """Rows by every URL they were stored under; URLs held by more than one row."""
    index: dict[str, dict] = {}
    doubles: Counter[str] = Counter()
    for row in rows:
        for url in dict.fromkeys(canon(row.get(k)) for k in ("canonical_url", "url", "final_url")):
            if url is None:
                continue
            if url in index and index[url]["id"] != row["id"]:
                doubles[url] += 1
            index[url] = row
    return index, dict(doubles)


def fields_of(row: dict) -> dict:
    return {
        "title": row["title"],
        "published_at": row["published_at"],
        "source": row["source"],
        "authors": sorted(json.loads(row["authors"] or "[]")),
        "body": row["body"],
    }


@dataclass
class Verdict:
    """An archive against the portal's truth, per article and per paging style."""

    missing: list[dict] = field(default_factory=list)
    twice: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    wrong: dict[str, list[str]] = field(default_factory=dict)  # field -> truth URLs
    by_style: dict[str, tuple[int, int]] = field(default_factory=dict)  # style -> (archived, expected)

    @property
    def complete(self) -> bool:
        return not (self.missing or self.twice or self.extra)

    def summary(self) -> str:
        lines = [f"  {style}: {got}/{want} archived" for style, (got, want) in sorted(self.by_style.items())]
        if self.missing:
            per_section = Counter(f"{m['section']} ({m['style']})" for m in self.missing)
            lines.append(f"  missing {len(self.missing)}: " + ", ".join(f"{k} {v}" for k, v in per_section.most_common()))
            lines.append("    e.g. " + ", ".join(m["url"] for m in self.missing[:4]))
        if self.twice:
            lines.append(f"  stored twice {len(self.twice)}: {self.twice[:4]}")
        if self.extra:
            lines.append(f"  rows matching no article {len(self.extra)}: {self.extra[:4]}")
        for name, urls in self.wrong.items():
            lines.append(f"  wrong {name} {len(urls)}: {urls[:3]}")
        return "\n".join(lines)


def judge(rows: list[dict], truth: list[dict], check: tuple[str, ...] = ("title", "body")) -> Verdict:
    verdict = Verdict()
    index, doubles = by_url(rows)
    used: set[int] = set()
    counts: dict[str, list[int]] = {}
    for expected in truth:
        url = canon(expected["url"])
        tally = counts.setdefault(expected["style"], [0, 0])
        tally[1] += 1
        row = index.get(url)
        if url in doubles:
            verdict.twice.append(url)
        if row is None:
            verdict.missing.append(expected)
            continue
        tally[0] += 1
        used.add(row["id"])
        got = fields_of(row)
        for name in check:
            if name == "body":
                ok = bigram_f1(got["body"], expected["body"]) >= 0.95
            elif name == "title":
                ok = _letters(got["title"]) == _letters(expected["title"])
            elif name == "authors":
                ok = got["authors"] == sorted(expected["authors"])
            else:
                ok = got[name] == expected[name]
            if not ok:
                verdict.wrong.setdefault(name, []).append(expected["url"])
    verdict.extra = [row["canonical_url"] for row in rows if row["id"] not in used]
    verdict.by_style = {k: (v[0], v[1]) for k, v in counts.items()}
    return verdict


def compare_archives(reference: list[dict], other: list[dict]) -> list[str]:
    """Differences of ``other`` from ``reference``: URLs missing or extra, fields that differ,
    URLs stored twice."""
    want = {row["canonical_url"]: fields_of(row) for row in reference}
    got: dict[str, dict] = {}
    problems = []
    for row in other:
        if row["canonical_url"] in got:
            problems.append(f"stored twice: {row['canonical_url']}")
        got[row["canonical_url"]] = fields_of(row)
    _, doubles = by_url(other)
    problems += [f"URL held by two rows: {url}" for url in doubles]
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    if missing:
        problems.append(f"{len(missing)} of {len(want)} articles missing, e.g. {missing[:4]}")
    if extra:
        problems.append(f"{len(extra)} articles the clean crawl does not have, e.g. {extra[:4]}")
    for url in sorted(set(want) & set(got)):
        for name in FIELDS:
            if want[url][name] != got[url][name]:
                problems.append(f"{url}: {name} differs")
    return problems


# --- running newsarchive ------------------------------------------------------------------------
def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)}


def newsarchive(*args: str) -> list[str]:
    return [sys.executable, "-m", "newsarchive", *args]


def crawl_command(site: Site, db: Path, *extra: str) -> list[str]:
    return newsarchive("crawl", *site.start_urls, "--db", str(db), "--quiet", *extra)


def run(command: list[str], cwd: Path, timeout: float = RUN_TIMEOUT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=_env(), cwd=cwd)


def start(command: list[str], cwd: Path, log: Path) -> subprocess.Popen:
    """A process in its own group: SIGKILL to the group takes its extraction workers too."""
    with log.open("ab") as out:
        return subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=_env(), cwd=cwd, start_new_session=True)


def kill_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(30)
    deadline = time.monotonic() + 10
    while _group_alive(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.05)


def _group_alive(pgid: int) -> bool:
    """Whether a process of the group still runs. Zombies do not count: where PID 1 does
    not reap orphans (some containers), a killed worker stays a zombie for good."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def copy_archive(source: Path, target: Path) -> Path:
    """A consistent copy (WAL included) through SQLite's backup API."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


# --- the kill plan ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Trigger:
    """When to kill a run, as a share of the work the run has left (the articles the
    archive lacks, against the clean crawl): once the archive holds that share more
    articles, once the portal has answered that share of the requests the rest would take,
    or once that share of the time the rest would take has passed since the run's first
    request."""

    kind: str  # "articles", "requests" or "seconds"
    share: float


def kill_plan(seed: int, n: int) -> list[Trigger]:
    rng = random.Random(f"chaos-kills-{seed}")
    return [Trigger(rng.choice(("seconds", "articles", "requests")), round(rng.uniform(0.1, 0.7), 2)) for _ in range(n)]


def wait_for(trigger: Trigger, proc: subprocess.Popen, db: Path, clean: Clean, limit: float = 90) -> tuple[bool, str]:
    """Wait until the trigger fires or the process ends; (fired, what the trigger was)."""
    site = clean.site
    started = time.monotonic()
    articles0, requests0 = article_count(db), len(site.requests())
    left = max(len(site.articles) - articles0, 1) / len(site.articles)
    amount = {
        "articles": max(1, round(trigger.share * left * len(site.articles))),
        "requests": max(3, round(trigger.share * left * clean.requests)),
        "seconds": round(max(0.05, trigger.share * left * clean.active), 2),
    }[trigger.kind]
    what = f"after {amount:g} {trigger.kind}"
    first_request: float | None = None
    while proc.poll() is None:
        now = time.monotonic()
        served = len(site.requests()) - requests0
        if served and first_request is None:
            first_request = now
        if trigger.kind == "seconds" and first_request is not None and now - first_request >= amount:
            return True, what
        if trigger.kind == "articles" and article_count(db) >= articles0 + amount:
            return True, what
        if trigger.kind == "requests" and served >= amount:
            return True, what
        if now - started > limit:
            return True, what + " (stalled)"
        time.sleep(0.01)
    return False, what


# --- a reader's browser: the reference walker ---------------------------------------------------
class _Page(HTMLParser):
    """Links, script sources and script texts of one page, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.resources: list[str] = []
        self.scripts: list[str] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        elif tag == "script":
            if values.get("src"):
                self.resources.append(values["src"] or "")
            self._script = []
        elif tag == "img" and values.get("src"):
            self.resources.append(values["src"] or "")
        elif tag == "link" and values.get("href"):
            self.resources.append(values["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append("".join(self._script))
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)


_CHARSET_RE = re.compile(rb"""charset\s*=\s*["']?([\w-]+)""", re.I)
_CREATE_CALL_RE = re.compile(r"""(?<!function )createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*["'](\w+)["']\s*,\s*["'](\w+)["']\s*\)""")
_COUNT_RE = re.compile(r"\bvar\s+countPage\s*=\s*(\d+)")
_CURRENT_RE = re.compile(r"\bvar\s+currentPage\s*=\s*(\d+)")
_WRITTEN_RE = re.compile(r"""\\"(\w+)"\s*\+\s*"_"\s*\+\s*nextPage\s*\+\s*"\."\s*\+\s*"(\w+)\\""")
_JPAGE_RE = re.compile(r"\.jpage\(\{(.*)\}\)", re.S)
_RECORD_RE = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
_HREF_RE = re.compile(r"""href\s*=\s*["']([^"']+)["']""")


def _decode(headers: list[tuple[str, str]], body: bytes) -> str:
    declared = next((v for k, v in headers if k.lower() == "content-type"), "").encode()
    match = _CHARSET_RE.search(declared) or _CHARSET_RE.search(body[:2048])
    charset = match.group(1).decode().lower() if match else "utf-8"
    if charset in ("gb2312", "gbk"):
        charset = "gb18030"  # what browsers read GB2312 and GBK as
    return body.decode(charset)


def _js_object(text: str) -> dict[str, str]:
    """A flat JavaScript object literal's keys and values (``{col:1,path:'/'}``)."""
    return {k: a or b or c for k, a, b, c in re.findall(r"""(\w+)\s*:\s*(?:'([^']*)'|"([^"]*)"|([^,}\s]+))""", text)}


@dataclass
class Walk:
    fetched: dict[str, int] = field(default_factory=dict)  # URL (GET) -> status
    posts: list[str] = field(default_factory=list)
    inlinks: dict[str, set[str]] = field(default_factory=dict)
    broken: list[str] = field(default_factory=list)


def browse(fetch, start_urls: list[str], limit: int = 5000) -> Walk:
    """Follow, from the start URLs, every link a reader can click on the portal's host: the
    ``<a href>`` of each page, what TRS pager scripts write, and the record windows jpage
    posts for a Hanweb column. ``fetch(method, url, body)`` -> (status, headers, bytes)."""
    host = urlsplit(start_urls[0]).netloc
    walk = Walk()
    queue = list(start_urls)

    def visit(source: str, href: str) -> None:
        href = href.strip()
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            return
        url = canon(urljoin(source, href))
        if urlsplit(url).netloc != host:
            return
        walk.inlinks.setdefault(url, set()).add(source)
        if url not in walk.fetched and url not in queue:
            queue.append(url)

    while queue and len(walk.fetched) < limit:
        url = queue.pop(0)
        status, headers, body = fetch("GET", url, b"")
        walk.fetched[url] = status
        if status != 200:
            walk.broken.append(url)
            continue
        kind = next((v for k, v in headers if k.lower() == "content-type"), "")
        if "html" not in kind:
            continue
        text = _decode(headers, body)
        page = _Page()
        page.feed(text)
        for href in page.links:
            visit(url, href)
        for src in page.resources:
            resource = canon(urljoin(url, src))
            if resource not in walk.fetched and urlsplit(resource).netloc == host:
                walk.fetched[resource] = fetch("GET", resource, b"")[0]
                if walk.fetched[resource] != 200:
                    walk.broken.append(resource)
        scripts = "\n".join(page.scripts)
        for count, current, name, ext in _CREATE_CALL_RE.findall(scripts):  # createPageHTML writes every page
            for i in range(int(count)):
                if i != int(current):
                    visit(url, f"{name}.{ext}" if i == 0 else f"{name}_{i}.{ext}")
        count = _COUNT_RE.search(scripts)
        if count:  # the countPage script writes 首页, 上一页, 下一页, 尾页
            current, pages = int(_CURRENT_RE.search(scripts).group(1)), int(count.group(1))
            name, ext = _WRITTEN_RE.search(scripts).groups()
            for i in {0, current - 1, current + 1, pages - 1} - {current}:
                if 0 <= i < pages:
                    visit(url, f"{name}.{ext}" if i == 0 else f"{name}_{i}.{ext}")
        for record in _RECORD_RE.findall(text):
            for href in _HREF_RE.findall(record):
                visit(url, href)
        jpage = _JPAGE_RE.search(scripts)
        if jpage:
            options = _js_object(jpage.group(1).split("ajaxParam", 1)[0])
            form = _js_object(jpage.group(1).split("ajaxParam", 1)[1])
            total, per_page = int(options["totalRecord"]), int(options["perPage"])
            window = per_page * int(options.get("groupSize") or 1)
            start = len(_RECORD_RE.findall(text)) + 1
            while start <= total:
                proxy = urljoin(url, options["proxyUrl"]) + f"?startrecord={start}&endrecord={start + window - 1}&perpage={per_page}"
                status, _, answer = fetch("POST", proxy, urlencode(form).encode())
                walk.posts.append(proxy)
                if status != 200:
                    walk.broken.append(proxy)
                    break
                for record in _RECORD_RE.findall(answer.decode("utf-8")):
                    for href in _HREF_RE.findall(record):
                        visit(url, href)  # jpage shows them in the column page: relative to it
                start += window
    return walk


def in_memory(portal: ChaosPortal):
    def fetch(method: str, url: str, body: bytes):
        parts = urlsplit(url)
        return portal.respond(method, parts.path + (f"?{parts.query}" if parts.query else ""), body)

    return fetch


def over_http(method: str, url: str, body: bytes):
    request = urllib.request.Request(url, data=body if method == "POST" else None, method=method)
    if method == "POST":
        request.add_header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, list(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, list(error.headers.items()), error.read()


# --- the portal itself --------------------------------------------------------------------------
def _fingerprint(portal: ChaosPortal) -> str:
    digest = hashlib.sha256()
    for key in sorted(portal._routes):
        digest.update(key.encode() + b"\0" + portal.respond("GET", key)[2])
    digest.update(json.dumps(portal.articles, ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()


def test_a_seed_makes_one_portal() -> None:
    assert _fingerprint(ChaosPortal(SEEDS[0])) == _fingerprint(ChaosPortal(SEEDS[0]))
    assert _fingerprint(ChaosPortal(SEEDS[0])) != _fingerprint(ChaosPortal(SEEDS[1]))


def test_the_seeds_cover_every_style() -> None:
    portals = [ChaosPortal(seed) for seed in SEEDS]
    assert {style for p in portals for style in p.styles} == set(STYLES)
    for portal in portals:
        articles = portal.articles
        assert 80 <= len(articles) <= 300, portal.describe()
        assert 3 <= len(portal.sections) <= 6
        assert any(len(a["pages"]) > 1 for a in articles), "no split article"
        assert len({a["url"] for a in articles}) == len({a["title"] for a in articles}) == len(articles)
        for section in portal.sections:
            if section.style == "hanweb":  # more record windows than the column page holds
                assert len(section.articles) > 2 * section.window, portal.describe()
            if section.style == "chain":
                assert 10 <= len(section.articles) <= 60
    assert any(s.encoding == "gbk" for p in portals for s in p.sections)
    assert {s.url_style for p in portals for s in p.sections} == {"trs", "hanweb", "plain"}
    split = [len(a["pages"]) for p in portals for a in p.articles if len(a["pages"]) > 1]
    assert set(split) == {2, 3, 4}
    numbering = {s.url_style for p in portals for s in p.sections for a in s.articles if len(a.pages) > 1}
    assert {"trs", "plain"} <= numbering  # t…_1.html (0-based) and …_2.html (1-based)


@pytest.mark.parametrize("seed", SEEDS)
def test_every_article_is_reachable_the_way_a_reader_gets_there(seed: int) -> None:
    portal = ChaosPortal(seed)
    walk = browse(in_memory(portal), portal.start_urls)
    assert not walk.broken, walk.broken[:5]
    for article in portal.articles:
        for page in article["pages"]:
            assert walk.fetched.get(canon(page)) == 200, (article["section"], page)
    chain_pages = {canon(p) for a in portal.articles if a["style"] == "chain" for p in a["pages"]}
    for article in portal.articles:
        if article["style"] == "chain":  # linked from articles of its own chain only
            assert walk.inlinks.get(canon(article["url"]), set()) <= chain_pages, article["url"]
    hanweb = [s for s in portal.sections if s.style == "hanweb"]
    if hanweb:
        assert len(walk.posts) == sum(-(-(len(s.articles) - s.window) // s.window) for s in hanweb)


def test_the_server_answers_as_a_web_server_does() -> None:
    portal = ChaosPortal(SEEDS[0])
    with serve(portal, latency=(0.02, 0.02)) as site:
        assert site.base_url.startswith("http://127.0.0.1:")
        status, _, body = over_http("GET", site.base_url + "/robots.txt", b"")
        assert (status, body) == (200, b"User-agent: *\nDisallow:\n")
        assert over_http("GET", site.base_url + "/no/such/page.html", b"")[0] == 404
        began = time.monotonic()
        status, _, _ = over_http("GET", site.start_urls[0], b"")
        assert status == 200 and time.monotonic() - began >= 0.02
        walk = browse(over_http, site.start_urls)
        assert not walk.broken
        assert {canon(a["url"]) for a in site.articles} <= set(walk.fetched)
        hits = site.requests()
        assert ("GET", "/robots.txt", 200) in [(h.method, h.target, h.status) for h in hits]
        assert any(h.method == "POST" for h in hits) == ("hanweb" in portal.styles)
        site.reset_log()
        assert site.requests() == []


# --- crawling it --------------------------------------------------------------------------------
@dataclass
class Clean:
    """One seed's portal, served for the whole module, and its clean crawl."""

    seed: int
    site: Site
    db: Path
    result: subprocess.CompletedProcess[str]
    requests: int
    seconds: float  # the whole command
    active: float  # from its first request to its last


@pytest.fixture(scope="module")
def portals():
    """Serve each seed's portal once: every archive of a seed holds the same URLs."""
    with contextlib.ExitStack() as stack:
        sites: dict[int, Site] = {}

        def site(seed: int) -> Site:
            if seed not in sites:
                sites[seed] = stack.enter_context(serve(ChaosPortal(seed)))
            return sites[seed]

        yield site


@pytest.fixture(scope="module")
def clean(portals, tmp_path_factory: pytest.TempPathFactory):
    """The clean crawl of a seed's portal (made once, then only read)."""
    done: dict[int, Clean] = {}

    def crawl(seed: int) -> Clean:
        if seed not in done:
            site = portals(seed)
            folder = tmp_path_factory.mktemp(f"clean-{seed}")
            db = folder / "A.db"
            site.reset_log()
            began = time.monotonic()
            result = run(crawl_command(site, db), folder)
            hits = site.requests()
            active = hits[-1].at - hits[0].at if hits else 0.0
            done[seed] = Clean(seed, site, db, result, len(hits), time.monotonic() - began, active)
        return done[seed]

    return crawl


def _report(seed: int, site: Site) -> str:
    return f"seed {seed}:\n{site.portal.describe()}"


@pytest.mark.parametrize("seed", SEEDS)
def test_a_clean_crawl_archives_every_article_once(seed: int, clean) -> None:
    a = clean(seed)
    assert a.result.returncode in (0, 1), a.result.stdout[-3000:] + a.result.stderr[-3000:]
    assert integrity(a.db) == "ok"
    verdict = judge(archive_rows(a.db), a.site.articles)
    assert verdict.complete and not verdict.wrong, f"{_report(seed, a.site)}\n{verdict.summary()}\n{a.result.stdout[-1500:]}"


@pytest.mark.parametrize("seed", SEEDS)
def test_a_clean_crawl_reads_each_articles_date_source_and_authors(seed: int, clean) -> None:
    a = clean(seed)
    verdict = judge(archive_rows(a.db), a.site.articles, check=("published_at", "source", "authors"))
    assert not verdict.wrong, f"{_report(seed, a.site)}\n{verdict.summary()}"


@pytest.mark.parametrize("seed", SEEDS)
def test_reextract_changes_nothing_and_a_rerun_fetches_only_first_pages(seed: int, clean, tmp_path: Path) -> None:
    a = clean(seed)
    before = {row["canonical_url"]: row["content_hash"] for row in archive_rows(a.db)}
    db = copy_archive(a.db, tmp_path / "reextract.db")
    result = run(newsarchive("reextract", "--db", str(db)), tmp_path)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    after = {row["canonical_url"]: row["content_hash"] for row in archive_rows(db)}
    with contextlib.closing(_connect(db)) as conn:
        versions = [tuple(r) for r in conn.execute("SELECT a.canonical_url, v.version FROM article_versions v JOIN articles a ON a.id = v.article_id")]
    changed = sorted(url for url in before if after.get(url) != before[url])
    problems = []
    if versions:
        problems.append(f"reextract made {len(versions)} new versions, e.g. {versions[:3]}")
    if changed:
        problems.append(f"content hashes changed: {changed[:3]}")

    db = copy_archive(a.db, tmp_path / "rerun.db")
    a.site.reset_log()
    result = run(crawl_command(a.site, db), tmp_path)
    hits = a.site.requests()
    assert result.returncode in (0, 1), result.stdout[-2000:] + result.stderr[-2000:]
    allowed = len(a.site.start_urls) + 1  # each section's first page and robots.txt
    if len(hits) > allowed:
        first = {urlsplit(u).path + (f"?{urlsplit(u).query}" if urlsplit(u).query else "") for u in a.site.start_urls}
        beyond = [f"{h.method} {h.target}" for h in hits if h.target not in first and h.target != "/robots.txt"]
        problems.append(f"the unchanged re-run made {len(hits)} requests, at most {allowed} expected; beyond the first pages: {beyond[:6]}")
    assert not problems, f"{_report(seed, a.site)}\n" + "\n".join(problems)


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_a_crawl_killed_five_times_ends_with_the_clean_crawls_archive(seed: int, clean, tmp_path: Path) -> None:
    a = clean(seed)
    site = a.site
    db = tmp_path / "B.db"
    log = tmp_path / "crawls.log"
    plan = kill_plan(seed, KILLS)
    resume_first = seed % 2 == 0  # the reruns alternate, starting with --resume for even seeds
    story = []
    before: set[str] = set()
    for n, trigger in enumerate(plan):
        resume = n > 0 and (n % 2 == 1) == resume_first
        proc = start(crawl_command(site, db, *(["--resume"] if resume else [])), tmp_path, log)
        fired, what = wait_for(trigger, proc, db, a)
        if fired:
            kill_group(proc)
        story.append(f"run {n + 1}{' --resume' if resume else ''}: {'killed ' + what if fired else f'finished (exit {proc.returncode}) before {what}'}, {article_count(db)} archived")
        if db.exists():
            assert integrity(db) == "ok", story
        now = {row["canonical_url"] for row in archive_rows(db)}
        assert before <= now, f"articles archived before a kill were lost: {sorted(before - now)[:4]}"
        before = now
    resume = (len(plan) % 2 == 1) == resume_first
    final = run(crawl_command(site, db, *(["--resume"] if resume else [])), tmp_path)
    story.append(f"final run{' --resume' if resume else ''}: exit {final.returncode}, {article_count(db)} archived")
    assert final.returncode in (0, 1), final.stdout[-2000:] + final.stderr[-2000:]
    assert integrity(db) == "ok"
    rows = archive_rows(db)
    problems = compare_archives(archive_rows(a.db), rows)
    verdict = judge(rows, site.articles)
    assert not problems, f"{_report(seed, site)}\n" + "\n".join(story) + "\nagainst the clean crawl:\n  " + "\n  ".join(problems[:12]) + f"\nagainst the portal:\n{verdict.summary()}"


# --- distributed ------------------------------------------------------------------------------
FAST_WORKERS = [
    "-s", "NEWSARCHIVE_REDIS_HEARTBEAT=0.5",
    "-s", "NEWSARCHIVE_REDIS_WORKER_TTL=3",
    "-s", "NEWSARCHIVE_REDIS_IDLE_CLOSE=4",
    "-s", "NEWSARCHIVE_REDIS_POLL=0.2",
]
INGEST_IDLE = "6"


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory):
    from tests.support.redis_server import local_redis, require_redis_server

    require_redis_server()
    with local_redis(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.mark.slow
@pytest.mark.redis
@pytest.mark.parametrize("seed", DISTRIBUTED_SEEDS)
def test_killed_workers_and_ingest_end_with_the_clean_crawls_archive(seed: int, clean, redis_url: str, tmp_path: Path) -> None:
    import redis

    a = clean(seed)
    site = a.site
    prefix = f"chaos{seed}"
    shared = ["-s", f"NEWSARCHIVE_REDIS_PREFIX={prefix}"]
    db = tmp_path / "C.db"
    log = tmp_path / "processes.log"
    client = redis.Redis.from_url(redis_url)
    client.flushdb()

    def worker(n: int) -> subprocess.Popen:
        return start(newsarchive("crawl", *site.start_urls, "--redis", redis_url, "--db", str(tmp_path / f"worker{n}.db"), "--quiet", *FAST_WORKERS, *shared), tmp_path, log)

    def ingest() -> subprocess.Popen:
        return start(newsarchive("ingest", "--redis", redis_url, "--db", str(db), "--quiet", "--until-idle", INGEST_IDLE, *shared), tmp_path, log)

    rng = random.Random(f"chaos-distributed-{seed}")
    victims = ["worker1", "worker2", "ingest"]
    rng.shuffle(victims)
    moments = sorted(rng.randint(max(5, a.requests // 10), max(10, a.requests * 2 // 3)) for _ in victims)
    site.reset_log()
    procs = {"ingest": ingest(), "worker1": worker(1), "worker2": worker(2)}
    story = []
    deadline = time.monotonic() + 240
    try:
        for victim, moment in zip(victims, moments, strict=True):
            while len(site.requests()) < moment and any(procs[w].poll() is None for w in ("worker1", "worker2")):
                assert time.monotonic() < deadline, story
                time.sleep(0.03)
            kill_group(procs[victim])
            story.append(f"killed {victim} after {len(site.requests())} requests; {article_count(db)} archived")
            procs[victim] = ingest() if victim == "ingest" else worker(int(victim[-1]))
        # The operator's part: ingest runs for as long as the workers do (a killed one holds
        # its lease for up to a minute: a new one is started until it gets the lease).
        while any(procs[w].poll() is None for w in ("worker1", "worker2")):
            assert time.monotonic() < deadline, story
            if procs["ingest"].poll() is not None:
                story.append(f"ingest exited {procs['ingest'].returncode} while workers ran; started again")
                time.sleep(1)
                procs["ingest"] = ingest()
            time.sleep(0.1)
        story.append(f"workers done (exit {procs['worker1'].returncode}, {procs['worker2'].returncode})")
        keys = (f"{prefix}:items", f"{prefix}:items:ingesting")
        while procs["ingest"].poll() is None or sum(client.llen(k) for k in keys):
            assert time.monotonic() < deadline, story
            if procs["ingest"].poll() is not None:
                time.sleep(1)
                procs["ingest"] = ingest()
            time.sleep(0.1)
        story.append(f"ingest done (exit {procs['ingest'].returncode}); {article_count(db)} archived")
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                kill_group(proc)
        client.close()
    assert integrity(db) == "ok"
    rows = archive_rows(db)
    problems = compare_archives(archive_rows(a.db), rows)
    verdict = judge(rows, site.articles)
    assert not problems, f"{_report(seed, site)}\n" + "\n".join(story) + "\nagainst the clean crawl:\n  " + "\n  ".join(problems[:12]) + f"\nagainst the portal:\n{verdict.summary()}"

