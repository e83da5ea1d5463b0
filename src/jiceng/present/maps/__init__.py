"""Interactive HTML network maps that work offline: overview, street and reach.

Each map answers a planner's question first, "where is it thin, and what is wrong
there?": communities are marked by their status (孤立 isolated, 脆弱 fragile, 资源荒漠
resource desert) and by how many community-level rules they fail; streets carry their
rank and score (得分, docs/design.md §4). Every page has a search box (id or part of a Chinese
name), a legend whose entries hide and show what they describe (and list exactly the
styles drawn), a side panel for the clicked node, neighbour highlight and a
"只看问题 problems only" switch.

The page is one self-contained file (:mod:`~jiceng.present.maps.page`); positions are
computed in Python (:mod:`~jiceng.present.maps.layout`: deterministic block layouts, no
physics), so maps of thousands of nodes draw at once. The modules, one job each:
``facts`` (what is wrong where), ``canvas`` (nodes, edges, legend), ``style`` and
``labels`` (the look), ``overview``, ``street`` and ``reach`` (the three maps).
"""

from __future__ import annotations

from jiceng.present.maps.facts import street_scores
from jiceng.present.maps.labels import short_name, wrap
from jiceng.present.maps.overview import overview_map
from jiceng.present.maps.page import NetworkMap
from jiceng.present.maps.reach import reach_map
from jiceng.present.maps.street import street_file_name, street_map

__all__ = ["NetworkMap", "overview_map", "street_map", "reach_map", "wrap", "short_name",
           "street_scores", "street_file_name"]
