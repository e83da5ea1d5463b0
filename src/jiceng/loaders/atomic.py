"""Write a file whole or not at all: a temporary file beside it, then a rename (several files
together: all new or all as they were).

Every operating-system error on the way (a read-only folder, a full disk, a name too
long, a parent that is a file, permission denied) becomes :class:`OutputError`, which
names the path and the reason in Chinese then English; the temporary file is removed
on every error and on an interrupt, and the target is left as it was.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

from jiceng.graphmodel import OutputError

__all__ = ["OutputError", "atomic_path", "atomic_paths", "atomic_open", "write_text_atomic",
           "describe_os_error"]

#: Reasons in Chinese for the errors a write meets most often.
_REASONS_ZH = {
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "磁盘配额已满",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.EROFS: "只读文件系统",
    errno.ENAMETOOLONG: "文件名过长",
    errno.ENOTDIR: "路径中有一段是文件而不是文件夹",
    errno.EISDIR: "这是一个文件夹",
    errno.EEXIST: "路径中有一段是已存在的文件",
    errno.ENOENT: "文件夹不存在",
    errno.EIO: "输入输出错误",
}

#: Longest part of the target's name kept in the temporary file's name, so that a
#: name that is itself near the file system's limit still gets a temporary file.
_PREFIX_CHARS = 40


def describe_os_error(path: str | os.PathLike, error: OSError) -> OutputError:
    """The :class:`OutputError` for ``error`` met while writing ``path``."""
    code = error.errno
    reason_en = error.strerror or type(error).__name__
    reason_zh = _REASONS_ZH.get(code, "系统错误") if code is not None else "系统错误"
    return OutputError(path, reason_zh, reason_en, code)


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path``.

    On an exception (or an interrupt) the temporary file is removed and ``path``
    is left as it was; operating-system errors become :class:`OutputError`.
    """
    with atomic_paths([path]) as (temporary,):
        yield temporary


@contextmanager
def atomic_paths(paths: Sequence[str | os.PathLike]) -> Iterator[list[Path]]:
    """Yield a temporary path beside each of ``paths``; on success they replace ``paths``
    together: afterwards every one holds its new file, or every one is as it was.

    Each old file is kept (a hard link, else a copy) until all the new ones are in place; an
    error on the way puts the old ones back. SIGINT and SIGTERM arriving during the renames
    take effect once they are done. On an exception (or an interrupt) before, the temporary
    files are removed and ``paths`` left as they were; operating-system errors become
    :class:`OutputError`.
    """
    targets = [Path(p) for p in paths]
    temporaries: list[Path] = []
    current = targets[0] if targets else Path()
    try:
        for current in targets:
            if current.is_dir():
                raise OutputError(current, "这是一个文件夹", "is a folder", errno.EISDIR)
            current.parent.mkdir(parents=True, exist_ok=True)
            temporaries.append(_temporary_beside(current, ".part"))
        yield list(temporaries)
        for temporary in temporaries:
            os.chmod(temporary, 0o644)
        with _signals_held():
            _replace_together(temporaries, targets)
        temporaries = []
    except OutputError:
        raise
    except OSError as error:
        failed = Path(error.filename) if isinstance(error.filename, (str, os.PathLike)) else None
        raise describe_os_error(failed if failed in targets else current, error) from error
    finally:
        for temporary in temporaries:
            with suppress(OSError):
                temporary.unlink(missing_ok=True)


def _temporary_beside(target: Path, suffix: str) -> Path:
    """A new empty file in ``target``'s folder, hidden, named after it."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name[:_PREFIX_CHARS]}.", suffix=suffix,
                                dir=target.parent)
    os.close(fd)
    return Path(name)


def _replace_together(temporaries: list[Path], targets: list[Path]) -> None:
    """Rename each temporary file over its target; if one rename fails, undo those done."""
    if len(targets) == 1:
        os.replace(temporaries[0], targets[0])
        return
    backups: list[Path | None] = []
    try:
        for target in targets:
            backups.append(_backup(target) if target.exists() else None)
        for temporary, target in zip(temporaries, targets):
            os.replace(temporary, target)
    except BaseException:
        for temporary, target, backup in zip(temporaries, targets, backups):
            if temporary.exists():  # not renamed yet (its name is ours alone)
                continue
            with suppress(OSError):
                if backup is None:
                    target.unlink()
                else:
                    os.replace(backup, target)
        raise
    finally:
        for backup in backups:
            if backup is not None:
                with suppress(OSError):
                    backup.unlink(missing_ok=True)


def _backup(target: Path) -> Path:
    """A second name for ``target``'s file (a hard link, else a copy), hidden beside it."""
    backup = _temporary_beside(target, ".old")
    try:
        backup.unlink()
        os.link(target, backup)
    except OSError:  # a file system without hard links
        shutil.copyfile(target, backup)
    return backup


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block is done (a few renames): an interrupt then
    takes effect after them, never between them. Python runs signal handlers in the main
    thread only, so elsewhere there is nothing to hold."""
    caught: list[int] = []

    def hold(signum: int, frame: object) -> None:
        caught.append(signum)

    previous: dict[int, Any] = {}
    try:
        for held in (signal.SIGINT, signal.SIGTERM):
            previous[held] = signal.signal(held, hold)
    except ValueError:  # not the main thread
        pass
    try:
        yield
    finally:
        for restored, handler in previous.items():
            signal.signal(restored, handler if handler is not None else signal.SIG_DFL)
        for number in caught:  # as it would have been handled
            handler = previous[number]
            if callable(handler):
                handler(number, None)
            elif handler in (signal.SIG_DFL, None):
                signal.raise_signal(number)


@contextmanager
def atomic_open(path: str | os.PathLike, mode: str = "w", *, encoding: str | None = "utf-8",
                newline: str | None = None) -> Iterator[IO]:
    """Open a temporary file for writing that replaces ``path`` when closed without error."""
    with atomic_path(path) as temporary:
        text = "b" not in mode
        with open(temporary, mode, encoding=encoding if text else None,
                  newline=newline if text else None) as handle:
            yield handle


def write_text_atomic(path: str | os.PathLike, text: str, *, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically."""
    with atomic_open(path, "w", encoding=encoding) as handle:
        handle.write(text)
