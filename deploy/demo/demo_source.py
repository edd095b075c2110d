"""The demo consortium's course data, read from the TOML files in config/demo/source/ (see its README).

Each course comes out as a *spec*, the plain dict the generator writes a course from: level, title,
concepts (key concepts, then sub-topics), hecos (a list; empty: the area's), and optionally credit,
schedule ("learner-led" | "cohort"), psrb_recognition, pathway ({id, role}), languages and, for courses
written in full, outcomes, summary, aims, assessment, skills and entry.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "config" / "demo" / "source"


def read(name: str) -> dict:
    with (SOURCE / name).open("rb") as fh:
        return tomllib.load(fh)


def spec(course: dict) -> dict:
    """A course table (areas/*.toml, members.toml, near-duplicates.toml, ...) as a spec."""
    out = {k: v for k, v in course.items() if k not in ("key_concepts", "sub_topics", "area")}
    out["concepts"] = course.get("key_concepts", ["", "", ""]) + course.get("sub_topics", [])
    hecos = course.get("hecos", [])
    out["hecos"] = [hecos] if isinstance(hecos, str) else hecos
    return out


def read_areas() -> dict[str, dict]:
    """Subject area -> its family, code, default HECoS code, PSRB bodies, skills and pool of specs."""
    areas = {}
    for path in sorted((SOURCE / "areas").glob("*.toml")):
        area = read(f"areas/{path.name}")
        area["pool"] = [spec(c) for c in area.pop("course", [])]
        areas[path.stem] = area
    return areas


AREAS = read_areas()
FAMILIES: dict[str, dict] = read("families.toml")
SENTENCES = read("sentences.toml")
MEMBERS: list[dict] = read("members.toml")["member"]
NEAR_DUPLICATES: list[dict] = read("near-duplicates.toml")["pair"]
DECLARED = read("declared-exclusions.toml")
PATHWAYS: dict[str, dict] = read("pathways.toml")
