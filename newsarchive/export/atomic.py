"""Files that are either the previous version or the complete new one, never half of it.

An export is written to a hidden temporary file beside its target (same directory, so
the same file system) and renamed onto the target only once every byte is written and
on disk (``fsync``). A killed export leaves the target as it was; a failed or
interrupted one also removes its temporary file. A killed process cannot clean up, so
it may leave ``.NAME.*.part`` behind: that file is never the target.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

PART_SUFFIX = ".part"


def temp_name(target: Path) -> Path:
    """A fresh hidden name beside ``target``: ``.NAME.<random>.part``."""
    return target.with_name(f".{target.name}.{secrets.token_hex(4)}{PART_SUFFIX}")


def _create(target: Path) -> tuple[int, Path]:
    while True:
        path = temp_name(target)
        try:
            # 0o666 minus the umask: the export gets the permissions any new file gets
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), path
        except FileExistsError:
            continue


def _publish(temp: Path, target: Path, replace: bool) -> None:
    """Give ``temp`` the target's name: a rename, or without ``replace`` a hard link,
    which fails if the target appeared meanwhile, so nothing is overwritten unasked."""
    if replace:
        os.replace(temp, target)
        return
    try:
        os.link(temp, target)
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        # a file system without hard links: check, then rename
        if target.exists():
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target)) from None
        os.replace(temp, target)
        return
    temp.unlink()


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable; some file systems cannot sync a directory."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_file(target: Path, *, replace: bool = False) -> Iterator[BinaryIO]:
    """A binary stream whose bytes become ``target`` only if the block finishes.

    Without ``replace`` an existing target raises FileExistsError, before anything is
    written and again at the end if one appeared during the write. Any exception
    (Ctrl-C, a full disk) removes the temporary file and leaves ``target`` untouched.
    """
    if not replace and target.exists():
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target))
    fd, temp = _create(target)
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        _publish(temp, target, replace)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _sync_directory(target.parent)
