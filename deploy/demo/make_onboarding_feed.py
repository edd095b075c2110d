#!/usr/bin/env python3
"""Generate the demo consortium's onboarding member: the University of Brackenfield (FICTIONAL), whose
XCRI-CAP 1.2 feed looks like a real university's rather than one written for this directory.

* The document names its provider only by its web address and an internal code ("BRK"), never by the
  member id the consortium registered it under (10099007): feeds.toml aliases both.
* Credit is in the university's own points scheme, "University of Brackenfield": levels "1", "2", "3" and
  "M" (the old CATS numbering: FHEQ 4 to 7), points that are CATS points.
* 22 modules; 8 publish no learning outcomes, 6 have no presentation (so nothing says how they are taught).
* Subjects as JACS 3.0 codes, LDCS codes and free text ("Local history", "Archaeology").
* Two whole qualifications beside the modules (a BA (Hons) and a PGCert), and one further-education course
  without credit.

It writes config/demo/feeds/brackenfield.xml, config/demo/brackenfield-mapping.toml (the profile as a
`feeds check --mapping` file) and the member's entry at the end of config/demo/feeds.toml (with the same
profile under [feed.mapping]). The member's modules, qualifications and profile are data, in
config/demo/source/brackenfield.toml. Deterministic: fixed tables and a fixed "generated" stamp, no dates from
the day it runs, standard library only. make_demo_feeds.py calls it, so regenerating the demo keeps the member.

    python deploy/demo/make_onboarding_feed.py            # writes into config/demo
    python deploy/demo/make_onboarding_feed.py --out DIR  # DIR/feeds/brackenfield.xml, DIR/feeds.toml, ...
"""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[2]
GENERATED = "2026-01-15T06:00:00Z"
MARKER = "# --- the onboarding member (deploy/demo/make_onboarding_feed.py) ---"

# The member's modules, qualifications and profile: config/demo/source/brackenfield.toml. Each module's text
# is its own, so that overlap detection finds no false twins among them.
with (ROOT / "config/demo/source/brackenfield.toml").open("rb") as _fh:
    MEMBER = tomllib.load(_fh)
PROVIDER_ID, NAME, SITE, CODE = MEMBER["provider_id"], MEMBER["name"], MEMBER["site"], MEMBER["code"]
SCHEME = NAME  # the points scheme is named after the university, as real feeds do
MODULES: list[dict] = MEMBER["module"]
QUALIFICATIONS: list[dict] = MEMBER["qualification"]
PROFILE_TABLES: str = MEMBER["profile"]

NAMESPACES = (
    'xmlns="http://xcri.org/profiles/1.2/catalog"\n\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
    '\txmlns:dcterms="http://purl.org/dc/terms/"\n\txmlns:mlo="http://purl.org/net/mlo"\n'
    '\txmlns:credit="http://purl.org/net/cm"\n\txmlns:xhtml="http://www.w3.org/1999/xhtml"\n'
    '\txmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"\n\txmlns:courseDataProgramme="http://xcri.co.uk"\n'
    '\txmlns:brk="https://www.brackenfield.ac.example/ns/xcri"'
)


def subject_element(subject: dict) -> str:
    """{text = words} or {scheme = "JACS3" | "LDCS", code = ...}."""
    if "text" in subject:
        return f"<dc:subject>{escape(subject['text'])}</dc:subject>"
    scheme, code = subject["scheme"], subject["code"]
    return f'<dc:subject xsi:type="courseDataProgramme:{scheme}" identifier="{code}">{code}</dc:subject>'


def outcomes(items: list[str]) -> str:
    listed = "".join(f"<xhtml:li>{escape(item)}</xhtml:li>" for item in items)
    return (f"<learningOutcome><xhtml:div><xhtml:p>On completing this course you will be able to:</xhtml:p>"
            f"<xhtml:ul>{listed}</xhtml:ul></xhtml:div></learningOutcome>")


def presentation(n: int, course_id: str, points: int) -> str:
    start = MEMBER["start_dates"][n % len(MEMBER["start_dates"])]
    mode = MEMBER["modes"][n % len(MEMBER["modes"])]
    code, label = mode["code"], mode["label"]
    fee = 55 * points
    return ("<presentation>"
            f"<dc:identifier>{course_id}-{start[:4]}{start[5:7]}</dc:identifier>"
            f'<mlo:start dtf="{start}">{start}</mlo:start>'
            f"<mlo:duration>{points // 2} weeks</mlo:duration>"
            f'<studyMode identifier="PT">Part time</studyMode>'
            f'<attendanceMode identifier="{code}">{label}</attendanceMode>'
            "<mlo:languageOfInstruction>en</mlo:languageOfInstruction>"
            f"<mlo:cost>\u00a3{fee} (UK); \u00a3{fee * 2} (international)</mlo:cost>"
            f"<applyTo>{SITE}apply/{course_id.lower()}</applyTo>"
            "</presentation>")


def credit(level: str, points: int) -> str:
    return (f"<mlo:credit><credit:scheme>{escape(SCHEME)}</credit:scheme><credit:level>{level}</credit:level>"
            f"<credit:value>{points}</credit:value></mlo:credit>")


def module(n: int, entry: dict) -> str:
    course_id, level, points = entry["id"], entry["level"], entry["points"]
    learning_outcomes = entry.get("learning_outcomes")
    path = f"modules/{course_id.removeprefix('BRK-').lower()}"
    return ("\t\t<course>"
            f"<dc:identifier>{course_id}</dc:identifier><dc:identifier>{SITE}{path}</dc:identifier>"
            f"<dc:title>{escape(entry['title'])}</dc:title>{subject_element(entry['subject'])}"
            f"<mlo:url>{SITE}{path}</mlo:url>"
            f"<abstract>{escape(entry['summary'])}</abstract>"
            + (outcomes(learning_outcomes) if learning_outcomes else "")
            + credit(level, points)
            + (presentation(n, course_id, points) if entry.get("presentation", True) else "")
            + "</course>")


def qualification(n: int, entry: dict) -> str:
    course_id, title, award, points = entry["id"], entry["title"], entry["award"], entry["points"]
    return ("\t\t<course>"
            f"<dc:identifier>{course_id}</dc:identifier><dc:title>{escape(title)}</dc:title>"
            + "".join(subject_element(subject) for subject in entry["subjects"])
            + f"<mlo:url>{SITE}{entry['path']}</mlo:url>"
            f"<abstract>The {escape(award)} programme: {escape(title)}, {points} credits.</abstract>"
            + outcomes(entry["learning_outcomes"])
            + f"<mlo:qualification><dc:title>{escape(award)}</dc:title><awardedBy>{NAME}</awardedBy>"
              "</mlo:qualification>"
            + credit(entry["level"], points)
            + presentation(n, course_id, points)
            + "</course>")


def further_education_course() -> str:
    course = MEMBER["further_education"]
    start = course["start"]
    return ("\t\t<course>"
            f"<dc:identifier>{course['id']}</dc:identifier><dc:title>{escape(course['title'])}</dc:title>"
            + subject_element(course["subject"])
            + f"<mlo:url>{SITE}{course['path']}</mlo:url>"
            f"<abstract>{escape(course['summary'])}</abstract>"
            f"<learningOutcome>{escape(course['learning_outcome'])}</learningOutcome>"
            f"<mlo:level>{course['level']}</mlo:level>"
            f'<presentation><mlo:start dtf="{start}">{start}</mlo:start>'
            f'<attendanceMode identifier="{course["mode"]["code"]}">{course["mode"]["label"]}</attendanceMode>'
            f"<mlo:cost>{escape(course['cost'])}</mlo:cost></presentation>"
            "</course>")


def feed_document() -> str:
    courses = [module(n, entry) for n, entry in enumerate(MODULES)]
    courses += [qualification(n, entry) for n, entry in enumerate(QUALIFICATIONS)]
    courses.append(further_education_course())
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<catalog {NAMESPACES}\n\tgenerated="{GENERATED}">\n'
            "\t<provider>\n"
            f"\t\t<dc:identifier>{SITE}</dc:identifier>\n"
            f'\t\t<dc:identifier xsi:type="brk:institutionCode">{CODE}</dc:identifier>\n'
            f"\t\t<dc:title>{NAME}</dc:title>\n\t\t<mlo:url>{SITE}</mlo:url>\n"
            + "\n".join(courses)
            + "\n\t</provider>\n</catalog>\n")


def feeds_toml_entry() -> str:
    """The member's [[feed]] table for config/demo/feeds.toml, its profile under [feed.mapping]."""
    mapping = "\n".join(f"[feed.mapping.{line[1:]}" if line.startswith("[") else line
                        for line in PROFILE_TABLES.splitlines())
    return (f"{MARKER}\n# Its document names it only by its web address and its internal code: both aliased.\n"
            f'[[feed]]\nprovider_id = "{PROVIDER_ID}"\nname = "{NAME}"\nfile = "brackenfield.xml"\n'
            f'format = "xcri-cap"\nevery = "6h"\naliases = ["{SITE}", "{CODE}"]\n\n{mapping}')


def write(out: Path) -> None:
    """Write the feed, the profile file and the feeds.toml entry (replacing an earlier one) under ``out``."""
    (out / "feeds").mkdir(parents=True, exist_ok=True)
    (out / "feeds" / "brackenfield.xml").write_text(feed_document(), encoding="utf-8")
    (out / "brackenfield-mapping.toml").write_text(
        f"# The University of Brackenfield's mapping profile, as `feeds check --mapping` reads it (the same\n"
        f"# tables are under [feed.mapping] of its entry in feeds.toml). Generated by {Path(__file__).name}.\n\n"
        + PROFILE_TABLES, encoding="utf-8")
    feeds = out / "feeds.toml"
    existing = feeds.read_text(encoding="utf-8") if feeds.exists() else ""
    kept = existing.split(MARKER)[0].rstrip("\n")
    feeds.write_text((kept + "\n\n" if kept else "") + feeds_toml_entry(), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "config/demo")
    args = parser.parse_args()
    write(args.out)
    with_outcomes = sum(bool(entry.get("learning_outcomes")) for entry in MODULES)
    with_presentation = sum(entry.get("presentation", True) for entry in MODULES)
    print(f"brackenfield.xml   {len(MODULES)} modules ({len(MODULES) - with_outcomes} without learning outcomes, "
          f"{len(MODULES) - with_presentation} without presentations), {len(QUALIFICATIONS)} qualifications, "
          "1 further-education course")


if __name__ == "__main__":
    main()
