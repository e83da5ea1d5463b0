"""The Guiyang preset reproduces the article's totals, deterministically, with planted gaps."""

from __future__ import annotations

import filecmp

import numpy as np
import pytest

from jiceng.loaders import read_dataset, sample_path
from jiceng.loaders.synthetic import GUIYANG_TOTALS


def article_totals(graph) -> dict:
    """Count, from a dataset read back from disk, the figures the article gives."""
    nodes, edges = graph.to_tables()
    kind_of = dict(zip(nodes["id"], nodes["kind"]))
    target_kind = edges["target"].map(kind_of)
    part_time = edges["kind"] == "part_time"
    pairing = edges[edges["kind"] == "pairs_with"]
    return {
        "street_committee": int((nodes["kind"] == "street_committee").sum()),
        "community_party": int((nodes["kind"] == "community_party").sum()),
        "unit_party": int(pairing["source"].map(kind_of).eq("unit_party").groupby(
            pairing["source"]).any().sum()),
        "part_time_street": int((part_time & (target_kind == "street_committee")).sum()),
        "part_time_community": int((part_time & (target_kind == "community_party")).sum()),
        "property_company": int((nodes["kind"] == "property_company").sum()),
        "property_party": int((nodes["kind"] == "property_party").sum()),
        "owners_party": int((nodes["kind"] == "owners_party").sum()),
        "red_station": int((nodes["type"] == "red_station").sum()),
        "driver_home": int((nodes["type"] == "driver_home").sum()),
        "workers": int(nodes["workers"].sum()),
        "reported_members": int(edges.loc[edges["kind"] == "reports_to", "members"].sum()),
    }


#: The figures the article gives (seed/000_f2e0d1c5258d7a8c.txt), written out independently of
#: the generator's own table so that a change to either is caught.
ARTICLE = {"street_committee": 74, "community_party": 709, "unit_party": 1558,
           "part_time_street": 356, "part_time_community": 2245, "property_company": 525,
           "property_party": 273, "owners_party": 24, "driver_home": 18, "workers": 8011}


def test_generated_guiyang_totals_equal_the_article(tmp_path, jiceng_process):
    done = jiceng_process("generate", "--preset", "guiyang", "--seed", "5", tmp_path / "gy")
    assert done.returncode == 0, done.stderr
    totals = article_totals(read_dataset(tmp_path / "gy"))
    expected = {k: v for k, v in GUIYANG_TOTALS.items() if k != "reported_members_at_least"}
    assert {k: totals[k] for k in expected} == expected
    assert {k: totals[k] for k in ARTICLE} == ARTICLE
    assert totals["red_station"] >= 150 and totals["reported_members"] >= 60000


def test_generator_is_deterministic(tmp_path, cli):
    for name, seed in (("a", 11), ("b", 11), ("c", 12)):
        assert cli("generate", "--seed", seed, "--scale", "0.2", tmp_path / name).exit_code == 0
    for file in ("nodes.csv", "edges.csv", "truth.json"):
        assert filecmp.cmp(tmp_path / "a" / file, tmp_path / "b" / file, shallow=False)
    assert not filecmp.cmp(tmp_path / "a" / "edges.csv", tmp_path / "c" / "edges.csv",
                           shallow=False)


def test_bundled_sample_is_the_seed_1_output(tmp_path, cli):
    assert cli("generate", "--seed", "1", tmp_path / "gy").exit_code == 0
    for file in ("nodes.csv", "edges.csv", "truth.json"):
        assert filecmp.cmp(tmp_path / "gy" / file, sample_path() / file, shallow=False), (
            "the bundled sample is stale: run `jiceng generate --seed 1 src/loaders/sample`")


@pytest.mark.slow
def test_scale_3_multiplies_every_count(guiyang_3):
    _, graph, truth = guiyang_3
    totals = article_totals(graph)
    for key in ("street_committee", "community_party", "unit_party", "part_time_street",
                "part_time_community", "property_company", "property_party", "owners_party",
                "red_station", "driver_home", "workers"):
        assert totals[key] == GUIYANG_TOTALS[key] * 3, key
    assert truth["scale"] == 3


def test_units_pair_mostly_in_their_own_street_or_district(sample):
    places = sample.places
    src, dst, _ = sample.edge_arrays
    pairs = sample.edge_positions("pairs_with")
    covers = sample.edge_positions("covers")
    unit_of_party = dict(zip(src[covers], dst[covers]))
    s_street = places["street"].to_numpy()[[unit_of_party[s] for s in src[pairs]]]
    t_street = places["street"].to_numpy()[dst[pairs]]
    s_district = places["district"].to_numpy()[[unit_of_party[s] for s in src[pairs]]]
    t_district = places["district"].to_numpy()[dst[pairs]]
    assert (s_street == t_street).mean() > 0.8
    assert (s_district == t_district).mean() > 0.95


def test_names_are_chinese_under_guiyang_districts(sample):
    districts = sample.nodes.loc[sample.nodes["kind"] == "district_committee", "name"].tolist()
    for real in ("云岩区", "南明区", "观山湖区", "花溪区", "乌当区", "白云区", "清镇市", "修文县",
                 "息烽县", "开阳县", "贵安新区"):
        assert any(real in d for d in districts), real
    names = sample.nodes["name"].to_numpy(dtype=str)
    assert np.mean([any("\u4e00" <= ch <= "\u9fff" for ch in n) for n in names[:5000]]) == 1.0


def test_truth_file_records_every_default_rule(sample_truth):
    from jiceng.queries.rules import default_rules

    assert set(sample_truth["gaps"]) == {r.id for r in default_rules()}
    assert sample_truth["isolated"] and sample_truth["fragile"] and sample_truth["deserts"]
    assert set(sample_truth["deserts"]) <= set(sample_truth["isolated"])


def test_too_small_a_scale_is_a_clear_error(tmp_path, cli):
    result = cli("generate", "--scale", "0.001", tmp_path / "x")
    assert result.exit_code == 2 and "scale" in result.stderr and "Traceback" not in result.stderr
