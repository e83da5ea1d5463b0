"""The site's folder written whole or not at all (docs/design.md §7.3).

Every page is written into a new hidden folder beside the output; only when all are written is it
renamed to the output's name. An existing empty folder is replaced; a folder that holds a site
written before is replaced with ``force``; any other folder that holds files is never touched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from jiceng.graphmodel import OutputError
from jiceng.loaders.atomic import describe_os_error

__all__ = ["site_folder", "MARKER"]

#: The file every site holds (the search index): what says a folder is a site jiceng wrote.
MARKER = "search-index.js"


def _check_target(output: Path, force: bool) -> None:
    """Refuse an output that is a file, a folder with files (without ``force``), or a folder
    with files that is not a site (whatever ``force`` says: it may hold someone's work)."""
    if output.is_symlink() or (output.exists() and not output.is_dir()):
        raise OutputError(output, "这是一个已有的文件，不是文件夹", "it is an existing file, not a folder")
    if not output.is_dir() or not any(output.iterdir()):
        return
    if not (output / MARKER).is_file() or not (output / "index.html").is_file():
        raise OutputError(output, "这个文件夹不为空，也不是 jiceng site 写出的网站，不会替换；请给出"
                                  "新的或空的文件夹",
                          "the folder is not empty and is not a site jiceng wrote, so it is not "
                          "replaced; give a new or an empty folder")
    if not force:
        raise OutputError(output, "这里已有一个网站；确要替换请加 --force",
                          "it holds a site written before; add --force to replace it")


@contextmanager
def site_folder(output: str | os.PathLike, *, force: bool = False) -> Iterator[Path]:
    """Yield a new empty folder beside ``output``; when the block ends without an error it
    becomes ``output`` (the old site, with ``force``, is removed only after), else it is
    removed and ``output`` is left as it was. Refusals and the system's errors are
    :class:`OutputError` (docs/design.md §7.3)."""
    output = Path(output)
    _check_target(output, force)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=f".{output.name[:40]}.", dir=output.parent))
    except OSError as error:
        raise describe_os_error(output, error) from None
    try:
        yield building
        _swap(building, output)
    finally:
        with suppress(OSError):
            if building.exists():
                shutil.rmtree(building)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _swap(building: Path, output: Path) -> None:
    """``building`` becomes ``output``; an old ``output`` is moved aside first and removed
    after (put back when the rename fails)."""
    try:
        building.chmod(0o777 & ~_umask())  # readable as any folder made here (mkdtemp: 0700)
        old = None
        if output.is_dir():
            old = Path(tempfile.mkdtemp(prefix=f".{output.name[:40]}.old.", dir=output.parent))
            os.replace(output, old / "site")
        try:
            os.replace(building, output)
        except OSError:
            if old is not None:
                os.replace(old / "site", output)
            raise
    except OSError as error:
        raise describe_os_error(output, error) from None
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
