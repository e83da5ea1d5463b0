"""The report builders of the public API write what the CLI writes, in the format a file's
suffix names."""

from __future__ import annotations

import json

import pytest

import jiceng
import jiceng.present
from jiceng import JicengError, audit_report, isolation, isolation_report, reach, reach_report


@pytest.fixture(scope="module")
def isolation_of_sample(sample):
    return isolation_report(isolation(sample), graph=sample, dataset=sample.name)


@pytest.mark.parametrize(("name", "fmt"), [("a.json", "json"), ("a.md", "markdown"),
                                           ("a.csv", "csv"), ("a.html", "html"),
                                           ("a.txt", "table")])
def test_write_chooses_the_format_by_suffix(tmp_path, cli, sample, isolation_of_sample, name,
                                            fmt):
    """``report.write(path)`` writes what ``--format FMT --output path`` writes."""
    written = isolation_of_sample.write(tmp_path / name)
    assert written == tmp_path / name
    done = cli("isolated", jiceng.sample_path(), "--format", fmt, "--output", tmp_path / "cli")
    assert done.exit_code == 0
    assert written.read_bytes() == (tmp_path / "cli").read_bytes()


def test_write_refuses_an_unknown_suffix_and_writes_nothing(tmp_path, isolation_of_sample):
    with pytest.raises(JicengError, match=r"^不知道 a\.pdf 应写成哪种格式（no format for the suffix"):
        isolation_of_sample.write(tmp_path / "a.pdf")
    assert list(tmp_path.iterdir()) == []


def test_builders_are_the_public_api(sample):
    """Each builder takes the query's result: the JSON is the query's own."""
    result = reach(sample, hops=3)
    report = reach_report(result, dataset="样例")
    assert report.json_data() == result.to_json()
    assert "k = 3" in report.title and report.dataset == "样例"
    audited = jiceng.audit(sample)
    data = json.loads(json.dumps(audit_report(audited).json_data()))
    tiers = [place.pop("tier") for place in data["districts"]]  # the report adds the tiers
    assert data == audited.to_json("district")
    assert tiers == ["ok" if d["score"] >= 0.95 else "warn" if d["score"] >= 0.85 else "focus"
                     for d in data["districts"]]
    assert set(jiceng.present.__all__) <= set(jiceng.__all__)
