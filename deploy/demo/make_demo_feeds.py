#!/usr/bin/env python3
"""Generate the demo consortium's catalogue feeds (config/demo/feeds/, feeds.toml) from its course data.

Six FICTIONAL universities publish micro-credentials: five as native Climbing Frame JSON feeds
(docs/feed-format.md) and one as an XCRI-CAP 1.2 XML feed. A seventh, the onboarding member, is written by
make_onboarding_feed.py (called at the end) the way real university feeds are. Everything is invented: the
institutions, their UKPRN-like identifiers (100990xx) and the ``.ac.example`` domains. The courses, members
and planted oddities are data, in config/demo/source/ (its README says which file holds what); this script
and the modules beside it write them out.

The output is deterministic: one fixed random seed and a fixed "generated" timestamp, so running the
script twice gives byte-identical files. Standard library only.

    python deploy/demo/make_demo_feeds.py            # writes config/demo/feeds/*, config/demo/feeds.toml
    python deploy/demo/make_demo_feeds.py --out DIR  # somewhere else (DIR/feeds/..., DIR/feeds.toml)

Deliberate oddities, so the demo has something to show (see config/demo/README.md):
  * two invalid records in the Kingsbridge feed (quarantined by the harvester),
  * three withdrawn courses in the Northmoor feed,
  * near-duplicate courses offered by two providers (for overlap detection),
  * pathways (stackable awards) published by Wychbury and referenced from its courses,
  * declared exclusions ("excludes"): a Kingsbridge module and its replacement, and a syllabus Northmoor and
    Caerwyn teach together.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

import make_onboarding_feed  # beside this script
from demo_courses import SEED, build_course
from demo_source import AREAS, DECLARED, MEMBERS, NEAR_DUPLICATES, PATHWAYS, ROOT, spec
from demo_xcri import GENERATED, xcri_feed

__all__ = ["NEAR_DUPLICATES", "main"]  # benchmarks/demo_overlaps.py reads the planted pairs from here


def member_specs(member: dict, cursor: dict[str, int]) -> list[tuple[str, dict]]:
    """The member's courses in feed order: its share of each area's pool (pools are consumed in member
    order, ``cursor`` says how far), its own courses, its near-duplicates, then its courses written in full."""
    specs: list[tuple[str, dict]] = []
    for share in member["pools"]:
        area, count = share["area"], share["courses"]
        take = AREAS[area]["pool"][cursor.get(area, 0):cursor.get(area, 0) + count]
        if len(take) < count:
            raise SystemExit(f"pool {area} exhausted for {member['slug']}")
        cursor[area] = cursor.get(area, 0) + count
        specs += [(area, s) for s in take]
    specs += [(c["area"], spec(c)) for c in member.get("course", [])]
    for pair in NEAR_DUPLICATES:
        for side in ("a", "b"):
            if pair[side]["member"] == member["slug"]:
                shared = {k: pair[k] for k in ("level", "hecos", "key_concepts", "sub_topics") if k in pair}
                fields = {k: v for k, v in pair[side].items() if k != "member"}
                specs.append((pair["area"], {**spec({**shared, **fields}), "_dup": pair["key"]}))
    specs += [(c["area"], spec(c)) for c in member.get("written_course", [])]
    return specs


def plan_courses(rng: random.Random) -> dict[str, list[dict]]:
    """Every member's courses, before member-specific touches (withdrawn, broken, pathways)."""
    cursor: dict[str, int] = {}
    result: dict[str, list[dict]] = {}
    for member in MEMBERS:
        courses = []
        seq_by_key: dict[str, int] = {}
        for area, course_spec in member_specs(member, cursor):
            key = f"{AREAS[area]['code']}{course_spec['level']}"
            seq_by_key[key] = seq_by_key.get(key, 0) + 1
            course = build_course(rng, member, area, course_spec, seq_by_key[key])
            if "_dup" in course_spec:
                course["_dup"] = course_spec["_dup"]
            courses.append(course)
        result[member["slug"]] = courses
    return result


def build_pathways(member: dict, courses: list[dict], all_courses: dict[str, list[dict]]) -> list[dict]:
    """The pathways (pathways.toml) with the member's courses that name them, and options elsewhere."""
    by_pw: dict[str, dict[str, list[dict]]] = {}
    for c in courses:
        if c["_pathway"]:
            by_pw.setdefault(c["_pathway"]["id"], {}).setdefault(c["_pathway"]["role"], []).append(c)
    ids = {m["slug"]: m["id"] for m in MEMBERS}
    external: dict[str, list[str]] = {}
    others = [(slug, c) for slug, cs in all_courses.items() if slug != member["slug"] for c in cs]
    for slug, c in others:
        if c["_pathway"] and c["_pathway"]["role"] == "option":
            external.setdefault(c["_pathway"]["id"], []).append(f"{ids[slug]}/{c['id']}")
    for pw, m in PATHWAYS.items():  # options that do not name the pathway themselves
        external.setdefault(pw, []).extend(f"{ids[slug]}/{c['id']}" for slug, c in others
                                           if c.get("_dup") in m.get("near_duplicate_options", []))
    out = []
    for pw, roles in by_pw.items():
        m = PATHWAYS[pw]
        core = [c["id"] for c in roles.get("core", []) + roles.get("capstone", [])]
        capstone = roles.get("capstone", [None])[0]
        options = [f"{member['id']}/{c['id']}" for c in roles.get("option", [])] + external.get(pw, [])
        out.append({
            "id": pw,
            "title": m["title"],
            "description": m["description"],
            "url": f"https://www.{member['domain']}/pathways/{pw}",
            "level": {"framework": "FHEQ", "value": m["level"]},
            "total_credit": {"value": m["total_credit"], "scheme": "CATS"},
            "rules": {
                "min_credit_at_level": {"level": m["level"], "credit": m["min_credit_at_level"]},
                "core": core,
                "option_groups": [{"min_credit": m["option_min_credit"], "courses": options}],
                "max_external_share": m["max_external_share"],
                **({"capstone": capstone["id"]} if capstone else {}),
                "max_span_years": m["max_span_years"],
            },
        })
    return out
def clean(course: dict) -> dict:
    out = {k: v for k, v in course.items() if not k.startswith("_")}
    for key in ("psrb_recognition", "pathways"):
        if not out[key]:
            del out[key]
    return out


def native_feed(provider: dict, courses: list[dict], pathways: list[dict]) -> dict:
    prov = {"id": provider["id"], "id_scheme": "UKPRN", "name": provider["name"], "country": "GB",
            "url": f"https://www.{provider['domain']}/"}
    feed = {"format": "climbing-frame/catalogue-feed", "version": "1.0", "generated": GENERATED,
            "provider": prov, "courses": [clean(c) for c in courses]}
    if pathways:
        feed["pathways"] = pathways
    return feed



# ---------------------------------------------------------------------------------------------------


def next_seq(provider: dict, courses: list[dict], area: str, fheq: int) -> int:
    """The sequence number the next course of ``area`` at ``fheq`` takes (levels as FHEQ: not for SCQF)."""
    assert provider["framework"] != "SCQF"
    prefix = f"{provider['prefix']}-{AREAS[area]['code']}{fheq}"
    return 1 + sum(1 for c in courses if re.fullmatch(re.escape(prefix) + r"\d\d", c["id"]))


def add_declared(plan: dict[str, list[dict]]) -> dict[str, list[str]]:
    """Add the replacement and the shared-syllabus courses (declared-exclusions.toml), with their
    ``excludes``; their ids by kind."""
    rng = random.Random(f"{SEED}|declared")
    by_slug = {m["slug"]: m for m in MEMBERS}
    ids: dict[str, list[str]] = {}

    r = DECLARED["replacement"]
    member, courses = by_slug[r["member"]], plan[r["member"]]
    (old,) = [c for c in courses if c["title"] == r["replaces"]]
    topics = spec(r)["concepts"]
    new_spec = {**spec(r), "outcomes": old["learning_outcomes"][:-1] + r["new_outcomes"],
                "summary": f"The successor to {old['title']} ({old['id']}), which closes to new learners on "
                           f"{r['closes']}: the same core of {', '.join(topics[:2])} and {topics[2]}, "
                           f"with new units on {topics[3]} and {topics[4]}. Study at your own pace "
                           f"online, with tutor support throughout."}
    new = build_course(rng, member, r["area"], new_spec, next_seq(member, courses, r["area"], r["level"]))
    new["excludes"] = [{"course_id": old["id"],
                        "reason": f"replaces {old['id']} {old['title']}, which closes to new learners on "
                                  f"{r['closes']}: the same course for credit"}]
    old["summary"] = (f"Closes to new learners on {r['closes']}; replaced by {new['title']} ({new['id']}). "
                      + old["summary"])
    courses.append(new)
    ids["replacement"] = [old["id"], new["id"]]

    s = DECLARED["shared_syllabus"]
    built = []
    for side in s["side"]:
        member, courses = by_slug[side["member"]], plan[side["member"]]
        side_spec = {**spec(s), "summary": side["summary"],
                     "outcomes": [o.format(where=side["where"]) for o in s["outcomes"]]}
        course = build_course(rng, member, s["area"], side_spec, next_seq(member, courses, s["area"], s["level"]))
        courses.append(course)
        built.append((member, course))
    for (member, course), (other_member, other) in zip(built, built[::-1], strict=True):
        course["excludes"] = [{"course_id": other["id"], "provider_id": other_member["id"],
                               "reason": f"the same module specification, taught by {member['name']} and "
                                         f"{other_member['name']}: one course for credit"}]
    ids["shared syllabus"] = [f"{m['id']}/{c['id']}" for m, c in built]
    return ids


def plant_oddities(plan: dict[str, list[dict]]) -> list[str]:
    """Withdraw and break the courses members.toml names by position; what was planted, as report lines."""
    report = []
    for member in MEMBERS:
        courses = plan[member["slug"]]
        for c in [courses[i] for i in member.get("withdrawn", [])]:  # superseded, still in the feed
            c["status"] = "withdrawn"
            c["summary"] = "This course is no longer recruiting and has been replaced. " + c["summary"]
        if member.get("withdrawn"):
            report.append(f"withdrawn ({member['slug']}): "
                          + ", ".join(c["id"] for c in courses if c["status"] == "withdrawn"))
        invalid = []  # quarantined by the harvester
        for c in [courses[i] for i in member.get("unknown_subject", [])]:
            c["subjects"] = [{"scheme": "HECoS", "code": "109999"}]
            invalid.append(f"{c['id']} (unknown HECoS 109999)")
        for c in [courses[i] for i in member.get("without_credit", [])]:
            c["_drop_credit"] = True
            invalid.append(f"{c['id']} (no credit)")
        if invalid:
            report.insert(0, f"invalid on purpose ({member['slug']}): " + ", ".join(invalid))
    return report


def write_feeds(out: Path, plan: dict[str, list[dict]]) -> None:
    """Each member's feed under out/feeds/ and their [[feed]] tables in out/feeds.toml."""
    feeds_dir = out / "feeds"
    feeds_dir.mkdir(parents=True, exist_ok=True)
    toml = ["# Demo consortium feeds (fictional universities). Generated by deploy/demo/make_demo_feeds.py.",
            "# file is relative to config/demo/feeds/.", ""]
    for member in MEMBERS:
        courses = plan[member["slug"]]
        if member["format"] == "native":
            pathways = build_pathways(member, courses, plan) if member["slug"] == "wychbury" else []
            feed = native_feed(member, courses, pathways)
            for raw, c in zip(feed["courses"], courses, strict=True):
                if c.get("_drop_credit"):
                    del raw["credit"]
            text = json.dumps(feed, indent=2, ensure_ascii=False) + "\n"
        else:
            text = xcri_feed(member, courses)
        name = f"{member['slug']}.{'json' if member['format'] == 'native' else 'xml'}"
        (feeds_dir / name).write_text(text, encoding="utf-8")
        toml += ["[[feed]]", f'provider_id = "{member["id"]}"', f"name = {json.dumps(member['name'])}",
                 f'file = "{name}"', f'format = "{member["format"]}"', 'every = "6h"', ""]
    (out / "feeds.toml").write_text("\n".join(toml), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "config/demo")
    args = parser.parse_args()
    plan = plan_courses(random.Random(SEED))
    declared = add_declared(plan)  # appended: every course above keeps its place and its values
    planted = plant_oddities(plan)
    write_feeds(args.out, plan)
    make_onboarding_feed.write(args.out)  # the seventh member, written like a real university's feed

    for member in MEMBERS:
        courses = plan[member["slug"]]
        levels: dict[str, int] = {}
        for c in courses:
            key = f"{c['level']['framework']} {c['level']['value']}"
            levels[key] = levels.get(key, 0) + 1
        ll = sum(c["schedule"]["type"] == "learner-led" for c in courses)
        name = f"{member['slug']}.{'json' if member['format'] == 'native' else 'xml'}"
        print(f"{name:18} {len(courses):3} courses  learner-led {ll:2}  cohort {len(courses) - ll:2}  "
              + ", ".join(f"{k}: {v}" for k, v in sorted(levels.items())))
    print(f"total {sum(len(cs) for cs in plan.values())}")
    print("\n".join(planted))
    for kind, pair in declared.items():
        print(f"declared exclusion ({kind}): {pair[1]} excludes {pair[0]}" if kind == "replacement"
              else f"declared exclusion ({kind}): {pair[0]} and {pair[1]} exclude each other")


if __name__ == "__main__":
    main()
