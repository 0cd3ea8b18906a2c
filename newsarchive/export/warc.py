"""WARC for archivists: each stored fetch as a request and a response record, with the
headers and bytes as received and the fetch time as WARC-Date, so ``warcio
index``/``warcio check`` and replay tools (pywb) read it. Gzipped, each record its own
gzip member (what ``.warc.gz`` readers expect), or plain for a ``.warc`` file."""

from __future__ import annotations

from collections.abc import Iterable
from http import HTTPStatus
from io import BytesIO
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsarchive import __version__


def _reason(status: int | None) -> str:
    try:
        return HTTPStatus(status or 200).phrase
    except ValueError:
        return ""


def _request_target(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else ""), parts.netloc


def write_warc(pages: Iterable[dict[str, Any]], out: BinaryIO, *, gzip: bool = True) -> int:
    writer = WARCWriter(out, gzip=gzip)
    writer.write_record(
        writer.create_warcinfo_record(
            None,
            {
                "software": f"newsarchive/{__version__}",
                "format": "WARC File Format 1.0",
                "description": "Pages fetched by newsarchive, exported from its archive",
            },
        )
    )
    count = 0
    for page in pages:
        uri = page["final_url"] or page["url"]
        date = page["fetched_at"]
        protocol = page["protocol"] or "HTTP/1.1"
        body = page["body"]
        response = writer.create_warc_record(
            uri,
            "response",
            payload=BytesIO(body),
            length=len(body),
            http_headers=StatusAndHeaders(
                f"{page['status']} {_reason(page['status'])}".strip(),
                [tuple(h) for h in page["headers"]],
                protocol=protocol,
            ),
            warc_headers_dict={"WARC-Date": date},
        )
        target, host = _request_target(uri)
        sent = page["request_headers"] or [["Host", host]]
        request_body = page["request_body"] or b""
        request = writer.create_warc_record(
            uri,
            "request",
            payload=BytesIO(request_body),
            length=len(request_body),
            http_headers=StatusAndHeaders(
                f"{page['method']} {target} {protocol}",
                [tuple(h) for h in sent],
                is_http_request=True,
            ),
            warc_headers_dict={"WARC-Date": date},
        )
        writer.write_request_response_pair(request, response)
        count += 1
    out.flush()
    return count
