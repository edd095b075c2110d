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
profile under [feed.mapping]). Deterministic: fixed tables and a fixed "generated" stamp, no dates from the
day it runs, standard library only. make_demo_feeds.py calls it, so regenerating the demo keeps the member.

    python deploy/demo/make_onboarding_feed.py            # writes into config/demo
    python deploy/demo/make_onboarding_feed.py --out DIR  # DIR/feeds/brackenfield.xml, DIR/feeds.toml, ...
"""

from __future__ import annotations

import argparse
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[2]
GENERATED = "2026-01-15T06:00:00Z"
PROVIDER_ID = "10099007"
NAME = "University of Brackenfield"
SITE = "https://www.brackenfield.ac.example/"
CODE = "BRK"
SCHEME = NAME  # the points scheme is named after the university, as real feeds do
MARKER = "# --- the onboarding member (deploy/demo/make_onboarding_feed.py) ---"

# (id, title, scheme level, points, subject, summary, learning outcomes (none: not published), presentation
# published). A subject is ("JACS3" | "LDCS", code) or ("text", words the profile maps). Each module's text is
# its own, so that overlap detection finds no false twins among them.
MODULES = [
    ("BRK-HI1001", "Sources and Methods in History", "1", 20, ("JACS3", "V100"),
     "How historians find, read and question the documents, images and objects the past leaves behind.",
     ("distinguish primary from secondary sources and say what each can show",
      "locate records in an archive catalogue and cite them correctly",
      "write a short commentary on a single document"), True),
    ("BRK-HI1002", "Medieval Britain, 1066\u20131485", "1", 20, ("LDCS", "DB.23"),
     "Conquest, crown and church from the Norman invasion to Bosworth Field.", (), True),
    ("BRK-AR1001", "Introduction to Archaeology", "1", 20, ("text", "Archaeology"),
     "What archaeologists do, from stratigraphy to radiocarbon dating, studied at your own pace online.",
     ("explain how stratigraphy establishes a relative sequence",
      "describe the principles of radiocarbon and dendrochronological dating",
      "identify the main periods of British prehistory"), False),
    ("BRK-AR1002", "Field Survey Techniques", "1", 10, ("LDCS", "DC.21"),
     "Walking, geophysical and earthwork survey on the Brackenfield moors.", (), True),
    ("BRK-LH1001", "Local History: Parish and Community", "1", 10, ("text", "Local history"),
     "Parish registers, churchwardens' accounts and vestry minutes as windows on village life.",
     ("use parish registers to reconstruct a family across three generations",
      "interpret the poor-law entries in churchwardens' accounts",
      "present a short history of one parish to a community audience"), True),
    ("BRK-HI2001", "Early Modern England", "2", 20, ("JACS3", "V140"),
     "Reformation, civil war and revolution in England between 1500 and 1700, by distance learning.",
     ("assess rival explanations of the English Reformation",
      "analyse the causes of the civil wars of the 1640s",
      "evaluate pamphlet literature as evidence of popular politics"), False),
    ("BRK-HI2002", "Social History of the Industrial North", "2", 20, ("JACS3", "V320"),
     "Mills, chapels and co-operatives in the textile towns of the nineteenth century.", (), True),
    ("BRK-AR2001", "Excavation Practice", "2", 20, ("LDCS", "DC.23"),
     "Four weeks on the university's training excavation at Hollin Rigg.",
     ("excavate a context and record it on a single-context sheet",
      "draw a section and a plan to archaeological standards",
      "keep a site diary that another excavator could follow"), True),
    ("BRK-AR2002", "Iron Age Britain", "2", 20, ("JACS3", "V440"),
     "Hillforts, roundhouses and the coming of Rome, from the comfort of your own home.",
     ("compare the main interpretations of hillfort function",
      "describe the domestic economy of a roundhouse settlement",
      "discuss the evidence for contact with the Roman world before AD 43"), False),
    ("BRK-LH2001", "Reading Old Handwriting: Palaeography for Local Historians", "2", 10,
     ("text", "Local history"), "Secretary hand, court hand and the abbreviations of probate clerks.", (), True),
    ("BRK-HE2001", "Museums and Heritage Interpretation", "2", 20, ("LDCS", "DC.31"),
     "How museums and historic sites tell stories to their visitors, and who decides which stories.",
     ("critique the interpretation panels of a heritage site",
      "plan an exhibition for a named audience within a budget",
      "apply accessibility guidance to gallery text"), True),
    ("BRK-HI3001", "The British Empire and its Critics", "3", 20, ("JACS3", "V200"),
     "Anti-colonial thought and the debate over empire, from Burke to decolonisation, taught online.",
     ("evaluate the arguments of anti-imperial writers in their contexts",
      "critically assess recent historiography of decolonisation",
      "construct an argument from speeches, petitions and newspapers"), False),
    ("BRK-HI3002", "The Enlightenment: an Intellectual History", "3", 20, ("JACS3", "V340"),
     "Reason, religion and reform in eighteenth-century Europe.", (), True),
    ("BRK-AR3001", "Artefact Analysis", "3", 20, ("LDCS", "DC.24"),
     "Pottery, flint and metalwork in the laboratory: typology, fabric and use-wear.",
     ("classify a pottery assemblage by fabric and form",
      "identify use-wear traces on worked flint under the microscope",
      "write a specialist finds report for an excavation archive"), True),
    ("BRK-AR3002", "The Archaeology of Death and Burial", "3", 20, ("text", "Archaeology"),
     "Barrows, cemeteries and cremations: what burial tells us about the living, studied online.",
     ("critically evaluate theories linking burial practice to social status",
      "interpret osteological reports on age, sex and disease",
      "discuss the ethics of excavating and displaying human remains"), False),
    ("BRK-LH3001", "Landscape History of the Pennines", "3", 20, ("text", "Local history"),
     "Field systems, drove roads and enclosure on the uplands.", (), True),
    ("BRK-HI3003", "Preparing a History Dissertation", "3", 10, ("JACS3", "V100"),
     "Choosing a question, planning the research and writing the proposal for a final-year dissertation.",
     ("frame a researchable historical question",
      "draft a research proposal with a feasible timetable",
      "review the literature on a chosen topic"), True),
    ("BRK-HI7001", "Research Methods for Historians", "M", 30, ("JACS3", "V100"),
     "Quantitative, oral and digital methods for postgraduate historical research, by distance learning.",
     ("design a research project that combines qualitative and quantitative evidence",
      "conduct and archive an oral-history interview ethically",
      "critically appraise digital databases as historical sources"), False),
    ("BRK-AR7001", "Archaeological Heritage Management", "M", 30, ("LDCS", "DC.31"),
     "Planning policy, scheduling and the protection of archaeological sites.", (), True),
    ("BRK-LH7001", "Community Archaeology and Local History", "M", 15, ("text", "Local history"),
     "Leading volunteers in excavation and archive projects with local societies.",
     ("critically evaluate models of public participation in heritage",
      "plan a community project with volunteers, partners and a funder",
      "reflect on the place of local knowledge in professional practice"), True),
    ("BRK-AR7002", "Egyptology: Texts and Objects", "M", 15, ("JACS3", "V410"),
     "Hieroglyphic inscriptions and the objects that carry them in the university's collection.", (), True),
    ("BRK-HE7001", "Digital Heritage", "M", 15, ("JACS3", "V900"),
     "3D scanning, linked data and virtual exhibitions for museums and archives.",
     ("evaluate the standards used to describe digitised collections",
      "produce a photogrammetric model of an object and document its capture",
      "critically assess the sustainability of a digital heritage resource"), True),
]
# Whole qualifications, as university feeds list them beside their modules: (id, title, award, level,
# points, path of their page).
QUALIFICATIONS = [
    ("BRK-BA-ARCHIST", "BA (Hons) Archaeology and History", "BA (Hons)", "3", 360,
     "study/undergraduate/ba-archaeology-and-history",
     ("integrate archaeological and documentary evidence in an extended piece of research",
      "apply fieldwork and archive skills to the study of a British region",
      "communicate historical arguments to academic and public audiences")),
    ("BRK-PGCERT-HER", "PGCert Heritage Management", "PGCert", "M", 60, "study/postgraduate/pgcert-heritage",
     ("manage a heritage asset within current planning and conservation law",
      "lead a team delivering an interpretation or conservation project")),
]
FE_COURSE = ("BRK-CE-GCSE-ENG", "GCSE English Language (evening class)", "Level 2")

START_DATES = ["2026-09-28", "2027-01-25", "2027-04-26"]  # fixed: the demo never reads today's date
MODES = [("CM", "Campus"), ("MM", "Blended learning"), ("DS", "Distance without attendance")]

PROFILE_TABLES = f"""\
[credit_schemes."{SCHEME}"]
system = "CATS"
factor = 1.0

[credit_schemes."{SCHEME}".levels]
"1" = {{ framework = "FHEQ", value = 4 }}
"2" = {{ framework = "FHEQ", value = 5 }}
"3" = {{ framework = "FHEQ", value = 6 }}
"M" = {{ framework = "FHEQ", value = 7 }}

[levels]
"Level 2" = {{ framework = "RQF", value = 2 }}

[subjects]
"Local history" = "100308"
"Archaeology" = "100299"

[defaults]
mode = ["online-asynchronous"]
language = "en"
"""

NAMESPACES = (
    'xmlns="http://xcri.org/profiles/1.2/catalog"\n\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
    '\txmlns:dcterms="http://purl.org/dc/terms/"\n\txmlns:mlo="http://purl.org/net/mlo"\n'
    '\txmlns:credit="http://purl.org/net/cm"\n\txmlns:xhtml="http://www.w3.org/1999/xhtml"\n'
    '\txmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"\n\txmlns:courseDataProgramme="http://xcri.co.uk"\n'
    '\txmlns:brk="https://www.brackenfield.ac.example/ns/xcri"'
)


def subject_element(subject: tuple[str, str]) -> str:
    kind, value = subject
    if kind == "text":
        return f"<dc:subject>{escape(value)}</dc:subject>"
    return f'<dc:subject xsi:type="courseDataProgramme:{kind}" identifier="{value}">{value}</dc:subject>'


def outcomes(items: tuple[str, ...]) -> str:
    listed = "".join(f"<xhtml:li>{escape(item)}</xhtml:li>" for item in items)
    return (f"<learningOutcome><xhtml:div><xhtml:p>On completing this course you will be able to:</xhtml:p>"
            f"<xhtml:ul>{listed}</xhtml:ul></xhtml:div></learningOutcome>")


def presentation(n: int, course_id: str, points: int) -> str:
    start = START_DATES[n % len(START_DATES)]
    code, label = MODES[n % len(MODES)]
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


def module(n: int, entry: tuple) -> str:
    course_id, title, level, points, subject, summary, learning_outcomes, has_presentation = entry
    path = f"modules/{course_id.removeprefix('BRK-').lower()}"
    return ("\t\t<course>"
            f"<dc:identifier>{course_id}</dc:identifier><dc:identifier>{SITE}{path}</dc:identifier>"
            f"<dc:title>{escape(title)}</dc:title>{subject_element(subject)}"
            f"<mlo:url>{SITE}{path}</mlo:url>"
            f"<abstract>{escape(summary)}</abstract>"
            + (outcomes(learning_outcomes) if learning_outcomes else "")
            + credit(level, points)
            + (presentation(n, course_id, points) if has_presentation else "")
            + "</course>")


def qualification(n: int, entry: tuple) -> str:
    course_id, title, award, level, points, path, learning_outcomes = entry
    return ("\t\t<course>"
            f"<dc:identifier>{course_id}</dc:identifier><dc:title>{escape(title)}</dc:title>"
            + subject_element(("JACS3", "V400")) + subject_element(("JACS3", "V100"))
            + f"<mlo:url>{SITE}{path}</mlo:url>"
            f"<abstract>The {escape(award)} programme: {escape(title)}, {points} credits.</abstract>"
            + outcomes(learning_outcomes)
            + f"<mlo:qualification><dc:title>{escape(award)}</dc:title><awardedBy>{NAME}</awardedBy>"
              "</mlo:qualification>"
            + credit(level, points)
            + presentation(n, course_id, points)
            + "</course>")


def further_education_course() -> str:
    course_id, title, level = FE_COURSE
    return ("\t\t<course>"
            f"<dc:identifier>{course_id}</dc:identifier><dc:title>{escape(title)}</dc:title>"
            '<dc:subject xsi:type="courseDataProgramme:LDCS" identifier="FN.2">FN.2</dc:subject>'
            f"<mlo:url>{SITE}continuing-education/gcse-english</mlo:url>"
            "<abstract>A one-year evening course for adults preparing for the GCSE English Language "
            "examination.</abstract>"
            "<learningOutcome>Read and respond to a range of fiction and non-fiction texts.</learningOutcome>"
            f"<mlo:level>{level}</mlo:level>"
            '<presentation><mlo:start dtf="2026-09-14">2026-09-14</mlo:start>'
            '<attendanceMode identifier="CM">Campus</attendanceMode>'
            "<mlo:cost>\u00a3180</mlo:cost></presentation>"
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
    with_outcomes = sum(bool(entry[6]) for entry in MODULES)
    with_presentation = sum(entry[7] for entry in MODULES)
    print(f"brackenfield.xml   {len(MODULES)} modules ({len(MODULES) - with_outcomes} without learning outcomes, "
          f"{len(MODULES) - with_presentation} without presentations), {len(QUALIFICATIONS)} qualifications, "
          "1 further-education course")


if __name__ == "__main__":
    main()
