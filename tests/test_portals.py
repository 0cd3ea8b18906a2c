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
