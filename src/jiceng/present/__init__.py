"""The presentation layer: what people read, built from the queries' results.

It sits between :mod:`jiceng.queries` and the CLI: it may import the graph model, the loaders
and the queries, never the CLI, so a notebook draws the same pages the commands write.
:mod:`jiceng.present.maps` holds the interactive network maps.
"""
