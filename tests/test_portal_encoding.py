"""``encoding`` in a portal definition decides how its pages are read, over what the
bytes and their ``<meta>`` suggest: a Big5 portal that declares gb2312 (both read
"cleanly" as GBK, as mojibake) is archived in the right characters."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.demo_support import FAST, run_cli
from tests.support.hostile_server import Answer, HostileServer, article_page, list_page

TITLE = "縣政府召開專題會議研究部署防汛工作"
PARAGRAPHS = [f"第{n}段：縣委縣政府召開專題會議，研究部署防汛相關工作，要求各鄉鎮各部門壓實責任、細化措施，確保各項任務按期完成。" for n in range(1, 5)]


def _big5_declared_gb2312(html: str) -> Answer:
    return Answer(html.replace('charset="utf-8"', 'charset="gb2312"').encode("big5", errors="xmlcharrefreplace"), headers={"Content-Type": "text/html"})


def _crawl(tmp_path: Path, server: HostileServer, encoding: str | None) -> list[str]:
    folder = tmp_path / f"spiders-{encoding}"
    folder.mkdir()
    line = f'encoding = "{encoding}"\n' if encoding else ""
    (folder / "tw.toml").write_text(
        f'name = "tw"\n{line}allowed_hosts = ["127.0.0.1:{server.port}"]\n\n[[sections]]\nname = "新聞"\nurl = "{server.url("/xw/")}"\n',
        "utf-8",
    )
    db = tmp_path / f"{encoding}.db"
    result = run_cli("crawl", "tw", "--db", str(db), "--quiet", *FAST, env={"NEWSARCHIVE_PORTALS": str(folder)})
    assert result.returncode == 0, result.stderr[-2000:]
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute("SELECT title FROM articles")]


def test_the_portals_encoding_wins_over_a_wrong_declaration(tmp_path: Path) -> None:
    with HostileServer() as server:
        server.routes["/xw/"] = _big5_declared_gb2312(list_page("新聞", [("/xw/1.html", TITLE)]))
        server.routes["/xw/1.html"] = _big5_declared_gb2312(article_page(TITLE, PARAGRAPHS))
        guessed = _crawl(tmp_path, server, None)
        told = _crawl(tmp_path, server, "big5")
    assert len(guessed) == 1 and guessed != [TITLE]  # read as the page declares it: the wrong characters
    assert told == [TITLE]
