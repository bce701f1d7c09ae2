"""Reading a file safely: only a regular file, never more than a limit, never blocking.
Imports nothing heavy (the fast start-up paths read their caches with it)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from mi_coach.base.errors import MiCoachError

MAX_DATA_FILE_BYTES = 5 * 1024 * 1024


def read_bytes(
    path: str | Path, *, max_bytes: int = MAX_DATA_FILE_BYTES, allow_pipe: bool = False
) -> bytes:
    """The bytes of a regular file of at most `max_bytes` (symlinks followed). A folder, FIFO,
    device or socket is refused before anything is read; opening never blocks. With
    `allow_pipe` (a stream the user named: `--responses <(…)`), a FIFO is read to its end,
    still bounded."""
    name = str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except IsADirectoryError:
        raise MiCoachError("is a folder, not a file", path=name) from None
    except FileNotFoundError:
        raise MiCoachError("no such file", path=name) from None
    except PermissionError:
        raise MiCoachError("permission denied", path=name) from None
    except OSError as exc:
        raise MiCoachError(f"cannot read: {exc.strerror or exc}", path=name) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise MiCoachError("is a folder, not a file", path=name)
        if allow_pipe and stat.S_ISFIFO(mode):
            os.set_blocking(fd, True)  # the user's own stream: wait for its writer
        elif not stat.S_ISREG(mode):
            kind = (
                "a FIFO"
                if stat.S_ISFIFO(mode)
                else "a device"
                if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                else "a socket"
                if stat.S_ISSOCK(mode)
                else "not a file"
            )
            raise MiCoachError(f"not a regular file ({kind}); refusing to read it", path=name)
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise MiCoachError(
                    f"file is too large (over {max_bytes:,} bytes, the limit)", path=name
                )
    except OSError as exc:
        raise MiCoachError(f"cannot read: {exc.strerror or exc}", path=name) from None
    finally:
        os.close(fd)
    return b"".join(chunks)
