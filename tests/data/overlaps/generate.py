"""Write ``pairs.json``: labelled course pairs for measuring overlap detection.

    .venv/bin/python tests/data/overlaps/generate.py

Label policy (what "overlap" means: credit for both courses would count the same learning twice):

- ``paraphrase`` (true): the same sub-topics written by another author: other verbs and templates,
  synonyms and American spellings, outcomes reordered, sometimes one dropped or added; same EQF level.
- ``level_translation`` (true): the same content with its level stated in another framework at the same
  EQF level (FHEQ 6 = SCQF 9/10 = CQFW 6 = EQF 6; FHEQ 7 = SCQF 11): the same level, so an overlap.
- ``restated_level`` (true): the same outcomes, lightly reworded, with a level one EQF step apart (a
  repackaged course): identical learning is double counting whatever level the label states.
- ``level_depth`` (false): the same subject at adjacent levels with different depth: the higher course
  takes other, advanced sub-topics (a progression, not a repeat), though title and vocabulary are shared.
- ``same_subject`` (false): the same subject (CAH3) but different sub-topics.
- ``partial`` (false): the same subject, one sub-topic of five or six in common: related, not a repeat.
- ``shared_jargon`` (false): different subjects whose outcomes share cross-disciplinary jargon ("risk
  management frameworks", "stakeholder engagement", "data-driven decision making").

Each pair is assigned to the ``tune`` or ``holdout`` split (alternately after shuffling): thresholds are
set on ``tune`` only and both are reported.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, replace
from pathlib import Path

from bank import (  # type: ignore[import-not-found]
    ADVANCED_TEMPLATES,
    ADVANCED_TITLE_TEMPLATES,
    FOUNDATION_TEMPLATES,
    GENERIC_OUTCOMES,
    JARGON,
    SUBJECTS,
    SUMMARY_TEMPLATES,
    SYNONYMS,
    TITLE_TEMPLATES,
    VERBS,
)

HERE = Path(__file__).resolve().parent
SIBLING_SUBJECTS = {"CAH17-01": ("100079", "CAH17-01-02"), "CAH11-01": ("100366", "CAH11-01-01"),
                    "CAH02-04": ("100279", "CAH02-04-02")}
FRAMEWORKS = {5: [("FHEQ", 5), ("FHEQ", 4), ("SCQF", 8), ("SCQF", 7), ("CQFW", 5), ("EQF", 5)],
              6: [("FHEQ", 6), ("SCQF", 9), ("SCQF", 10), ("CQFW", 6), ("EQF", 6)],
              7: [("FHEQ", 7), ("SCQF", 11), ("CQFW", 7), ("EQF", 7)]}
COUNTS = {"paraphrase": 110, "level_translation": 50, "restated_level": 25, "level_depth": 40,
          "same_subject": 60, "partial": 30, "shared_jargon": 60}


@dataclass(frozen=True)
class Spec:
    subject: str
    topics: tuple[str, ...]
    eqf: int
    advanced: bool
    framework: tuple[str, int]
    credit: int
    hecos: tuple[str, str] | None = None  # (code, cah3) when another code of the same group is used


def substitute(text: str, rng: random.Random, rate: float) -> str:
    for word, other in SYNONYMS.items():
        if rng.random() < rate and re.search(rf"\b{re.escape(word)}\b", text):
            text = re.sub(rf"\b{re.escape(word)}\b", other, text, count=1)
    return " ".join(text.split())


def outcome(topic: str, advanced: bool, rng: random.Random) -> str:
    group = rng.choice(["evaluate", "create", "analyse"] if advanced else ["remember", "apply", "analyse"])
    template = rng.choice(ADVANCED_TEMPLATES if advanced else FOUNDATION_TEMPLATES)
    return template.format(verb=rng.choice(VERBS[group]), topic=topic)


def outcomes(topics: list[str], advanced: bool, rng: random.Random, merge: bool) -> list[str]:
    """One outcome a topic; a rewriting author may fold two topics into one outcome; and some courses add
    an outcome every course could have."""
    written = [outcome(t, advanced, rng) for t in topics]
    if merge and len(topics) >= 4:
        written[-2:] = [outcome(f"{topics[-2]} and {topics[-1]}", advanced, rng)]
    if rng.random() < 0.3:
        written.insert(rng.randrange(len(written) + 1), rng.choice(GENERIC_OUTCOMES))
    return written


def render(spec: Spec, rng: random.Random, synonym_rate: float = 0.0, merge: bool = False) -> dict:
    area = SUBJECTS[spec.subject]["area"] if spec.subject in SUBJECTS else spec.subject
    topics = [substitute(t, rng, synonym_rate) for t in spec.topics]
    heads = [re.split(r"[,:(]| and the | with ", t)[0].strip() for t in topics]
    title_template = rng.choice(ADVANCED_TITLE_TEMPLATES if spec.advanced else TITLE_TEMPLATES)
    title = title_template.format(a=heads[0], b=heads[1], area=area.capitalize())
    title = title[0].upper() + title[1:]
    summary = rng.choice(SUMMARY_TEMPLATES).format(a=topics[0], b=topics[-1], area=area)
    code, cah3 = spec.hecos or (SUBJECTS[spec.subject]["hecos"][0], SUBJECTS[spec.subject]["hecos"][1])
    cah2, cah1 = cah3.rsplit("-", 1)[0], cah3.split("-")[0]
    framework, value = spec.framework
    return {
        "title": title,
        "summary": summary,
        "learning_outcomes": outcomes(topics, spec.advanced, rng, merge),
        "subjects": [{"scheme": "HECoS", "code": code, "cah3": cah3, "cah2": cah2, "cah1": cah1}],
        "level": {"framework": framework, "value": value, "eqf": spec.eqf},
        "credit": {"cats": spec.credit},
    }


def new_spec(rng: random.Random, subject: str | None = None, advanced: bool | None = None,
             exclude: frozenset[str] = frozenset(), size: int | None = None) -> Spec:
    subject = subject or rng.choice(sorted(SUBJECTS))
    advanced = rng.random() < 0.5 if advanced is None else advanced
    pool = [t for t in SUBJECTS[subject]["advanced" if advanced else "foundation"] if t not in exclude]
    topics = tuple(rng.sample(pool, min(len(pool), size or rng.randint(4, 6))))
    eqf = 7 if advanced else rng.choice([5, 6, 6])
    return Spec(subject, topics, eqf, advanced, rng.choice(FRAMEWORKS[eqf]), rng.choice([10, 15, 20, 30]))


def reworded(spec: Spec, rng: random.Random, *, edit: bool) -> Spec:
    topics = list(spec.topics)
    rng.shuffle(topics)
    if edit and len(topics) >= 5 and rng.random() < 0.4:
        topics.pop()
    if edit and rng.random() < 0.3:
        extra = [t for t in SUBJECTS[spec.subject]["advanced" if spec.advanced else "foundation"] if t not in topics]
        topics.append(rng.choice(extra))
    sibling = SIBLING_SUBJECTS.get(SUBJECTS[spec.subject]["hecos"][2])
    hecos = sibling if sibling and rng.random() < 0.3 else None
    return replace(spec, topics=tuple(topics), framework=rng.choice(FRAMEWORKS[spec.eqf]), hecos=hecos,
                   credit=rng.choice([spec.credit, spec.credit, 15, 20]))


def paraphrase(rng):
    a = new_spec(rng)
    b = render(reworded(a, rng, edit=True), rng, rng.uniform(0.2, 0.6), merge=rng.random() < 0.3)
    return render(a, rng), b, True


def level_translation(rng):
    a = new_spec(rng)
    b = reworded(a, rng, edit=False)
    others = [f for f in FRAMEWORKS[a.eqf] if f[0] != a.framework[0]]
    return render(a, rng), render(replace(b, framework=rng.choice(others)), rng, 0.2), True


def restated_level(rng):
    a = new_spec(rng, advanced=False)
    a = replace(a, eqf=6, framework=rng.choice(FRAMEWORKS[6]))
    eqf = rng.choice([5, 7])
    b = replace(reworded(a, rng, edit=False), eqf=eqf, framework=rng.choice(FRAMEWORKS[eqf]))
    return render(a, rng), render(b, rng, 0.15), True


def level_depth(rng):
    subject = rng.choice(sorted(SUBJECTS))
    a = new_spec(rng, subject, advanced=False)
    a = replace(a, eqf=6, framework=rng.choice(FRAMEWORKS[6]))
    b = new_spec(rng, subject, advanced=True)
    if rng.random() < 0.5:  # the advanced course revisits one foundation topic
        b = replace(b, topics=(*b.topics[:-1], rng.choice(a.topics)))
    return render(a, rng), render(b, rng, 0.2), False


def same_subject(rng):
    a = new_spec(rng)
    rest = [t for tier in ("foundation", "advanced") for t in SUBJECTS[a.subject][tier] if t not in a.topics]
    b = replace(a, topics=tuple(rng.sample(rest, rng.randint(3, 5))), framework=rng.choice(FRAMEWORKS[a.eqf]))
    return render(a, rng), render(b, rng, 0.2), False


def partial(rng):
    a = new_spec(rng, size=rng.randint(5, 6))
    pool = [t for tier in ("foundation", "advanced") for t in SUBJECTS[a.subject][tier] if t not in a.topics]
    rest = rng.sample(pool, len(a.topics) - 1)
    topics = [rng.choice(a.topics), *rest]
    rng.shuffle(topics)
    b = replace(a, topics=tuple(topics), framework=rng.choice(FRAMEWORKS[a.eqf]))
    return render(a, rng), render(b, rng, 0.3), False


def shared_jargon(rng):
    first, second = rng.sample(sorted(SUBJECTS), 2)
    shared = rng.sample(JARGON, rng.randint(2, 3))

    def course(subject: str) -> Spec:
        area = SUBJECTS[subject]["area"]
        spec = new_spec(rng, subject, size=rng.randint(2, 3))
        own = [f"{j} in {area}" if rng.random() < 0.6 else j for j in shared]
        topics = list(spec.topics) + own
        rng.shuffle(topics)
        return replace(spec, topics=tuple(topics))

    a, b = course(first), course(second)
    b = replace(b, eqf=a.eqf, framework=rng.choice(FRAMEWORKS[a.eqf]), advanced=a.advanced)
    return render(a, rng), render(b, rng, 0.2), False


MAKERS = {"paraphrase": paraphrase, "level_translation": level_translation, "restated_level": restated_level,
          "level_depth": level_depth, "same_subject": same_subject, "partial": partial,
          "shared_jargon": shared_jargon}


def main(seed: int = 7) -> None:
    rng = random.Random(seed)
    pairs = [(category, *MAKERS[category](rng)) for category, count in COUNTS.items() for _ in range(count)]
    rng.shuffle(pairs)
    document = [{"id": f"p{n:04d}", "split": "tune" if n % 2 == 0 else "holdout", "category": category,
                 "overlap": label, "a": a, "b": b}
                for n, (category, a, b, label) in enumerate(pairs)]
    (HERE / "pairs.json").write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n")
    print(f"{len(document)} pairs, {sum(p['overlap'] for p in document)} overlapping -> pairs.json")


if __name__ == "__main__":
    main()
