"""Articles split over several pages: the later pages' text, pictures and files join the
first page's, in page order. One rule for the crawl and for re-extraction, so that
re-reading stored pages rebuilds exactly the article the crawl stored."""

from __future__ import annotations

from typing import Any


def join_part(article: dict[str, Any], part: dict[str, Any]) -> dict[str, Any]:
    """Append a continuation page (``Article.to_dict()`` of it) to ``article``, in place."""
    if not part.get("body"):
        return article
    article["body"] = "\n".join(x for x in (article.get("body"), part["body"]) if x)
    article["images"] = article.get("images", []) + [i for i in part.get("images", []) if i not in article.get("images", [])]
    article["attachments"] = article.get("attachments", []) + [
        a for a in part.get("attachments", []) if a not in article.get("attachments", [])
    ]
    return article
