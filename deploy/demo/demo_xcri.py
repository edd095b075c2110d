"""The demo's XCRI-CAP 1.2 document (Ashcombe's feed) from its generated courses."""

from __future__ import annotations

import csv
from datetime import date
from xml.sax.saxutils import escape

from demo_source import AREAS, ROOT  # beside this module

GENERATED = "2026-01-15T06:00:00Z"
JACS_NAMES = {"G400": "Computer science"}  # the name the feed uses where JACS 3.0's differs

NS = {
    "xmlns:xcri": "http://xcri.org/profiles/1.2/catalog",
    "xmlns:xcriTerms": "http://xcri.org/profiles/catalog/terms",
    "xmlns:dc": "http://purl.org/dc/elements/1.1/",
    "xmlns:dcterms": "http://purl.org/dc/terms/",
    "xmlns:mlo": "http://purl.org/net/mlo",
    "xmlns:credit": "http://purl.org/net/cm",
    "xmlns:courseDataProgramme": "http://xcri.co.uk",
    "xmlns:xhtml": "http://www.w3.org/1999/xhtml",
    "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
}


def vocabulary(name: str, code: str) -> dict[str, str]:
    with (ROOT / "config/vocab" / name).open(encoding="utf-8") as fh:
        return {row[code]: row["name"] for row in csv.DictReader(fh)}

ATTENDANCE = {
    "online-asynchronous": ("DA", "Distance with attendance"),
    "online-synchronous": ("DA", "Distance with attendance"),
    "blended": ("BL", "Blended learning"),
    "on-campus": ("CM", "Campus"),
    "work-based": ("BL", "Blended learning"),
}


def xcri_feed(provider: dict, courses: list[dict]) -> str:
    hecos = vocabulary("hecos.csv", "hecos_code")
    jacs_names = {**vocabulary("jacs3.csv", "jacs_code"), **JACS_NAMES}
    about = provider["xcri"]
    x = ['<?xml version="1.0" encoding="UTF-8"?>']
    attrs = " ".join(f'{k}="{v}"' for k, v in NS.items())
    schema_loc = ("http://xcri.org/profiles/1.2/catalog http://www.xcri.co.uk/bindings/xcri_cap_1_2.xsd "
                  "http://xcri.org/profiles/1.2/catalog/terms http://www.xcri.co.uk/bindings/xcri_cap_terms_1_2.xsd "
                  "http://xcri.co.uk http://www.xcri.co.uk/bindings/coursedataprogramme.xsd")
    x.append(f'<xcri:catalog {attrs}\n\txsi:schemaLocation="{schema_loc}"\n\tgenerated="{GENERATED}">')
    x.append(f'\t<dc:description xml:lang="en">{escape(about["catalog_description"])}</dc:description>')
    x.append("\t<xcri:provider>")
    x.append(f"\t\t<dc:description>{escape(about['provider_description'])}</dc:description>")
    x.append(f"\t\t<dc:identifier>{provider['id']}</dc:identifier>")
    x.append(f"\t\t<dc:title>{escape(provider['name'])}</dc:title>")
    x.append(f"\t\t<mlo:url>https://www.{provider['domain']}/</mlo:url>")
    for i, c in enumerate(courses):
        t = "\t\t\t"
        x.append("\t\t<xcri:course>")
        x.append(f"{t}<dc:description xsi:type=\"xcriTerms:aim\">{escape(c['aims'])}</dc:description>")
        x.append(f"{t}<dc:identifier>{c['id']}</dc:identifier>")
        code = c["subjects"][0]["code"]
        area = AREAS[c["_area"]]
        if i % 2 == 0 and area.get("jacs"):
            jacs = area["jacs"][(i // 2) % len(area["jacs"])]
            x.append(f"{t}<dc:subject xsi:type=\"courseDataProgramme:JACS3\" identifier=\"{jacs}\">"
                     f"{escape(jacs_names[jacs])}</dc:subject>")
        else:
            x.append(f"{t}<dc:subject xsi:type=\"HECoS\" identifier=\"{code}\">{escape(hecos[code])}</dc:subject>")
        x.append(f"{t}<dc:title>{escape(c['title'])}</dc:title>")
        x.append(f"{t}<mlo:url>{c['url']}</mlo:url>")
        x.append(f"{t}<xcri:abstract>{escape(c['summary'])}</xcri:abstract>")
        x.append(f"{t}<mlo:assessment>{escape('; '.join(c['assessment']))}</mlo:assessment>")
        for lo in c["learning_outcomes"]:
            x.append(f"{t}<xcri:learningOutcome>{escape(lo)}</xcri:learningOutcome>")
        x.append(f"{t}<mlo:prerequisite>{escape(c['entry_requirements'])}</mlo:prerequisite>")
        if area.get("accredited_by") and i % 2 == 0:
            x.append(f"{t}<mlo:qualification>")
            x.append(f"{t}\t<dc:title>Micro-credential in {escape(c['title'])}</dc:title>")
            x.append(f"{t}\t<xcri:awardedBy>{escape(provider['name'])}</xcri:awardedBy>")
            x.append(f"{t}\t<xcri:accreditedBy>{escape(area['accredited_by'])}</xcri:accreditedBy>")
            x.append(f"{t}</mlo:qualification>")
        x.append(f"{t}<mlo:credit>")
        x.append(f"{t}\t<credit:scheme>CATS</credit:scheme>")
        x.append(f"{t}\t<credit:level>{c['level']['value']}</credit:level>")
        x.append(f"{t}\t<credit:value>{c['_cats']}</credit:value>")
        x.append(f"{t}</mlo:credit>")
        amount = c["cost"]["amount"]
        cost_text = "free" if amount == "0.00" else f"£{int(float(amount)):,}"
        code_, label = ATTENDANCE[c["mode"][0]]
        if c["schedule"]["type"] == "cohort":
            presentations = c["schedule"]["presentations"]
        else:  # XCRI-CAP has no learner-led schedule: publish one open presentation per term instead
            presentations = [{"start": s, "end": None, "apply_by": None, "places": None}
                             for s in provider["cohort_starts"][:2]]
        for p in presentations:
            x.append(f"{t}<xcri:presentation>")
            x.append(f"{t}\t<dc:identifier>{c['id']}-{p['start'][:7].replace('-', '')}</dc:identifier>")
            x.append(f"{t}\t<mlo:start dtf=\"{p['start']}\">{human_date(p['start'])}</mlo:start>")
            if p["end"]:
                x.append(f"{t}\t<xcri:end dtf=\"{p['end']}\">{human_date(p['end'])}</xcri:end>")
                weeks = (date.fromisoformat(p["end"]) - date.fromisoformat(p["start"])).days // 7 + 1
                x.append(f"{t}\t<mlo:duration interval=\"P{weeks}W\">{weeks} weeks</mlo:duration>")
            if p["apply_by"]:
                x.append(f"{t}\t<xcri:applyUntil dtf=\"{p['apply_by']}\">{human_date(p['apply_by'])}</xcri:applyUntil>")
            x.append(f"{t}\t<xcri:applyTo>{c['apply_url']}</xcri:applyTo>")
            x.append(f"{t}\t<mlo:engagement>{c['study_hours']} hours of study</mlo:engagement>")
            x.append(f"{t}\t<xcri:studyMode identifier=\"PT\">Part time</xcri:studyMode>")
            x.append(f"{t}\t<xcri:attendanceMode identifier=\"{code_}\">{label}</xcri:attendanceMode>")
            x.append(f"{t}\t<mlo:languageOfInstruction>en</mlo:languageOfInstruction>")
            if p["places"]:
                x.append(f"{t}\t<mlo:places>{p['places']}</mlo:places>")
            x.append(f"{t}\t<mlo:cost>{cost_text}</mlo:cost>")
            x.append(f"{t}</xcri:presentation>")
        x.append("\t\t</xcri:course>")
    x.append("\t\t<mlo:location>")
    for tag in ("town", "postcode", "address", "email"):
        x.append(f"\t\t\t<mlo:{tag}>{escape(about[tag])}</mlo:{tag}>")
    x.append("\t\t</mlo:location>")
    x.append("\t</xcri:provider>")
    x.append("</xcri:catalog>")
    return "\n".join(x) + "\n"


def human_date(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.day} {d.strftime('%B %Y')}"

