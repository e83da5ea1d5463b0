"""jiceng cache: where the datasets' caches lie, and removing them."""

from __future__ import annotations

import click

from jiceng.cli.options import say
from jiceng.loaders.cache import cache_folder, clear_cache

__all__ = ["cache_group"]


@click.group("cache")
def cache_group() -> None:
    """缓存：读过的数据集的校验结果，下次读取更快；查看位置、清除 (The cache of datasets read).

    jiceng 第一次读取并校验一个数据集后，把结果存为缓存（Arrow 文件，放在用户缓存文件夹里，
    不写进数据集文件夹）；数据文件有任何改动，就重新读取。
    `jiceng --no-cache 命令 …` 这一次不用缓存；环境变量 JICENG_CACHE_DIR 指定缓存文件夹。

    A dataset read and validated once is kept as Arrow files in the user's cache folder (never
    in the dataset's folder) and loaded from there until one of its files changes.
    `jiceng --no-cache COMMAND ...` reads the files this once; JICENG_CACHE_DIR moves the folder.

    \b
    Example:
      jiceng cache path
      jiceng --no-cache audit mydata/
      jiceng cache clear
    """


@cache_group.command("path")
def path() -> None:
    """显示缓存文件夹的位置 (Print the cache folder).

    \b
    Example:
      jiceng cache path
    """
    click.echo(str(cache_folder()))


@cache_group.command("clear")
def clear() -> None:
    """删除全部缓存文件；数据集下次读取时重新校验 (Remove every cache file).

    \b
    Example:
      jiceng cache clear
    """
    folder = cache_folder()
    removed = clear_cache(folder)
    say(f"已删除 {removed} 个缓存文件（removed {removed} cache files）：{folder}")
