"""Build the real-text overlap evaluation set from the source extracts in ``sources/``.

Deterministic, standard library only.  Run from anywhere:

    python tests/data/overlaps/real/build.py

It writes ``catalogues/<slug>.json`` (one per provider catalogue) and ``pairs.json``.
Every title, summary and exclusion sentence is the source's own text (whitespace trimmed);
nothing is paraphrased.  The label policy is in README.md; the labelled pairs are listed
below, each with the evidence for its label.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"
RETRIEVED = "2026-12-07"
SEED = 20261207

CS = [{"cah1": "CAH11", "cah2": "CAH11-01", "cah3": "CAH11-01-01"}]
MATHS = [{"cah1": "CAH09", "cah2": "CAH09-01", "cah3": "CAH09-01-01"}]


def clean(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def us_level(number: int, *, lower: int, upper: int) -> dict:
    """US course-number band -> EQF (lower division 5, upper division 6, graduate 7)."""
    band = (number // 100) * 100
    eqf = 5 if number < lower else 6 if number < upper else 7
    return {"framework": "us-course-number", "value": band, "eqf": eqf}


EXCLUSION_SENTENCE = re.compile(
    r"[^.]*(?:cannot receive credit for both|Not open for credit to students|Multilisted with|"
    r"Same course as|Honors version of|Equivalent to:|will only receive \d units)[^.]*\.?",
    re.IGNORECASE,
)


def stated(*texts: str) -> str:
    found = []
    for text in texts:
        for match in EXCLUSION_SENTENCE.finditer(text or ""):
            # the scraped UCSB text carries field-label fragments ("ments: ", "Misc: ") before some sentences
            sentence = re.sub(r"^(?:ments|Misc):\s*", "", clean(match.group(0)))
            if sentence and sentence not in found:
                found.append(sentence)
    return " ".join(found)


# ---------------------------------------------------------------- University of Oregon, CS

def uo_cs() -> dict:
    text = (SOURCES / "uo-cs-courses.md").read_text(encoding="utf-8")
    head = re.compile(r"^### (CS \w+)\. (.*)\. ([\d-]+) Credits?\.$")
    courses, current = [], None
    for line in text.splitlines():
        m = head.match(line)
        if m:
            current = {"key": m.group(1), "title": m.group(2), "lines": []}
            courses.append(current)
        elif current is not None and line.strip():
            current["lines"].append(line.strip())
    out = []
    for c in courses:
        body = [line for line in c["lines"] if not line.startswith(("Prerequisites:", "Repeatable", "Equivalent to:"))]
        equivalent = [line for line in c["lines"] if line.startswith("Equivalent to:")]
        summary = clean(" ".join(body))
        number = int(re.match(r"CS (\d+)", c["key"]).group(1))
        out.append({
            "key": c["key"],
            "title": c["title"],
            "summary": summary,
            "aims": "",
            "learning_outcomes": [],
            "level": us_level(number, lower=300, upper=500),
            "subjects": CS,
            "credit": None,
            "excludes_stated": stated(summary, " ".join(equivalent)),
        })
    return {
        "provider": {"name": "University of Oregon, Department of Computer Science", "id": "uo-cs"},
        "source": {
            "repository": "greatcomet1812/rag-demo",
            "path": "data/uo_cs_courses.md",
            "commit": "d4f8f231d660facbbdec8e3821717e356aeb110f",
            "url": "https://github.com/greatcomet1812/rag-demo/blob/d4f8f231d660facbbdec8e3821717e356aeb110f/data/uo_cs_courses.md",
            "licence": "no licence stated (repository has no licence file; the text is the University of Oregon catalogue's)",
            "retrieved": RETRIEVED,
        },
        "courses": out,
    }


# ---------------------------------------------------------------- UC Santa Barbara, Mathematics

def ucsb_math() -> dict:
    rows = json.loads((SOURCES / "ucsb-math-courses.json").read_text(encoding="utf-8"))
    out = []
    for r in rows:
        key, title = r["name"].split(". ", 1)
        number = int(re.match(r"MATH (\d+)", key).group(1))
        summary = clean(r["description"])
        out.append({
            "key": key,
            "title": clean(title),
            "summary": summary,
            "aims": "",
            "learning_outcomes": [],
            "level": us_level(number, lower=100, upper=200),
            "subjects": MATHS,
            "credit": None,
            "excludes_stated": stated(r.get("enrollmentComments", ""), r.get("prerequisites", ""), summary),
        })
    return {
        "provider": {"name": "University of California, Santa Barbara, Department of Mathematics", "id": "ucsb-math"},
        "source": {
            "repository": "ezhang7423/course-vis",
            "path": "data/allMathCourses.js",
            "commit": "2990fc919744266b707bc13d44b9112750080ce0",
            "url": "https://github.com/ezhang7423/course-vis/blob/2990fc919744266b707bc13d44b9112750080ce0/data/allMathCourses.js",
            "licence": "no licence stated (repository has no licence file; the text is the UCSB General Catalog's)",
            "retrieved": RETRIEVED,
        },
        "courses": out,
    }


# ---------------------------------------------------------------- University of London, BSc Computer Science

def uol_cs() -> dict:
    levels = json.loads((SOURCES / "uol-bsc-cs-modules.json").read_text(encoding="utf-8"))
    out = []
    for level_name, modules in levels.items():
        fheq = int(level_name[-1])
        for m in modules:
            credits = int(m["credits"].split()[0])
            out.append({
                "key": f"{level_name}-{m['id']}",
                "title": m["title"],
                "summary": clean(m["description"]),
                "aims": "",
                "learning_outcomes": [],
                "level": {"framework": "FHEQ", "value": fheq, "eqf": {4: 5, 5: 5, 6: 6, 7: 7}[fheq]},
                "subjects": CS,
                "credit": {"cats": credits},
                "excludes_stated": "",
            })
    return {
        "provider": {"name": "University of London, BSc Computer Science (online)", "id": "uol-cs"},
        "source": {
            "repository": "Uol-Project-Collab/UOL_degree_Planner",
            "path": "Frontend/js_files/lvl456.js",
            "commit": "6a7f52999fa23b908b8bb91e547b30702e274c4f",
            "url": "https://github.com/Uol-Project-Collab/UOL_degree_Planner/blob/6a7f52999fa23b908b8bb91e547b30702e274c4f/Frontend/js_files/lvl456.js",
            "licence": "no licence stated (repository has no licence file; the text is the University of London programme page's)",
            "retrieved": RETRIEVED,
        },
        "courses": out,
    }


# ---------------------------------------------------------------- labelled pairs

UO_LEVEL_PAIRS = ["413", "420", "422", "423", "429", "431", "432", "433", "434", "436", "437",
                  "441", "443", "445", "451", "453", "461", "471", "472", "473", "480"]

# (a, b, evidence) - the catalogue's own exclusion sentence, quoted from a's or b's entry.
UCSB_EXCLUSIONS = [
    ("MATH 2A", "MATH 3A", "MATH 2A: 'Not open for credit to students who have completed Math 3A'; MATH 3A: 'Not open for credit to students who have completed Math 2A'."),
    ("MATH 2B", "MATH 3B", "MATH 2B: 'Not open for credit to students who have completed Math 3B'; MATH 3B: 'Not open for credit to students who have completed Math 2B'."),
    ("MATH 4AI", "MATH 4A", "MATH 4AI is the 'Honors version of Mathematics 4A' and 'Not open for credit to students who have completed ... Math 4A'."),
    ("MATH 4BI", "MATH 4B", "MATH 4BI is the 'Honors version of Mathematics 4B' and 'Not open for credit to students who have completed Math 4B'."),
    ("MATH 6AI", "MATH 6A", "MATH 6AI is the 'Honors version of Mathematics 6A' and 'Not open for credit to students who have completed ... Math6A'."),
    ("MATH 34A", "MATH 2A", "MATH 34A: 'Not open for credit to students who have completed Math 2A or 3A'; MATH 2A gives reduced units after 34A."),
    ("MATH 34A", "MATH 3A", "MATH 34A: 'Not open for credit to students who have completed Math 2A or 3A'; MATH 3A: 'Students who have completed Math 34A will only receive 2 units'."),
    ("MATH 34B", "MATH 2B", "MATH 34B: 'Not open for credit to students who have completed Math 2B or 3B'; MATH 2B gives reduced units after 34B."),
    ("MATH 34B", "MATH 3B", "MATH 34B: 'Not open for credit to students who have completed Math 2B or 3B'; MATH 3B: 'Students who have completed Math 34B will only receive 2 units'."),
    ("MATH 101A", "MATH 118A", "MATH 101A: 'Not open for credit to students who have completed Mathematics 118A'."),
    ("MATH 101B", "MATH 118A", "MATH 101B: 'Not open for credit to students who have completed Mathematics 118A'."),
    ("MATH 103", "MATH 111A", "MATH 103: 'Not open for credit to students who have completed Mathematics 111A'."),
]

# Graduate courses 'Not open to mathematics majors' with the same title and description as the undergraduate course.
UCSB_LEVEL_PAIRS = [("MATH 214A", "MATH 119A"), ("MATH 214B", "MATH 119B"), ("MATH 215A", "MATH 124A"), ("MATH 215B", "MATH 124B")]

# Successive parts of one sequence (each later part names the earlier one as its prerequisite in the catalogue),
# or a course and the more advanced course built on it.  Credit for both is normal: not an overlap.
PROGRESSIONS = {
    "uo-cs": [("CS 210", "CS 211"), ("CS 211", "CS 212"), ("CS 210", "CS 212"), ("CS 313", "CS 413"),
              ("CS 422", "CS 423"), ("CS 522", "CS 523"), ("CS 433", "CS 434"), ("CS 533", "CS 534"),
              ("CS 314", "CS 429"), ("CS 315", "CS 621"), ("CS 432", "CS 632"), ("CS 533", "CS 633"),
              ("CS 431", "CS 631"), ("CS 529", "CS 630"), ("CS 451", "CS 453"), ("CS 551", "CS 670")],
    "ucsb-math": [("MATH 2A", "MATH 2B"), ("MATH 3A", "MATH 3B"), ("MATH 34A", "MATH 34B"), ("MATH 6A", "MATH 6B"),
                  ("MATH 100A", "MATH 100B"), ("MATH 101A", "MATH 101B"), ("MATH 102A", "MATH 102B"),
                  ("MATH 104A", "MATH 104B"), ("MATH 104B", "MATH 104C"), ("MATH 108A", "MATH 108B"),
                  ("MATH 108A", "MATH 108C"), ("MATH 109A", "MATH 109B"), ("MATH 109B", "MATH 109C"),
                  ("MATH 111A", "MATH 111B"), ("MATH 111B", "MATH 111C"), ("MATH 115A", "MATH 115B"),
                  ("MATH 115B", "MATH 115C"), ("MATH 118A", "MATH 118B"), ("MATH 118B", "MATH 118C"),
                  ("MATH 119A", "MATH 119B"), ("MATH 122A", "MATH 122B"), ("MATH 124A", "MATH 124B"),
                  ("MATH 132A", "MATH 132B"), ("MATH 137A", "MATH 137B"), ("MATH 147A", "MATH 147B"),
                  ("MATH 181A", "MATH 181B"), ("MATH 197A", "MATH 197B"), ("MATH 201A", "MATH 201B"),
                  ("MATH 201B", "MATH 201C"), ("MATH 202A", "MATH 202B"), ("MATH 202B", "MATH 202C"),
                  ("MATH 220A", "MATH 220B"), ("MATH 220B", "MATH 220C"), ("MATH 221A", "MATH 221B"),
                  ("MATH 225A", "MATH 225B"), ("MATH 227A", "MATH 227B"), ("MATH 228A", "MATH 228B"),
                  ("MATH 231A", "MATH 231B"), ("MATH 232A", "MATH 232B"), ("MATH 236A", "MATH 236B"),
                  ("MATH 237A", "MATH 237B"), ("MATH 240A", "MATH 240B"), ("MATH 240B", "MATH 240C"),
                  ("MATH 241A", "MATH 241B"), ("MATH 243A", "MATH 243B"), ("MATH 246A", "MATH 246B"),
                  ("MATH 118A", "MATH 201A"), ("MATH 122A", "MATH 202A"), ("MATH 119A", "MATH 243A"),
                  ("MATH 124A", "MATH 246A"), ("MATH 111A", "MATH 220A"), ("MATH 145", "MATH 221A"),
                  ("MATH 147A", "MATH 240A"), ("MATH 3A", "MATH 6A"), ("MATH 240A", "MATH 241A")],
    "uol-cs": [("lvl4-1", "lvl4-2"), ("lvl4-8", "lvl5-6"), ("lvl4-7", "lvl6-7"), ("lvl5-3", "lvl6-2"),
               ("lvl4-1", "lvl5-1"), ("lvl5-5", "lvl6-9")],
}

# Pairs kept out of the generated negatives: related enough that "plainly different content" is not certain.
RELATED = {
    frozenset(p) for p in [
        ("uo-cs:CS 372M", "uo-cs:CS 472"), ("uo-cs:CS 372M", "uo-cs:CS 572"), ("uo-cs:CS 471", "uo-cs:CS 473"),
        ("uo-cs:CS 571", "uo-cs:CS 573"), ("uo-cs:CS 472", "uo-cs:CS 473"), ("uo-cs:CS 572", "uo-cs:CS 573"),
        ("uo-cs:CS 333", "uo-cs:CS 433"), ("uo-cs:CS 333", "uo-cs:CS 533"), ("uo-cs:CS 332", "uo-cs:CS 437"),
        ("uo-cs:CS 332", "uo-cs:CS 537"), ("uo-cs:CS 437", "uo-cs:CS 433"), ("uo-cs:CS 537", "uo-cs:CS 533"),
        ("uo-cs:CS 436", "uo-cs:CS 433"), ("uo-cs:CS 536", "uo-cs:CS 533"), ("uo-cs:CS 313", "uo-cs:CS 513"),
        ("uo-cs:CS 315", "uo-cs:CS 621"), ("uo-cs:CS 453", "uo-cs:CS 670"), ("uo-cs:CS 553", "uo-cs:CS 670"),
        ("uo-cs:CS 122", "uo-cs:CS 210"), ("uo-cs:CS 111", "uo-cs:CS 110"), ("uo-cs:CS 102", "uo-cs:CS 433"),
        ("uo-cs:CS 572", "uo-cs:CS 670"), ("uo-cs:CS 472", "uo-cs:CS 670"), ("uo-cs:CS 572", "uo-cs:CS 471"),
        ("uo-cs:CS 472", "uo-cs:CS 571"), ("uo-cs:CS 472", "uo-cs:CS 471"), ("uo-cs:CS 572", "uo-cs:CS 571"),
        ("uo-cs:CS 315", "uo-cs:CS 211"), ("uo-cs:CS 211", "uo-cs:CS 621"), ("uo-cs:CS 529", "uo-cs:CS 631"),
        ("uo-cs:CS 534", "uo-cs:CS 532"), ("ucsb-math:MATH 4AI", "ucsb-math:MATH 206A"),
        ("ucsb-math:MATH 231B", "ucsb-math:MATH 241B"), ("ucsb-math:MATH 231B", "ucsb-math:MATH 147B"),
        ("ucsb-math:MATH 118B", "ucsb-math:MATH 221A"), ("ucsb-math:MATH 4B", "ucsb-math:MATH 206B"),
        ("uol-cs:lvl6-4", "uol-cs:lvl6-13"), ("uol-cs:lvl5-2", "uol-cs:lvl4-2"), ("uol-cs:lvl6-11", "uo-cs:CS 441"),
        ("uo-cs:CS 571", "uo-cs:CS 553"), ("uo-cs:CS 471", "uo-cs:CS 453"), ("uo-cs:CS 670", "uo-cs:CS 573"),
        ("ucsb-math:MATH 231A", "ucsb-math:MATH 241B"), ("ucsb-math:MATH 231A", "ucsb-math:MATH 241A"),
        ("ucsb-math:MATH 231B", "ucsb-math:MATH 241A"), ("ucsb-math:MATH 240A", "ucsb-math:MATH 227A"),
        ("uo-cs:CS 429", "uo-cs:CS 531"), ("uo-cs:CS 533", "uo-cs:CS 532"), ("uo-cs:CS 633", "uo-cs:CS 532"),
        ("uo-cs:CS 473", "uo-cs:CS 572"), ("ucsb-math:MATH 104B", "ucsb-math:MATH 246A"),
        ("uol-cs:lvl6-9", "uol-cs:lvl6-6"), ("uol-cs:lvl5-5", "uol-cs:lvl6-13"), ("uol-cs:lvl4-6", "uo-cs:CS 453"),
        ("uol-cs:lvl6-12", "uo-cs:CS 572"), ("uol-cs:lvl6-7", "uo-cs:CS 551"), ("uol-cs:lvl6-1", "uol-cs:lvl4-6"),
    ]
}


def generated_pairs(catalogues: dict, seed: int, taken: set) -> list:
    """Negatives drawn at random, filtered so that the two courses are plainly different."""
    generic = re.compile(r"\[Topic\]|Thesis|Dissertation|Independent|Research|Reading|Seminar|Workshop|"
                         r"Special|Group Studies|Internship|Practicum|Teaching|Terminal|Directed|Final project|"
                         r"Field Studies|Experimental", re.IGNORECASE)
    stop = {"and", "of", "to", "the", "in", "for", "with", "a", "an", "introduction", "i", "ii", "iii",
            "advanced", "topics", "course", "first", "second", "theory", "applications", "introductory",
            "methods", "design", "systems", "computer", "science", "mathematics"}

    def words(c):
        return {w for w in re.findall(r"[a-z]+", (c["title"]).lower()) if w not in stop and len(w) > 2}

    def usable(c):
        return len(c["summary"]) >= 60 and not generic.search(c["title"])

    def base(slug, c):
        m = re.search(r"(\d+)", c["key"])
        return (slug, int(m.group(1)) % 100 if slug == "uo-cs" else c["key"].rstrip("ABCDI"))

    pools = {slug: [c for c in cat["courses"] if usable(c)] for slug, cat in catalogues.items()}
    out = []

    def draw(category, slug_a, slug_b, n, why):
        rng = random.Random(f"{seed}:{category}:{slug_a}:{slug_b}")  # one stream per draw: edits stay local
        tries = 0
        while n and tries < 20000:
            tries += 1
            a, b = rng.choice(pools[slug_a]), rng.choice(pools[slug_b])
            ka, kb = f"{slug_a}:{a['key']}", f"{slug_b}:{b['key']}"
            pair = frozenset((ka, kb))
            if ka == kb or pair in taken or pair in RELATED:
                continue
            if words(a) & words(b):
                continue
            if slug_a == slug_b and base(slug_a, a) == base(slug_b, b):
                continue
            if slug_a == slug_b == "ucsb-math" and a["key"].rstrip("ABCDI") == b["key"].rstrip("ABCDI"):
                continue
            if a["summary"] == b["summary"]:
                continue
            taken.add(pair)
            out.append((ka, kb, False, category, why.format(a=a, b=b)))
            n -= 1

    dept = "Same department, different topics: '{a[title]}' and '{b[title]}' share no subject matter in their catalogue descriptions."
    draw("same_department", "uo-cs", "uo-cs", 55, dept)
    draw("same_department", "ucsb-math", "ucsb-math", 55, dept)
    draw("same_department", "uol-cs", "uol-cs", 22, dept)
    other = "Different providers, same subject (computing), different topics: '{a[title]}' vs '{b[title]}'."
    draw("other_provider_same_subject", "uol-cs", "uo-cs", 40, other)
    rand = "Different providers and subjects: '{a[title]}' (mathematics) vs '{b[title]}' (computing)."
    draw("random", "ucsb-math", "uo-cs", 22, rand)
    draw("random", "ucsb-math", "uol-cs", 14, rand)
    return out


def labelled(catalogues: dict) -> list:
    index = {f"{slug}:{c['key']}": c for slug, cat in catalogues.items() for c in cat["courses"]}
    pairs = []
    for n in UO_LEVEL_PAIRS:
        a, b = f"uo-cs:CS {n}", f"uo-cs:CS {int(n) + 100}"
        pairs.append((a, b, True, "level_pair",
                      f"CS {n} and CS {int(n) + 100} have the same title ('{index[a]['title']}') and the same catalogue "
                      f"description at 400 (undergraduate) and 500 (graduate) level: two versions of one course."))
    for a, b, why in UCSB_EXCLUSIONS:
        pairs.append((f"ucsb-math:{a}", f"ucsb-math:{b}", True, "declared_exclusion", why))
    for a, b in UCSB_LEVEL_PAIRS:
        pairs.append((f"ucsb-math:{a}", f"ucsb-math:{b}", True, "level_pair",
                      f"{a} (graduate, 'Not open to mathematics majors') has the same title and description as the "
                      f"undergraduate {b}: the same course offered at two levels."))
    for slug, items in PROGRESSIONS.items():
        for a, b in items:
            ka, kb = f"{slug}:{a}", f"{slug}:{b}"
            pairs.append((ka, kb, False, "same_subject_progression",
                          f"'{index[ka]['title']}' ({a}) then '{index[kb]['title']}' ({b}): successive or "
                          f"building courses in one subject (the later builds on the earlier), not a repeat."))
    taken = {frozenset((p[0], p[1])) for p in pairs}
    pairs += generated_pairs(catalogues, SEED, taken)
    for a, b, *_ in pairs:
        assert a in index and b in index, (a, b)
    return pairs


def split(pairs: list) -> list:
    rng = random.Random(SEED + 1)
    out = []
    for i, (a, b, overlap, category, why) in enumerate(pairs, 1):
        out.append({"id": f"r{i:04d}", "split": None, "a": a, "b": b, "overlap": overlap,
                    "category": category, "why": why})
    for label in (True, False):
        group = [p for p in out if p["overlap"] is label]
        rng.shuffle(group)
        for j, p in enumerate(group):
            p["split"] = "tune" if j % 2 == 0 else "holdout"
    return out


# ================================================================ batch 2 (2026-12-07): UMD and Waterloo
#
# Two more providers whose catalogues state which of their courses cannot both be taken for credit
# ("Credit only granted for", "Antireq", "Cross-listed with", "Jointly offered with").  Those pairs are
# overlaps written differently by the department itself (e.g. a calculus course for engineers and one for
# the sciences).  The batch is appended after the first 322 pairs, which keep their ids and halves.

STATS = [{"cah1": "CAH09", "cah2": "CAH09-01", "cah3": "CAH09-01-02"}]
SEED2 = SEED + 2

UMD_REPO = "SiddarGu/434CSAdvisingApp"
UMD_COMMIT = "25b7518ad3b258ce55bca8bc25eab53d3f8446a5"
UMD_NOTE = ("no licence stated (repository has no licence file; the text is the University of Maryland "
            "Schedule of Classes (Testudo) text for Fall 2022 as served by the umd.io API)")
UMD_STATED = re.compile(r"[^.]*(?:Cross-listed|Credit only granted|Jointly offered|may not also receive credit|"
                        r"not both)[^.]*\.?", re.IGNORECASE)


def number_of(key: str) -> int:
    return int(re.search(r"(\d+)", key).group(1))


def umd_course(r: dict, subjects: list) -> dict:
    parts = []
    if r.get("credit_granted_for"):
        text = clean(r["credit_granted_for"])
        parts.append(text if text.startswith("Students who") else f"Credit only granted for: {text}")
    if r.get("formerly"):
        parts.append(f"Formerly: {clean(r['formerly'])}")
    if r.get("also_offered_as"):
        parts.append(f"Also offered as: {clean(r['also_offered_as'])}")
    for m in UMD_STATED.finditer(r.get("additional_info", "")):
        sentence = clean(m.group(0))
        if sentence and sentence not in parts:
            parts.append(sentence)
    return {
        "key": r["id"],
        "title": clean(r["name"]),
        "summary": clean(r["description"]),
        "aims": "",
        "learning_outcomes": [],
        "level": us_level(number_of(r["id"]), lower=300, upper=600),
        "subjects": subjects,
        "credit": None,
        "excludes_stated": " ".join(parts),
    }


def umd_catalogues() -> list:
    rows = json.loads((SOURCES / "umd-cmsc-math-stat-202208.json").read_text(encoding="utf-8"))

    def source(paths: str) -> dict:
        return {
            "repository": UMD_REPO,
            "path": paths,
            "commit": UMD_COMMIT,
            "url": f"https://github.com/{UMD_REPO}/tree/{UMD_COMMIT}/umdio_jsons",
            "licence": UMD_NOTE,
            "retrieved": RETRIEVED,
        }

    cmsc = {
        "provider": {"name": "University of Maryland, College Park, Department of Computer Science (CMSC)", "id": "umd-cmsc"},
        "source": source("umdio_jsons/cmsc.json"),
        "courses": [umd_course(r, CS) for r in rows["CMSC"]],
    }
    math = {
        "provider": {"name": "University of Maryland, College Park, Department of Mathematics (MATH and STAT)", "id": "umd-math"},
        "source": source("umdio_jsons/math.json; umdio_jsons/stat.json"),
        "courses": [umd_course(r, MATHS) for r in rows["MATH"]] + [umd_course(r, STATS) for r in rows["STAT"]],
    }
    return [cmsc, math]


UW_REPO = "sprwoo/uw-math-planner"
UW_PATH = "CSVs/course_info.csv"
UW_COMMIT = "09fc44e7e32a8a77ff04ea189fd5e1d7a59bedbc"


def uwaterloo_math() -> dict:
    rows = json.loads((SOURCES / "uwaterloo-math-courses.json").read_text(encoding="utf-8"))
    out = []
    for r in rows:
        n = number_of(r["code"])
        out.append({
            "key": r["code"],
            "title": clean(r["name"]),
            "summary": clean(r["description"]),
            "aims": "",
            "learning_outcomes": [],
            # Waterloo numbers courses by year of study: 100s first year ... 400s fourth year; below 100 pre-university.
            "level": {"framework": "course-number", "value": (n // 100) * 100, "eqf": 4 if n < 100 else 5 if n < 300 else 6},
            "subjects": MATHS,
            "credit": None,
            "excludes_stated": clean(r["antireq"]),
        })
    return {
        "provider": {"name": "University of Waterloo, Faculty of Mathematics, MATH courses", "id": "uwaterloo-math"},
        "source": {
            "repository": UW_REPO,
            "path": UW_PATH,
            "commit": UW_COMMIT,
            "url": f"https://github.com/{UW_REPO}/blob/{UW_COMMIT}/{UW_PATH}",
            "licence": "no licence stated (repository has no licence file; the text is the University of Waterloo Undergraduate Calendar's)",
            "retrieved": RETRIEVED,
        },
        "courses": out,
    }


# (a, b, category, evidence).  Every pair is stated by the catalogue itself; the quotes are the entries' own text.
UMD_CGF = "'Credit only granted for: {0}'"
BATCH2_POSITIVES = [
    ("umd-cmsc:CMSC106", "umd-cmsc:CMSC122", "declared_exclusion", "Both entries: " + UMD_CGF.format("CMSC106 or CMSC122.") + " (C programming vs JavaScript web programming, both first programming courses)."),
    ("umd-cmsc:CMSC131", "umd-cmsc:CMSC133", "declared_exclusion", "CMSC133: " + UMD_CGF.format("CMSC131 or CMSC133.") + " CMSC133 is Object-Oriented Programming I for students with prior Java."),
    ("umd-cmsc:CMSC460", "umd-cmsc:CMSC466", "declared_exclusion", "Both entries: " + UMD_CGF.format("AMSC460, AMSC466, CMSC460, or CMSC466.")),
    ("umd-cmsc:CMSC320", "umd-math:STAT426", "declared_exclusion", "Both entries: " + UMD_CGF.format("STAT426 or CMSC320.") + " (Introduction to Data Science vs Introduction to Data Science and Machine Learning)."),
    ("umd-cmsc:CMSC456", "umd-math:MATH456", "cross_listed", "CMSC456 'Also offered as: MATH456, ENEE456'; MATH456 'Also offered as: CMSC456, ENEE456'. One course listed by two departments (same text)."),
    ("umd-cmsc:CMSC475", "umd-math:MATH475", "cross_listed", "CMSC475 'Cross-listed with MATH475'; MATH475 'Cross-listed with CMSC475.' (same text)."),
    ("umd-cmsc:CMSC473", "umd-cmsc:CMSC673", "level_pair", "CMSC673 'Jointly offered with: CMSC473' and " + UMD_CGF.format("CMSC673, CMSC798P, CMSC473, or CMSC498P.") + " Same title and description at undergraduate and graduate level."),
    ("umd-math:MATH120", "umd-math:MATH140", "declared_exclusion", "Both entries: " + UMD_CGF.format("MATH120, MATH130, MATH136, or MATH140.") + " (Elementary Calculus I vs Calculus I)."),
    ("umd-math:MATH120", "umd-math:MATH136", "declared_exclusion", "Both entries: " + UMD_CGF.format("MATH120, MATH130, MATH136, or MATH140.") + " (Elementary Calculus I vs Calculus for Life Sciences)."),
    ("umd-math:MATH136", "umd-math:MATH140", "declared_exclusion", "Both entries: " + UMD_CGF.format("MATH120, MATH130, MATH136, or MATH140.") + " (Calculus for Life Sciences vs Calculus I)."),
    ("umd-math:MATH121", "umd-math:MATH141", "declared_exclusion", "Both entries: " + UMD_CGF.format("MATH121, MATH131, or MATH141.") + " (Elementary Calculus II vs Calculus II)."),
    ("umd-math:MATH113", "umd-math:MATH115", "declared_exclusion", "MATH115: 'Students who have credits for MATH115 may not also receive credits for MATH112 or MATH113.'; MATH113 names MATH115 likewise."),
    ("umd-math:MATH240", "umd-math:MATH461", "declared_exclusion", "Both entries: " + UMD_CGF.format("MATH240, MATH341, or MATH461.") + " MATH461: 'This course is similar to MATH 240'."),
    ("umd-math:MATH241", "umd-math:MATH340", "declared_exclusion", "Both entries: " + UMD_CGF.format("MATH241 or MATH340.") + " (Calculus III vs the honours multivariable calculus/linear algebra/ODE course)."),
    ("umd-math:MATH402", "umd-math:MATH403", "declared_exclusion", "Both entries: " + UMD_CGF.format("MATH402 or MATH403.") + " MATH402 'Parallels MATH403'."),
    ("umd-math:MATH314", "umd-math:STAT100", "declared_exclusion", "MATH314: " + UMD_CGF.format("MATH314 or STAT100.") + " (probability and statistics for preservice teachers vs Elementary Statistics and Probability)."),
    ("umd-math:MATH113", "umd-math:MATH315", "declared_exclusion", "MATH315: " + UMD_CGF.format("MATH113 or MATH315.") + " (College Algebra and Trigonometry vs Algebra for Preservice Middle School Teachers)."),
    ("umd-math:MATH107", "umd-math:STAT100", "declared_exclusion", "MATH107: " + UMD_CGF.format("STAT100, MATH107, or MATH113.") + "; STAT100: " + UMD_CGF.format("STAT100, MATH107 or MATH111.")),
]

# Waterloo: 'Antireq: ...' on the entries (numbers without a subject are MATH numbers).  Mutual unless noted.
UW_ANTIREQ = [
    ("MATH106", "MATH136"), ("MATH114", "MATH115"), ("MATH115", "MATH136"), ("MATH106", "MATH114"), ("MATH136", "MATH146"),
    ("MATH115", "MATH215"), ("MATH116", "MATH117"), ("MATH116", "MATH127"), ("MATH127", "MATH137"), ("MATH124", "MATH127"),
    ("MATH104", "MATH127"), ("MATH137", "MATH147"), ("MATH117", "MATH137"), ("MATH118", "MATH128"), ("MATH128", "MATH138"),
    ("MATH138", "MATH148"), ("MATH119", "MATH138"), ("MATH118", "MATH119"), ("MATH207", "MATH237"), ("MATH217", "MATH227"),
    ("MATH227", "MATH237"), ("MATH237", "MATH247"), ("MATH207", "MATH212"), ("MATH218", "MATH228"), ("MATH211", "MATH218"),
    ("MATH211", "MATH213"), ("MATH225", "MATH235"), ("MATH235", "MATH245"), ("MATH229", "MATH239"), ("MATH239", "MATH249"),
    ("MATH135", "MATH145"),
]

# Successive or building courses (the later one names the earlier as prerequisite, or says 'Continuation of').
BATCH2_PROGRESSIONS = {
    "umd-cmsc": [("CMSC131", "CMSC132"), ("CMSC132", "CMSC216"), ("CMSC216", "CMSC330"), ("CMSC250", "CMSC351"),
                 ("CMSC351", "CMSC451"), ("CMSC420", "CMSC425"), ("CMSC330", "CMSC433"), ("CMSC330", "CMSC430"),
                 ("CMSC424", "CMSC624"), ("CMSC434", "CMSC734"), ("CMSC417", "CMSC715"), ("CMSC411", "CMSC714")],
    "umd-math": [("MATH140", "MATH141"), ("MATH141", "MATH241"), ("MATH120", "MATH121"), ("MATH135", "MATH136"),
                 ("MATH410", "MATH411"), ("MATH212", "MATH213"), ("MATH212", "MATH214"), ("MATH310", "MATH410"),
                 ("MATH240", "MATH405"), ("STAT400", "STAT401"), ("STAT410", "STAT420"), ("STAT410", "STAT600"),
                 ("MATH246", "MATH462"), ("MATH241", "MATH463"), ("MATH403", "MATH600"), ("MATH411", "MATH630"),
                 ("MATH432", "MATH642"), ("STAT420", "STAT700"), ("MATH214", "MATH314"), ("MATH212", "MATH315")],
    "uwaterloo-math": [("MATH135", "MATH136"), ("MATH136", "MATH235"), ("MATH137", "MATH138"), ("MATH138", "MATH237"),
                       ("MATH147", "MATH148"), ("MATH145", "MATH146"), ("MATH116", "MATH118"), ("MATH117", "MATH119"),
                       ("MATH127", "MATH128"), ("MATH211", "MATH212"), ("MATH106", "MATH225"), ("MATH128", "MATH207"),
                       ("MATH146", "MATH245"), ("MATH148", "MATH247"), ("MATH135", "MATH239")],
}

# Kept out of the drawn negatives: same course in an honours section, graduate/undergraduate versions, exclusions
# made for programme rather than content reasons, or topics too close to call plainly different.
RELATED2 = {
    frozenset(p) for p in [
        ("umd-cmsc:CMSC351", "umd-cmsc:CMSC351H"), ("umd-math:MATH140", "umd-math:MATH140H"),
        ("umd-math:MATH141", "umd-math:MATH141H"), ("umd-math:MATH241", "umd-math:MATH241H"),
        ("umd-math:MATH246", "umd-math:MATH246H"), ("umd-math:MATH107", "umd-math:MATH113"),
        ("umd-cmsc:CMSC416", "umd-cmsc:CMSC818X"), ("umd-cmsc:CMSC470", "umd-cmsc:CMSC723"),
        ("umd-cmsc:CMSC414", "umd-cmsc:CMSC614"), ("umd-cmsc:CMSC427", "umd-cmsc:CMSC740"),
        ("umd-cmsc:CMSC460", "umd-cmsc:CMSC660"), ("umd-cmsc:CMSC466", "umd-cmsc:CMSC666"),
        ("umd-math:MATH240", "umd-math:MATH340"), ("umd-math:MATH246", "umd-math:MATH340"),
        ("umd-math:STAT400", "umd-math:STAT410"), ("umd-math:STAT401", "umd-math:STAT420"),
        ("umd-cmsc:CMSC422", "umd-math:STAT426"), ("umd-cmsc:CMSC320", "umd-cmsc:CMSC422"),
        ("uwaterloo-math:MATH103", "uwaterloo-math:MATH106"), ("uwaterloo-math:MATH52", "uwaterloo-math:MATH104"),
        ("uwaterloo-math:MATH52", "uwaterloo-math:MATH127"), ("uwaterloo-math:MATH52", "uwaterloo-math:MATH116"),
        ("uwaterloo-math:MATH52", "uwaterloo-math:MATH117"), ("uwaterloo-math:MATH52", "uwaterloo-math:MATH124"),
        ("uwaterloo-math:MATH52", "uwaterloo-math:MATH137"), ("uwaterloo-math:MATH212", "uwaterloo-math:MATH217"),
        ("uwaterloo-math:MATH212", "uwaterloo-math:MATH227"), ("uwaterloo-math:MATH212", "uwaterloo-math:MATH237"),
        ("uwaterloo-math:MATH213", "uwaterloo-math:MATH218"), ("uwaterloo-math:MATH213", "uwaterloo-math:MATH228"),
        ("uwaterloo-math:MATH211", "uwaterloo-math:MATH228"), ("uwaterloo-math:MATH215", "uwaterloo-math:MATH225"),
        ("uwaterloo-math:MATH215", "uwaterloo-math:MATH235"), ("uwaterloo-math:MATH207", "uwaterloo-math:MATH217"),
        ("uwaterloo-math:MATH207", "uwaterloo-math:MATH227"), ("uwaterloo-math:MATH119", "uwaterloo-math:MATH207"),
        ("umd-cmsc:CMSC414", "uo-cs:CS 536"), ("umd-cmsc:CMSC414", "uo-cs:CS 436"), ("umd-cmsc:CMSC414", "uo-cs:CS 433"),
        ("umd-cmsc:CMSC414", "uo-cs:CS 533"), ("umd-cmsc:CMSC614", "uo-cs:CS 533"), ("umd-cmsc:CMSC614", "uo-cs:CS 433"),
    ]
}


def names(text: str, key: str) -> bool:
    """True if an exclusion text names the course `key` (as 'CMSC131', 'MATH 136' or a bare number after its subject)."""
    if key.replace(" ", "") in text.replace(" ", ""):
        return True
    prefix = re.match(r"[A-Z]+", key).group(0)
    return prefix in text and re.search(rf"(?<!\d){number_of(key)}(?!\d)", text) is not None


def stated_relation(a: dict, b: dict) -> bool:
    """True if either entry's exclusion text names the other course (so the pair cannot be a plain negative)."""
    return names(a["excludes_stated"], b["key"]) or names(b["excludes_stated"], a["key"])


def batch2_drawn(catalogues: dict, taken: set) -> list:
    generic = re.compile(r"Thesis|Dissertation|Research|Reading|Seminar|Special|Selected Topics|Topics|Study Abroad|"
                         r"Experiential|Teaching|Capstone|Independent|Internship|Discovery|\[Topic\]|Workshop|Field Studies|"
                         r"Practicum|Terminal|Directed|Group Studies", re.IGNORECASE)
    stop = {"and", "of", "to", "the", "in", "for", "with", "a", "an", "introduction", "i", "ii", "iii", "iv",
            "advanced", "topics", "course", "theory", "applications", "introductory", "methods", "design",
            "systems", "computer", "science", "mathematics", "level", "honours", "elementary", "applied",
            "non-specialist", "specialist", "sciences", "engineering", "engineers"}

    def words(c):
        return {w for w in re.findall(r"[a-z]+", c["title"].lower()) if w not in stop and len(w) > 2}

    pools = {slug: [c for c in cat["courses"] if len(c["summary"]) >= 60 and not generic.search(c["title"])]
             for slug, cat in catalogues.items()}
    out = []

    def draw(category, slug_a, slug_b, n, why):
        rng = random.Random(f"{SEED2}:{category}:{slug_a}:{slug_b}")
        tries = 0
        while n and tries < 20000:
            tries += 1
            a, b = rng.choice(pools[slug_a]), rng.choice(pools[slug_b])
            ka, kb = f"{slug_a}:{a['key']}", f"{slug_b}:{b['key']}"
            pair = frozenset((ka, kb))
            if ka == kb or pair in taken or pair in RELATED2 or words(a) & words(b) or a["summary"] == b["summary"]:
                continue
            if slug_a == slug_b and re.sub(r"[A-Z]$", "", a["key"]) == re.sub(r"[A-Z]$", "", b["key"]):
                continue
            if stated_relation(a, b):
                continue
            taken.add(pair)
            out.append((ka, kb, False, category, why.format(a=a, b=b)))
            n -= 1

    dept = "Same department, different topics: '{a[title]}' and '{b[title]}' share no subject matter in their catalogue descriptions."
    draw("same_department", "umd-cmsc", "umd-cmsc", 40, dept)
    draw("same_department", "umd-math", "umd-math", 40, dept)
    draw("same_department", "uwaterloo-math", "uwaterloo-math", 25, dept)
    other = "Different providers, same subject, different topics: '{a[title]}' vs '{b[title]}'."
    draw("other_provider_same_subject", "uwaterloo-math", "umd-math", 15, other)
    draw("other_provider_same_subject", "umd-cmsc", "uo-cs", 15, other)
    rand = "Different providers and subjects: '{a[title]}' (mathematics) vs '{b[title]}' (computing)."
    draw("random", "uwaterloo-math", "umd-cmsc", 10, rand)
    return out


def batch2(catalogues: dict, taken: set) -> list:
    index = {f"{slug}:{c['key']}": c for slug, cat in catalogues.items() for c in cat["courses"]}
    pairs = [(a, b, True, category, why) for a, b, category, why in BATCH2_POSITIVES]
    for a, b in UW_ANTIREQ:
        ka, kb = f"uwaterloo-math:{a}", f"uwaterloo-math:{b}"
        quotes = [f"{k.split(':')[1]}: '{index[k]['excludes_stated']}'" for k, other in ((ka, kb), (kb, ka))
                  if names(index[k]["excludes_stated"], index[other]["key"])]
        assert quotes, (a, b)
        pairs.append((ka, kb, True, "declared_exclusion",
                      f"'{index[ka]['title']}' and '{index[kb]['title']}' are antirequisites: " + "; ".join(quotes) + "."))
    for slug, items in BATCH2_PROGRESSIONS.items():
        for a, b in items:
            ka, kb = f"{slug}:{a}", f"{slug}:{b}"
            pairs.append((ka, kb, False, "same_subject_progression",
                          f"'{index[ka]['title']}' ({a}) then '{index[kb]['title']}' ({b}): successive or "
                          f"building courses in one subject (the later builds on the earlier), not a repeat."))
    taken |= {frozenset((p[0], p[1])) for p in pairs}
    pairs += batch2_drawn(catalogues, taken)
    for a, b, *_ in pairs:
        assert a in index and b in index, (a, b)
    return pairs


def split_batch(pairs: list, first_id: int, seed: int) -> list:
    """Ids continue after the earlier batches; halves alternate within each (label, category) group after a
    seeded shuffle, with one running counter per label so that both halves gain positives evenly."""
    rng = random.Random(seed)
    out = [{"id": f"r{first_id + i:04d}", "split": None, "a": a, "b": b, "overlap": overlap,
            "category": category, "why": why} for i, (a, b, overlap, category, why) in enumerate(pairs)]
    for label, start in ((True, 1), (False, 0)):
        counter = start
        for category in sorted({p["category"] for p in out if p["overlap"] is label}):
            group = [p for p in out if p["overlap"] is label and p["category"] == category]
            rng.shuffle(group)
            for p in group:
                p["split"] = "tune" if counter % 2 == 0 else "holdout"
                counter += 1
    return out


# ================================================================ batch 3: an older UMD MATH catalogue (PlanetTerp)
#
# PlanetTerp keeps one record per course ever taught, with the description it last scraped.  For some courses that
# is an older catalogue text (MATH121), and it still has the courses that the Fall 2022 entries say they replaced
# ("Formerly: MATH220", "Formerly: Math 110 and Math 111") or still name in their credit rules (MATH130, MATH131).

SEED3 = SEED + 3
UMD_PT_COMMIT = "df56bcbc8756e7819dc2d99e6c52de8e9c09ba7b"


def umd_planetterp() -> dict:
    rows = json.loads((SOURCES / "umd-math-planetterp-000-299.json").read_text(encoding="utf-8"))
    out = []
    for r in rows:
        parts = []
        if r.get("credit_only_granted_for"):
            text = clean(r["credit_only_granted_for"])
            parts.append(text if text.startswith("Students who") else f"Credit only granted for: {text}")
        if r.get("formerly"):
            parts.append(f"Formerly: {clean(r['formerly'])}")
        if r.get("additional_information"):
            parts.append(clean(r["additional_information"]))
        out.append({
            "key": r["course"],
            "title": clean(r["title"]),
            "summary": clean(r["description"]),
            "aims": "",
            "learning_outcomes": [],
            "level": us_level(number_of(r["course"]), lower=300, upper=600),
            "subjects": MATHS,
            "credit": None,
            "excludes_stated": " ".join(parts),
        })
    return {
        "provider": {"name": "University of Maryland, College Park, Department of Mathematics (MATH 003-274, PlanetTerp records)",
                     "id": "umd-math-planetterp"},
        "source": {
            "repository": UMD_REPO,
            "path": "planetterp_jsons/math.json",
            "commit": UMD_PT_COMMIT,
            "url": f"https://github.com/{UMD_REPO}/blob/{UMD_PT_COMMIT}/planetterp_jsons/math.json",
            "licence": ("no licence stated (repository has no licence file; the text is the University of Maryland "
                        "catalogue text as kept by PlanetTerp, an older version than umd-math's for some courses)"),
            "retrieved": RETRIEVED,
        },
        "courses": out,
    }


PT = "umd-math-planetterp"
BATCH3_POSITIVES = [
    ("umd-math:MATH120", f"{PT}:MATH220", "replacement", "Fall 2022 MATH120 (Elementary Calculus I): 'Formerly: MATH220.'; MATH220 is the older course of the same title (same text)."),
    ("umd-math:MATH121", f"{PT}:MATH221", "replacement", "Fall 2022 MATH121 (Elementary Calculus II): 'Formerly: MATH 221.'; MATH221 is the older course of the same title, described in the older words."),
    ("umd-math:MATH107", f"{PT}:MATH110", "replacement", "Fall 2022 MATH107: 'Formerly: Math 110 and Math 111.' (MATH110 Elementary Mathematical Models)."),
    ("umd-math:MATH107", f"{PT}:MATH111", "replacement", "Fall 2022 MATH107: 'Formerly: Math 110 and Math 111.' (MATH111 Introduction to Probability)."),
    ("umd-math:MATH121", f"{PT}:MATH121", "replacement", "Two versions of one course code: PlanetTerp's MATH121 text ('Differential and integral calculus, with emphasis on elementary techniques of integration and applications.') was rewritten by Fall 2022 ('Trigonometric functions, techniques of integration, infinite series, differential equations, probability.')."),
    ("umd-math:MATH140", f"{PT}:MATH130", "declared_exclusion", "Fall 2022 MATH140: 'Credit only granted for: MATH120, MATH130, MATH136, or MATH140.' (MATH130 Calculus I for the Life Sciences)."),
    ("umd-math:MATH120", f"{PT}:MATH130", "declared_exclusion", "Fall 2022 MATH120: 'Credit only granted for: MATH120, MATH130, MATH136, or MATH140.'"),
    ("umd-math:MATH136", f"{PT}:MATH130", "declared_exclusion", "Fall 2022 MATH136 (Calculus for Life Sciences): 'Credit only granted for: MATH120, MATH130, MATH136, or MATH140.'"),
    ("umd-math:MATH141", f"{PT}:MATH131", "declared_exclusion", "Fall 2022 MATH141: 'Credit only granted for: MATH121, MATH131, or MATH141.' (MATH131 Calculus II for Life Sciences)."),
    ("umd-math:MATH121", f"{PT}:MATH131", "declared_exclusion", "Fall 2022 MATH121: 'Credit only granted for: MATH121, MATH131, or MATH141.'"),
    ("umd-math:STAT100", f"{PT}:MATH111", "declared_exclusion", "Fall 2022 STAT100: 'Credit only granted for: STAT100, MATH107 or MATH111.' (Elementary Statistics and Probability vs Introduction to Probability)."),
]
BATCH3_PROGRESSIONS = [
    (f"{PT}:MATH130", f"{PT}:MATH131"), (f"{PT}:MATH220", f"{PT}:MATH221"), (f"{PT}:MATH140", f"{PT}:MATH141"),
    (f"{PT}:MATH010", f"{PT}:MATH110"), (f"{PT}:MATH011", f"{PT}:MATH111"), (f"{PT}:MATH212", f"{PT}:MATH213"),
    ("umd-math:MATH140", f"{PT}:MATH141"), ("umd-math:MATH120", f"{PT}:MATH221"), (f"{PT}:MATH130", "umd-math:MATH141"),
    (f"{PT}:MATH220", "umd-math:MATH121"), (f"{PT}:MATH141", "umd-math:MATH241"), (f"{PT}:MATH115", "umd-math:MATH140"),
]


def batch3(catalogues: dict, taken: set) -> list:
    index = {f"{slug}:{c['key']}": c for slug, cat in catalogues.items() for c in cat["courses"]}
    pairs = [(a, b, True, category, why) for a, b, category, why in BATCH3_POSITIVES]
    for ka, kb in BATCH3_PROGRESSIONS:
        pairs.append((ka, kb, False, "same_subject_progression",
                      f"'{index[ka]['title']}' ({ka.split(':')[1]}) then '{index[kb]['title']}' ({kb.split(':')[1]}): "
                      f"successive courses (the later builds on the earlier), not a repeat."))
    taken |= {frozenset((p[0], p[1])) for p in pairs}
    generic = re.compile(r"Special|Selected Topics|Research|Thesis|Experiential", re.IGNORECASE)
    stop = {"and", "of", "to", "the", "in", "for", "with", "a", "an", "introduction", "i", "ii", "iii", "elementary",
            "mathematics", "math", "life", "sciences", "calculus"}

    def words(c):
        return {w for w in re.findall(r"[a-z]+", c["title"].lower()) if w not in stop and len(w) > 2}

    def base(c):
        return re.sub(r"H$", "", c["key"])

    calculus = {"MATH120", "MATH121", "MATH130", "MATH131", "MATH136", "MATH140", "MATH141", "MATH220", "MATH221"}
    # MATH131 (calculus II for life sciences) also teaches probability and statistical reasoning: not plainly
    # different from the introductory probability courses.
    probability = {"MATH107", "MATH110", "MATH111", "STAT100", "MATH214", "MATH314"}
    pools = {slug: [c for c in catalogues[slug]["courses"] if len(c["summary"]) >= 60 and not generic.search(c["title"])]
             for slug in ("umd-math", PT)}
    drawn = []

    def draw(slug_a, slug_b, n):
        rng = random.Random(f"{SEED3}:same_department:{slug_a}:{slug_b}")
        tries = 0
        while n and tries < 20000:
            tries += 1
            a, b = rng.choice(pools[slug_a]), rng.choice(pools[slug_b])
            ka, kb = f"{slug_a}:{a['key']}", f"{slug_b}:{b['key']}"
            pair = frozenset((ka, kb))
            if ka == kb or pair in taken or words(a) & words(b) or a["summary"] == b["summary"]:
                continue
            if base(a) == base(b) or stated_relation(a, b) or {base(a), base(b)} <= calculus:
                continue
            if "MATH131" in (base(a), base(b)) and {base(a), base(b)} & probability:
                continue
            taken.add(pair)
            drawn.append((ka, kb, False, "same_department",
                          f"Same department (two versions of its catalogue), different topics: '{a['title']}' and "
                          f"'{b['title']}' share no subject matter in their catalogue descriptions."))
            n -= 1

    draw(PT, PT, 12)
    draw("umd-math", PT, 18)
    pairs += drawn
    for a, b, *_ in pairs:
        assert a in index and b in index, (a, b)
    return pairs


# ================================================================ batch 4: the same course twice in one catalogue
#
# Found when the detector was first run over the UMD catalogues and checked by reading both entries: an honours
# section listed as a course of its own (code + "H", same title, same description), a course listed by two
# departments (same title and description), a graduate offering of an undergraduate course (its title names it,
# its description is the same course's), and the old and new codes of a renumbered course both kept by PlanetTerp.
# The algebra reviews with one description and one list of topics ("A review of Intermediate High School Algebra
# intended for students preparing for MATH1xx") are the same review whatever course follows it.

SEED4 = SEED + 4
BATCH4_POSITIVES = [
    *[(f"{slug}:{code}", f"{slug}:{code}H", "honours_version",
       f"{code}H is the honours section of {code}: the same title and the same catalogue description.")
      for slug, codes in (("umd-cmsc", ["CMSC351"]), ("umd-math", ["MATH140", "MATH141", "MATH241", "MATH246"]),
                          (PT, ["MATH140", "MATH141", "MATH241", "MATH246"]))
      for code in codes],
    ("umd-math:MATH386", "umd-math:STAT386", "cross_listed",
     "'Experiential Learning' listed by MATH and by STAT with the same description (the same department's course)."),
    ("umd-cmsc:CMSC416", "umd-cmsc:CMSC818X", "level_pair",
     "CMSC818X is titled 'Advanced Topics in Computer Systems; Introduction to Parallel Computing' and describes "
     "CMSC416's course (shared and distributed memory programming) for graduate students."),
    (f"{PT}:MATH120", f"{PT}:MATH220", "replacement",
     "Umd-math MATH120 says 'Formerly: MATH220'; PlanetTerp keeps both codes with the same title and description."),
    (f"{PT}:MATH121", f"{PT}:MATH221", "replacement",
     "Umd-math MATH121 says 'Formerly: MATH221'; PlanetTerp keeps both codes with the same title and description."),
    *[(f"{slug}:{a}", f"{slug}:{b}", "same_content",
       f"{a} and {b} are the same review of intermediate high-school algebra: one description, each named after "
       "the course it prepares for; their topic lists share linear and quadratic equations, polynomials and "
       "exponential and logarithm functions (MATH013 and MATH015 add trigonometry).")
      for slug, codes in (("umd-math", ["MATH007", "MATH013", "MATH015"]),
                          (PT, ["MATH007", "MATH010", "MATH013", "MATH015"]))
      for i, a in enumerate(codes) for b in codes[i + 1:]],
]
# MATH011 is left unlabelled: its review leads to probability (Venn diagrams, permutations and combinations), not
# to calculus or trigonometry, so how much it repeats the others is not plain from the catalogue.


def batch4(catalogues: dict, taken: set) -> list:
    index = {f"{slug}:{c['key']}": c for slug, cat in catalogues.items() for c in cat["courses"]}
    pairs = []
    for a, b, category, why in BATCH4_POSITIVES:
        assert a in index and b in index, (a, b)
        if frozenset((a, b)) not in taken:
            pairs.append((a, b, True, category, why))
    return pairs


def main() -> None:
    first = {c["provider"]["id"]: c for c in (uo_cs(), ucsb_math(), uol_cs())}
    catalogues = dict(first)
    for cat in umd_catalogues() + [uwaterloo_math(), umd_planetterp()]:
        catalogues[cat["provider"]["id"]] = cat
    (HERE / "catalogues").mkdir(exist_ok=True)
    for slug, cat in catalogues.items():
        (HERE / "catalogues" / f"{slug}.json").write_text(
            json.dumps(cat, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    pairs = split(labelled(first))
    taken = {frozenset((p["a"], p["b"])) for p in pairs}
    pairs += split_batch(batch2(catalogues, taken), len(pairs) + 1, SEED2)
    taken = {frozenset((p["a"], p["b"])) for p in pairs}
    pairs += split_batch(batch3(catalogues, taken), len(pairs) + 1, SEED3)
    taken = {frozenset((p["a"], p["b"])) for p in pairs}
    pairs += split_batch(batch4(catalogues, taken), len(pairs) + 1, SEED4)
    (HERE / "pairs.json").write_text(json.dumps(pairs, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
