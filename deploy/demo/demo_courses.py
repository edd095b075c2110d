"""One generated course of the demo consortium: its text, credit, schedule, cost and the rest, drawn from
its spec (demo_source.py) with the consortium's random generator.

Each course's learning outcomes, summary and aims are written from its own topics (the key concepts and
sub-topics of its spec) in sentence frames (sentences.toml) chosen by a generator seeded from the course,
so unrelated courses do not read alike and overlap detection flags the planted overlaps, not shared
boilerplate. Outcome tiers: 1 = describe/explain (levels 4-5), 2 = apply/analyse, 3 = evaluate/design
(levels 6-8); in the frames {x} is the topic an outcome is about and {y} a second topic of the course.
"""

from __future__ import annotations

import random
import re
from datetime import date, timedelta

from demo_source import AREAS, FAMILIES, SENTENCES  # beside this module

SEED = 20260115
OUTCOME_FRAMES = {int(tier.removeprefix("tier")): frames for tier, frames in SENTENCES["outcomes"].items()}
ENTRY_BY_LEVEL = {int(level): notes for level, notes in SENTENCES["entry_by_level"].items()}
CREDIT_WEIGHTS = {10: 3, 15: 4, 20: 4, 30: 2}
ECTS_BY_CATS = {10: 5, 15: 7.5, 20: 10, 30: 15}


def slugify(text: str) -> str:
    text = text.lower().replace("&", "and").replace("–", "-")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def provider_level(provider: dict, fheq: int, rng: random.Random) -> int:
    if provider["framework"] == "SCQF":
        return {4: 7, 5: 8, 6: rng.choice([9, 10, 10]), 7: 11, 8: 12}[fheq]
    return fheq


def pick_credit(rng: random.Random, fheq: int, ects: bool = False) -> int:
    weights = dict(CREDIT_WEIGHTS)
    if fheq <= 5:
        weights[30] = 0
        weights[10] += 3
    if fheq >= 7:
        weights[10] = 1
    if ects:  # Kingsbridge designs in 5, 7.5 and 10 ECTS
        weights[30] = 0
    values = [v for v in weights if weights[v]]
    return rng.choices(values, weights=[weights[v] for v in values])[0]


def text_rng(provider: dict, title: str) -> random.Random:
    """The course's own generator for choosing sentence frames: seeded from the course, not shared."""
    return random.Random(f"{SEED}|{provider['slug']}|{title}")


def fill(template: str, topics: list[str]) -> str:
    """A summary or aim frame: {a} {b} {c} the key concepts, {d} {e} {f} the sub-topics (repeating the
    concepts when a course has fewer topics)."""
    key = (topics[:3] * 3)[:3]
    subs = (topics[3:] or topics)
    subs = (subs * 3)[:3]
    return cap(template.format(a=key[0], b=key[1], c=key[2], d=subs[0], e=subs[1], f=subs[2]))


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def outcome_tiers(rng: random.Random, family: str, fheq: int) -> list[int]:
    """How many outcomes and of which tiers, from knowledge to evaluation: the draws the template picker
    made (a family's legacy_draws in families.toml), so the main generator's sequence is unchanged."""
    n = rng.choice([3, 4, 4, 5, 5, 6])
    if fheq <= 5:
        wanted = {1: 2, 2: 2, 3: 0}
    elif fheq == 6:
        wanted = {1: 0, 2: 3, 3: 1}
    else:
        wanted = {1: 0, 2: 2, 3: 3}
    sizes = FAMILIES[family]["legacy_draws"]["outcome_templates"]
    candidates = [(tier, k, weight) for tier, weight in wanted.items() if weight for k in range(sizes[tier - 1])]
    chosen: list[int] = []
    while candidates and len(chosen) < n:
        item = rng.choices(candidates, weights=[w for _, _, w in candidates])[0]
        candidates.remove(item)
        chosen.append(item[0])
    return sorted(chosen)


def pick_outcomes(rng: random.Random, own: random.Random, family: str, topics: list[str], fheq: int) -> list[str]:
    """Outcomes about the course's own topics: each outcome about another topic (key concepts and sub-topics
    in turn), in frames of its tier chosen by the course's own generator ``own``, no frame twice."""
    tiers = outcome_tiers(rng, family, fheq)
    start = rng.randrange(3)  # which key concept the first outcome is about
    key = topics[:3]
    key = key[start % len(key):] + key[:start % len(key)]
    subs = topics[3:]
    own.shuffle(subs)
    order: list[str] = []
    for i in range(max(len(key), len(subs))):
        order += [t for t in (key[i] if i < len(key) else None, subs[i] if i < len(subs) else None)
                  if t and t not in order]
    frames = {tier: own.sample(OUTCOME_FRAMES[tier], tiers.count(tier)) for tier in set(tiers)}
    out = []
    for i, tier in enumerate(tiers):
        x = order[i % len(order)]
        y = order[(i + max(1, len(order) // 2)) % len(order)]
        out.append(cap(frames[tier].pop().format(x=x, y=y)))
    return out


def words_for(credit_cats: int) -> tuple[str, str]:
    long_ = {10: "2,000", 15: "2,500", 20: "3,000", 30: "4,000"}[credit_cats]
    short = {10: "1,000", 15: "1,000", 20: "1,500", 30: "2,000"}[credit_cats]
    return long_, short


def pick_assessment(rng: random.Random, family: dict, credit_cats: int) -> list[str]:
    n = rng.choices([1, 2, 3], weights=[2, 5, 2])[0]
    if credit_cats <= 10:
        n = min(n, 2)
    items = rng.sample(family["assessment"], n)
    w, s = words_for(credit_cats)
    splits = {1: [[100]], 2: [[50, 50], [60, 40], [70, 30], [40, 60]], 3: [[40, 30, 30], [50, 25, 25], [20, 40, 40]]}[n]
    split = rng.choice(splits)
    # "Technical report (3,000 words)" -> "Technical report, 3,000 words (60%)"
    out = []
    for item, pct in zip(items, split, strict=True):
        text = re.sub(r" [(]([^)]*)[)]$", r", \1", item.format(w=w, s=s))
        out.append(f"{text} ({pct}%)")
    return out


def is_supervised(assessment: list[str]) -> bool:
    return any(re.search(r"examination|\btest\b|OSCE|Observed|viva|Arholiad", a, re.I) for a in assessment)


def cohort_schedule(rng: random.Random, provider: dict, hours: int) -> dict:
    starts = provider["cohort_starts"]
    k = rng.choices([1, 2, 3], weights=[3, 4, 2])[0]
    first = rng.randrange(0, len(starts) - k + 1)
    chosen = starts[first:first + k]
    weeks = max(4, min(20, round(hours / rng.choice([8, 10, 12]))))
    presentations = []
    for s in chosen:
        start = date.fromisoformat(s)
        presentations.append({
            "start": start.isoformat(),
            "end": (start + timedelta(weeks=weeks, days=-3)).isoformat(),
            "apply_by": (start - timedelta(days=rng.choice([14, 21, 28]))).isoformat(),
            "places": rng.choice([16, 20, 24, 25, 30, 40, 50, 60]),
        })
    return {"type": "cohort", "presentations": presentations}


def updated_stamp(rng: random.Random) -> str:
    day = date(2025, 9, 1) + timedelta(days=rng.randrange(0, 130))
    return f"{day.isoformat()}T{rng.randrange(8, 18):02d}:{rng.choice(['00', '15', '30', '45'])}:00Z"


def build_course(rng: random.Random, provider: dict, area: str, spec: dict, seq: int) -> dict:
    area_info = AREAS[area]
    fam_name = area_info["family"]
    family = FAMILIES[fam_name]
    fheq = spec["level"]
    cats = spec.get("credit") or pick_credit(rng, fheq, provider["credit"] == "ECTS")
    level_value = provider_level(provider, fheq, rng)
    code = area_info["code"]
    cid = f"{provider['prefix']}-{code}{level_value}{seq:02d}"
    title = spec["title"]
    concepts = spec["concepts"]
    base = f"https://www.{provider['domain']}"

    # schedule
    if provider["format"] == "xcri-cap":  # XCRI-CAP describes courses through dated presentations
        learner_led = False
    elif spec.get("schedule") == "learner-led":
        learner_led = True
    elif spec.get("schedule") == "cohort":
        learner_led = False
    else:
        learner_led = rng.random() < 0.2
    hours = cats * 10

    # mode
    if learner_led:
        mode = rng.choice([["online-asynchronous"], ["online-asynchronous"], ["online-asynchronous", "work-based"]])
        schedule = {"type": "learner-led", "max_engagement_days": rng.choice([90, 120, 180, 180, 365])}
    else:
        mode = rng.choice(family["modes"])
        schedule = cohort_schedule(rng, provider, hours)

    # Outcomes, summary and aims from the course's own topics; frames chosen by its own generator.
    own = text_rng(provider, title)
    draws = family["legacy_draws"]
    outcomes = spec.get("outcomes") or pick_outcomes(rng, own, fam_name, concepts, fheq)
    if spec.get("summary"):
        summary = spec["summary"]
    else:
        rng.randrange(draws["summary_hooks"])  # the draw of the family's summary hook (legacy_draws)
        summary = " ".join([
            fill(own.choice(SENTENCES["summaries"]), concepts),
            delivery_sentence(rng, learner_led, mode, hours, schedule),
            rng.choice(family["audience"]),
        ])
    if spec.get("aims"):
        aims = spec["aims"]
    else:
        rng.randrange(draws["aims"])  # the draw of the family's aim (legacy_draws)
        aims = fill(own.choice(SENTENCES["aims"]), concepts)

    assessment = spec.get("assessment") or pick_assessment(rng, family, cats)
    supervised = is_supervised(assessment)
    if supervised:
        supervision = "supervised-online" if mode[0].startswith("online") else "supervised-onsite"
        identity = True
    else:
        supervision = "unsupervised"
        identity = rng.random() < 0.45

    # cost
    if rng.random() < provider["free_share"]:
        cost = {"amount": "0.00", "currency": "GBP", "notes": provider["free_note"]}
    else:
        amount = round(cats * provider["rate"] * rng.uniform(0.85, 1.2) / 5) * 5
        if fam_name == "health" and cats >= 30:
            amount = max(amount, 1450)
        cost = {"amount": f"{amount}.00", "currency": "GBP", "notes": rng.choice(SENTENCES["cost_notes"])}

    # entry requirements
    entry = spec.get("entry") or rng.choice(ENTRY_BY_LEVEL[fheq])
    extra = family.get("entry")
    if extra and not spec.get("entry") and (fam_name in ("health", "education") or rng.random() < 0.5):
        entry = f"{entry} {extra}"
    if fam_name == "health" and spec.get("psrb_recognition") and area == "nursing":
        entry += " Current registration with the Nursing and Midwifery Council (NMC) is required."

    skills = spec.get("skills")
    if not skills:
        bank = family["skills"] + area_info.get("skills", [])
        skills = rng.sample(bank, rng.randint(3, 6))

    psrb = []
    if spec.get("psrb_recognition") and area_info.get("psrb"):
        psrb.append(dict(rng.choice(area_info["psrb"])))

    pathways = []
    pathway = spec.get("pathway")
    if pathway and provider["slug"] == "wychbury":  # the member that publishes the pathways
        pathways.append({"id": pathway["id"], "role": "option" if pathway["role"] == "option" else "core"})

    subjects = [{"scheme": "HECoS", "code": h} for h in (spec.get("hecos") or [area_info["hecos"]])]
    credit_value: float | int = cats
    if provider["credit"] == "ECTS":
        credit_value = ECTS_BY_CATS[cats]

    course = {
        "id": cid,
        "status": "active",
        "title": title,
        "url": f"{base}/micro-credentials/{slugify(title)}",
        "summary": summary,
        "aims": aims,
        "learning_outcomes": outcomes,
        "credit": {"value": credit_value, "scheme": provider["credit"]},
        "level": {"framework": provider["framework"], "value": level_value},
        "subjects": subjects,
        "mode": mode,
        "study_hours": hours,
        "languages": spec.get("languages") or rng.choice(provider["languages"]),
        "schedule": schedule,
        "cost": cost,
        "entry_requirements": entry,
        "assessment": assessment,
        "assessment_supervision": supervision,
        "identity_verified": identity,
        "apply_url": f"https://apply.{provider['domain']}/micro-credentials/{cid.lower()}",
        "awarding_body": {"id": provider["id"], "name": provider["name"]},
        "quality_assurance": provider["qa"],
        "psrb_recognition": psrb,
        "skills": skills,
        "pathways": pathways,
        "updated": updated_stamp(rng),
        # carried for the generator only (removed before writing)
        "_area": area, "_fheq": fheq, "_cats": cats, "_pathway": pathway,
    }
    return course


def delivery_sentence(rng: random.Random, learner_led: bool, mode: list[str], hours: int, schedule: dict) -> str:
    if learner_led:
        days = schedule["max_engagement_days"]
        months = {90: "three months", 120: "four months", 180: "six months", 365: "twelve months"}[days]
        return rng.choice([
            f"Study at your own pace online: most learners complete the {hours} hours of study within {months}.",
            f"Start at any time and complete the course online within {months}, with tutor support throughout.",
            f"Fully online and self-paced, with {hours} hours of study to complete within {months}.",
        ])
    first = schedule["presentations"][0]
    start = date.fromisoformat(first["start"]).strftime("%B %Y")
    weeks = (date.fromisoformat(first["end"]) - date.fromisoformat(first["start"])).days // 7 + 1
    how = {
        "online-synchronous": "live online sessions",
        "online-asynchronous": "online study with weekly tutor contact",
        "blended": "a mix of online study and campus workshops",
        "on-campus": "on-campus teaching",
        "work-based": "learning in your own workplace",
    }[mode[0]]
    return rng.choice([
        f"Taught in small cohorts over {weeks} weeks through {how}; the next intake starts in {start}.",
        f"Runs over {weeks} weeks, next starting in {start}, through {how}.",
        f"Delivered through {how} across {weeks} weeks ({hours} hours of study in total).",
    ])

