"""Limits on what an input file can make jiceng do, each refused up front with its reason.

A dataset or rule file comes from a planner's spreadsheet, or from anyone: these bounds keep a
hostile or broken file from exhausting memory or time, and keep numbers exact. The README's
"Limits" section lists them.
"""

from __future__ import annotations

__all__ = ["MAX_CELL_CHARS", "MAX_COLUMNS", "MAX_ROWS", "MAX_NUMBER", "MAX_YAML_BYTES",
           "MAX_SHEET_COLUMN", "MAX_YAML_DEPTH", "MAX_YAML_NODES", "MAX_XLSX_RATIO", "MAX_XLSX_PART_BYTES"]

#: Characters in one cell: what one Excel cell can hold (a longer name could not be written back).
MAX_CELL_CHARS = 32_767

#: Columns in a nodes/edges table (the schema needs six; 200 leaves room for any attribute).
MAX_COLUMNS = 200

#: Furthest column of a sheet that may hold a value (the same bound, as a sheet column number).
MAX_SHEET_COLUMN = MAX_COLUMNS

#: Data rows in one table: far beyond a city of 100 times Guiyang's size.
MAX_ROWS = 20_000_000

#: The largest whole number a numeric attribute may hold: 2**53 - 1, exact in every format.
MAX_NUMBER = 2**53 - 1

#: Bytes of a YAML file (a rule file, a units file; the default rules take 6 KB).
MAX_YAML_BYTES = 1 << 20

#: YAML nodes in a rule or units file (anchors and aliases are refused, so nothing expands).
MAX_YAML_NODES = 100_000

#: How deep lists and mappings may nest in a rule or units file (the rules need five levels).
MAX_YAML_DEPTH = 32

#: How many times its packed size a large part of a workbook may unpack to (Apache POI's bound):
#: sheets of real data unpack about 10 times; a "zip bomb" a thousand times.
MAX_XLSX_RATIO = 100

#: Unpacked bytes of one part of a workbook: what Excel's largest sheet takes, with room.
MAX_XLSX_PART_BYTES = 4 << 30
