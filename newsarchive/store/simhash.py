"""Near-duplicate fingerprints: 64-bit SimHash over character 3-gram shingles.

Why these numbers. Chinese has no word boundaries, so shingles are character 3-grams of
the text with spaces and punctuation removed (formatting differences vanish). For two
bodies whose shingle sets have angle θ, each SimHash bit differs with probability θ/π
(Charikar 2002), so the expected Hamming distance is 64·θ/π. A distance of at most 3 bits
(the setting Manku, Jain & Das Sarma validated for 8 billion web pages with 64-bit
fingerprints) means θ ≲ 8°, a cosine ≳ 0.99: a republished story whose copy lost or
gained a source line or an editor's name. Different stories, even on the same topic and
in the same officialese, share far fewer 3-grams and land 20–30 bits apart. The
threshold is deliberately strict: a missed grouping costs little (both rows stay, each
with its own story), a false one merges unrelated stories.

Lookups are not a scan: by the pigeonhole principle, two fingerprints within 3 bits agree
exactly on at least one of 4 blocks of 16 bits, so each article is indexed under its 4
(block, value) keys and only articles sharing a key are compared.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

BITS = 64
MAX_DISTANCE = 3
BLOCKS = MAX_DISTANCE + 1
BLOCK_BITS = BITS // BLOCKS
SHINGLE = 3
# Below this many normalized characters a fingerprint says little (one changed character
# moves several percent of the shingles), and short notices like "详见附件" are identical
# across unrelated articles; such bodies get no fingerprint.
MIN_CHARS = 60

# Per bit, a table mapping each byte value to that bit (0 or 1), for translate().
_BIT_TABLES = [bytes((value >> bit) & 1 for value in range(256)) for bit in range(8)]
_NOT_WORD = re.compile(r"[\W_]+")
_CACHE_LIMIT = 1_000_000


def normalize_text(text: str | None) -> str:
    """Letters and digits only, NFKC-folded and lower-cased: the text a reader compares."""
    if not text:
        return ""
    # Punctuation goes first: what remains (CJK) passes NFKC's quick check untouched.
    text = unicodedata.normalize("NFKC", _NOT_WORD.sub("", text)).lower()
    return _NOT_WORD.sub("", text)


class _Digests(dict[str, bytes]):
    """8-byte hashes of shingles. Government prose repeats its 3-grams heavily, so a
    cache looked up from C (``map(cache.__getitem__, ...)``) makes most hashes free."""

    def __missing__(self, shingle: str) -> bytes:
        digest = self[shingle] = hashlib.blake2b(shingle.encode(), digest_size=8).digest()
        return digest


_digests = _Digests()


def simhash(text: str | None) -> int | None:
    """The unsigned 64-bit SimHash of ``text``, or ``None`` when it is too short to judge."""
    norm = normalize_text(text)
    if len(norm) < MIN_CHARS:
        return None
    if len(_digests) > _CACHE_LIMIT:
        _digests.clear()
    shingles = {norm[i : i + SHINGLE] for i in range(len(norm) - SHINGLE + 1)}
    packed = b"".join(map(_digests.__getitem__, shingles))
    half = len(shingles) / 2
    value = 0
    # Count, per bit position, how many shingle hashes have it set: byte columns are
    # sliced out of the packed digests and counted in C rather than bit by bit in Python.
    for byte in range(8):
        column = packed[byte::8]
        for bit in range(8):
            if column.translate(_BIT_TABLES[bit]).count(1) > half:
                value |= 1 << (byte * 8 + bit)
    return value


def distance(a: int, b: int) -> int:
    """Hamming distance of two fingerprints (signed or unsigned)."""
    return ((a ^ b) & 0xFFFFFFFFFFFFFFFF).bit_count()


def to_signed(value: int) -> int:
    """SQLite integers are signed 64-bit."""
    return value - (1 << 64) if value >= 1 << 63 else value


def band_keys(value: int) -> list[int]:
    """The index keys of a fingerprint: block number and block value in one integer."""
    value &= 0xFFFFFFFFFFFFFFFF
    mask = (1 << BLOCK_BITS) - 1
    return [
        (block << BLOCK_BITS) | ((value >> (block * BLOCK_BITS)) & mask) for block in range(BLOCKS)
    ]
