"""The demo consortium's generator (deploy/demo/) writes out config/demo/source/ into exactly the feeds that
are committed under config/demo/, and its data files say what the generator needs."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "config" / "demo"
SOURCE = DEMO / "source"
GENERATED = ["feeds.toml", "brackenfield-mapping.toml", *(f"feeds/{p.name}" for p in (DEMO / "feeds").iterdir())]


def read(path: Path) -> dict:
    with path.open("rb") as fh:
        return tomllib.load(fh)


def test_regenerating_the_demo_gives_the_committed_feeds_byte_for_byte(tmp_path):
    run = subprocess.run([sys.executable, str(ROOT / "deploy/demo/make_demo_feeds.py"), "--out", str(tmp_path)],
                         capture_output=True, text=True, check=True)
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert written == sorted(GENERATED)
    for name in GENERATED:
        assert (tmp_path / name).read_bytes() == (DEMO / name).read_bytes(), name
    assert "total 330" in run.stdout


def test_the_committed_feeds_hold_the_members_courses_and_declared_exclusions_of_the_data():
    feeds = read(DEMO / "feeds.toml")["feed"]
    assert [f["provider_id"] for f in feeds] == [f"1009900{n}" for n in range(1, 8)]
    native = {f["file"]: json.loads((DEMO / "feeds" / f["file"]).read_text(encoding="utf-8"))
              for f in feeds if f["format"] == "native"}
    counts = {name: len(feed["courses"]) for name, feed in native.items()}
    assert counts == {"wychbury.json": 59, "northmoor.json": 58, "kingsbridge.json": 58, "glenarden.json": 53,
                      "caerwyn.json": 52}
    assert (DEMO / "feeds/ashcombe.xml").read_text(encoding="utf-8").count("<xcri:course>") == 50
    excluding = sorted(c["id"] for feed in native.values() for c in feed["courses"] if c.get("excludes"))
    assert excluding == ["CRW-SC607", "KIT-CY607", "NMU-SC607"]
    withdrawn = [c["id"] for c in native["northmoor.json"]["courses"] if c["status"] == "withdrawn"]
    assert withdrawn == ["NMU-NU608", "NMU-SC603", "NMU-LW602"]


def test_every_member_takes_no_more_from_an_area_than_its_pool_holds():
    areas = {p.stem: read(p) for p in (SOURCE / "areas").glob("*.toml")}
    families = read(SOURCE / "families.toml")
    taken: dict[str, int] = {}
    for member in read(SOURCE / "members.toml")["member"]:
        for share in member["pools"]:
            taken[share["area"]] = taken.get(share["area"], 0) + share["courses"]
        for course in member.get("course", []) + member.get("written_course", []):
            assert course["area"] in areas, course["title"]
    for name, count in taken.items():
        assert count <= len(areas[name].get("course", [])), name
    for name, area in areas.items():
        assert area["family"] in families, name
        for course in area.get("course", []):
            assert len(course["key_concepts"]) == 3 and 4 <= course["level"] <= 8, course["title"]
            assert course.get("schedule", "cohort") in ("cohort", "learner-led"), course["title"]
            if "pathway" in course:
                assert course["pathway"]["id"] in read(SOURCE / "pathways.toml"), course["title"]
                assert course["pathway"]["role"] in ("core", "capstone", "option"), course["title"]


def test_each_near_duplicate_names_two_members_of_the_consortium():
    members = {m["slug"] for m in read(SOURCE / "members.toml")["member"]}
    for pair in read(SOURCE / "near-duplicates.toml")["pair"]:
        assert {pair["a"]["member"], pair["b"]["member"]} <= members and pair["a"]["member"] != pair["b"]["member"]
