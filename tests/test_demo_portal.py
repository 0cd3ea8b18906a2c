"""The demo portal over real HTTP on loopback: sections, pagination styles, truth, hazards, faults."""

from __future__ import annotations

import html
import http.client
import json
import re
import socket
import time
import urllib.error
import urllib.request
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest

from newsarchive.demo import DemoPortal, DemoServer

HREF = re.compile(r"""href\s*=\s*["']([^"'#]*)["']""", re.I)
FORM = ("col=1&appid=1&webid=3185&path=/&columnid=1561003&unitid=5163019"
        "&webname=%E7%A4%BA%E8%8C%83%E5%8E%BF%E4%BA%BA%E6%B0%91%E6%94%BF%E5%BA%9C&permissiontype=0")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[override]
        return None


_plain = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, data: bytes | None = None, follow: bool = True, timeout: float = 10):
    """(status, headers, body, final url) over real HTTP; HTTP errors are answers, not raises."""
    opener = urllib.request.build_opener() if follow else _plain
    request = urllib.request.Request(url, data=data)
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read(), response.geturl()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read(), url


def text_of(headers, body: bytes) -> str:
    charset = headers.get_content_charset() or "utf-8"
    return body.decode(charset)


def page(url: str) -> str:
    """A page's text; one retry on 500, as the flaky article fails its first request."""
    status, headers, body, _ = fetch(url)
    if status == 500:
        status, headers, body, _ = fetch(url)
    assert status == 200, (status, url)
    return text_of(headers, body)


def links(url: str, text: str) -> list[str]:
    return [urljoin(url, html.unescape(h)) for h in HREF.findall(text)]


@pytest.fixture(scope="module")
def site():
    portal = DemoPortal(articles=300, seed=7)
    with DemoServer(portal) as server:
        yield portal, server


@pytest.fixture(scope="module")
def faulty():
    portal = DemoPortal(articles=20, seed=1, faults=True, timeout_s=1.5, recover_after=2, oversize_mb=1)
    with DemoServer(portal) as server:
        yield portal, server


def section(portal: DemoPortal, base: str, key: str) -> dict:
    return next(s for s in portal.sections(base) if s["key"] == key)


def truth_by_section(portal: DemoPortal, base: str, name: str) -> list[dict]:
    return [r for r in portal.truth(base) if r["section"] == name]


# ---- the model ----------------------------------------------------------------------------------


def test_truth_is_deterministic_for_a_seed():
    a = DemoPortal(articles=80, seed=3).truth("http://x")
    b = DemoPortal(articles=80, seed=3).truth("http://x")
    c = DemoPortal(articles=80, seed=4).truth("http://x")
    assert a == b
    assert a != c
    assert len(a) == 80
    assert len({r["url"] for r in a}) == 80
    assert len({r["title"] for r in a}) == 80


def test_truth_records_have_the_promised_fields():
    portal = DemoPortal(articles=120, seed=0)
    records = portal.truth("http://h:1/")
    keys = {"url", "title", "subtitle", "published_at", "source", "authors", "editor", "section",
            "breadcrumb", "body", "images", "attachments", "aliases"}
    for r in records:
        assert set(r) == keys
        assert r["url"].startswith("http://h:1/")
        assert r["breadcrumb"][0] == "首页" and r["breadcrumb"][-1] == r["section"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d\+08:00)?", r["published_at"])
        assert "\n" in r["body"] and "正文" not in r["breadcrumb"]
    assert any(r["images"] for r in records) and any(r["attachments"] for r in records)
    assert any(r["subtitle"] for r in records) and any(r["authors"] for r in records)
    assert any(r["aliases"] for r in records)
    leads = "\n".join(r["body"] for r in records)
    assert "本报讯（记者 " in leads and "全媒体记者 " in leads and "□ 本报记者 " in leads


def test_spec_round_trip_replays_mutations():
    portal = DemoPortal(articles=30, seed=5, faults=True)
    portal.add_articles(4)
    portal.edit_article(3)
    again = DemoPortal.from_spec(json.loads(json.dumps(portal.spec())))
    assert again.truth("http://x") == portal.truth("http://x")


def test_only_loopback_is_served():
    with pytest.raises(ValueError):
        DemoServer(DemoPortal(articles=5), host="0.0.0.0")


# ---- articles over HTTP -------------------------------------------------------------------------


def test_every_truth_url_answers_with_its_title(site):
    portal, server = site
    traps = {u for urls in portal.traps(server.base_url).values() for u in urls}
    for record in portal.truth(server.base_url):
        status, headers, body, _ = fetch(record["url"])
        if record["url"] in traps and status == 500:
            status, headers, body, _ = fetch(record["url"])
        assert status == 200, record["url"]
        assert html.escape(record["title"]) in text_of(headers, body), record["url"]


def test_pages_show_the_truth_fields(site):
    portal, server = site
    for record in portal.truth(server.base_url)[::7]:
        url = record["url"]
        text = html.unescape(page(url))
        for line in record["body"].split("\n")[:2]:
            assert line in text, url
        for name in record["authors"]:
            assert name in text
        if record["source"]:
            assert record["source"] in text
        if record["editor"]:
            assert record["editor"] in text
        if record["subtitle"]:
            assert record["subtitle"] in text


def test_pictures_and_attachments_are_real_files(site):
    portal, server = site
    records = portal.truth(server.base_url)
    magic = {".png": b"\x89PNG", ".pdf": b"%PDF", ".docx": b"PK", ".xlsx": b"PK"}
    checked = 0
    for record in records:
        for item in record["images"] + record["attachments"]:
            target = item.get("src") or item["url"]
            status, _, body, _ = fetch(target)
            assert status == 200, target
            ext = "." + (item.get("text") or target).rsplit(".", 1)[-1]
            assert body.startswith(magic[ext]), target
            checked += 1
    assert checked > 10


def test_multi_page_article_continues_on_its_second_page(site):
    portal, server = site
    (second,) = portal.hazards(server.base_url)["continuation"]
    first = re.sub(r"_2\.(html?)$", r".\1", second)
    record = next(r for r in portal.truth(server.base_url) if r["url"] == first)
    one, two = html.unescape(page(first)), html.unescape(page(second))
    assert "下一页" in one and second.rsplit("/", 1)[-1] in one
    lines = [line + "</p>" for line in record["body"].split("\n")]
    assert lines[0] in one and lines[0] not in two
    assert lines[-1] in two and lines[-1] not in one
    assert html.unescape(record["title"]) in two


# ---- sections and their pagination --------------------------------------------------------------


def _hrefs_to(text: str, url: str, truth_urls: set[str]) -> set[str]:
    found = set()
    for link in links(url, text):
        clean = link.split("?from=")[0]
        if clean in truth_urls:
            found.add(clean)
    return found


def test_trs_createpagehtml_section(site):
    portal, server = site
    info = section(portal, server.base_url, "zwyw")
    assert info["style"] == "trs_createpagehtml" and info["pages"] >= 2
    first = page(info["url"])
    assert f'createPageHTML({info["pages"]}, 0, "index", "html")' in first
    last_url = info["url"].replace("index.html", f"index_{info['pages'] - 1}.html")
    last = page(last_url)
    assert f'createPageHTML({info["pages"]}, {info["pages"] - 1}, "index", "html")' in last
    assert fetch(info["url"].replace("index.html", f"index_{info['pages']}.html"))[0] == 404
    assert 'href="./20' in first


def test_trs_countpage_section(site):
    portal, server = site
    info = section(portal, server.base_url, "bmdt")
    assert info["style"] == "trs_countpage" and info["pages"] >= 2
    first = page(info["url"])
    assert f"var countPage = {info['pages']}//共多少页" in first
    assert "var currentPage = 0;" in first
    second = page(info["url"].replace("index.html", "index_1.html"))
    assert "var currentPage = 1;" in second


def test_hanweb_datastore_and_dataproxy(site):
    portal, server = site
    info = section(portal, server.base_url, "xzdt")
    assert info["url"].endswith("/col/col1561003/index.html")
    text = page(info["url"])
    assert '<script type="text/xml"><datastore>' in text and "<nextgroup><![CDATA[" in text
    records = re.findall(r"<record><!\[CDATA\[(.*?)\]\]></record>", text, re.S)
    assert len(records) == 15
    total = int(re.search(r"totalRecord: (\d+)", text).group(1))
    proxy = server.base_url + "/module/web/jpage/dataproxy.jsp?startrecord=16&endrecord=30&perpage=15"
    status, headers, body, _ = fetch(proxy, data=FORM.encode())
    xml = body.decode("utf-8")
    assert status == 200 and "xml" in headers["Content-Type"]
    assert f"<totalrecord>{total}</totalrecord>" in xml
    more = re.findall(r"<record><!\[CDATA\[(.*?)\]\]></record>", xml, re.S)
    assert len(more) == min(15, total - 15) and not set(more) & set(records)
    assert fetch(proxy)[0] == 405  # records come only from POST
    other = fetch(proxy, data=FORM.replace("1561003", "999").encode())[2].decode()
    assert "<totalrecord>0</totalrecord>" in other


def test_phpcms_section(site):
    portal, server = site
    info = section(portal, server.base_url, "msgz")
    assert "index.php?m=content&c=index&a=lists&catid=5" in info["url"]
    text = page(info["url"])
    assert "下一页" in text and "尾页" in text
    assert "index.php?m=content&amp;c=index&amp;a=lists&amp;catid=5&amp;page=2" in text
    assert "a=show&amp;catid=5&amp;id=" in text
    # parameter order does not matter, page=1 is the first page
    assert page(info["url"] + "&page=2") == page(
        server.base_url + "/index.php?page=2&catid=5&a=lists&c=index&m=content")
    assert page(info["url"] + "&page=1") == text


def test_gbk_dedecms_section(site):
    portal, server = site
    info = section(portal, server.base_url, "whly")
    assert info["url"].endswith("/whly/list_3_1.html") and info["charset"] == "gbk"
    status, headers, body, _ = fetch(info["url"])
    assert headers["Content-Type"] == "text/html; charset=gbk"
    assert b"charset=gb2312" in body
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    text = body.decode("gbk")
    assert "list_3_2.html" in text and "文化旅游" in text
    article = truth_by_section(portal, server.base_url, "文化旅游")[0]
    status, headers, body, _ = fetch(article["url"])
    assert status == 200 and "gbk" in headers["Content-Type"]
    assert html.escape(article["title"]) in body.decode("gbk")


def test_chain_only_section_is_walked_by_prev_next(site):
    portal, server = site
    info = section(portal, server.base_url, "ldhd")
    expected = [r["url"] for r in truth_by_section(portal, server.base_url, "领导活动")]
    text = page(info["url"])
    listed = _hrefs_to(text, info["url"], set(expected))
    assert len(listed) == 1
    walked, url = [], listed.pop()
    while url:
        walked.append(url)
        text = page(url)
        older = re.search(r"下一条:(?:<a href=\"([^\"]+)\"|没有了)", text)
        url = urljoin(url, older.group(1)) if older.group(1) else None
    assert sorted(walked) == sorted(expected)
    assert "上一条:没有了" in page(walked[0])


def test_index_n_and_page_param_sections(site):
    portal, server = site
    tzgg = section(portal, server.base_url, "tzgg")
    text = page(tzgg["url"])
    assert 'href="/tzgg/index_2.html">下一页</a>' in text and "尾页" in text
    assert page(server.base_url + "/tzgg/") == text
    mtjj = section(portal, server.base_url, "mtjj")
    text = page(mtjj["url"])
    assert 'href="?page=2">下一页</a>' in text
    assert "?from=list" in text
    assert page(mtjj["url"] + "?page=2") != text


def test_a_crawl_can_reach_every_article(site):
    """Breadth-first over links, script pagination and the data proxy finds the whole truth."""
    portal, server = site
    base = server.base_url
    host = urlsplit(base).netloc
    seen, reached = {base + "/"}, set()
    queue = deque([base + "/"])
    while queue:
        url = queue.popleft()
        status, headers, body, final = fetch(url)
        if status == 500:
            status, headers, body, final = fetch(url)
        if status != 200 or not (headers.get("Content-Type") or "").startswith(("text/html", "text/xml")):
            continue
        reached.add(final.split("?from=")[0])
        text = text_of(headers, body)
        found = links(final, text)
        m = re.search(r'createPageHTML\((\d+), \d+, "index", "html"\)', text)
        if m:
            found += [urljoin(final, f"index_{i}.html") for i in range(1, int(m.group(1)))]
        m = re.search(r"var countPage = (\d+)", text)
        if m:
            found += [urljoin(final, f"index_{i}.html") for i in range(1, int(m.group(1)))]
        m = re.search(r"totalRecord: (\d+)", text)
        if m:
            for start in range(16, int(m.group(1)) + 1, 15):
                proxy = f"{base}/module/web/jpage/dataproxy.jsp?startrecord={start}&endrecord={start + 14}&perpage=15"
                xml = fetch(proxy, data=FORM.encode())[2].decode()
                found += links(proxy, xml)
        for link in found:
            parts = urlsplit(link)
            if parts.scheme == "http" and parts.netloc == host and link not in seen:
                seen.add(link)
                queue.append(link)
    for record in portal.truth(base):
        assert {record["url"], *record["aliases"]} & reached, record["url"]


# ---- hazards ------------------------------------------------------------------------------------


def test_hazards_answer_as_declared(site):
    portal, server = site
    hazards = portal.hazards(server.base_url)
    assert set(hazards) >= {"not_found", "challenge_412", "challenge_202", "redirect", "continuation"}
    (missing,) = hazards["not_found"]
    assert fetch(missing)[0] == 404
    for kind, status in (("challenge_412", 412), ("challenge_202", 202)):
        (url,) = hazards[kind]
        code, headers, body, _ = fetch(url)
        assert code == status
        assert "Set-Cookie" in headers
        text = body.decode()
        assert "cookie" in text and ("reload" in text) and "<script" in text
        assert fetch(url)[0] == status  # it never clears without running the script
    (old,) = hazards["redirect"]
    record = next(r for r in portal.truth(server.base_url) if old in r["aliases"])
    code, headers, _, _ = fetch(old, follow=False)
    assert code == 301 and headers["Location"] == record["url"]
    assert fetch(old)[3] == record["url"]


def test_flaky_article_fails_once_then_recovers(site):
    portal, server = site
    (url,) = portal.traps(server.base_url)["flaky"]
    server.reset_log()
    assert fetch(url)[0] == 500
    assert fetch(url)[0] == 200
    assert fetch(url)[0] == 200
    server.reset_log()
    assert fetch(url)[0] == 500
    fetch(url)


def test_duplicate_and_tracking_variants_serve_the_same_article(site):
    portal, server = site
    record = next(r for r in portal.truth(server.base_url) if len(r["aliases"]) == 2)
    repost, tracked = record["aliases"]
    assert tracked == repost + "?from=list"
    original, copy = html.unescape(page(record["url"])), html.unescape(page(repost))
    assert record["title"] in copy and record["body"].split("\n")[-1] in copy
    assert "媒体聚焦" in copy and "媒体聚焦" not in original.split("当前位置")[-1].split("</div>")[0]
    assert page(tracked) == page(repost)


def test_robots_favicon_and_keep_alive(site):
    _, server = site
    status, _, body, _ = fetch(server.base_url + "/robots.txt")
    assert status == 200 and b"User-agent: *" in body and b"Disallow:\n" in body
    assert fetch(server.base_url + "/favicon.ico")[0] == 404
    conn = http.client.HTTPConnection(urlsplit(server.base_url).netloc, timeout=5)
    for path in ("/", "/zx/zwyw/index.html", "/tzgg/index.html"):
        conn.request("GET", path)
        response = conn.getresponse()
        assert response.status == 200 and response.getheader("Connection") == "keep-alive"
        response.read()
    conn.close()


def test_request_log_records_what_was_served(site):
    _, server = site
    server.reset_log()
    fetch(server.base_url + "/zx/zwyw/index.html")
    fetch(server.base_url + "/module/web/jpage/dataproxy.jsp?startrecord=16&endrecord=30&perpage=15",
          data=FORM.encode())
    assert server.request_log() == [
        ("GET", "/zx/zwyw/index.html"),
        ("POST", "/module/web/jpage/dataproxy.jsp?startrecord=16&endrecord=30&perpage=15"),
    ]


def test_same_seed_serves_the_same_bytes():
    pages = []
    for _ in range(2):
        portal = DemoPortal(articles=40, seed=9)
        with DemoServer(portal) as server:
            record = portal.truth(server.base_url)[5]
            pages.append((page(record["url"].replace(server.base_url, server.base_url)),
                          record["url"].replace(server.base_url, "")))
    assert pages[0][1] == pages[1][1]
    strip = re.compile(r"127\.0\.0\.1:\d+")
    assert strip.sub("", pages[0][0]) == strip.sub("", pages[1][0])


# ---- mutation ------------------------------------------------------------------------------------


def test_added_and_edited_articles_are_served():
    portal = DemoPortal(articles=40, seed=2)
    with DemoServer(portal) as server:
        base = server.base_url
        before = {r["url"] for r in portal.truth(base)}
        new = server.add_articles(3)
        assert len(portal.truth(base)) == 43 and set(new) == {r["url"] for r in portal.truth(base)} - before
        for url in new:
            record = next(r for r in portal.truth(base) if r["url"] == url)
            assert html.escape(record["title"]) in page(url)
            info = section(portal, base, next(s.key for s in portal.sections_in_use()
                                              if s.name == record["section"]))
            if info["style"] not in ("hanweb_jpage",):
                listing = page(info["url"])
                assert url in links(info["url"], listing) or url + "?from=list" in links(info["url"], listing)
        old_body = next(r for r in portal.truth(base) if r["url"] == new[0])["body"]
        edited = server.edit_article(-3)
        assert edited == new[0]
        record = next(r for r in portal.truth(base) if r["url"] == edited)
        assert record["body"] != old_body
        text = html.unescape(page(edited))
        assert all(line in text for line in record["body"].split("\n"))


def test_subprocess_mode_serves_controls_and_stops_cleanly():
    portal = DemoPortal(articles=25, seed=4)
    portal.add_articles(2)  # mutations made before start are replayed in the child
    server = DemoServer(portal, in_process=False)
    with server:
        base = server.base_url
        assert server.pid is not None
        for record in portal.truth(base)[:5] + portal.truth(base)[-2:]:
            assert html.escape(record["title"]) in page(record["url"])
        (url,) = server.add_articles(1)
        assert html.escape(portal.truth(base)[-1]["title"]) in page(url)
        edited = server.edit_article(0)
        record = portal.truth(base)[0]
        assert record["url"] == edited
        assert all(line in html.unescape(page(edited)) for line in record["body"].split("\n"))
        server.reset_log()
        fetch(base + "/tzgg/index.html")
        assert server.request_log() == [("GET", "/tzgg/index.html")]
        port = server.port
    assert server.pid is None and server.exit_code == 0
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_latency_is_added_to_each_response():
    portal = DemoPortal(articles=5, seed=0, latency_ms=150)
    with DemoServer(portal) as server:
        began = time.monotonic()
        fetch(server.base_url + "/")
        assert time.monotonic() - began >= 0.15


# ---- the fault section ----------------------------------------------------------------------------


def test_fault_section_is_linked_and_pages_forever(faulty):
    portal, server = faulty
    info = section(portal, server.base_url, "fault")
    assert info["url"] in links(server.base_url, page(server.base_url + "/"))
    text = page(server.base_url + "/fault/index_999.html")
    assert 'href="index_1000.html">下一页</a>' in text


def test_recovering_pages_fail_k_times(faulty):
    portal, server = faulty
    traps = portal.traps(server.base_url)
    server.reset_log()
    for kind, status in (("recover_500", 500), ("recover_503", 503)):
        (url,) = traps[kind]
        codes = [fetch(url)[0] for _ in range(3)]
        assert codes == [status, status, 200]


def test_prev_next_cycle_and_self_link(faulty):
    portal, server = faulty
    a, b = portal.traps(server.base_url)["prevnext_cycle"]
    assert b in links(a, page(a)) and a in links(b, page(b))
    (self_link,) = portal.traps(server.base_url)["self_link"]
    assert links(self_link, page(self_link)).count(self_link) == 2


def test_wrong_charset_page_is_gbk_declared_utf8(faulty):
    portal, server = faulty
    (url,) = portal.traps(server.base_url)["wrong_charset"]
    status, headers, body, _ = fetch(url)
    assert status == 200 and headers.get_content_charset() == "utf-8" and b'charset=utf-8' in body
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    record = next(r for r in portal.truth(server.base_url) if r["url"] == url)
    assert record["title"] in body.decode("gbk")


def test_byte_level_faults(faulty):
    portal, server = faulty
    hazards = portal.hazards(server.base_url)
    (slow,) = hazards["timeout"]
    with pytest.raises((TimeoutError, urllib.error.URLError)):
        fetch(slow, timeout=0.5)
    (cut,) = hazards["truncated"]
    with pytest.raises(http.client.IncompleteRead):
        fetch(cut)
    (reset,) = hazards["reset"]
    with pytest.raises((ConnectionError, http.client.RemoteDisconnected, urllib.error.URLError)):
        fetch(reset)
    loop_a, loop_b = hazards["redirect_loop"]
    code, headers, _, _ = fetch(loop_a, follow=False)
    assert code == 302 and headers["Location"] == loop_b
    assert fetch(loop_b, follow=False)[1]["Location"] == loop_a
    sized, chunked = hazards["oversize"]
    status, headers, body, _ = fetch(sized)
    assert status == 200 and int(headers["Content-Length"]) == len(body) == 1024 * 1024
    status, headers, body, _ = fetch(chunked)
    assert headers["Transfer-Encoding"] == "chunked" and len(body) == 1024 * 1024
    (binary,) = hazards["binary"]
    status, headers, body, _ = fetch(binary)
    assert status == 200 and "text/html" in headers["Content-Type"] and b"\x00" in body
    (empty,) = hazards["empty"]
    status, headers, body, _ = fetch(empty)
    assert status == 200 and body == b""
    (challenge,) = [u for u in hazards["challenge_412"] if "/fault/" in u]
    assert fetch(challenge)[0] == 412
    assert fetch(server.base_url + "/")[0] == 200  # the server survives all of it
