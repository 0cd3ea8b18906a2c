"""The one serializer for everything that crosses Redis: requests in the shared queue and
items on their way to ``newsarchive ingest``.

JSON rather than pickle, so that whoever can write to the Redis server cannot make the
workers run code, and so that machines with different Python versions share one queue.
Plain JSON loses what crawl data is made of (raw bodies as bytes, aware datetimes, header
dicts with bytes keys, tuples), so those travel as small tagged objects and come back as
the same types:

- ``{"$b": base64}`` bytes, ``{"$dt": iso}`` datetime, ``{"$d": iso}`` date
- ``{"$t": [...]}`` tuple
- ``{"$m": [[key, value], ...]}`` a dict whose keys are not all plain strings (or that
  starts with ``$``, which would read as a tag)

Anything else that JSON cannot hold is an error at ``dumps``, not a silent ``str()``.
"""

from __future__ import annotations

import base64
import json
from datetime import date, datetime
from typing import Any


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$b": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, datetime):  # before date: a datetime is a date
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, tuple):
        return {"$t": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) and not k.startswith("$") for k in value):
            return {k: _encode(v) for k, v in value.items()}
        return {"$m": [[_encode(k), _encode(v)] for k, v in value.items()]}
    raise TypeError(f"cannot send a {type(value).__name__} through Redis: {value!r:.80}")


def _decode(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        ((tag, payload),) = obj.items()
        if tag == "$b":
            return base64.b64decode(payload)
        if tag == "$dt":
            return datetime.fromisoformat(payload)
        if tag == "$d":
            return date.fromisoformat(payload)
        if tag == "$t":
            return tuple(payload)
        if tag == "$m":
            return {k: v for k, v in payload}
    return obj


def dumps(obj: Any) -> bytes:
    """Serialize a request dict or a crawl item to compact UTF-8 JSON."""
    return json.dumps(_encode(obj), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def loads(data: bytes | str) -> Any:
    """The inverse of ``dumps``."""
    return json.loads(data, object_hook=_decode)
