"""The formats a report is written in, one module each: the screen table, Markdown, the HTML
briefing, CSV, JSON and the Excel ledger (xlsx). :mod:`jiceng.present.report` chooses one."""
