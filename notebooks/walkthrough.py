# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 基层党建网络体检 — a planner's walkthrough
#
# This notebook walks through the questions `jiceng` answers about the network through which
# Party organizations lead grassroots governance (党建引领基层治理), step by step:
#
# 1. **Load and check the data (读取与校验)** — who is in the network, counted by kind.
# 2. **Coverage audit (覆盖审计)** — for each requirement of the article (every grid has a Party
#    branch, every community has "3+N" part-time committee members …), how many pass, and which
#    streets (街道) fall short.
# 3. **Isolated communities (孤立社区)** — communities (社区) that no institution or enterprise
#    helps, and *fragile* ones that hang on a single unit.
# 4. **Reach of co-building resources (共建资源覆盖)** — how far each unit's help travels, and
#    which communities receive none (resource deserts, 资源荒漠).
# 5. **What if a unit withdraws? (推演)** — what breaks when the biggest helper leaves.
# 6. **A map of one street (街道网络图)** — the organizations of the weakest street, drawn.
# 7. **Optional: the same audit on a Neo4j server (图数据库)**.
#
# Run the cells from top to bottom (in Jupyter: *Run → Run All Cells*). Nothing here needs the
# internet.

# %% [markdown]
# ## 1. Load the data (读取数据)
#
# By default the notebook uses the **bundled sample**: a synthetic Guiyang (贵阳) built on the
# article's figures — 74 streets, 709 communities, 1,558 paired unit Party organizations. The
# gaps in it were planted on purpose, so the answers below are for practice, not about the real
# city.
#
# To look at **your own data**, set `DATASET` to the path of a folder holding `nodes.csv` and
# `edges.csv`, or of an Excel workbook (`jiceng template my.xlsx` writes an empty one to fill
# in), e.g. `DATASET = "南明区.xlsx"`. Every file is checked while it is read (校验): if anything
# is wrong, every problem is listed with its file, row and column, and the notebook stops there.

# %%
DATASET = None  # or "path/to/folder" or "path/to/workbook.xlsx"

# %%
# ruff: noqa: E402, B018 -- the setting above comes first; a cell ends with what it shows
import os
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display
from matplotlib import font_manager

from jiceng import (
    EDGE_KINDS,
    NODE_KINDS,
    InvalidInputError,
    audit,
    audit_report,
    isolation,
    reach,
    read_dataset,
    read_excel,
    read_sample,
    whatif,
)
from jiceng.present.maps import street_map

pd.set_option("display.max_rows", 40)
OUTPUT = Path("jiceng-output")  # maps and reports saved by this notebook go here

if DATASET is None:
    graph = read_sample()
else:
    path = Path(DATASET)
    try:
        graph = read_excel(path) if path.suffix.lower() == ".xlsx" else read_dataset(path)
    except InvalidInputError as error:
        for problem in error.problems:
            print(problem)
        raise
graph

# %% [markdown]
# ## 2. What is in the network (概况)
#
# Each row is a kind of node (节点, an organization, a grid, a building, a person …) or of
# edge (关系, a tie between two nodes: leads 领导, covers 覆盖, pairs with 结对共建 …), with its
# Chinese name and how many the data holds. A kind with 0 is simply absent from the data;
# the rules about it will check nothing.

# %%
counts = graph.summary()
labels = {**{k: v.zh for k, v in NODE_KINDS.items()}, **{k: v.zh for k, v in EDGE_KINDS.items()}}
counts.insert(2, "中文", counts["kind"].map(labels))
display(counts[counts["table"] == "node"].drop(columns="table").reset_index(drop=True))
display(counts[counts["table"] == "edge"].drop(columns="table").reset_index(drop=True))

# %% [markdown]
# ## 3. Coverage audit (覆盖审计)
#
# Each **rule** is one requirement of the article. For every node the rule applies to
# (`checked`), it counts the ties that should be there; the node passes when it has enough.
# `coverage` is the share that passes (1.0 = everyone). The rules are data: a planner can change
# them in a YAML file (see `jiceng audit --help`).

# %%
result = audit(graph)
summary = result.summary[["rule", "title_zh", "title_en", "checked", "passing", "failing",
                          "coverage"]]
summary.style.format({"coverage": "{:.1%}"}, na_rep="—")

# %% [markdown]
# ### Which streets fall short (街道排行)
#
# The same checks, per street (街道). A street's score (得分) is the mean, over the rules that check
# at least one node in it, of that rule's coverage there: every rule weighs the same, whatever its
# number of checks. Streets are ranked by score, ties by id — the same ranking as `jiceng audit
# --by street`, the Excel ledger's 排行榜 and the HTML report. The chart shows the 20 streets at
# the bottom of that ranking — where a follow-up visit is most useful. The table after it is the
# full ranking: `worst_rule` is the rule with the lowest coverage there, `rules_failing` how many
# rules have at least one gap there.

# %%
# Chinese labels need a font that has the characters; without one the chart uses street ids.
CJK_FONTS = ["Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "Source Han Sans SC",
             "Source Han Sans CN", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Microsoft YaHei",
             "SimHei", "PingFang SC", "Heiti SC", "Arial Unicode MS"]
installed = {font.name for font in font_manager.fontManager.ttflist}
cjk_font = next((name for name in CJK_FONTS if name in installed), None)
if cjk_font:
    plt.rcParams["font.sans-serif"] = [cjk_font, *plt.rcParams["font.sans-serif"]]
    plt.rcParams["axes.unicode_minus"] = False


def caption(chinese: str, english: str) -> str:
    return f"{chinese} {english}" if cjk_font else english


def whole_bins(values: pd.Series) -> list[float]:
    """One bar per whole number, centred on it."""
    top = int(values.max()) if len(values) else 0
    return [b - 0.5 for b in range(top + 2)]


lowest = result.ranking.sort_values("rank", ascending=False).head(20)  # the bottom 20, worst first
names = (lowest["street_name"] + " " + lowest["street"]) if cjk_font else lowest["street"]
fig, ax = plt.subplots(figsize=(8, 0.3 * len(lowest) + 1.2))
ax.barh(names, lowest["score"], color="#e53935")
ax.invert_yaxis()
ax.set_xlim(min(0.8, float(lowest["score"].min()) - 0.02) if len(lowest) else 0, 1)
ax.set_xlabel(caption("得分（各规则覆盖率的平均）", "score: mean of the rules' coverage"))
ax.set_title(caption("得分最低的街道", f"The {len(lowest)} streets with the lowest score"))
fig.tight_layout()
display(fig)
plt.close(fig)

# %%
result.ranking

# %% [markdown]
# The gaps themselves (缺口): one row per node that fails a rule, with its street and district —
# the to-do list. Here, for the street at the bottom of the ranking:

# %%
worst_street = result.ranking.sort_values("rank").iloc[-1]["street"]
result.gaps[result.gaps["street"] == worst_street]

# %% [markdown]
# ### The ledger and the briefing (台账与汇报材料)
#
# The same audit as the files `jiceng audit` writes: the Excel ledger (台账), one sheet per table
# with Chinese headings, coverage below the threshold in red, ready to print on A4; and the HTML
# briefing (汇报材料), one page that opens offline and prints. `audit_report` builds the report
# from the audit; `write` chooses the format by the file's suffix.

# %%
report = audit_report(result, dataset=graph.name)
ledger = report.write(OUTPUT / "审计台账.xlsx")
briefing = report.write(OUTPUT / "审计汇报.html")
print(f"saved {ledger} and {briefing}")

# %% [markdown]
# ## 4. Isolated and fragile communities (孤立与脆弱社区)
#
# Co-building ties (共建关系) are pairing (结对共建), part-time committee members (兼职委员) and
# in-service Party members reporting to the community (在职党员报到). A community with none is
# **isolated** (孤立): no unit helps it. A community whose ties all come from one single unit is
# **fragile** (脆弱): if that unit withdraws, it is isolated too — that unit is its *single point
# of failure* (单点依赖).

# %%
iso = isolation(graph)
print(f"{len(iso.isolated)} isolated and {len(iso.fragile)} fragile communities "
      f"out of {len(iso.communities)}")
columns = ["id", "name", "street_name", "district_name", "ties", "units", "single_point"]
iso.communities[iso.communities["id"].isin(iso.isolated + iso.fragile)][["status", *columns]]

# %% [markdown]
# The units that fragile communities depend on, and the streets where isolation concentrates:

# %%
name_of = dict(zip(graph.nodes["id"], graph.nodes["name"]))
single_points = pd.DataFrame(
    [(unit, name_of[unit], len(ids), "、".join(name_of[c] for c in ids))
     for unit, ids in iso.single_points.items()],
    columns=["unit", "name", "communities", "community names"])
display(single_points.sort_values(["communities", "unit"], ascending=[False, True]))
iso.by_street.sort_values(["isolated", "fragile", "street"], ascending=[False, False, True]).head(10)

# %% [markdown]
# ## 5. How far co-building resources reach (共建资源覆盖)
#
# Help flows from a unit along its co-building ties, then down the lines of leadership (领导):
# a unit paired with a street also reaches the street's communities. With the default of
# 2 steps (`hops=2`), the first chart shows how many communities each unit reaches, the second
# how many units reach each community (its *inflow*). Communities that no unit reaches are
# **resource deserts** (资源荒漠). The Gini coefficient (基尼系数) says how unevenly help is spread:
# 0 when every community gets the same, near 1 when a few get everything.

# %%
flow = reach(graph, hops=2)
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.5))
left.hist(flow.units["communities"], bins=whole_bins(flow.units["communities"]),
          color="#1e88e5")
left.set_xlabel(caption("每个单位覆盖的社区数", "communities reached per unit"))
left.set_ylabel(caption("单位数", "units"))
right.hist(flow.communities["inflow"], bins=whole_bins(flow.communities["inflow"]),
           color="#fb8c00")
right.set_xlabel(caption("覆盖每个社区的单位数", "units reaching each community (inflow)"))
right.set_ylabel(caption("社区数", "communities"))
fig.tight_layout()
display(fig)
plt.close(fig)
print(f"{len(flow.deserts)} resource deserts; Gini of inflow {flow.gini:.2f}")

# %%
flow.communities[flow.communities["id"].isin(flow.deserts)]

# %% [markdown]
# The units whose help reaches furthest (measured in communities, then in households, 户数):

# %%
flow.units.sort_values(["communities", "households", "id"], ascending=[False, False, True]).head(10)

# %% [markdown]
# ## 6. What if a unit withdraws? (推演：单位退出)
#
# Take out the unit whose help reaches the most communities, with all its ties, and audit
# again. The table compares coverage before and after per rule; below it, the communities that
# would become isolated, fragile or resource deserts. Often the answer is "little": where many
# units overlap, the network absorbs one loss. A fragile community's single point of failure is
# the opposite case.

# %%
if len(flow.units):
    biggest = flow.units.sort_values(["communities", "households", "id"],
                                     ascending=[False, False, True]).iloc[0]
    change = whatif(graph, remove=[biggest["id"]])
    print(f"removing {biggest['id']} {biggest['name']} "
          f"(reaches {biggest['communities']} communities)")
    display(change.rules.style.format({"before": "{:.1%}", "after": "{:.1%}"}, na_rep="—"))
    print("newly isolated:", change.newly_isolated or "none")
    print("newly fragile:", change.newly_fragile or "none")
    print("new resource deserts:", change.new_deserts or "none")
else:
    print("the data has no unit Party organizations (unit_party): nothing to remove")

# %%
if iso.single_points:
    unit, dependants = max(iso.single_points.items(), key=lambda item: (len(item[1]), item[0]))
    change = whatif(graph, remove=[unit])
    print(f"removing {unit} {name_of[unit]}, on which {', '.join(dependants)} depend alone:")
    print("newly isolated:", change.newly_isolated or "none")
else:
    print("no community depends on a single unit")

# %% [markdown]
# ## 7. A map of the weakest street (街道网络图)
#
# Every organization of the street at the bottom of the ranking, with its ties coloured by kind.
# Nodes that fail a rule have a red border; isolated and fragile communities are marked. Drag to
# move, scroll to zoom, hover for details. The map is also saved as a single HTML file that
# opens offline in any browser — to send to a colleague.

# %%
page = street_map(graph, worst_street, audit_result=result, isolation_result=iso)
saved = page.save(OUTPUT / f"street-{worst_street}.html")
print(f"{page.title}: {page.n_nodes} nodes, {page.n_edges} edges; saved as {saved}")
display(page)

# %% [markdown]
# ## 8. Optional: the same audit on Neo4j (图数据库)
#
# When a department outgrows one computer, the data goes into a shared Neo4j graph database and
# the same rules run there as Cypher queries, with the same answers. This step runs only when the
# environment variable `NEO4J_URI` names a server (with `NEO4J_USER`, default `neo4j`, and
# `NEO4J_PASSWORD`), for example the one `docker compose up -d` starts. Use an empty database:
# the data is added to what is there, and other data would change the answers.

# %%
if not os.environ.get("NEO4J_URI"):
    print("skipped: NEO4J_URI is not set (e.g. NEO4J_URI=bolt://localhost:7687, "
          "NEO4J_USER=neo4j, NEO4J_PASSWORD=...)")
else:
    from jiceng import Neo4jSource
    from jiceng.server import push_neo4j

    # the same audit() as above: given a server, it counts there
    with Neo4jSource.connect(os.environ["NEO4J_URI"], os.environ.get("NEO4J_USER", "neo4j"),
                             os.environ.get("NEO4J_PASSWORD", "")) as server:
        push_neo4j(graph, server)
        print(f"pushed {graph.n_nodes:,} nodes and {graph.n_edges:,} edges to {server.uri}")
        on_server = audit(server).summary
    compared = result.summary[["rule", "checked", "passing"]].merge(
        on_server[["rule", "checked", "passing"]], on="rule", suffixes=("", "_neo4j"))
    compared["same"] = ((compared["checked"] == compared["checked_neo4j"])
                        & (compared["passing"] == compared["passing_neo4j"]))
    display(compared)
    print("same answers on Neo4j as in process:", bool(compared["same"].all()))

# %% [markdown]
# ## 9. A plan that closes the gaps (配置方案)
#
# Knowing where the network is thin, a planner's next question is what to do about it: which
# unit should pair with which community (结对共建), and which units should send part-time
# committee members (兼职委员) where. `plan` proposes an assignment and proves it is the best one
# under the planner's rules:
#
# - every community should have at least 2 distinct co-building units (no isolated or fragile
#   community) and its "3+N" part-time members; every street its "1+N" member and a pairing;
# - a unit takes at most 5 pairings and supplies at most 3 part-time members in all (existing
#   ones count), and only within its own street — or, with `scope="district"`, its district at a
#   higher cost;
# - the plan meets as many needs as possible, then makes as few cross-street proposals as
#   possible, then spreads the load over the units with the most room left. It is solved exactly
#   (a min-cost flow), not by a greedy rule of thumb.
#
# Here units may cross streets within their district, so that streets without free units can
# still be helped.

# %%
from jiceng import apply_plan, diff, plan

proposal = plan(graph, scope="district")
totals = proposal.to_json()["totals"]
print(f"{len(proposal.proposals)} proposals: "
      f"{(proposal.proposals['kind'] == 'pairs_with').sum()} pairings and "
      f"{(proposal.proposals['kind'] == 'part_time').sum()} part-time seats, "
      f"{(proposal.proposals['scope'] == 'district').sum()} across streets; "
      f"{int(proposal.unmet['missing'].sum())} needs left unmet")
for measure in ("isolated", "fragile", "deserts"):
    print(f"{measure}: {totals['before'][measure]} → {totals['after'][measure]}")
proposal.proposals[["unit", "unit_name", "target", "target_name", "kind_zh", "need_zh",
                    "new_households", "scope_zh"]].head(15)

# %% [markdown]
# The needs no unit can meet, and why (an empty table means every need is met):

# %%
proposal.unmet[["target", "target_name", "street_name", "need_zh", "missing", "reason"]]

# %% [markdown]
# **Apply and compare (应用与对比).** `apply_plan` adds the proposed ties to a copy of the graph
# (each marked `status = "proposed"`, so maps draw it dashed); `diff` then shows what the plan
# changes, rule by rule, exactly as it compares two snapshots of the city. On the command line
# the same is `jiceng plan DATASET --apply planned/` followed by `jiceng diff DATASET planned/`.

# %%
planned = apply_plan(graph, proposal)
changes = diff(graph, planned)
print(f"{len(planned.edges) - len(graph.edges)} ties added; isolated communities after the "
      f"plan: {len(isolation(planned).isolated)}")
changes.coverage[changes.coverage["delta"] != 0]
