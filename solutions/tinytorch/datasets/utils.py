"""Files on disk you can trust: checksums, downloads and errors that say what to do.

A data set reader sits on a trust boundary: files come from the internet, from a colleague's
disk, from a download that died half-way. So every reader here follows one rule: *read the
bytes, compare their checksum with a published table, and only then parse them*. A truncated
download or a tampered file is rejected with a message naming the file, the folder it belongs
in and where to get it, instead of surfacing later as a baffling parse error or, for pickled
files, as code running on your machine.

The published checksums are MD5, which is no longer collision resistant; it still detects
truncation and corruption, and matching a *fixed, published* MD5 needs a second preimage,
which remains out of reach. The shipped digits file uses SHA-256.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

#: Seconds to wait for a server before giving up on a download.
DOWNLOAD_TIMEOUT = 30.0


class DatasetFileError(RuntimeError):
    """A data set file is present but truncated, corrupt, unsafe or not what was expected."""


class DownloadError(RuntimeError):
    """A data set file could not be downloaded (offline, or the server refused)."""


def md5_hex(data: bytes) -> str:
    """The MD5 checksum of ``data`` as 32 hex digits (what data set pages publish)."""
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def read_shipped(path: Path, sha256: str, what: str, how_to_rebuild: str) -> bytes:
    """The bytes of a data file shipped with the course, after checking its SHA-256.

    ``what`` names the file in messages ("the digits file"); ``how_to_rebuild`` says how to
    get it back.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        DatasetFileError: its bytes do not match ``sha256``.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{what} is missing: expected it at {path}. {how_to_rebuild}")
    data = path.read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if actual != sha256:
        raise DatasetFileError(
            f"{path} is corrupt or was modified: its SHA-256 is {actual}, expected {sha256}. "
            f"{how_to_rebuild}"
        )
    return data


def read_verified(path: Path, checksums: Mapping[str, str], how_to_get: str) -> bytes:
    """The bytes of ``path``, after checking them against ``checksums[path.name]``.

    Raises:
        FileNotFoundError: ``path`` does not exist (the message says how to get it).
        DatasetFileError: no checksum is known for it, or its bytes do not match.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path.name} is missing: expected it at {path}. {how_to_get}")
    expected = checksums.get(path.name)
    if expected is None:
        raise DatasetFileError(
            f"{path.name}: no known checksum for this file, so it is not read "
            f"(known files: {sorted(checksums)}). {how_to_get}"
        )
    data = path.read_bytes()
    actual = md5_hex(data)
    if actual != expected.lower():
        raise DatasetFileError(
            f"{path} is truncated or corrupt: its MD5 is {actual}, expected {expected} "
            f"({len(data)} bytes read). Delete it and get it again. {how_to_get}"
        )
    return data


def is_verified(path: Path, checksums: Mapping[str, str]) -> bool:
    """Whether ``path`` is present and matches ``checksums[path.name]``: if so, skip its download."""
    try:
        read_verified(path, checksums, "")
    except (FileNotFoundError, DatasetFileError):
        return False
    return True


def download(urls: Sequence[str], path: Path, md5: str) -> None:
    """Fetch ``path`` from the first of ``urls`` that answers, and verify its MD5.

    The file is written next to ``path`` under a temporary name and renamed only once its
    checksum matches, so an interrupted download never leaves a half-written file behind.

    Raises:
        DownloadError: no URL could be reached (the message says where to put the file).
        DatasetFileError: the downloaded bytes do not match ``md5``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    failures = []
    for url in urls:
        try:
            with urlopen(url, timeout=DOWNLOAD_TIMEOUT) as response, partial.open("wb") as out:
                shutil.copyfileobj(response, out)
        except (URLError, OSError) as error:
            partial.unlink(missing_ok=True)
            failures.append(f"{url}: {getattr(error, 'reason', error)}")
            continue
        data = partial.read_bytes()
        if md5_hex(data) != md5.lower():
            partial.unlink()
            raise DatasetFileError(
                f"downloaded {url} but its MD5 is {md5_hex(data)}, expected {md5}; the file "
                "was discarded. Try again later, or download it yourself and put it at "
                f"{path}"
            )
        partial.replace(path)
        return
    tried = "\n  ".join(failures)
    raise DownloadError(
        f"could not download {path.name} (are you offline?). Tried:\n  {tried}\n"
        f"Download it yourself from {urls[0]} and put it at {path}"
    )
