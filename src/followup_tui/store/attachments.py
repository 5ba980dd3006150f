"""The attachment folder: filed documents' bytes, stored once under their sha256.

Content addressing is what makes filing safe to repeat: the same scan filed for three
orders is one file on disk, a crash between writing the file and writing the row leaves
an orphan that the next filing of that file simply reuses, and an export can be checked
against its name. The folder sits next to the SQLite store (so a backup of the folder
holds both), or in the data folder for a PostgreSQL store. Files are 0600 in 0700
folders, like the store file itself (``location.prepare_sqlite_file``): contracts and
letters of credit are not for every account on a shared machine.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from followup_tui.store.location import StoreLocation

ATTACHMENTS_FOLDER = "attachments"
#: Read and hash in pieces, so a 100 MB scan never sits in memory whole.
CHUNK_SIZE = 1 << 20
_TEMP_PREFIX = ".incoming-"


class BlobTooLarge(Exception):
    """The file grew past the limit while it was being copied (it was checked before)."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"{size} > {limit}")
        self.size = size
        self.limit = limit


def attachment_root(location: StoreLocation, environ: Mapping[str, str] | None = None) -> Path:
    """``<store dir>/attachments`` for a SQLite file, ``<data dir>/attachments`` otherwise."""
    if location.path is not None:
        return location.path.parent / ATTACHMENTS_FOLDER
    from followup_tui.config import data_dir

    return data_dir(environ) / ATTACHMENTS_FOLDER


def blob_path(root: Path, sha256: str) -> Path:
    """Where the file with this hash lives: ``<root>/<sha[:2]>/<sha>``."""
    return root / sha256[:2] / sha256


def _private_folder(path: Path) -> None:
    """Create ``path`` (and parents) 0700; an existing folder is left as it is."""
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.chmod(0o700)


def _fsync_folder(path: Path) -> None:
    """Make a rename durable; some file systems cannot open a folder, which is harmless."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError as error:
        # Some file systems refuse to sync a folder (EINVAL); the file itself was synced
        # before the rename. Anything else (EIO: the disk failed) is the caller's to see.
        if error.errno not in (errno.EINVAL, errno.EBADF, errno.ENOTSUP):
            raise
    finally:
        os.close(descriptor)


def store_blob(
    root: Path, source_path: Path, *, size_limit: int | None = None
) -> tuple[str, int, Path]:
    """Copy ``source_path`` into the store: (sha256, size, stored path).

    One pass reads, hashes and copies into a private temporary file inside ``root``; the
    file is fsynced and renamed to its hash name, so a reader never sees half a file. When
    the hash is already stored, the copy is dropped and the stored file reused.
    ``size_limit`` guards against a file that grows while it is read.
    """
    _private_folder(root)
    digest = hashlib.sha256()
    size = 0
    descriptor, temp_name = tempfile.mkstemp(prefix=_TEMP_PREFIX, dir=root)
    temp = Path(temp_name)
    try:
        with os.fdopen(descriptor, "wb") as out, source_path.open("rb") as source:
            while chunk := source.read(CHUNK_SIZE):
                size += len(chunk)
                if size_limit is not None and size > size_limit:
                    raise BlobTooLarge(size, size_limit)
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        sha = digest.hexdigest()
        target = blob_path(root, sha)
        if target.exists():
            temp.unlink()
            return sha, size, target
        _private_folder(target.parent)
        os.replace(temp, target)
        _fsync_folder(target.parent)
        return sha, size, target
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise


def hash_file(path: Path) -> str:
    """The sha256 of a file, read in pieces (an export is checked with it)."""
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(CHUNK_SIZE):
            digest.update(chunk)
    return digest.hexdigest()
