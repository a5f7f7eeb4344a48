"""One updater per index, and no stale lock a user must delete by hand.

The lock is an OS advisory lock (``flock``) on ``<index>/update.lock``: the kernel
drops it when the holder dies, even on ``kill -9``, so a crashed ``reader index``
never blocks the next one.  The holder writes its pid into the file so the error
message can name it.  On platforms without ``fcntl`` we fall back to an
exclusive-create pid file and treat a pid that no longer runs as stale.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import IndexLocked

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


_HELD: set[int] = set()  # fds of locks this process holds


def release_inherited() -> None:
    """In a forked child: close inherited lock fds so the lock dies with the parent.

    ``flock`` belongs to the open file description, which ``fork`` shares; a worker
    that outlived a killed parent would otherwise keep the index locked.
    """
    for fd in list(_HELD):
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD.clear()


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _read_pid(path: Path) -> int:
    try:
        return int(path.read_text(encoding="ascii").strip() or 0)
    except (OSError, ValueError):
        return 0


class UpdateLock:
    """Context manager: exclusive, non-blocking; raises IndexLocked naming the holder."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    def acquire(self) -> None:
        if fcntl is None:  # pragma: no cover
            self._acquire_pidfile()
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            pid = _read_pid(self.path)
            who = f" (pid {pid})" if pid else ""
            raise IndexLocked(
                f"another reader process{who} is updating the index at {self.path.parent}; "
                "wait for it to finish"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode("ascii"))
        self._fd = fd
        _HELD.add(fd)

    def _acquire_pidfile(self) -> None:  # pragma: no cover - exercised on Windows only
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                pid = _read_pid(self.path)
                if _pid_alive(pid) and pid != os.getpid():
                    raise IndexLocked(
                        f"another reader process (pid {pid}) is updating the index at "
                        f"{self.path.parent}; wait for it to finish"
                    ) from None
                self.path.unlink(missing_ok=True)  # stale: its owner is gone
                continue
            os.write(fd, str(os.getpid()).encode("ascii"))
            self._fd = fd
            return
        raise IndexLocked(f"could not lock {self.path}")

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        _HELD.discard(fd)
        if fcntl is not None:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
        else:  # pragma: no cover
            os.close(fd)
            self.path.unlink(missing_ok=True)

    def __enter__(self) -> UpdateLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def is_locked(path: Path) -> bool:
    """True while a live process holds the update lock (for status displays)."""
    if fcntl is None:  # pragma: no cover
        return path.exists() and _pid_alive(_read_pid(path))
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False
