"""The report model: named sections of DataFrames, and what programs read (JSON).

A builder (:mod:`jiceng.present.audit` ...) turns a query result into a report; the formats
(:mod:`jiceng.present.formats`) render a :class:`Document` without knowing which question it
answers; :class:`jiceng.present.report.Report` is the document that writes itself.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from jiceng.graphmodel import ArgumentError
from jiceng.present.labels import GRADED_COLUMNS, PERCENT_COLUMNS
from jiceng.present.tiers import Tiers

__all__ = ["Section", "Document", "DEFAULT_THRESHOLD"]

#: Coverage below this (a fraction) is marked red when no ``--fail-under`` is given.
DEFAULT_THRESHOLD = 0.9


@dataclass
class Section:
    """One table of a report.

    ``key`` names it for ``--section`` and the JSON; ``sheet`` is its Chinese sheet name in
    the ledger (default: the Chinese part of ``title``); ``percent`` the columns holding
    fractions (default: coverage, score and ``*_share``); ``cap`` the rows shown in table,
    Markdown and HTML (the full list is in xlsx, JSON and CSV).
    """

    key: str
    title: str
    frame: pd.DataFrame
    screen: bool = True  # shown by --format table (long gap lists are not)
    screen_columns: list[str] | None = None  # the columns shown on screen, when not all
    sheet: str | None = None
    percent: tuple[str, ...] | None = None
    cap: int | None = None
    html: bool = True  # shown in the HTML briefing
    keep_codes: tuple[str, ...] = ()  # columns shown as codes even to people (a label is beside)
    people: pd.DataFrame | None = None  # the rows as people read them, where a cell's label
    # depends on its row (a diff's kind change); table, Markdown, HTML and xlsx show these

    def people_rows(self) -> pd.DataFrame:
        """What table, Markdown, HTML and xlsx show: ``people`` or the frame, each code column
        with a Chinese twin (``need`` beside ``need_zh``) left to its twin."""
        rows = self.frame if self.people is None else self.people
        twinned = [c for c in rows.columns if f"{c}_zh" in rows.columns]
        return rows.drop(columns=twinned) if twinned else rows

    def percent_columns(self) -> set[str]:
        if self.percent is not None:
            return set(self.percent)
        return {str(c) for c in self.frame.columns
                if str(c) in PERCENT_COLUMNS or str(c).endswith("_share")}

    def sheet_name(self) -> str:
        if self.sheet:
            return self.sheet
        match = re.match(r"[^A-Za-z]+", self.title)
        return (match.group(0).strip(" :：") if match else "") or self.key


@dataclass
class Document:
    """What every format renders: sections for people, ``data`` for programs (JSON).

    ``threshold`` (a fraction) marks low coverage red in the ledger and HTML;
    ``definitions`` are said in the title block of the ledger and HTML (what 得分 means).
    ``main`` is the section ``--format csv`` prints by default. ``tiers`` colour the score
    tiers (a ``tier`` column, and the score beside it) in the ledger and HTML
    (docs/design.md §4.7).
    """

    title: str
    sections: list[Section]
    data: dict | Callable[[], dict] = field(default_factory=dict)
    dataset: str = ""
    notes: list[str] = field(default_factory=list)
    rules_file: str = ""
    threshold: float = DEFAULT_THRESHOLD
    definitions: list[str] = field(default_factory=list)
    main: str | None = None
    extra_html: str | Callable[[], str] = ""  # trusted HTML (built with escaping) after the sections
    tiers: Tiers | None = None
    lead_html: str | Callable[[], str] = ""  # trusted HTML (built with escaping) before the
    # sections: a report's charts
    xlsx: Callable[[str | os.PathLike], None] | None = None  # a workbook of its own (charts)

    def json_data(self) -> dict:
        """``data`` for programs; given as a function, it is computed only when JSON is written."""
        return self.data() if callable(self.data) else self.data

    def html_extra(self) -> str:
        """``extra_html``; given as a function, it is built only when HTML is written."""
        return self.extra_html() if callable(self.extra_html) else self.extra_html

    def html_lead(self) -> str:
        """``lead_html``; given as a function, it is built only when HTML is written."""
        return self.lead_html() if callable(self.lead_html) else self.lead_html

    def graded(self) -> bool:
        """Whether a section holds a column the threshold colours (coverage, score)."""
        return any(str(c) in GRADED_COLUMNS for s in self.sections for c in s.frame.columns)

    def section(self, key: str) -> Section:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)

    def chosen_section(self, key: str | None) -> Section | None:
        """The section ``key`` (default: the main one, else the first); None when there is
        none; an unknown key is refused with the keys there are."""
        if not self.sections:
            return None
        if key is None:
            key = self.main or self.sections[0].key
        try:
            return self.section(key)
        except KeyError:
            known = ", ".join(s.key for s in self.sections)
            raise ArgumentError(f"没有这一部分 '{key}'（no section '{key}'）; 可选 sections: {known}"
                                ) from None
