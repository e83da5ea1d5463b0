"""The site's search index: every community, street, district and unit Party organization,
with the page (and row) that shows it.

It is a script, ``search-index.js``, setting ``window.JICENG_INDEX``: a page opened from disk
(``file://``) may load a script beside it but not ``fetch()`` a file. Names are data: the JSON
cannot end a script, and ``site.js`` shows them with ``textContent``.
"""

from __future__ import annotations

import numpy as np

from jiceng.graphmodel.schema import NODE_KINDS
from jiceng.present.maps.page import json_for_script
from jiceng.present.site.context import SiteContext, page_of, row_anchor

__all__ = ["search_index"]

#: The kinds the search finds, in the order they are listed.
SEARCHED = ("district_committee", "street_committee", "community_party", "unit_party")


def search_index(ctx: SiteContext) -> str:
    """The text of ``search-index.js``: ``[name, id, kind label, where, address]`` per node, a
    community or unit opening its street's page at its row (a unit placed in no street: the
    city page)."""
    graph = ctx.graph
    ids = graph.nodes["id"].to_numpy(dtype=object)
    names = graph.nodes["name"].to_numpy(dtype=object)
    street_of = graph.places["street"].to_numpy()
    district_of = graph.places["district"].to_numpy()
    entries = []
    for kind in SEARCHED:
        label = NODE_KINDS[kind].zh
        for code in np.flatnonzero(graph.is_kind(kind)).tolist():
            node_id, street = str(ids[code]), int(street_of[code])
            where = " · ".join(str(names[p]) for p in (int(district_of[code]), street)
                               if p >= 0 and p != code)
            if kind == "district_committee":
                href = page_of("district", node_id)
            elif kind == "street_committee":
                href = page_of("street", node_id)
            elif street >= 0:
                href = f"{page_of('street', str(ids[street]))}#{row_anchor(kind, node_id)}"
            else:
                href = page_of("city", "")
            entries.append([str(names[code]), node_id, label, where, href])
    return f"window.JICENG_INDEX = {json_for_script(entries)};\n"
