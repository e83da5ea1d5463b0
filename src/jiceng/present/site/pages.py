"""The pages of the site: the city, each district, each street (docs/design.md §9).

Each page is made of what the commands already show: the audit's sections
(:func:`jiceng.present.audit.audit_report`, :func:`jiceng.present.scope.place_audit_report`),
the plan's (:func:`jiceng.present.plan.proposal_sections`), the reach's units, rendered as the
briefing renders them (:func:`jiceng.present.formats.html.render_section_html`), and the maps
of :mod:`jiceng.present.maps`, whose street boxes open the street pages.
"""

from __future__ import annotations

import html

import pandas as pd

from jiceng.present.audit import summary_section
from jiceng.present.formats.html import render_section_html
from jiceng.present.labels import SCORE_DEFINITION
from jiceng.present.maps import overview_map, street_map
from jiceng.present.model import Section
from jiceng.present.plan import NEW_HOUSEHOLDS, PLAN_TITLE, proposal_sections
from jiceng.present.reach import units_section
from jiceng.present.scope import fails_table, in_place_title
from jiceng.present.site.context import SiteContext, community_status, page_of, row_anchor
from jiceng.present.site.shell import figures_block, map_block, render_shell
from jiceng.present.tiers import NO_SCORE, TIER_CODES, TIERS
from jiceng.queries.scope import (
    Place,
    ScopedAudit,
    place_mask,
    scope_audit,
    scope_plan,
    scope_reach,
)

__all__ = ["city_page", "district_page", "street_page"]


def city_page(ctx: SiteContext, extra: str = "") -> str:
    """The city: headline figures, each rule's coverage, the overview map (its street boxes
    open the street pages), the street board in tiers, the districts; ``extra`` (trusted
    HTML, such as the trend charts) after them."""
    report = ctx.city_report
    streets = {p.id: page_of("street", p.id) for p in ctx.streets}
    overview = overview_map(ctx.graph, tiers=ctx.tiers, street_links=streets, facts=ctx.facts)
    ranking = report.section("ranking")
    body = [figures_block(_figures(ctx, None) + _tier_figures(ranking.frame)),
            _contents([("map", "一张图 Map"), ("board", "街道排行榜 Street board"),
                       ("rules", "规则覆盖率 Coverage by rule"), ("districts", "区县 Districts")]
                      + ([("trend", "趋势 Trends")] if extra else [])),
            map_block(overview, "全市一张图（点击街道框打开街道页）City map: click a street's box "
                                "to open its page"),
            _board(ctx, ranking, "board", "街道排行榜（按得分、分等级）Street board by score, "
                                          "in tiers"),
            render_section_html(report.section("summary"), report.threshold, anchor="rules"),
            render_section_html(report.section("districts"), report.threshold,
                                anchor="districts", tiers=ctx.tiers,
                                links=_links(report.section("districts").frame,
                                             district_name=("district", "district"))),
            extra]
    return render_shell(f"{ctx.city_name} 基层治理一张图 City at a glance", ctx.crumbs(None),
                        "\n".join(body), meta=_meta(ctx), with_map=True)


def district_page(ctx: SiteContext, place: Place) -> str:
    """A district: its figures, its map (street boxes open the street pages), its streets in
    tiers, every community with the rules it fails and why, and the plan's proposals there."""
    graph = ctx.graph
    scoped = scope_audit(ctx.audit, graph, place)
    streets = {s: page_of("street", s) for s in place.streets}
    ranking = ctx.city_report.section("ranking")
    own = ranking.frame[ranking.frame["district"] == place.id].reset_index(drop=True)
    body = [figures_block(_figures(ctx, place) + _tier_figures(own)),
            _contents([*_PLACE_CONTENTS[:1], ("board", "街道 Streets"), *_PLACE_CONTENTS[1:]]
                      if place.streets else _PLACE_CONTENTS[1:])]
    if place.streets:
        body.append(map_block(overview_map(
            graph, district=place.id, tiers=ctx.tiers, street_links=streets, facts=ctx.facts),
            f"{place.name} 一张图（点击街道框打开街道页）District map: click a street's box"))
        body.append(_board(ctx, Section("ranking", ranking.title, own,
                                        screen_columns=ranking.screen_columns, cap=1000),
                           "board", "街道排行（分等级）Streets of the district, in tiers"))
    body += [_communities(ctx, scoped, on_street_page=False), _plan(ctx, place),
             _rules(ctx, scoped)]
    return render_shell(f"{place.name} District", ctx.crumbs(place), "\n".join(body),
                        meta=_meta(ctx), with_map=bool(place.streets))


def street_page(ctx: SiteContext, place: Place) -> str:
    """A street: its rank, score and tier, figures, its map, every community with the rules
    it fails and why, its units (what each reaches) and the plan's proposals there."""
    graph = ctx.graph
    scoped = scope_audit(ctx.audit, graph, place)
    page = street_map(graph, place.id, tiers=ctx.tiers, facts=ctx.facts)
    units = units_section(scope_reach(ctx.reach, place))
    units.title, units.cap = "共建单位及其覆盖 Co-building units placed here and their reach", 1000
    body = [figures_block(_street_figures(ctx, place) + _figures(ctx, place)),
            _contents(_PLACE_CONTENTS + [("units", "共建单位 Units")]),
            map_block(page, f"{place.name} 组织网络 Street map"),
            _communities(ctx, scoped, on_street_page=True),
            _plan(ctx, place),
            _rules(ctx, scoped),
            render_section_html(units, ctx.city_report.threshold, anchor="units",
                                row_ids=[row_anchor("unit_party", str(i))
                                         for i in units.frame["id"]])]
    return render_shell(f"{place.name} Street", ctx.crumbs(place), "\n".join(body),
                        meta=_meta(ctx), with_map=True)


_PLACE_CONTENTS = [("map", "地图 Map"), ("communities", "社区 Communities"),
                   ("plan", "配置方案 Plan"), ("rules", "规则覆盖率 Coverage by rule")]


def _rules(ctx: SiteContext, scoped: ScopedAudit) -> str:
    """Each rule's coverage in the place, as ``jiceng audit --street`` shows it."""
    return render_section_html(summary_section(scoped.result), ctx.city_report.threshold,
                               anchor="rules")


def _meta(ctx: SiteContext) -> str:
    return f"数据集 dataset: {ctx.graph.name} · {ctx.tiers.legend()} · {SCORE_DEFINITION}"


def _contents(entries: list[tuple[str, str]]) -> str:
    e = html.escape
    return ('<nav class="contents">' + " · ".join(f'<a href="#{e(a)}">{e(t)}</a>'
                                                  for a, t in entries) + "</nav>")


def _figures(ctx: SiteContext, place: Place | None) -> list[tuple[str, ...]]:
    counts = ctx.headline(None if place is None else place_mask(ctx.graph, place))
    return [(f"{counts['problem']} / {counts['communities']}", "问题社区", "problem communities"),
            (str(counts["isolated"]), "孤立", "isolated"),
            (str(counts["fragile"]), "脆弱", "fragile"),
            (str(counts["deserts"]), "资源荒漠", "resource deserts")]


def _tier_figures(ranking: pd.DataFrame) -> list[tuple[str, ...]]:
    counts = ranking["tier"].value_counts()
    return [(str(int(counts.get(code, 0))), f"{TIERS[code].zh}", f"streets {TIERS[code].en}")
            for code in TIER_CODES]


def _street_figures(ctx: SiteContext, place: Place) -> list[tuple[str, ...]]:
    ranking = ctx.audit.ranking
    row = ranking[ranking["street"] == place.id]
    if not len(row):
        return [(NO_SCORE.zh, "得分", "score")]
    score = float(row["score"].iat[0])
    tier = ctx.tiers.tier(score)
    return [(f"{int(row['rank'].iat[0])} / {len(ranking)}", "排名", "rank"),
            (f"{score:.1%}", "得分", "score"), (tier.zh, "等级", f"tier: {tier.en}", tier.fill)]


def _links(frame: pd.DataFrame, **columns: tuple[str, str]) -> dict[str, list[str | None]]:
    """For each shown column, the page each row's cell opens: ``column=(level, id column)``."""
    return {shown: [page_of(level, str(i)) if isinstance(i, str) and i else None
                    for i in frame[ids]]
            for shown, (level, ids) in columns.items()}


def _board(ctx: SiteContext, ranking: Section, anchor: str, title: str) -> str:
    """The street board in tiers, best first: one table per tier (as ranked by ``audit --by
    street``), each street's and district's name opening its page."""
    frame = ranking.frame
    parts = [f'<h2 id="{anchor}">{html.escape(title)}</h2>']
    groups: list[tuple[str | None, pd.DataFrame]] = [(code, frame[frame["tier"] == code])
                                                     for code in TIER_CODES]
    groups.append((None, frame[frame["tier"].isna()]))
    for code, rows in groups:
        if not len(rows):
            continue
        tier = TIERS[code] if code is not None else NO_SCORE
        ranged = f" {ctx.tiers.range_text(code)}" if code is not None else ""
        rows = rows.reset_index(drop=True)
        section = Section(f"tier_{code}", f"{tier.zh}{ranged} — {len(rows)} 个街道 "
                          f"{tier.en}: {len(rows)} streets", rows,
                          screen_columns=ranking.screen_columns, cap=1000)
        parts.append(f'<div class="tier-group tier-{code or "none"}">' + render_section_html(
            section, ctx.city_report.threshold, level=3, tiers=ctx.tiers,
            links=_links(rows, street_name=("street", "street"),
                         district_name=("district", "district")),
            row_ids=[f"s-{s}" for s in rows["street"]]) + "</div>")
    return "".join(parts)


def _communities(ctx: SiteContext, scoped: ScopedAudit, *, on_street_page: bool) -> str:
    """Every community of the place with its status and the rules it fails and why (each
    failing node under it: ``网格党支部 0/1``), a district's opening the street page's row."""
    communities = scoped.communities
    why: dict[str, list[str]] = {}
    for row in fails_table(scoped).itertuples(index=False):
        own = row.id == row.community
        why.setdefault(row.community, []).append(row.fails if own else f"{row.name}：{row.fails}")
    frame = pd.DataFrame({"name": communities["name"], "id": communities["id"],
                          "street_name": communities["street_name"],
                          "status": community_status(ctx.facts, communities["id"]),
                          "failing": communities["failing"],
                          "fails": ["；".join(why.get(i, [])) for i in communities["id"]]})
    frame = frame.sort_values(["failing", "id"], ascending=[False, True], kind="stable")
    frame = frame.reset_index(drop=True)
    if on_street_page:  # its own street on every row
        frame = frame.drop(columns="street_name")
    section = Section("communities", "社区与未达标规则（问题多的在前）Communities and the rules "
                      "they fail, most first", frame, cap=100_000)
    if on_street_page:
        return render_section_html(section, ctx.city_report.threshold, anchor="communities",
                                   row_ids=[row_anchor("community_party", str(i))
                                            for i in frame["id"]])
    street_of = dict(zip(communities["id"], communities["street"]))
    hrefs: list[str | None] = [f"{page_of('street', str(street_of[i]))}#"
                               f"{row_anchor('community_party', str(i))}" for i in frame["id"]]
    return render_section_html(section, ctx.city_report.threshold, anchor="communities",
                               links={"name": hrefs})


def _plan(ctx: SiteContext, place: Place) -> str:
    """The plan's proposals whose target is in the place, and the needs it leaves unmet, as
    ``jiceng plan --street`` shows them (the plan is made once for the whole city)."""
    scoped = scope_plan(ctx.plan, ctx.graph, place, totals=False)
    proposals, unmet = scoped.proposals, scoped.unmet
    title = in_place_title(PLAN_TITLE, place)
    parts = [f'<h2 id="plan">{html.escape(title)}</h2>',
             f'<p class="note">拟建 proposals: {len(proposals)}（结对共建 pairings '
             f"{int((proposals['kind'] == 'pairs_with').sum())}，兼职委员 part-time seats "
             f"{int((proposals['kind'] == 'part_time').sum())}）· 未满足 unmet: "
             f"{int(unmet['missing'].sum())}</p>",
             f'<p class="def">{html.escape(NEW_HOUSEHOLDS)}</p>']
    for section in proposal_sections(scoped):
        section.cap = 1000
        parts.append(render_section_html(section, ctx.city_report.threshold, level=3))
    return "\n".join(parts)
