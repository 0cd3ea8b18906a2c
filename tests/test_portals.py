"""Portal definitions: loading, validation errors that name file and key, the catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsarchive.portals import (
    PortalError,
    load_portal,
    load_portals,
    parse_portal,
    zero_config_portal,
)
from tests.demo_support import ROOT, run_cli

GOOD = """
name = "county"
title = "某县融媒体中心"
allowed_hosts = ["example.gov.cn"]

[[sections]]
name = "要闻"
url = "http://www.example.gov.cn/xw/index.html"

[overrides]
list_item = "ul.list li"
article_url_pattern = "/t\\\\d{8}_\\\\d+\\\\.html$"
encoding = "gbk"

[overrides.fields]
title = "h1.title"
source = "//span[@class='ly']"

[politeness]
download_delay = 2
concurrent_requests_per_domain = 2
"""


def write(tmp_path: Path, text: str, name: str = "county") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text, "utf-8")
    return path


def test_the_bundled_definitions_validate() -> None:
    portals = load_portals(ROOT / "spiders")
    assert {"chaotian", "demo"} <= set(portals)
    chaotian = portals["chaotian"]
    assert chaotian.allowed_hosts == ("sccts.gov.cn",)
    assert len(chaotian.sections) >= 5 and all(s.url.startswith("http://www.sccts.gov.cn/") for s in chaotian.sections)


def test_a_full_definition_loads(tmp_path: Path) -> None:
    portal = load_portal(write(tmp_path, GOOD))
    assert portal.sections[0].name == "要闻"
    assert portal.fields == {"title": "h1.title", "source": "//span[@class='ly']"}
    assert portal.encoding == "gbk" and portal.politeness["download_delay"] == 2


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda t: t.replace('name = "county"', 'name = "County Site"'), "name"),
        (lambda t: t.replace('url = "http://www.example.gov.cn/xw/index.html"', 'url = "ftp://x"'), "sections[0].url"),
        (lambda t: t.replace('allowed_hosts = ["example.gov.cn"]', 'allowed_hosts = ["other.cn"]'), "sections[0].url"),
        (lambda t: t.replace('title = "h1.title"', 'headline = "h1"'), "overrides.fields.headline"),
        (lambda t: t.replace("download_delay = 2", "download_delay = \"slow\""), "politeness.download_delay"),
        (lambda t: t.replace("[politeness]", "[politeness]\nspeed = 3"), "politeness.speed"),
        (lambda t: t.replace('encoding = "gbk"', 'encoding = "no-such-charset"'), "overrides.encoding"),
        (lambda t: t.replace("\\\\d{8}", "(("), "overrides.article_url_pattern"),
        (lambda t: "surprise = 1\n" + t, "surprise"),
        (lambda t: t.replace('list_item = "ul.list li"', 'list_item = "ul.list li["'), "overrides.list_item"),
        (lambda t: t.replace('source = "//span[@class=\'ly\']"', 'source = "//span[@class=\'ly\'"'), "overrides.fields.source"),
        (lambda t: t.replace('list_item = "ul.list li"', 'list_item = "ul.list li"\nnext_page = "a.next::attr("'), "overrides.next_page"),
    ],
)
def test_mistakes_name_file_and_key(tmp_path: Path, change, key: str) -> None:
    path = write(tmp_path, change(GOOD))
    with pytest.raises(PortalError) as raised:
        load_portal(path)
    assert raised.value.key == key
    assert str(path) in str(raised.value)


def test_file_name_must_match(tmp_path: Path) -> None:
    with pytest.raises(PortalError, match="file name"):
        load_portal(write(tmp_path, GOOD, name="other"))


def test_broken_toml_is_reported(tmp_path: Path) -> None:
    with pytest.raises(PortalError, match="not valid TOML"):
        load_portal(write(tmp_path, "name = [", name="bad"))


def test_sections_can_be_selected(tmp_path: Path) -> None:
    portal = load_portal(write(tmp_path, GOOD))
    assert portal.select_sections(["要闻"]).sections == portal.sections
    with pytest.raises(PortalError, match="no section named"):
        portal.select_sections(["体育"])


def test_zero_config_portal_stays_on_given_hosts() -> None:
    portal = zero_config_portal(["http://www.a.gov.cn/xw/index.html", "http://news.b.cn/list_3_1.html"])
    assert portal.allowed_hosts == ("www.a.gov.cn", "news.b.cn")
    assert len(portal.sections) == 2
    with pytest.raises(PortalError):
        zero_config_portal(["javascript:alert(1)"])


def test_parse_requires_sections() -> None:
    with pytest.raises(PortalError) as raised:
        parse_portal({"name": "x"}, "inline")
    assert raised.value.key == "sections"


def test_cli_lists_portals_and_reports_bad_ones(tmp_path: Path) -> None:
    listed = run_cli("portals")
    assert listed.returncode == 0 and "chaotian" in listed.stdout and "demo" in listed.stdout
    write(tmp_path, GOOD.replace('name = "county"', 'name = "bad name"'))
    failed = run_cli("portals", env={"NEWSARCHIVE_PORTALS": str(tmp_path)})
    assert failed.returncode == 2 and "county.toml: name" in failed.stderr


def test_unknown_portal_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("crawl", "no-such-portal", "--db", str(tmp_path / "a.db"))
    assert result.returncode == 2 and "no portal named" in result.stderr


def test_politeness_becomes_spider_settings(tmp_path: Path) -> None:
    from newsarchive.crawl.loader import spider_for
    from newsarchive.crawl.politeness import portal_settings

    remote = load_portal(write(tmp_path, GOOD))
    assert portal_settings(remote) == {"DOWNLOAD_DELAY": 2, "CONCURRENT_REQUESTS_PER_DOMAIN": 2}
    assert spider_for(remote).custom_settings == portal_settings(remote)
    local = zero_config_portal(["http://127.0.0.1:8000/xw/index.html"])
    assert portal_settings(local)["DOWNLOAD_DELAY"] == 0 and portal_settings(local)["AUTOTHROTTLE_ENABLED"] is False


def test_every_problem_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    broken = (
        GOOD.replace('name = "county"', 'name = "County Site"')
        .replace("download_delay = 2", 'download_delay = "slow"')
        .replace('title = "h1.title"', 'headline = "h1"')
        .replace('url = "http://www.example.gov.cn/xw/index.html"', 'url = "ftp://x"')
    )
    path = write(tmp_path, "surprise = 1\n" + broken)
    with pytest.raises(PortalError) as raised:
        load_portal(path)
    keys = [key for key, _ in raised.value.problems]
    assert keys == ["surprise", "name", "sections[0].url", "overrides.fields.headline", "politeness.download_delay"]
    listed = run_cli("portals", "--check", env={"NEWSARCHIVE_PORTALS": str(tmp_path)})
    assert listed.returncode == 2
    lines = listed.stderr.splitlines()
    assert [line.split(": ")[2] for line in lines] == keys  # "error: FILE: KEY: message", one per problem
    assert all(line.startswith(f"error: {path}: ") for line in lines)


def test_mistyped_portal_name_suggests_the_close_one(tmp_path: Path) -> None:
    result = run_cli("crawl", "chaotain", "--db", str(tmp_path / "a.db"))
    assert result.returncode == 2
    assert "no portal named 'chaotain'; did you mean chaotian?" in result.stderr


def test_url_without_scheme_suggests_http(tmp_path: Path) -> None:
    result = run_cli("crawl", "www.example.gov.cn/xwzx/", "--db", str(tmp_path / "a.db"))
    assert result.returncode == 2
    assert "did you mean http://www.example.gov.cn/xwzx/?" in result.stderr
    assert not (tmp_path / "a.db").exists()


def test_one_broken_file_blocks_no_other_portal(tmp_path: Path) -> None:
    from newsarchive.demo import DemoPortal, DemoServer
    from tests.demo_support import FAST

    with DemoServer(DemoPortal(articles=12), in_process=True) as server:
        section = server.portal.sections(server.base_url)[0]
        write(tmp_path, f'name = "county"\n\n[[sections]]\nname = "{section["name"]}"\nurl = "{section["url"]}"\n')
        bad = write(tmp_path, GOOD.replace('name = "county"', 'name = "bad"').replace("[politeness]", "[politeness]\nspeed = 3"), name="bad")
        env = {"NEWSARCHIVE_PORTALS": str(tmp_path)}
        db = tmp_path / "a.db"
        crawled = run_cli("crawl", "county", "--db", str(db), "--quiet", "--max-pages", "1", *FAST, env=env)
        listed = run_cli("portals", env=env)
        chosen = run_cli("crawl", "bad", "--db", str(db), "--quiet", env=env)
    assert crawled.returncode in (0, 1), crawled.stderr[-2000:]
    assert f"warning: {bad}: politeness.speed: unknown key" in crawled.stderr
    import sqlite3

    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles WHERE portal = 'county'").fetchone()[0] > 0
    # the catalogue lists the good portal and reports the broken file
    assert listed.returncode == 2 and listed.stdout.startswith("county\t")
    assert f"error: {bad}: politeness.speed" in listed.stderr
    # asking for the broken portal itself says what is wrong with it
    assert chosen.returncode == 2 and f"error: {bad}: politeness.speed" in chosen.stderr
