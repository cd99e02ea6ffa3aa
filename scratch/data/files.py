"""Shared helpers for loaders of files the user already has: finding them, reading them, clear errors."""

import gzip
import os
import zlib
from pathlib import Path

GZIP_MAGIC = b"\x1f\x8b"


def existing_dir(root: str | os.PathLike, what: str, expected: str) -> Path:
    """``root`` as a Path, or FileNotFoundError / NotADirectoryError saying what the directory should hold."""
    path = Path(root).expanduser()
    if not path.exists():
        raise FileNotFoundError(
            f"{what}: directory {str(path)!r} does not exist; expected a directory holding {expected}"
        )
    if not path.is_dir():
        hint = " (unpack the archive first)" if path.name.endswith((".tar.gz", ".tgz", ".tar", ".zip")) else ""
        raise NotADirectoryError(
            f"{what}: {str(path)!r} is a file, not a directory{hint}; expected a directory holding {expected}"
        )
    return path


def read_maybe_gzip(path: Path) -> bytes:
    """The file's bytes, decompressed when they start with the gzip magic number (whatever the file's name)."""
    data = path.read_bytes()
    if not data.startswith(GZIP_MAGIC):
        return data
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as error:  # BadGzipFile is an OSError; a cut stream is an EOFError
        raise ValueError(f"{str(path)!r}: corrupt or truncated gzip file ({error})") from error
