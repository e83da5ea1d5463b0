"""Write a file whole or not at all: a temporary file beside it, then a rename.

Every operating-system error on the way (a read-only folder, a full disk, a name too
long, a parent that is a file, permission denied) becomes :class:`OutputError`, which
names the path and the reason in Chinese then English; the temporary file is removed
on every error and on an interrupt, and the target is left as it was.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

from jiceng.graphmodel import JicengError

__all__ = ["OutputError", "atomic_path", "atomic_open", "write_text_atomic", "describe_os_error"]

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


class OutputError(JicengError, OSError):
    """An output could not be written (or was refused); names the path and the reason.

    Also an :class:`OSError`, so callers that catch that keep working.
    """

    def __init__(self, path: str | os.PathLike, reason_zh: str, reason_en: str,
                 code: int | None = None):
        self.path = Path(path)
        self.reason_zh = reason_zh
        self.reason_en = reason_en
        self.code = code
        super().__init__(f"无法写入 {self.path}：{reason_zh}（cannot write {self.path}: {reason_en}）")

    def __str__(self) -> str:
        return str(self.args[0])


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
    target = Path(path)
    temporary: Path | None = None
    try:
        if target.is_dir():
            raise OutputError(target, "这是一个文件夹", "is a folder", errno.EISDIR)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{target.name[:_PREFIX_CHARS]}.", suffix=".part",
                                    dir=target.parent)
        temporary = Path(name)
        os.close(fd)
        yield temporary
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
        temporary = None
    except OutputError:
        raise
    except OSError as error:
        raise describe_os_error(target, error) from error
    finally:
        if temporary is not None:
            with suppress(OSError):
                temporary.unlink(missing_ok=True)


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
