"""DemoPortal: the model of the demo county portal and the truth a correct crawl must match.

It decides which articles exist, in which section, at which URL, which of them carry the
portal's hazards (a republished duplicate, a redirect, a flaky page, a multi-page article),
and what every article's fields are. Pages are rendered from this model on demand by
site.py; ``truth()`` is derived from the same model, so the two cannot drift apart.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from newsarchive.demo import content, faults, vocab
from newsarchive.demo.content import Article
from newsarchive.demo.sections import BY_KEY, FAULT_SECTION, SECTIONS, Section

START = datetime(2024, 1, 2, 8, 30)  # the oldest article's time (China time)
TRACKING = "?from=list"  # the tracking parameter the 媒体聚焦 list adds to its links
ROLE_PREFERENCES = {
    # role: sections to take the article from, in order of preference
    "multipage": ("whly", "zwyw"),
    "duplicate": ("zwyw",),
    "flaky": ("xzdt", "bmdt", "zwyw"),
    "redirect": ("zwyw", "bmdt"),
    "pictures": ("zwyw", "bmdt", "msgz"),
    "attachments": ("tzgg", "bmdt"),
    "not_found": ("zwyw", "bmdt", "msgz"),
    "challenge_412": ("bmdt", "zwyw"),
    "challenge_202": ("mtjj", "zwyw"),
}
HAZARD_ROLES = ("not_found", "challenge_412", "challenge_202")
REPOST_SECTION = "mtjj"


@dataclass(frozen=True)
class Entry:
    """One item of a section's list: an article, a republished copy, or a hazard link."""

    title: str
    published: datetime
    path: str  # where its page is served
    link: str  # the path the section's list links to (an old URL, a tracking variant…)
    article: Article | None
    hazard: str | None = None
    order: int = 0  # tie-break among equal times


class DemoPortal:
    """A county media-centre portal of ``articles`` articles, deterministic for ``seed``.

    ``faults`` adds the 故障测试 section (faults.py); ``latency_ms`` is added to every response
    by the server. ``timeout_s`` is how long the fault section's slow page stalls,
    ``recover_after`` how many failures its recovering pages give first, ``oversize_mb`` how big
    its huge pages are.
    """

    def __init__(self, articles: int = 60, seed: int = 0, faults: bool = False,
                 latency_ms: float = 0, *, timeout_s: float = 30.0, recover_after: int = 2,
                 oversize_mb: int = 20) -> None:
        if articles < 0:
            raise ValueError("articles must be >= 0")
        self.seed = seed
        self.initial_articles = articles
        self.faults = faults
        self.latency_ms = latency_ms
        self.timeout_s = timeout_s
        self.recover_after = recover_after
        self.oversize_mb = oversize_mb
        self.version = 0
        self.history: list[tuple[str, int]] = []
        self._articles: list[Article] = []
        self._titles: set[str] = set()
        self._times: list[datetime] = []
        self._roles = self._choose_roles([self._section_key(i) for i in range(articles)])
        self._grow(articles)
        self._fault_articles = self._make_fault_articles() if faults else {}
        self._entries: dict[str, list[Entry]] = {}
        self._chains: dict[tuple[str, str], tuple[Entry | None, Entry | None]] = {}
        self._entries_version = -1

    # ---- construction -------------------------------------------------------------------

    def _section_key(self, index: int) -> str:
        """Which section article ``index`` belongs to: every section early on, then by weight."""
        keys = [s.key for s in SECTIONS]
        if index < 2 * len(keys):
            order = keys[:]
            random.Random(f"{self.seed}:cover").shuffle(order)
            return order[index % len(keys)]
        rng = random.Random(f"{self.seed}:section:{index}")
        return rng.choices(keys, [s.weight for s in SECTIONS])[0]

    def _time(self, index: int) -> datetime:
        """Publication time of article ``index``: later than the one before, in office hours."""
        while len(self._times) <= index:
            i = len(self._times)
            prev = self._times[-1] if self._times else START
            rng = random.Random(f"{self.seed}:time:{i}")
            when = prev + timedelta(minutes=rng.randint(50, 16 * 60)) if i else START
            if not (7 * 60 + 40 <= when.hour * 60 + when.minute <= 21 * 60 + 30):
                day = when.date() + timedelta(days=1 if when.hour >= 12 else 0)
                when = datetime(day.year, day.month, day.day, 7, 40) + timedelta(
                    minutes=rng.randint(0, 150))
            when = when.replace(second=rng.randint(0, 59))
            self._times.append(when)
        return self._times[index]

    def _choose_roles(self, keys: list[str]) -> dict[str, int]:
        rng = random.Random(f"{self.seed}:roles")
        roles: dict[str, int] = {}
        used: set[int] = set()
        for role, prefs in ROLE_PREFERENCES.items():
            for key in prefs:
                # Not the newest of a section: it keeps hazards off the top of short lists.
                pool = [i for i, k in enumerate(keys) if k == key and i not in used]
                pool = pool[:-1] if len(pool) > 1 else pool
                if pool:
                    roles[role] = rng.choice(pool)
                    used.add(roles[role])
                    break
        return roles

    def _grow(self, count: int) -> list[Article]:
        new = []
        for _ in range(count):
            index = len(self._articles)
            key = self._section_key(index)
            section = BY_KEY[key]
            when = self._time(index)
            if section.precision != "second":
                when = when.replace(second=0)
            role = {i: r for r, i in self._roles.items()}.get(index)
            article = content.make_article(
                self.seed, index, section, when, self._titles,
                pages=2 if role == "multipage" else 1,
                pictures=True if role == "pictures" else None,
                attachments=True if role == "attachments" else None,
            )
            self._articles.append(article)
            new.append(article)
        return new

    def _make_fault_articles(self) -> dict[str, Article]:
        out = {}
        for k, page in enumerate(p for p in faults.FAULT_PAGES if p.article):
            when = (START - timedelta(days=k + 1)).replace(hour=9 + k, minute=5 * k)
            article = content.make_article(self.seed, 1_000_000 + k, FAULT_SECTION, when,
                                           set(), pictures=False, attachments=False)
            article.title = page.title
            out[page.name] = article
        return out

    # ---- mutation -----------------------------------------------------------------------

    def add_articles(self, k: int) -> list[str]:
        """Publish ``k`` new articles (newest, so at the top of their lists); returns their paths."""
        if k < 0:
            raise ValueError("k must be >= 0")
        new = self._grow(k)
        self.history.append(("add", k))
        self.version += 1
        return [self.path(a) for a in new]

    def edit_article(self, index: int) -> str:
        """Revise article ``index`` (creation order, negative counts from the newest); returns its path."""
        article = self._articles[index]
        content.edit(article, self.seed)
        self.history.append(("edit", article.index))
        self.version += 1
        return self.path(article)

    def spec(self) -> dict[str, Any]:
        """Everything needed to rebuild this portal, mutations included, in another process."""
        return {
            "articles": self.initial_articles, "seed": self.seed, "faults": self.faults,
            "latency_ms": self.latency_ms, "timeout_s": self.timeout_s,
            "recover_after": self.recover_after, "oversize_mb": self.oversize_mb,
            "history": [list(h) for h in self.history],
        }

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> DemoPortal:
        params = {k: v for k, v in spec.items() if k != "history"}
        portal = cls(**params)
        for op, arg in spec.get("history", []):
            if op == "add":
                portal.add_articles(int(arg))
            elif op == "edit":
                portal.edit_article(int(arg))
        return portal

    # ---- the model, as pages need it --------------------------------------------------------

    @property
    def articles(self) -> list[Article]:
        return self._articles

    @property
    def roles(self) -> dict[str, int]:
        return dict(self._roles)

    @property
    def fault_articles(self) -> dict[str, Article]:
        return self._fault_articles

    def sections_in_use(self) -> list[Section]:
        return [*SECTIONS, FAULT_SECTION] if self.faults else list(SECTIONS)

    def path(self, article: Article, page: int = 1) -> str:
        """The canonical path of an article (or of one page of it)."""
        if article.section == FAULT_SECTION.key:
            name = next(n for n, a in self._fault_articles.items() if a is article)
            return faults.ROOT + name
        scheme = BY_KEY[article.section].scheme
        return scheme.article_path(scheme.doc_id(article.index), article.published, page)

    def repost_path(self, article: Article) -> str | None:
        """Where the republished copy of the duplicate article lives, if this is it."""
        if self._roles.get("duplicate") != article.index:
            return None
        scheme = BY_KEY[REPOST_SECTION].scheme
        return scheme.article_path(scheme.doc_id(article.index), article.published)

    def old_path(self, article: Article) -> str | None:
        """The pre-migration URL that 301-redirects to the article, if it has one."""
        if self._roles.get("redirect") != article.index:
            return None
        doc = BY_KEY[article.section].scheme.doc_id(article.index)
        return f"/html/{article.section}/{article.published:%Y/%m%d}/{doc}.html"

    def entries(self, key: str) -> list[Entry]:
        """A section's list, newest first, hazard links included."""
        self._refresh()
        return self._entries.get(key, [])

    def _refresh(self) -> None:
        if self._entries_version == self.version:
            return
        lists = self._build_entries()
        chains: dict[tuple[str, str], tuple[Entry | None, Entry | None]] = {}
        for key, entries in lists.items():
            chain = [e for e in entries if e.article is not None]
            for i, e in enumerate(chain):
                newer = chain[i - 1] if i > 0 else None
                older = chain[i + 1] if i + 1 < len(chain) else None
                chains[(key, e.path)] = (newer, older)
        self._entries, self._chains = lists, chains
        self._entries_version = self.version

    def _build_entries(self) -> dict[str, list[Entry]]:
        lists: dict[str, list[Entry]] = {s.key: [] for s in self.sections_in_use()}
        for a in self._articles:
            path = self.path(a)
            link = self.old_path(a) or path
            if a.section == REPOST_SECTION:
                link = path + TRACKING
            lists[a.section].append(Entry(a.title, a.published, path, link, a, order=2 * a.index))
            repost = self.repost_path(a)
            if repost:
                lists[REPOST_SECTION].append(
                    Entry(a.title, a.published, repost, repost + TRACKING, a, order=2 * a.index))
        for role in HAZARD_ROLES:
            if role not in self._roles:
                continue
            anchor = self._articles[self._roles[role]]
            when = anchor.published - timedelta(minutes=7)
            scheme = BY_KEY[anchor.section].scheme
            path = scheme.article_path(scheme.spare_id(anchor.index), when)
            title = self._hazard_title(role, anchor)
            lists[anchor.section].append(
                Entry(title, when, path, path, None, hazard=role, order=2 * anchor.index - 1))
        for entries in lists.values():
            entries.sort(key=lambda e: (e.published, e.order), reverse=True)
        if self.faults:
            lists[FAULT_SECTION.key] = self._fault_entries()
        return lists

    def _hazard_title(self, role: str, anchor: Article) -> str:
        rng = random.Random(f"{self.seed}:hazard:{role}")
        words = {"town": rng.choice(vocab.TOWNS), "topic": rng.choice(vocab.TOPICS)}
        return {
            "not_found": "{town}召开{topic}工作调度会",
            "challenge_412": "县住建局部署{topic}专项行动",
            "challenge_202": "四川日报：{town}{topic}有新招",
        }[role].format(**words)

    def _fault_entries(self) -> list[Entry]:
        out = []
        when = START - timedelta(days=1)
        for k, page in enumerate(faults.FAULT_PAGES):
            article = self._fault_articles.get(page.name)
            published = article.published if article else when - timedelta(hours=k)
            kind = None if page.article else page.kind
            path = faults.ROOT + page.name
            out.append(Entry(page.title, published, path, path, article, hazard=kind, order=-k))
        return out

    def neighbours(self, key: str, path: str) -> tuple[Entry | None, Entry | None]:
        """(上一条, 下一条) of the article at ``path`` within section ``key``: newer, older."""
        if key == FAULT_SECTION.key:
            name = path.rsplit("/", 1)[-1]
            prev_name, next_name = faults.NEIGHBOURS.get(name, (None, None))
            by_name = {e.path.rsplit("/", 1)[-1]: e for e in self.entries(key)}
            return by_name.get(prev_name or ""), by_name.get(next_name or "")
        self._refresh()
        return self._chains.get((key, path), (None, None))

    def published_at(self, article: Article) -> str:
        """The publication time at the precision the article's own page shows, ISO 8601."""
        when = article.published
        precision = BY_KEY[article.section].precision
        if precision == "date":
            return when.strftime("%Y-%m-%d")
        if precision == "minute":
            when = when.replace(second=0)
        return when.strftime("%Y-%m-%dT%H:%M:%S+08:00")

    def picture_path(self, article: Article, n: int, section: Section | None = None) -> str:
        section = section or BY_KEY[article.section]
        scheme = section.scheme
        return scheme.picture_path(scheme.doc_id(article.index), article.published, n)

    def attachment_path(self, article: Article, n: int, section: Section | None = None) -> str:
        section = section or BY_KEY[article.section]
        scheme = section.scheme
        ext = article.attachments[n - 1].ext
        return scheme.attachment_path(scheme.doc_id(article.index), article.published, n, ext)

    # ---- what a crawl must find -------------------------------------------------------------

    def truth(self, base_url: str) -> list[dict[str, Any]]:
        """Every article a correct crawl archives once, with the fields its page shows.

        Conventions: ``published_at`` is at the precision of the visible meta line (a date
        alone where only the date shows, even if a ``<meta>`` tag has the time); ``body`` is
        the paragraphs of the body container joined by "\\n" (a lead's reporter credit and a
        ``□ 本报记者`` line included, picture captions included, a notice's closing signature
        and date included; the 附件 block, editor line and prev/next links are outside it),
        the pages of a multi-page article merged; ``section`` is the section (栏目) name and
        ``breadcrumb`` the crumbs above the article without 正文;
        ``images``/``attachments`` have absolute URLs; ``aliases`` are the article's other URLs
        (republished copy, pre-migration URL, tracking-parameter variants).
        """
        base = base_url.rstrip("/")
        records = [self._record(a, base) for a in self._articles]
        records += [self._record(a, base) for a in self._fault_articles.values()]
        return records

    def _record(self, a: Article, base: str) -> dict[str, Any]:
        section = BY_KEY[a.section]
        aliases = []
        repost = self.repost_path(a)
        if repost:
            aliases += [base + repost, base + repost + TRACKING]
        old = self.old_path(a)
        if old:
            aliases.append(base + old)
        if a.section == REPOST_SECTION:
            aliases.append(base + self.path(a) + TRACKING)
        return {
            "url": base + self.path(a),
            "title": a.title,
            "subtitle": a.subtitle,
            "published_at": self.published_at(a),
            "source": a.source,
            "authors": list(a.authors),
            "editor": a.editor,
            "section": section.name,
            "breadcrumb": section.crumbs,
            "body": "\n".join(a.body_lines()),
            "images": [
                {"src": base + self.picture_path(a, n), "caption": p.caption}
                for n, p in enumerate(a.pictures, start=1)
            ],
            "attachments": [
                {"url": base + self.attachment_path(a, n), "text": f.text}
                for n, f in enumerate(a.attachments, start=1)
            ],
            "aliases": aliases,
        }

    def sections(self, base_url: str) -> list[dict[str, Any]]:
        """Each section: name, list URL, pagination style, and what it holds."""
        base = base_url.rstrip("/")
        out = []
        for s in self.sections_in_use():
            n = len(self.entries(s.key))
            pages = 1 if s.key in ("ldhd", FAULT_SECTION.key) else max(1, -(-n // s.per_page))
            out.append({
                "key": s.key, "name": s.name, "url": base + s.scheme.list_path(1), "style": s.style,
                "cms": s.cms, "charset": s.charset, "per_page": s.per_page, "pages": pages,
                "articles": sum(1 for e in self.entries(s.key) if e.article is not None),
            })
        return out

    def hazards(self, base_url: str) -> dict[str, list[str]]:
        """URLs that must NOT become articles, by kind.

        not_found (404 list link), challenge_412 / challenge_202 (anti-bot pages), redirect
        (old URL, 301 to an article), continuation (page 2 of the multi-page article); with
        faults: timeout, truncated, reset, redirect_loop, oversize, binary, empty,
        endless_pagination (sample pages of the never-ending list).
        """
        base = base_url.rstrip("/")
        out: dict[str, list[str]] = {}
        for key in (s.key for s in SECTIONS):
            for e in self.entries(key):
                if e.hazard:
                    out.setdefault(e.hazard, []).append(base + e.path)
        for a in self._articles:
            old = self.old_path(a)
            if old:
                out.setdefault("redirect", []).append(base + old)
            if a.pages > 1:
                out.setdefault("continuation", []).extend(
                    base + self.path(a, p) for p in range(2, a.pages + 1))
        if self.faults:
            for page in faults.FAULT_PAGES:
                if not page.article:
                    out.setdefault(page.kind, []).append(base + faults.ROOT + page.name)
            out["redirect_loop"].append(base + faults.ROOT + faults.LOOP_B)
            out["endless_pagination"] = [
                base + FAULT_SECTION.scheme.list_path(p) for p in (2, 3, 50)]
        return out

    def traps(self, base_url: str) -> dict[str, list[str]]:
        """URLs that misbehave at first or loop, yet are real articles a crawl must archive.

        flaky (500 on the first request after each reset, then 200); with faults:
        recover_500 / recover_503 (fail ``recover_after`` times), prevnext_cycle, self_link,
        wrong_charset (GBK bytes declared UTF-8). Every URL here is in ``truth()``.
        """
        base = base_url.rstrip("/")
        out: dict[str, list[str]] = {}
        if "flaky" in self._roles:
            out["flaky"] = [base + self.path(self._articles[self._roles["flaky"]])]
        for page in faults.FAULT_PAGES if self.faults else ():
            if page.article:
                out.setdefault(page.kind, []).append(base + faults.ROOT + page.name)
        return out
