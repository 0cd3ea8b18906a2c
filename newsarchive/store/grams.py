"""Character bigrams for the search index that serves 1- and 2-character words.

Most Chinese words have two characters, and the trigram index cannot look them up. SQLite
has no bigram tokenizer, so text is cut into grams here and the ``articles_grams`` FTS5
table (``ascii`` tokenizer: every non-ASCII character is a token character, so a
space-separated gram is one token) indexes the result. The same functions cut the query,
so both sides always agree.

Matching ignores case, whitespace, ASCII punctuation and invisible format characters:
``乡村 振兴`` in a headline is found by ``乡村振兴``, ``COVID-19`` by ``covid19``. Chinese
punctuation is kept, so ``发展改革`` does not match ``发展，改革``.

Every character starts one token: the bigram it begins, or the last character alone.
A 1-character query is therefore a prefix query (``"贫"*``), a 2-character one a single
token, a longer one a phrase of consecutive bigrams. The index stores no text
(contentless), so deleting a row re-cuts its old text: changing ``index_text`` needs a
migration that rebuilds the table.
"""

from __future__ import annotations

import re
import sqlite3

FUNCTION = "newsarchive_grams"  # the SQL name the index triggers call

_IGNORED = re.compile(
    r"[\s\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x9f\xad\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    r"\ufeff\ufff9-\ufffb]+"
)
# What may stand between two characters of a match in the original text.
IGNORABLE = _IGNORED.pattern[:-1] + "*"


def normalize(text: str | None) -> str:
    """The characters that matching looks at, lower-cased."""
    return _IGNORED.sub("", text or "").lower()


def tokens(text: str | None) -> list[str]:
    """One token per character: the bigram it starts, the last character alone."""
    chars = normalize(text)
    return [chars[i : i + 2] for i in range(len(chars))]


def index_text(text: str | None) -> str:
    """What the index is given for a title or a body."""
    return " ".join(tokens(text))


def match_phrase(term: str) -> str | None:
    """The FTS5 expression finding ``term`` anywhere, or None when it has nothing to match."""
    chars = normalize(term)
    if not chars:
        return None
    if len(chars) == 1:
        return f'"{chars}"*'
    return '"' + " ".join(chars[i : i + 2] for i in range(len(chars) - 1)) + '"'


def register(conn: sqlite3.Connection) -> None:
    """Make ``newsarchive_grams(text)`` callable on ``conn`` (the triggers need it)."""
    conn.create_function(FUNCTION, 1, index_text, deterministic=True)
