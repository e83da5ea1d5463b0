"""A report as tables on screen (rich): the sections meant for the screen, capped."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from jiceng.present.cells import full_list_note, people_frame, visible
from jiceng.present.model import Document

__all__ = ["render_table"]


def render_table(report: Document, console: Console) -> None:
    """Print the title, the notes and each screen section (rich markup shown literally)."""
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
        table = Table(title=Text(visible(section.title, 2000)), title_justify="left",
                      show_lines=False)
        for column, is_number in zip(frame.columns, numeric):
            table.add_column(Text(visible(str(column))), justify="right" if is_number else "left",
                             overflow="fold", no_wrap=is_number)
        for row in frame.itertuples(index=False, name=None):
            table.add_row(*(Text(str(v)) for v in row))
        console.print(table)
        if left_off:
            console.print(Text(full_list_note(left_off), style="dim"))
