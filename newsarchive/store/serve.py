"""The archive in Datasette: facets, search over the grams index, a sensible default order.

Datasette is an optional extra; it runs as its own process on a metadata file made
here, so nothing of it is imported unless ``newsarchive serve`` is used. Its search box
matches ``articles_grams`` through ``escape_fts()``, which the plugin in
``newsarchive.store.datasette_plugin`` replaces with the archive's own query language.

Served beyond loopback (``public``), the archive is read by strangers: arbitrary SQL is
off and the tables of raw requests and runs are not served at all. ``pages`` keeps the
request and response headers of every fetch (cookies, the operator's contact address in
the User-Agent), ``crawl_runs`` the arguments, host and pid of every run (Redis URLs with
passwords among them), ``archive_lock`` the same of the running crawl.
"""

from __future__ import annotations

import ipaddress
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

PRIVATE_TABLES = ("pages", "page_bodies", "crawl_runs", "archive_lock")
PLUGIN = (  # Datasette loads plugins from files: this one hands it the package's hooks
    "from newsarchive.store.datasette_plugin import filters_from_request, prepare_connection\n"
)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def metadata(db: Path, *, public: bool = False) -> dict[str, Any]:
    """Datasette metadata for an archive file."""
    hidden: dict[str, Any] = {"hidden": True}
    private: dict[str, Any] = {"hidden": True, "allow": False} if public else {}
    tables: dict[str, Any] = {
        "articles": {
            "facets": ["portal", "section", "published_month", "source"],
            "sort_desc": "published_at",
            "fts_table": "articles_grams",
            "fts_pk": "id",
            "searchmode": "escaped",
            "label_column": "title",
            "size": 50,
        },
        "article_versions": {"sort_desc": "replaced_at", "facets": ["article_id"]},
        "article_aliases": {"facets": ["reason"]},
        "pages": {"sort_desc": "fetched_at", "facets": ["portal", "status", "run_id"], **private},
        "attachments": {"facets": ["content_type"]},
        "crawl_runs": {
            "sort_desc": "started_at",
            "facets": ["command", "exit_status"],
            **private,
        },
        "run_coverage": {"sort_desc": "run_id", "facets": ["portal"]},
        "page_bodies": {**hidden, **private},
        "simhash_bands": hidden,
        "archive_lock": {**hidden, **private},
        "_sqlite_migrations": hidden,
    }
    meta: dict[str, Any] = {
        "title": "newsarchive",
        "description": (
            "Articles crawled from government news portals. Search finds any word from one "
            "character up; 扶贫 OR 脱贫, 扶贫 -广告 and \"乡村振兴 示范\" work as in "
            "`newsarchive search`."
        ),
        "databases": {db.stem: {"tables": tables}},
    }
    if public:
        meta["allow_sql"] = False
    return meta


def datasette_command(
    db: Path, meta_path: Path, plugins_dir: Path, *, host: str, port: int, public: bool,
    immutable: bool,
) -> list[str]:  # fmt: skip
    """The ``datasette serve`` command line for an archive."""
    command = [
        sys.executable, "-m", "datasette", "serve",
        *(["--immutable", str(db)] if immutable else [str(db)]),
        "--metadata", str(meta_path), "--plugins-dir", str(plugins_dir),
        "--host", host, "--port", str(port),
        "--setting", "facet_time_limit_ms", "2000",
        "--setting", "sql_time_limit_ms", "5000",
    ]  # fmt: skip
    if public:
        command += ["--setting", "default_allow_sql", "off"]
    return command


def run_datasette(
    db: Path, *, host: str, port: int, public: bool = False, immutable: bool = False
) -> int:
    """Serve ``db`` until interrupted (Ctrl-C, or SIGTERM inside ``stop_like_ctrl_c``),
    stopping Datasette before returning; raises ImportError when Datasette is missing."""
    import datasette  # noqa: F401  (fail early, with the caller's message)

    with tempfile.TemporaryDirectory(prefix="newsarchive-datasette-") as workdir:
        meta_path = Path(workdir) / "metadata.json"
        meta_path.write_text(json.dumps(metadata(db, public=public), ensure_ascii=False), "utf-8")
        plugins = Path(workdir) / "plugins"
        plugins.mkdir()
        (plugins / "newsarchive_search.py").write_text(PLUGIN, "utf-8")
        command = datasette_command(
            db, meta_path, plugins, host=host, port=port, public=public, immutable=immutable
        )
        child = subprocess.Popen(command, env={**os.environ, "PYTHONPATH": _import_path()})
        try:
            return child.wait()
        except KeyboardInterrupt:
            return 0
        finally:
            stop(child)


def stop(child: subprocess.Popen[Any]) -> None:
    """Stop a child process and wait for it: SIGTERM, then SIGKILL after 10 s."""
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _import_path() -> str:
    """PYTHONPATH for the child, so the plugin imports this newsarchive."""
    here = str(Path(__file__).resolve().parents[2])
    return os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH")) if p)
