"""``newsarchive extract`` on real saved pages: one JSON object per line, an error line
and exit status 1 for a page that cannot be read, ``--url`` for a single page."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from newsarchive.cli import main
from tests.conftest import ARTICLES, load_case


def _run(*args: str) -> tuple[int, list[dict], list[dict]]:
    result = CliRunner().invoke(main, ["extract", *args])
    out = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    err = [json.loads(line) for line in result.stderr.splitlines() if line.strip().startswith("{")]
    return result.exit_code, out, err


def test_one_page_with_url() -> None:
    _, expected = load_case("chaotian__seed")
    code, out, err = _run(str(ARTICLES / "chaotian__seed.html"), "--url", expected["url"])
    assert code == 0 and not err
    [record] = out
    assert record["file"].endswith("chaotian__seed.html")
    assert record["url"] == expected["url"]
    assert record["title"] == expected["title"]
    assert record["prev_url"] == expected["prev_url"]  # relative hrefs resolved against --url


def test_breadcrumb_is_the_list_and_section_is_not_a_page_field() -> None:
    _, expected = load_case("chaotian__seed")
    _, out, _ = _run(str(ARTICLES / "chaotian__seed.html"), "--url", expected["url"])
    # ``section`` means the crawl's 栏目 name in the archive and exports; a page alone has none
    assert out[0]["breadcrumb"] == expected["breadcrumb"] and len(expected["breadcrumb"]) > 1
    assert "section" not in out[0]


def test_relative_links_kept_without_url() -> None:
    code, out, _ = _run(str(ARTICLES / "chaotian__seed.html"))
    assert code == 0
    assert out[0]["url"] is None
    assert out[0]["prev_url"] and not out[0]["prev_url"].startswith("http")


def test_folder_gives_one_json_line_per_page(tmp_path: Path) -> None:
    names = ["dede_article", "lying_charset", "trs_wcm__utf16"]
    for name in names:
        shutil.copy(ARTICLES / f"{name}.html", tmp_path / f"{name}.html")
    code, out, err = _run(str(tmp_path))
    assert code == 0 and not err
    assert sorted(Path(r["file"]).stem for r in out) == sorted(names)
    assert all(r["title"] and r["body"] for r in out)


def test_binary_file_gives_error_line_and_status_1(tmp_path: Path) -> None:
    shutil.copy(ARTICLES / "dede_article.html", tmp_path / "good.html")
    (tmp_path / "junk.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    code, out, err = _run(str(tmp_path))
    assert code == 1
    assert [Path(r["file"]).name for r in out] == ["good.html"]
    [error] = err
    assert error["file"].endswith("junk.html") and error["error"]


def test_page_without_article_fails(tmp_path: Path) -> None:
    page = tmp_path / "empty.html"
    page.write_text("<html><body></body></html>", "utf-8")
    code, out, err = _run(str(page))
    assert code == 1 and not out and err[0]["file"].endswith("empty.html")


def test_url_needs_a_single_page(tmp_path: Path) -> None:
    for name in ("a", "b"):
        shutil.copy(ARTICLES / "dede_article.html", tmp_path / f"{name}.html")
    result = CliRunner().invoke(main, ["extract", str(tmp_path), "--url", "http://example.gov.cn/a.html"])
    assert result.exit_code == 2
