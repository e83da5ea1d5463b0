"""The plan's unit settings: which unit Party organizations to leave out, and their own
capacities (``jiceng plan --units FILE``; docs/design.md §4.5 "supply").

A settings file is YAML (a list of mappings, or ``units:`` holding one) or CSV with the columns
``id, exclude, pair_capacity, part_time_capacity`` (only ``id`` required). It is read in two
steps: the file into numbered records (:func:`_records`), then each record into a
:class:`UnitSetting` or a problem naming its row and field (:func:`_setting`); every problem of
the file is reported at once. :func:`unit_limits` then lays the settings over a graph.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from jiceng.graphmodel import InvalidInputError, OrgGraph, Problem, ProblemCode
from jiceng.loaders.yaml_file import read_yaml
from jiceng.queries._args import list_of

__all__ = ["UnitSetting", "read_units", "as_settings", "unit_limits", "MAX_CAPACITY"]

MAX_CAPACITY = 1000  # per unit: far above any real unit, small enough for exact costs
_MAX_UNITS_FILE = 1 << 20  # bytes
_FIELDS = ("id", "exclude", "pair_capacity", "part_time_capacity")


@dataclass(frozen=True)
class UnitSetting:
    """A planner's setting for one unit Party organization (a row of ``--units``).

    ``None`` capacities keep the plan's defaults. ``row`` is where the setting was read
    (the CSV row, or the YAML entry number), for messages.
    """

    id: str
    exclude: bool = False
    pair_capacity: int | None = None
    part_time_capacity: int | None = None
    row: int | None = field(default=None, compare=False)


def read_units(path: str | os.PathLike) -> list[UnitSetting]:
    """Read a planner's unit settings: YAML or CSV with ``id, exclude, pair_capacity,
    part_time_capacity`` (only ``id`` required).

    YAML is a list of mappings, or a mapping with key ``units`` holding that list, read with
    the rule files' limits (:func:`jiceng.loaders.yaml_file.read_yaml`); every value is read
    as typed, so ids are text: ``0101`` is the unit ``0101``, never the octal 65.

    Raises
    ------
    InvalidInputError
        Naming the file, the row (the CSV row, or the entry number in YAML) and the field.
    """
    path = Path(path)
    name = str(path)
    settings: list[UnitSetting] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for row, entry in _records(path):
        setting = _setting(name, row, entry, seen)
        if isinstance(setting, UnitSetting):
            settings.append(setting)
        else:
            problems += setting if isinstance(setting, list) else [setting]
    if problems:
        raise InvalidInputError(problems)
    return settings


def _records(path: Path) -> list[tuple[int, object]]:
    """The file's entries, each with its row (the CSV row, or the YAML entry number); empty
    values left out."""
    name = str(path)
    if not path.is_file():
        raise InvalidInputError([Problem(name, None, None, "文件不存在（file not found）",
                                         code=ProblemCode.FILE_NOT_FOUND)])
    if path.suffix.lower() == ".csv":
        if path.stat().st_size > _MAX_UNITS_FILE:
            raise InvalidInputError([Problem(name, None, None,
                                             f"文件过大（larger than {_MAX_UNITS_FILE} bytes）",
                                             code=ProblemCode.TOO_LARGE)])
        from jiceng.graphmodel.validate import ROW
        from jiceng.loaders.dataset import read_csv_table

        table = read_csv_table(path)
        if "id" not in table.columns:
            raise InvalidInputError([Problem(name, 1, "id", "缺少 id 列（missing column id）",
                                             code=ProblemCode.MISSING_COLUMN)])
        rows = table.pop(ROW).tolist() if ROW in table.columns else range(2, len(table) + 2)
        return [(int(r), {k: v for k, v in row.items() if str(v).strip() != ""})
                for r, row in zip(rows, table.to_dict("records"))]
    # every scalar as typed: the id 0101 stays 0101 (YAML 1.1 reads the octal 65)
    document = read_yaml(path, what=("单位文件", "units file"), text=True,
                         fail=lambda zh, en: InvalidInputError([Problem(
                             name, None, None, zh, en, code=ProblemCode.BAD_YAML)]))
    if isinstance(document, dict) and set(document) == {"units"}:
        document = document["units"]
    if not isinstance(document, list):
        raise InvalidInputError([Problem(name, None, None,
                                         "应为单位列表（a list of units, or 'units:' with a "
                                         "list）", code=ProblemCode.BAD_STRUCTURE)])
    return [(i + 1, {k: v for k, v in entry.items() if v != ""}
             if isinstance(entry, dict) else entry) for i, entry in enumerate(document)]


def _setting(name: str, row: int, entry: object,
             seen: set[str]) -> UnitSetting | Problem | list[Problem]:
    """One entry as a setting, or what is wrong with it (``seen``: the ids before it)."""
    if not isinstance(entry, dict):
        return Problem(name, row, None, "应为映射（must be a mapping）",
                       code=ProblemCode.BAD_STRUCTURE)
    unknown = sorted(set(map(str, entry)) - set(_FIELDS))
    if unknown:
        return Problem(name, row, unknown[0], "未知字段（unknown field; expected id, exclude, "
                                              "pair_capacity, part_time_capacity）",
                       code=ProblemCode.UNKNOWN_FIELD)
    nested = sorted(str(k) for k, v in entry.items() if isinstance(v, (dict, list)))
    if nested:
        return Problem(name, row, nested[0], "应为单个值（must be a single value, not a list or "
                                             "mapping）", code=ProblemCode.BAD_VALUE)
    unit_id = str(entry.get("id", "")).strip()
    if not unit_id:
        return Problem(name, row, "id", "缺少单位编号（missing unit id）",
                       code=ProblemCode.MISSING_VALUE)
    if unit_id in seen:
        return Problem(name, row, "id", f"单位重复（unit {unit_id!r} listed twice）",
                       code=ProblemCode.DUPLICATE_ID)
    seen.add(unit_id)
    exclude = _flag(entry.get("exclude", False))
    if exclude is None:
        return Problem(name, row, "exclude", f"应为 true/false（must be true or false, not "
                                             f"{entry.get('exclude')!r}）",
                       code=ProblemCode.BAD_VALUE)
    capacities, bad = {}, []
    for field_name in ("pair_capacity", "part_time_capacity"):
        value = entry.get(field_name)
        number = _whole(value)
        if value is not None and (number is None or not 0 <= number <= MAX_CAPACITY):
            bad.append(_bad_capacity(name, row, field_name, value))
        capacities[field_name] = number
    if bad:
        return bad
    return UnitSetting(unit_id, exclude, capacities["pair_capacity"],
                       capacities["part_time_capacity"], row=row)


def _bad_capacity(name: str, row: int, field_name: str, value: object) -> Problem:
    return Problem(name, row, field_name, f"应为 0 到 {MAX_CAPACITY} 的整数（must be a whole "
                                          f"number from 0 to {MAX_CAPACITY}, not {value!r}）",
                   code=ProblemCode.BAD_NUMBER)


def _flag(value) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "y", "是", "x"):
        return True
    if text in ("0", "false", "no", "n", "否", ""):
        return False
    return None


def _whole(value) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    try:
        return int(text)
    except ValueError:
        return None


def as_settings(units: Sequence[UnitSetting] | str | os.PathLike | None
                ) -> tuple[list[UnitSetting], str | None]:
    """``units`` as :func:`jiceng.queries.plan.plan` takes it (a list of settings, a file's
    path or None) as a list, with the file's name where it came from one."""
    if units is None:
        return [], None
    if isinstance(units, (str, os.PathLike)):
        return read_units(units), str(units)
    return list_of(units, UnitSetting, name="units",
                   what_zh="UnitSetting 的列表（如 UnitSetting('UP00001', exclude=True)）、单位设置"
                           "文件的路径或 None",
                   what_en="a list of UnitSetting, e.g. UnitSetting('UP00001', exclude=True), a "
                           "units file's path or None"), None


def unit_limits(graph: OrgGraph, units: Sequence[UnitSetting], units_file: str | None, *,
                capacity: int, part_time_capacity: int
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per node: pairing capacity, part-time capacity and whether it is excluded, the plan's
    defaults with ``units`` laid over them.

    Raises
    ------
    InvalidInputError
        For a setting of an unknown node, of a node that is no unit Party organization, or with
        a capacity out of range, each naming the file (or ``units``), the row and the field.
    """
    pair_cap = np.full(graph.n_nodes, capacity, dtype=np.int64)
    time_cap = np.full(graph.n_nodes, part_time_capacity, dtype=np.int64)
    excluded = np.zeros(graph.n_nodes, dtype=bool)
    codes = graph.codes([u.id for u in units])
    kinds = graph.nodes["kind"].to_numpy(dtype=object)
    name = units_file or "units"
    problems = []
    for position, (setting, code) in enumerate(zip(units, codes), start=1):
        row = setting.row if setting.row is not None else position
        if code < 0:
            problems.append(Problem(name, row, "id", f"未知单位党组织 {setting.id!r}（unknown unit "
                                                     f"Party organization {setting.id!r}）",
                                    code=ProblemCode.UNKNOWN_NODE))
            continue
        if kinds[code] != "unit_party":
            problems.append(Problem(name, row, "id",
                                    f"{setting.id!r} 不是单位党组织（is a {kinds[code]}, not a "
                                    "unit Party organization）", code=ProblemCode.WRONG_KIND))
            continue
        for value, field_name, target in ((setting.pair_capacity, "pair_capacity", pair_cap),
                                          (setting.part_time_capacity, "part_time_capacity",
                                           time_cap)):
            if value is None:
                continue
            if isinstance(value, bool) or not 0 <= value <= MAX_CAPACITY:
                problems.append(_bad_capacity(name, row, field_name, value))
                continue
            target[code] = value
        excluded[code] = setting.exclude
    if problems:
        raise InvalidInputError(problems)
    return pair_cap, time_cap, excluded
