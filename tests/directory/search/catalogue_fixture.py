"""A small hand-written catalogue every search backend is checked against (see test_contract.py)."""

from __future__ import annotations

from datetime import date

from directory.search.documents import course_document

TODAY = date(2026, 1, 10)

PROVIDERS = {"aldport": "University of Aldport", "bexley": "Bexley University", "carrow": "Carrow College"}

SUBJECTS = {
    "100992": ("Machine learning", "CAH11-01-05"),
    "100359": ("Artificial intelligence", "CAH11-01-05"),
    "100366": ("Computer science", "CAH11-01-01"),
    "100374": ("Software engineering", "CAH11-01-04"),
    "100302": ("History", "CAH20-01-01"),
    "100279": ("Adult nursing", "CAH02-04-02"),
    "100485": ("Law", "CAH16-01-01"),
    "100105": ("Accounting", "CAH17-01-08"),
    "100078": ("Business and management", "CAH17-01-01"),
    "100417": ("Chemistry", "CAH07-02-01"),
    "100403": ("Mathematics", "CAH09-01-01"),
}

LEVELS = {"FHEQ": {4: 5, 5: 5, 6: 6, 7: 7}, "SCQF": {10: 6, 11: 7}, "EQF": {7: 7}}


def content(
    course_id: str,
    title: str,
    *,
    summary: str | None = None,
    outcomes: tuple[str, ...] = ("Understand the field",),
    subjects: tuple[str, ...] = ("100078",),
    credit: tuple[float, str] = (15, "CATS"),
    level: tuple[str, int] = ("FHEQ", 6),
    mode: tuple[str, ...] = ("online-asynchronous",),
    starts: tuple[str, ...] | None = None,
    learner_led: bool = False,
    languages: tuple[str, ...] = ("en",),
    psrb: tuple[str, ...] = (),
    cost: tuple[str, str] | None = None,
    skills: tuple[str, ...] = (),
    status: str = "active",
    aims: str | None = None,
    entry_requirements: str | None = None,
) -> dict:
    value, scheme = credit
    cats = value * 2 if scheme == "ECTS" else value
    if learner_led:
        schedule = {"type": "learner-led", "max_engagement_days": 180}
    elif starts:
        schedule = {
            "type": "cohort",
            "presentations": [{"start": s, "end": None, "apply_by": None, "places": None} for s in starts],
        }
    else:
        schedule = None
    subject_rows = []
    for code in subjects:
        name, cah3 = SUBJECTS[code]
        subject_rows.append(
            {"scheme": "HECoS", "code": code, "name": name, "cah3": cah3, "cah2": cah3[:8], "cah1": cah3[:5]}
        )
    framework, level_value = level
    return {
        "id": course_id,
        "status": status,
        "title": title,
        "url": f"https://example.ac.uk/{course_id}",
        "summary": summary,
        "aims": aims,
        "learning_outcomes": list(outcomes),
        "credit": {"value": value, "scheme": scheme, "cats": cats, "ects": cats / 2},
        "level": {"framework": framework, "value": level_value, "eqf": LEVELS[framework][level_value]},
        "subjects": subject_rows,
        "mode": list(mode),
        "study_hours": 150,
        "languages": list(languages),
        "schedule": schedule,
        "cost": None if cost is None else {"amount": cost[0], "currency": cost[1], "notes": None},
        "entry_requirements": entry_requirements,
        "assessment": ["essay"],
        "assessment_supervision": None,
        "identity_verified": None,
        "apply_url": None,
        "awarding_body": {"id": None, "name": "U"},
        "quality_assurance": None,
        "psrb_recognition": [{"body": body, "nature": "accredited"} for body in psrb],
        "skills": list(skills),
        "pathways": [],
        "updated": "2026-01-01T09:00:00Z",
    }


COURSES: list[tuple[str, dict]] = [
    ("aldport", content(
        "ml-intro", "Introduction to Machine Learning", summary="Build predictive models from data.",
        outcomes=("Apply supervised learning algorithms", "Compare models on held-out data"),
        subjects=("100992",), credit=(15, "CATS"), level=("FHEQ", 6), starts=("2026-02-02", "2026-09-14"),
        psrb=("BCS",), cost=("850.00", "GBP"), skills=("python",),
    )),
    ("aldport", content(
        "ml-adv", "Advanced Machine Learning", summary="Deep networks for vision and language.",
        outcomes=("Design deep neural networks",), subjects=("100992",), credit=(30, "CATS"),
        level=("FHEQ", 7), mode=("online-synchronous",), starts=("2026-04-20",), cost=("1500.00", "GBP"),
    )),
    ("bexley", content(
        "ai-ethics", "Ethics of Artificial Intelligence",
        summary="How machine learning systems affect society and the law.",
        outcomes=("Discuss fairness in automated decisions",), subjects=("100359",), credit=(5, "ECTS"),
        level=("EQF", 7), learner_led=True, cost=("0.00", "GBP"),
        aims="Grounding.", entry_requirements="None beyond curiosity.",
    )),
    ("bexley", content(
        "data-eval", "Methods of Research Appraisal", summary="Judging sources before you trust them.",
        outcomes=("Evaluate evidence critically",), subjects=("100366",), credit=(20, "CATS"),
        level=("FHEQ", 6), starts=("2026-03-02",), cost=("400.00", "GBP"),
    )),
    ("carrow", content(
        "history-wales", "History of Wales", summary="From the Laws of Hywel Dda to devolution.",
        outcomes=("Explain the making of modern Wales",), subjects=("100302",), credit=(20, "SCQF"),
        level=("SCQF", 10), mode=("on-campus",), starts=("2026-03-01",), languages=("cy-GB", "en"),
        cost=("300.00", "GBP"),
    )),
    ("carrow", content(
        "nursing", "Adult Nursing Practice", summary="Clinical skills for registered nurses.",
        outcomes=("Plan person-centred care",), subjects=("100279",), credit=(60, "CATS"),
        level=("FHEQ", 6), mode=("work-based",), starts=("2025-09-01",), psrb=("NMC",),
        cost=("2000.00", "GBP"),
    )),
    ("aldport", content(
        "law-basics", "Foundations of Contract Law", summary="Offer, acceptance and remedies.",
        outcomes=("Analyse a contract dispute",), subjects=("100485",), credit=(10, "CATS"),
        level=("FHEQ", 4), mode=("blended",), learner_led=True, cost=("500.00", "USD"),
    )),
    ("bexley", content(
        "accounting", "Accounting for Managers", summary="Read a balance sheet with confidence.",
        outcomes=("Interpret financial statements",), subjects=("100105", "100078"), credit=(15, "CATS"),
        level=("FHEQ", 7), starts=("2026-01-10", "2026-06-01"),
    )),
    ("bexley", content(
        "chem", "Green Chemistry", summary="Sustainable synthesis in the laboratory.",
        outcomes=("Assess the environmental cost of a reaction",), subjects=("100417",), credit=(20, "CATS"),
        level=("FHEQ", 6), mode=("on-campus",), starts=("2026-05-05",), cost=("600.00", "GBP"),
        psrb=("RSC",),
    )),
    ("carrow", content(
        "maths-ml", "Mathematics for Machine Learning", summary="Linear algebra and probability.",
        outcomes=("Compute gradients of loss functions",), subjects=("100403",), credit=(15, "CATS"),
        level=("FHEQ", 5), starts=("2026-02-16",), cost=("250.00", "GBP"),
        aims="Grounding.", entry_requirements="School algebra.",
    )),
    ("aldport", content(
        "software", "Software Engineering Practice", summary="Learning to build a machine that works.",
        outcomes=("Test and deploy software",), subjects=("100374",), credit=(30, "CATS"),
        level=("FHEQ", 7), mode=("online-synchronous", "online-asynchronous"), starts=("2026-02-02",),
        cost=("1200.00", "GBP"), psrb=("BCS",),
    )),
    ("aldport", content(
        "python", "Programming in Python", summary="Your first programs.",
        outcomes=("Write small programs",), subjects=("100366",), credit=(15, "CATS"), level=("FHEQ", 5),
        learner_led=True, cost=("0.00", "GBP"), skills=("python",),
    )),
] + [
    (provider, content(
        f"workshop-{n:02d}", f"Professional Skills Workshop {n:02d}", summary="A short practical workshop.",
        outcomes=("Lead a meeting",), subjects=("100078",), credit=(20, "CATS"), level=("FHEQ", 6),
        mode=("on-campus",), starts=(f"2026-07-{n:02d}",), cost=(f"{100 * n}.00", "GBP"),
    ))
    for n, provider in zip(range(1, 14), ["bexley", "carrow"] * 7, strict=False)
]


def documents() -> list[dict]:
    return [course_document(PROVIDERS[p], p, c["id"], c) for p, c in COURSES]


def ids(result) -> list[str]:
    return [hit.id for hit in result.hits]


def store_course(session, provider_id: str, record: dict, status=None):
    """A course of the relational store with ``record`` as its current content (the indexer's input)."""
    from directory.catalogue.models import Course, CourseStatus, CourseVersion

    course = Course(provider_id=provider_id, course_id=record["id"], status=status or CourseStatus.ACTIVE,
                    title=record["title"], source_hash="x")
    session.add(course)
    session.flush()
    version = CourseVersion(course_pk=course.pk, content_hash="h", content=record, completeness=1.0, missing=[])
    session.add(version)
    session.flush()
    course.current_version_id = version.id
    return course


def store_catalogue(session) -> None:
    """Every provider and course of the fixture catalogue in the store, in COURSES order (pk 1 first)."""
    from directory.catalogue.models import Provider

    for provider_id, name in PROVIDERS.items():
        session.add(Provider(id=provider_id, name=name))
    session.flush()
    for provider_id, record in COURSES:
        store_course(session, provider_id, record)


def retitle(session, course_id: str, title: str) -> tuple[str, str]:
    """A new current version of a stored course with another title; returns its key."""
    from directory.catalogue.models import Course, CourseVersion

    course = session.query(Course).filter_by(course_id=course_id).one()
    record = {**course.current_version.content, "title": title}
    version = CourseVersion(course_pk=course.pk, content_hash=title, content=record, completeness=1.0, missing=[])
    session.add(version)
    session.flush()
    course.current_version_id = version.id
    course.title = title
    return course.provider_id, course.course_id


def withdraw(session, course_id: str) -> tuple[str, str]:
    from directory.catalogue.models import Course, CourseStatus

    course = session.query(Course).filter_by(course_id=course_id).one()
    course.status = CourseStatus.WITHDRAWN
    return course.provider_id, course.course_id
