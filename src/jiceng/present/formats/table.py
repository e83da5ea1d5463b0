"""A report as tables on screen (rich): the sections meant for the screen, capped.

A table is laid out for the console's width so that no name is ever lost: a column holding names
(``name``, ``street_name`` …) keeps its content's whole width and never wraps. When the table is
too wide, first the headings drop their English half (``覆盖率 (coverage)`` → ``覆盖率``), then titles
and other text wrap, then secondary columns leave from the right: numbers are left out with a note
saying which, text moves to a second table below, keyed by the row's first column and name.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from jiceng.present.cells import full_list_note, people_frame, visible
from jiceng.present.labels import COLUMN_LABELS, ID_COLUMNS, heading
from jiceng.present.model import Document, Section

__all__ = ["render_table", "is_name_column"]

#: A name wider than this (in terminal cells) may fold: beyond it no screen has room anyway.
NAME_CAP = 48
#: The narrowest a wrapping text column (a rule's title, a reason) is made.
TEXT_MIN = 14
#: The narrowest a heading of a number is made (it wraps below it: 最弱规则 / 覆盖率).
NUMBER_HEADING_MIN = 8
#: The columns that say what a row is about, kept whatever the width (besides the first column
#: and the names).
PRIMARY = ("score", "coverage", "status")


def is_name_column(code: str) -> bool:
    """Whether a column holds names (of places, organizations, kinds), never squeezed."""
    return code == "name" or code.endswith("_name")


@dataclass
class _Column:
    code: str
    cells: list[str]
    numeric: bool
    key: bool = False  # the table's first column: what each row is

    @property
    def zh(self) -> str:
        return COLUMN_LABELS.get(self.code, self.code)

    @property
    def full(self) -> str:
        return heading(self.code)

    @property
    def content(self) -> int:
        return max((cell_len(c) for c in self.cells), default=0)

    def natural(self, short: bool) -> int:
        return max(self.content, cell_len(self.zh if short else self.full))

    def least(self) -> int:
        """The narrowest this column may be with a Chinese heading."""
        if is_name_column(self.code):
            return max(min(self.content, NAME_CAP), min(cell_len(self.zh), NAME_CAP))
        if self.numeric or self.is_code():
            return max(self.content, min(cell_len(self.zh), NUMBER_HEADING_MIN))
        return min(self.natural(short=True), TEXT_MIN)

    def is_code(self) -> bool:
        """An id or a code (``C00017``, ``grid-branch``): cut, it would read as another."""
        return self.key or self.code in ID_COLUMNS

    def wraps(self) -> bool:
        return not (is_name_column(self.code) or self.numeric or self.is_code())


def _overhead(count: int) -> int:
    """Borders and padding of a table of ``count`` columns (rich's default box, padding 1)."""
    return 3 * count + 1


def _widths(columns: list[_Column], room: int) -> list[int]:
    """Widths for ``columns`` within ``room`` cells, each at least its least; the room left is
    given to the wrapping columns up to their natural width."""
    widths = [c.least() for c in columns]
    spare = room - sum(widths)
    for index, column in enumerate(columns):
        if spare <= 0:
            break
        grow = min(spare, column.natural(short=True) - widths[index])
        if grow > 0:
            widths[index] += grow
            spare -= grow
    return widths


def _leaving(columns: list[_Column]) -> list[_Column]:
    """The columns that may leave a narrow table, in the order they leave: the secondary ones
    from the right, then the names after the first from the right."""
    names = [c for c in columns[1:] if is_name_column(c.code)]
    secondary = [c for c in columns[1:] if not is_name_column(c.code) and c.code not in PRIMARY]
    return secondary[::-1] + names[1:][::-1]


def _print_table(console: Console, title: str, columns: list[_Column], *,
                 depth: int = 0) -> None:
    width = console.width
    rows = len(columns[0].cells) if columns else 0
    short = depth > 0 or (sum(c.natural(short=False) for c in columns)
                          + _overhead(len(columns)) > width)
    widths: list[int] | None = None
    last_resort = False  # even the names and the first column do not fit: everything folds
    left_out: list[_Column] = []
    moved: list[_Column] = []
    if short and sum(c.natural(short=True) for c in columns) + _overhead(len(columns)) > width:
        kept = list(columns)
        order = {id(c): i for i, c in enumerate(columns)}
        if depth < 3:
            for column in _leaving(columns):
                if sum(c.least() for c in kept) + _overhead(len(kept)) <= width:
                    break
                kept.remove(column)
                (left_out if column.numeric else moved).append(column)
        left_out.sort(key=lambda c: order[id(c)])
        moved.sort(key=lambda c: order[id(c)])
        columns = kept
        room = width - _overhead(len(columns))
        if sum(c.least() for c in columns) <= room:
            widths = _widths(columns, room)
        else:
            last_resort = True
    table = Table(title=Text(title), title_justify="left", show_lines=False)
    for index, column in enumerate(columns):
        given = widths[index] if widths is not None else column.content
        # a cell wider than its column folds onto more lines: never cut (a name of 200 characters)
        whole = not last_resort and not column.wraps() and column.content <= given
        table.add_column(Text(visible(column.zh if short else column.full)),
                         justify="right" if column.numeric else "left",
                         overflow="fold", no_wrap=whole,
                         width=None if widths is None else widths[index])
    for row in range(rows):
        table.add_row(*(Text(c.cells[row]) for c in columns))
    console.print(table)
    if left_out:
        names = "、".join(c.zh for c in left_out)
        codes = ", ".join(c.code for c in left_out)
        console.print(Text(f"（屏幕较窄，未显示：{names}；加宽终端或用 --format xlsx 查看 "
                           f"(narrow screen, not shown: {codes}; widen the terminal or use "
                           f"--format xlsx)）", style="dim"))
    if moved:  # each row again, by its name (or its first column), with what did not fit
        key = next((c for c in columns if is_name_column(c.code)), columns[0])
        _print_table(console, f"{title}（续 continued）",
                     [_Column(key.code, key.cells, key.numeric, key=True)] + moved,
                     depth=depth + 1)


def _columns(section: Section, frame, numeric: list[bool]) -> list[_Column]:
    codes = [str(c) for c in (section.screen_columns or section.people_rows().columns)]
    return [_Column(code, [str(v) for v in frame.iloc[:, i]], is_number, key=i == 0)
            for i, (code, is_number) in enumerate(zip(codes, numeric))]


def render_table(report: Document, console: Console) -> None:
    """Print the title, the notes and each screen section (rich markup shown literally),
    each table fitted to the console's width without losing a name."""
    console.print(Text(visible(report.title, 2000), style="bold") + (
        Text("  " + visible(report.dataset), style="dim") if report.dataset else Text("")))
    for note in report.notes:
        console.print(Text(visible(note, 2000)))
    for section in report.sections:
        if not section.screen:
            continue
        frame, numeric, left_off = people_frame(section, section.screen_columns,
                                                cap=section.cap or 40)
        if frame.empty:
            console.print(Text(f"{visible(section.title, 2000)}: （无 none）"))
            continue
        _print_table(console, visible(section.title, 2000), _columns(section, frame, numeric))
        if left_off:
            console.print(Text(full_list_note(left_off), style="dim"))
