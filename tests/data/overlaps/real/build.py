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
        body = [l for l in c["lines"] if not l.startswith(("Prerequisites:", "Repeatable", "Equivalent to:"))]
        equivalent = [l for l in c["lines"] if l.startswith("Equivalent to:")]
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


def main() -> None:
    catalogues = {c["provider"]["id"]: c for c in (uo_cs(), ucsb_math(), uol_cs())}
    (HERE / "catalogues").mkdir(exist_ok=True)
    for slug, cat in catalogues.items():
        (HERE / "catalogues" / f"{slug}.json").write_text(
            json.dumps(cat, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    pairs = split(labelled(catalogues))
    (HERE / "pairs.json").write_text(json.dumps(pairs, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
