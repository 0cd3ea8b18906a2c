"""The scope rule on its own: scheme, credentials, host and port, public addresses."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsarchive.portals import PortalError, load_portal
from newsarchive.scope import Scope, parse_origin, resolve

# What the public portal's subdomains resolve to, as a resolver would answer.
DNS = {
    "www.example.gov.cn": frozenset({"202.96.128.86"}),
    "intranet.example.gov.cn": frozenset({"10.0.0.5"}),
    "meta.example.gov.cn": frozenset({"169.254.169.254"}),
    "mixed.example.gov.cn": frozenset({"202.96.128.86", "192.168.1.1"}),
    "v6.example.gov.cn": frozenset({"::ffff:127.0.0.1"}),
}


@pytest.fixture
def public() -> Scope:
    return Scope(["example.gov.cn"], ["http://www.example.gov.cn/xwzx/"], lookup=lambda host: DNS.get(host, frozenset()))


@pytest.mark.parametrize(
    ("url", "verdict"),
    [
        ("http://www.example.gov.cn/xwzx/1.html", None),
        ("https://www.example.gov.cn/xwzx/1.html", None),  # default ports are one port
        ("http://www.example.gov.cn:80/xwzx/1.html", None),
        ("http://news.example.gov.cn/a.html", None),  # a subdomain that does not resolve: left to the fetch
        ("http://www.example.gov.cn:8080/admin", "other_port"),
        ("http://example.org/a.html", "other_host"),
        ("http://www.example.gov.cn.evil.cn/a.html", "other_host"),
        ("ftp://www.example.gov.cn/a.txt", "scheme"),
        ("http://user:pw@www.example.gov.cn/a.html", "credentials"),
        ("http://intranet.example.gov.cn/", "private_address"),
        ("http://meta.example.gov.cn/latest/meta-data/", "private_address"),
        ("http://mixed.example.gov.cn/", "private_address"),
        ("http://v6.example.gov.cn/", "private_address"),
        ("http://localhost.example.gov.cn/", None),  # only the name localhost itself is local by name
        ("http://127.0.0.1/", "other_host"),
        ("http://www.example.gov.cn:99999/", "bad_url"),
    ],
)
def test_a_public_portal(public: Scope, url: str, verdict: str | None) -> None:
    assert public.verdict(url) == verdict


def test_each_host_is_looked_up_once() -> None:
    asked: list[str] = []
    scope = Scope(["example.gov.cn"], lookup=lambda host: asked.append(host) or frozenset({"202.96.128.86"}))
    for path in ("a", "b", "c"):
        assert scope.verdict(f"http://news.example.gov.cn/{path}.html") is None
    assert asked == ["news.example.gov.cn"]


def test_a_portal_on_loopback_may_use_only_its_own_host_and_port() -> None:
    scope = Scope(["127.0.0.1:8712"], ["http://127.0.0.1:8712/zx/"])
    assert scope.verdict("http://127.0.0.1:8712/zx/1.html") is None
    assert scope.verdict("http://127.0.0.1:8713/") == "other_port"
    assert scope.verdict("http://127.0.0.1/") == "other_port"
    assert scope.verdict("http://localhost:8712/") == "other_host"
    assert scope.verdict("http://[::1]:8712/") == "other_host"


def test_allowed_hosts_may_name_ports_and_local_names_are_private() -> None:
    scope = Scope(["example.gov.cn:8080", "localhost.cn"], lookup=lambda host: frozenset())
    assert scope.verdict("http://www.example.gov.cn:8080/a.html") is None
    assert scope.verdict("http://www.example.gov.cn/a.html") == "other_port"
    assert scope.verdict("http://localhost.cn/") is None
    loopback = Scope(["gov.localhost"], lookup=lambda host: frozenset())
    assert loopback.verdict("http://www.gov.localhost/") == "private_address"


def test_numeric_spellings_of_loopback_resolve_to_it() -> None:
    assert resolve("2130706433") == frozenset({"127.0.0.1"})  # inet_aton reads it as 127.0.0.1
    scope = Scope(["2130706433"], ["http://www.example.gov.cn/"])
    assert scope.verdict("http://2130706433/") is None  # named by the definition: its own
    assert Scope(["example.gov.cn"]).verdict("http://2130706433/") == "other_host"


@pytest.mark.parametrize("entry", ["http://example.gov.cn", "example.gov.cn/xw", "example.gov.cn:0", "example.gov.cn:http", "a b.cn", "u:p@example.gov.cn", "example.gov.cn:70000"])
def test_bad_allowed_hosts_entries_are_refused(entry: str) -> None:
    with pytest.raises(ValueError):
        parse_origin(entry)


def test_a_definition_names_the_bad_entry(tmp_path: Path) -> None:
    path = tmp_path / "county.toml"
    path.write_text('name = "county"\nallowed_hosts = ["example.gov.cn", "example.gov.cn:99999"]\n'
                    '[[sections]]\nname = "要闻"\nurl = "http://www.example.gov.cn/xw/"\n', "utf-8")
    with pytest.raises(PortalError) as raised:
        load_portal(path)
    assert raised.value.key == "allowed_hosts[1]" and str(path) in str(raised.value)


def test_a_definition_with_ports_loads(tmp_path: Path) -> None:
    path = tmp_path / "county.toml"
    path.write_text('name = "county"\nallowed_hosts = ["example.gov.cn:8080"]\n'
                    '[[sections]]\nname = "要闻"\nurl = "http://www.example.gov.cn:8080/xw/"\n', "utf-8")
    assert load_portal(path).allowed_hosts == ("example.gov.cn:8080",)
