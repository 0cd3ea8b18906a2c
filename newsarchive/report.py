"""``newsarchive report``: one HTML page of charts about an archive, readable offline.

The charts are drawn by plotly (an optional extra), whose JavaScript is embedded once in
the page, so the file opens on a machine with no network and can be mailed as it is.
Every number comes from ``newsarchive.store.stats``.
"""

from __future__ import annotations

import html
import sqlite3
from collections import defaultdict
from datetime import datetime, timezone
from typing import Any

from newsarchive.store import stats

FIELDS = tuple(stats.PRESENT)
RUN_SERIES = ("new", "updated", "errors", "blocked")


def _figure_html(figure: Any, div_id: str) -> str:
    return figure.to_html(full_html=False, include_plotlyjs=False, div_id=div_id)


def months_chart(rows: list[dict[str, Any]]) -> Any:
    """Stacked bars: articles per month, one colour per portal and section."""
    import plotly.graph_objects as go

    series: dict[str, dict[str, int]] = defaultdict(dict)
    for row in rows:
        series[f"{row['portal']} · {row['section'] or '(none)'}"][row["month"]] = row["articles"]
    figure = go.Figure(
        [
            go.Bar(name=name, x=list(counts), y=list(counts.values()))
            for name, counts in series.items()
        ]
    )
    figure.update_layout(barmode="stack", xaxis_title="month", yaxis_title="articles")
    return figure


def section_coverage_chart(groups: list[dict[str, Any]]) -> Any:
    """Heat map: share of each section's articles that have each field."""
    import plotly.graph_objects as go

    labels = [f"{g['portal']} · {g['section'] or '(none)'}" for g in groups]
    shares = [[round(100 * (g["coverage"][f] or 0)) for f in FIELDS] for g in groups]
    figure = go.Figure(
        go.Heatmap(
            z=shares,
            x=list(FIELDS),
            y=labels,
            zmin=0,
            zmax=100,
            colorscale="Blues",
            text=[[f"{v}%" for v in row] for row in shares],
            texttemplate="%{text}",
            colorbar={"title": "%"},
        )
    )
    figure.update_layout(height=max(300, 40 * len(labels) + 120), yaxis={"autorange": "reversed"})
    return figure


def coverage_history_chart(rows: list[dict[str, Any]]) -> Any:
    """Lines: each field's share per portal over the last runs (a drop is a new template)."""
    import plotly.graph_objects as go

    figure = go.Figure()
    portals = sorted({row["portal"] for row in rows})
    for portal in portals:
        mine = [row for row in rows if row["portal"] == portal]
        for field in FIELDS:
            figure.add_trace(
                go.Scatter(
                    name=f"{portal}: {field}" if len(portals) > 1 else field,
                    x=[f"#{row['run_id']}" for row in mine],
                    y=[round(100 * row["coverage"][field]) for row in mine],
                    mode="lines+markers",
                )
            )
    figure.update_layout(xaxis_title="run", yaxis_title="% of the run's articles",
                         yaxis_range=[0, 105])  # fmt: skip
    return figure


def run_history_chart(runs: list[dict[str, Any]]) -> Any:
    """Grouped bars per run: articles new and updated, pages in error and blocked."""
    import plotly.graph_objects as go

    x = [f"#{run['id']} {run['started_at'][:10]}" for run in runs]
    figure = go.Figure([go.Bar(name=key, x=x, y=[run[key] for run in runs]) for key in RUN_SERIES])
    figure.update_layout(barmode="group", xaxis_title="run", yaxis_title="count")
    return figure


def _table(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{html.escape(str(row.get(c) or ''))}</td>" for c in columns)
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


_STYLE = """
body { font-family: system-ui, "Noto Sans CJK SC", sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; } td, th { padding: .3em .8em; border-bottom: 1px solid #eee; text-align: left; }
p.empty { color: #777; }
"""


def build_report(conn: sqlite3.Connection, portal: str | None = None, title: str = "") -> str:
    """The whole page as HTML text (needs the ``report`` extra: plotly)."""
    from plotly.offline import get_plotlyjs

    sections: list[tuple[str, str, str]] = []  # (heading, note, body)

    def chart(heading: str, note: str, rows: list[Any], make: Any, div_id: str) -> None:
        body = (
            _figure_html(make(rows), div_id)
            if rows
            else '<p class="empty">Nothing recorded yet.</p>'
        )
        sections.append((heading, note, body))

    chart(
        "Articles per month",
        "By publication month (first seen when undated), per portal and section.",
        stats.articles_per_month(conn, portal),
        months_chart,
        "articles-per-month",
    )
    chart(
        "Field coverage per section",
        "Share of each section's articles with the field.",
        stats.section_coverage(conn, portal),
        section_coverage_chart,
        "section-coverage",
    )
    chart(
        "Field coverage over the last runs",
        "Per run, the share of the articles it stored that had each field: a drop suggests a changed page template.",
        stats.coverage_history(conn, portal),
        coverage_history_chart,
        "coverage-history",
    )
    chart("Run history", "Per run: articles new and updated, pages that failed (errors) or met an anti-bot challenge (blocked).",
          stats.run_history(conn, portal), run_history_chart, "run-history")  # fmt: skip
    walks = [w for w in stats.unfinished_walks(conn) if portal in (None, w["portal"])]
    sections.append(
        (
            "Unfinished walks",
            "Section paginations and article chains that stopped before their end.",
            _table(walks, ("portal", "name", "status", "reason", "updated_at"))
            if walks
            else '<p class="empty">None: every walk reached its end.</p>',
        )
    )
    made = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    heading = html.escape(title or "newsarchive report") + (
        f" — {html.escape(portal)}" if portal else ""
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh"><head><meta charset="utf-8">',
        f"<title>{heading}</title><style>{_STYLE}</style>",
        f"<script>{get_plotlyjs()}</script>",
        "</head><body>",
        f"<h1>{heading}</h1><p>Made {made}.</p>",
    ]
    for name, note, body in sections:
        parts.append(
            f"<section><h2>{html.escape(name)}</h2><p>{html.escape(note)}</p>{body}</section>"
        )
    parts.append("</body></html>")
    return "\n".join(parts)
