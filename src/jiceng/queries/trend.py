"""Trend: each street's score and rank and each rule's coverage over snapshots in date order
(docs/design.md §9).

Each snapshot is audited by street (:func:`jiceng.queries.coverage.audit`, the score of
docs/design.md §4.4); streets are matched across snapshots by id as ``diff`` matches them
(:func:`jiceng.queries.diff.match_streets`), so a street renamed between snapshots is one street
under its latest name. A street missing from a snapshot has no score there (NaN, ``null`` in
JSON), never a zero.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from jiceng.graphmodel import ArgumentError
from jiceng.queries.coverage import audit
from jiceng.queries.diff import match_streets
from jiceng.queries.records import plain_values
from jiceng.queries.rules import Rule, as_rules
from jiceng.queries.sources import Source

__all__ = ["TrendResult", "trend", "snapshot_label", "snapshot_date", "check_labels",
           "pick_streets", "MAX_SNAPSHOTS"]

#: The most snapshots one trend compares (a decade of months); each is audited in turn.
MAX_SNAPSHOTS = 120

_QUARTER = re.compile(r"^(\d{4})\s*[-_ ]?\s*[Qq]([1-4])$")
_CHINESE_QUARTER = re.compile(r"^(\d{4})年?第?([1-4一二三四])季度?$")
_MONTH = re.compile(r"^(\d{4})(?:[-_./](\d{1,2})|(\d{2}))$")
_DAY = re.compile(r"^(\d{4})(?:[-_./](\d{1,2})[-_./](\d{1,2})|(\d{2})(\d{2}))$")


def snapshot_label(name: str | os.PathLike) -> str:
    """A snapshot's label from its folder or file name: the last part without a suffix
    (``data/2025Q1/`` → ``2025Q1``, ``city-2025Q2.xlsx`` → ``city-2025Q2``).

    >>> snapshot_label("history/2025Q3"), snapshot_label("/tmp/城市-2026Q1.xlsx")
    ('2025Q3', '城市-2026Q1')
    """
    path = Path(os.fspath(name))
    return (path.stem if path.suffix.lower() in (".xlsx", ".xlsm") else path.name) or str(name)


def snapshot_date(label: str) -> str | None:
    """The date a label names, as ISO text, or None: a quarter (``2026Q1``, ``2026-Q1``,
    ``2026年第1季度``) is its first day, a month (``2026-03``) its first day, a day itself.
    A label that holds a quarter or date after a prefix (``city-2026Q1``) names it too.

    >>> [snapshot_date(x) for x in ("2026Q1", "city-2025q4", "2026-03-31", "2026-03", "初版")]
    ['2026-01-01', '2025-10-01', '2026-03-31', '2026-03-01', None]
    >>> [snapshot_date(x) for x in ("20260331", "2026年第2季度", "2026-13", "2026Q5")]
    ['2026-03-31', '2026-04-01', None, None]
    """
    text = label.strip()
    tail = re.search(r"(\d{4}.*)$", text)
    for candidate in ([text, tail.group(1)] if tail and tail.group(1) != text else [text]):
        found = _parse_date(candidate)
        if found is not None:
            return found
    return None


def _parse_date(text: str) -> str | None:
    if (m := _QUARTER.match(text) or _CHINESE_QUARTER.match(text)) is not None:
        quarter = "一二三四".find(m.group(2)) + 1 or int(m.group(2))
        return dt.date(int(m.group(1)), 3 * quarter - 2, 1).isoformat()
    try:
        if (m := _DAY.match(text)) is not None:
            month, day = (m.group(2), m.group(3)) if m.group(2) else (m.group(4), m.group(5))
            return dt.date(int(m.group(1)), int(month), int(day)).isoformat()
        if (m := _MONTH.match(text)) is not None:
            return dt.date(int(m.group(1)), int(m.group(2) or m.group(3)), 1).isoformat()
    except ValueError:  # 2026-13: not a date
        return None
    return None


def check_labels(labels: Sequence[str], count: int) -> list[str]:
    """The labels of ``count`` snapshots, refused (:class:`ArgumentError`) when their number
    differs, one is empty, or two are equal (a chart would show one point for two)."""
    labels = [str(label).strip() for label in labels]
    if len(labels) != count:
        raise ArgumentError(f"给了 {len(labels)} 个标签，但有 {count} 期数据（{len(labels)} labels "
                            f"for {count} snapshots; give one label per snapshot）")
    if any(not label for label in labels):
        raise ArgumentError("标签不能为空（a label must not be empty）")
    seen: set[str] = set()
    twice = [label for label in labels if label in seen or seen.add(label)]  # type: ignore[func-returns-value]
    if twice:
        raise ArgumentError(f"标签 {twice[0]!r} 出现了两次，请用 --labels 给每期不同的标签"
                            f"（the label {twice[0]!r} is used twice; give each snapshot its "
                            "own label with --labels）")
    return labels


@dataclass
class TrendResult:
    """Scores, ranks and coverage over snapshots, as tables (one row per place and snapshot).

    Attributes
    ----------
    snapshots : DataFrame
        In order: ``label, date`` (ISO text or None, :func:`snapshot_date`).
    streets : DataFrame
        Every street of any snapshot × every snapshot: ``street, street_name, district,
        district_name, snapshot, score, rank`` (``snapshot`` the label; ``score`` NaN and
        ``rank`` missing where the street was not in that snapshot); streets ordered by their
        latest rank, then id; names as in the latest snapshot that has the street.
    rules : DataFrame
        Every rule × every snapshot: ``rule, title_zh, title_en, snapshot, checked, passing,
        coverage`` (NaN where the rule checks nothing).
    """

    snapshots: pd.DataFrame
    streets: pd.DataFrame
    rules: pd.DataFrame

    @property
    def labels(self) -> list[str]:
        return self.snapshots["label"].tolist()

    def wide(self, column: str, level: str = "street") -> pd.DataFrame:
        """One row per street (or rule), one column per snapshot label, of ``column``."""
        frame = self.streets if level == "street" else self.rules
        key = "street" if level == "street" else "rule"
        order = list(dict.fromkeys(frame[key]))
        table = frame.pivot(index=key, columns="snapshot", values=column)
        return table.reindex(index=order, columns=self.labels)

    def to_json(self, tiers: Sequence[Sequence[str | None]] | None = None) -> dict:
        """docs/design.md §6's trend object; ``tiers`` gives each street's tier codes (in the
        order of ``streets``), which the presentation decides (``jiceng.present.trend``)."""
        scores, ranks = self.wide("score"), self.wide("rank")
        names = self.streets.drop_duplicates("street").set_index("street")
        coverage = self.wide("coverage", "rule")
        titles = self.rules.drop_duplicates("rule").set_index("rule")
        return {
            "snapshots": [{"label": label, "date": date} for label, date in
                          zip(self.labels, plain_values(self.snapshots["date"]))],
            "rules": [{"id": rule, "title": f"{titles.at[rule, 'title_zh']} "
                                            f"({titles.at[rule, 'title_en']})",
                       "coverage": plain_values(coverage.loc[rule].astype(float))}
                      for rule in coverage.index],
            "streets": [{"id": street, "name": names.at[street, "street_name"],
                         "district": names.at[street, "district"],
                         "score": plain_values(scores.loc[street].astype(float)),
                         "rank": plain_values(ranks.loc[street].astype("Int64")),
                         "tier": list(tiers[i]) if tiers is not None else None}
                        for i, street in enumerate(scores.index)],
        }


def trend(snapshots: Iterable[Source | str | os.PathLike], *, labels: Sequence[str] | None = None,
          rules: Sequence[Rule] | str | os.PathLike | None = None) -> TrendResult:
    """Each street's score and rank and each rule's coverage over ``snapshots`` (in date order).

    Parameters
    ----------
    snapshots : iterable of sources or dataset paths
        Read and audited one at a time (a generator keeps one in memory at once).
    labels : list of str, optional
        One per snapshot; default: each graph's folder or file name (:func:`snapshot_label`).
    rules : the rules (default: the article's), as :func:`jiceng.queries.coverage.audit` takes

    Notes
    -----
    One audit per snapshot, O(n + m) each; streets matched by id.

    Examples
    --------
    >>> from jiceng.loaders.synthetic import generate
    >>> city, _ = generate(scale=0.05)
    >>> result = trend([city, city], labels=["2025Q4", "2026Q1"])
    >>> result.snapshots["date"].tolist()
    ['2025-10-01', '2026-01-01']
    >>> result.wide("rank").iloc[0].tolist()
    [1, 1]
    """
    rules = as_rules(rules)
    rankings: list[pd.DataFrame] = []
    summaries: list[pd.DataFrame] = []
    names: list[str] = []
    for snapshot in snapshots:
        if len(rankings) == MAX_SNAPSHOTS:
            raise ArgumentError(f"最多比较 {MAX_SNAPSHOTS} 期数据（at most {MAX_SNAPSHOTS} "
                                "snapshots in one trend）")
        if isinstance(snapshot, (str, os.PathLike)):
            from jiceng.loaders import read_dataset  # a path: read here, one at a time

            snapshot = read_dataset(snapshot)
        result = audit(snapshot, rules)
        names.append(getattr(snapshot, "name", f"{len(rankings) + 1}"))
        rankings.append(result.ranking)
        summaries.append(result.summary)
    if not rankings:
        raise ArgumentError("至少需要一期数据（give at least one snapshot）")
    labels = check_labels(labels if labels is not None else
                          [snapshot_label(name) for name in names], len(rankings))
    return TrendResult(
        pd.DataFrame({"label": labels, "date": [snapshot_date(label) for label in labels]}),
        _streets(rankings, labels), _rules(summaries, labels))


_PLACE = ["street_name", "district", "district_name"]


def _streets(rankings: list[pd.DataFrame], labels: list[str]) -> pd.DataFrame:
    """Every street × snapshot, the latest rank first, gaps as NaN."""
    ranked = [r.drop_duplicates("street") for r in rankings]  # a street in two districts: once
    streets = match_streets(ranked, columns=_PLACE)
    latest = pd.concat([r[["street", "rank"]].assign(at=-i) for i, r in enumerate(ranked)])
    latest = latest.sort_values(["at", "rank"]).drop_duplicates("street")  # the latest rank
    order = streets.merge(latest, on="street").sort_values(["at", "rank", "street"])["street"]
    streets = streets.set_index("street").loc[order.to_numpy()].reset_index()
    parts = []
    for label, ranking in zip(labels, ranked):
        values = streets[["street"]].merge(ranking[["street", "score", "rank"]], on="street",
                                           how="left")
        parts.append(streets.assign(snapshot=label, score=values["score"].to_numpy(dtype=float),
                                    rank=pd.array(values["rank"], dtype="Int64")))
    out = pd.concat(parts, ignore_index=True)
    position = pd.Series(np.arange(len(streets)), index=streets["street"])
    out["_street"] = out["street"].map(position)
    out["_snapshot"] = np.repeat(np.arange(len(labels)), len(streets))
    return out.sort_values(["_street", "_snapshot"]).drop(columns=["_street", "_snapshot"]
                                                          ).reset_index(drop=True)


def _rules(summaries: list[pd.DataFrame], labels: list[str]) -> pd.DataFrame:
    """Every rule × snapshot (rules in their first order; a rule absent from a snapshot NaN)."""
    columns = ["rule", "title_zh", "title_en"]
    rules = pd.concat([s[columns] for s in reversed(summaries)]).drop_duplicates("rule")
    first = {rule: i for i, rule in
             reversed(list(enumerate(r for s in summaries for r in s["rule"])))}
    rules = rules.iloc[np.argsort(rules["rule"].map(first).to_numpy(), kind="stable")]
    parts = []
    for label, summary in zip(labels, summaries):
        values = rules[["rule"]].merge(summary[["rule", "checked", "passing", "coverage"]],
                                       on="rule", how="left")
        parts.append(rules.assign(snapshot=label,
                                  checked=pd.array(values["checked"], dtype="Int64"),
                                  passing=pd.array(values["passing"], dtype="Int64"),
                                  coverage=values["coverage"].to_numpy(dtype=float)))
    out = pd.concat(parts, ignore_index=True)
    out["_rule"] = out["rule"].map({rule: i for i, rule in enumerate(rules["rule"])})
    out["_snapshot"] = np.repeat(np.arange(len(labels)), len(rules))
    return out.sort_values(["_rule", "_snapshot"]).drop(columns=["_rule", "_snapshot"]
                                                        ).reset_index(drop=True)


def pick_streets(result: TrendResult, texts: Sequence[str]) -> list[str]:
    """The street ids that ``texts`` name: each an id, a whole name or a part of one name (as
    ``--street`` takes it); a text that names no street, or several, is refused with
    :class:`ArgumentError` naming the candidates."""
    streets = result.streets.drop_duplicates("street")
    ids = streets["street"].astype(str).tolist()
    names = streets["street_name"].astype(str).tolist()
    out = []
    for text in texts:
        text = str(text).strip()
        if text in ids:
            out.append(text)
            continue
        found = [i for i, name in zip(ids, names) if name == text] or \
            [i for i, name in zip(ids, names) if text and text in name]
        if len(found) != 1:
            some = "、".join(f"{names[ids.index(i)]} ({i})" for i in found[:10])
            raise ArgumentError(
                f"没有名为 {text!r} 的街道（no street named {text!r}）" if not found else
                f"{text!r} 对应多个街道：{some}，请写得更完整或用编号（{text!r} names several "
                "streets; give more of the name, or the id）")
        out.append(found[0])
    return out
