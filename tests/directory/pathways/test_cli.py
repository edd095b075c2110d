"""``climbing-frame pathways add/list``: consortium pathways from a file."""

from __future__ import annotations

import json

from directory.search.query import Filters, SearchQuery
from tests.clock import TODAY
from tests.directory.pathways.helpers import A, B, build, pathway
from tests.test_cli import env, run  # noqa: F401,F811  (the fixture)


def test_an_administrator_adds_a_consortium_pathway_and_its_courses_become_searchable(env, instance, tmp_path):  # noqa: F811
    build(instance, pathways=[])
    raw = pathway("consortium-ds", core=[f"{A}/DS1"], capstone=None,
                  option_groups=[{"min_credit": 30, "courses": [f"{B}/BX1", f"{B}/BX2"]}])
    raw["awarding"] = {"id": A}
    path = tmp_path / "pathway.json"
    path.write_text(json.dumps(raw))
    result = run("pathways", "add", "--file", str(path))
    assert result.exit_code == 0, result.output
    assert "pathway consortium-ds added" in result.output
    listing = json.loads(run("pathways", "list", "--json").output)
    assert listing == [{"id": "consortium-ds", "awarding": A, "source": "consortium", "status": "active",
                        "title": "PgCert Applied Data Science"}]
    found = instance.search.search(SearchQuery(filters=Filters(pathway=("consortium-ds",)), per_page=50, today=TODAY))
    assert sorted(h.id for h in found.hits) == [f"{A}/DS1", f"{B}/BX1", f"{B}/BX2"]

    withdrawn = run("pathways", "withdraw", "consortium-ds")
    assert withdrawn.exit_code == 0, withdrawn.output
    assert json.loads(run("pathways", "list", "--json").output) == []
    assert instance.search.search(SearchQuery(filters=Filters(pathway=("consortium-ds",)), today=TODAY)).total == 0


def test_a_bad_pathway_file_names_the_field(env, instance, tmp_path):  # noqa: F811
    build(instance, pathways=[])
    path = tmp_path / "pathway.json"
    path.write_text(json.dumps({"id": "x", "title": "X"}))
    result = run("pathways", "add", "--file", str(path))
    assert result.exit_code != 0 and "level" in result.output and "total_credit" in result.output
