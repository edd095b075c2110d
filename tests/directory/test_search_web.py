"""Learner-facing search: the API and the pages, over a catalogue built by the real pipeline."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest

from harvester import pipeline, registry
from harvester.environment import harvest_environment
from tests.factories import course, feed_bytes

A, B = "10000001", "10000002"
ALDPORT, BEXLEY = "University of Aldport", "Bexley University"


def publish(instance, provider_id, courses, name):
    with instance.sessions.begin() as session:
        if provider_id not in {f.id for f in registry.list_feeds(session)}:
            registry.add_feed(session, registry.FeedSpec(provider_id, name, None), allow_private=False)
    body = feed_bytes(courses, provider_id=provider_id, provider={
        "id": provider_id, "id_scheme": "UKPRN", "name": name, "country": "GB", "url": "https://www.example.ac.uk/"})
    run = pipeline.ingest(harvest_environment(instance), provider_id, body)
    assert run.outcome.value == "succeeded", run.errors
    return run


def aldport_courses(*, with_withdrawn: bool):
    courses = [
        course("A1", title="Machine learning for managers", subjects=[{"scheme": "HECoS", "code": "100992"}],
               summary="Understand what machine learning can and cannot do for your organisation.",
               psrb_recognition=[{"body": "BCS, The Chartered Institute for IT", "nature": "Accredited"}],
               apply_url="https://www.example.ac.uk/apply/A1"),
        course("A2", title="Data protection law", subjects=[{"scheme": "HECoS", "code": "100485"}],
               level={"framework": "FHEQ", "value": 6}, credit={"value": 30, "scheme": "CATS"},
               mode=["on-campus"], schedule={"type": "learner-led", "max_engagement_days": 180},
               cost={"amount": "0", "currency": "GBP"}),
        course("A3", title="Welsh history for the workplace", subjects=[{"scheme": "HECoS", "code": "100302"}],
               level={"framework": "FHEQ", "value": 4}, credit={"value": 10, "scheme": "CATS"},
               mode=["blended"], languages=["cy"],
               schedule={"type": "cohort", "presentations": [{"start": "2027-03-01", "end": "2027-05-28"}]},
               cost={"amount": "300.00", "currency": "GBP"}),
    ]
    if with_withdrawn:
        courses.append(course("AW", title="Machine learning retired edition",
                              subjects=[{"scheme": "HECoS", "code": "100992"}]))
    return courses


def bexley_courses():
    return [
        course("B1", title="Leading teams in business", subjects=[{"scheme": "HECoS", "code": "100078"}],
               level={"framework": "SCQF", "value": 11}, credit={"value": 20, "scheme": "SCQF"},
               mode=["online-synchronous"], cost={"amount": "1200.00", "currency": "GBP"},
               schedule={"type": "cohort", "presentations": [{"start": "2027-02-01", "end": "2027-04-30"}]}),
        course("B2", title="Machine learning in practice", subjects=[{"scheme": "HECoS", "code": "100992"}],
               credit={"value": 10, "scheme": "ECTS"}, schedule={"type": "learner-led"}, cost=None),
    ]


def build_catalogue(instance):
    """Five active courses of two universities, and one withdrawn (published, then left out of the feed)."""
    publish(instance, A, aldport_courses(with_withdrawn=True), ALDPORT)
    publish(instance, B, bexley_courses(), BEXLEY)
    publish(instance, A, aldport_courses(with_withdrawn=False), ALDPORT)
    return instance


@pytest.fixture
def catalogue(instance):
    return build_catalogue(instance)


def search(client, query=""):
    response = client.get("/api/v1/search" + (f"?{query}" if query else ""))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


def ids(body):
    return sorted(r["id"].split("/")[1] for r in body["results"])


def facet(body, name):
    return {v["value"]: v["count"] for v in body["facets"][name]}


# -- the API ---------------------------------------------------------------------------------------


def test_search_without_words_lists_every_active_course_with_facets(client, catalogue):
    body = search(client)
    assert body["total"] == 5 and body["page"] == 1 and body["per_page"] == 20
    assert ids(body) == ["A1", "A2", "A3", "B1", "B2"]
    assert set(body["facets"]) >= {"provider", "subject", "eqf_level", "mode", "schedule", "credit", "language"}
    assert facet(body, "provider") == {A: 3, B: 2}
    assert facet(body, "eqf_level") == {"7": 3, "6": 1, "5": 1}
    assert facet(body, "schedule") == {"cohort": 3, "learner-led": 2}
    assert facet(body, "credit") == {"0-10": 1, "11-20": 3, "21-40": 1, "41+": 0}
    labels = {v["value"]: v["label"] for v in body["facets"]["provider"]}
    assert labels == {A: ALDPORT, B: BEXLEY}


def test_a_result_carries_its_card_in_plain_words(client, catalogue):
    body = search(client, "q=%22learning+for+managers%22")
    [card] = body["results"]
    assert card["id"] == f"{A}/A1" and card["title"] == "Machine learning for managers"
    assert card["provider"] == {"id": A, "name": ALDPORT}
    assert card["credit"]["cats"] == 15 and card["credit"]["words"] == "15 credits (7.5 ECTS)"
    assert card["level"]["words"] == "master's level" and card["eqf_level"] == 7
    assert card["subjects"][0]["name"] == "Machine learning" and card["subjects"][0]["cah1"] == "CAH11"
    assert card["mode"] == ["online-asynchronous"]
    assert card["schedule"]["type"] == "cohort" and card["schedule"]["next_start"] == "2027-01-11"
    assert card["schedule"]["words"] == "next start 11 January 2027"
    assert "managers</mark>" in card["highlights"]["title"][0]


def test_withdrawn_courses_are_never_in_results(client, catalogue):
    assert ids(search(client, "q=machine+learning")) == ["A1", "B2"]
    assert search(client, "q=retired")["total"] == 0
    assert "AW" not in ids(search(client, "per_page=100"))


def test_values_of_one_filter_are_alternatives(client, catalogue):
    assert ids(search(client, "mode=on-campus&mode=blended")) == ["A2", "A3"]
    assert ids(search(client, f"provider={A}&provider={B}")) == ["A1", "A2", "A3", "B1", "B2"]
    assert ids(search(client, "eqf_level=5&eqf_level=6")) == ["A2", "A3"]


def test_different_filters_must_all_hold(client, catalogue):
    assert ids(search(client, f"eqf_level=7&provider={B}")) == ["B1", "B2"]
    assert ids(search(client, f"q=machine&provider={B}&schedule=learner-led")) == ["B2"]


def test_a_facet_counts_ignore_its_own_filter(client, catalogue):
    body = search(client, f"provider={B}")
    assert body["total"] == 2
    assert facet(body, "provider") == {A: 3, B: 2}
    assert facet(body, "eqf_level") == {"7": 2}


@pytest.mark.parametrize(("query", "expected"), [
    ("credit_min=20", ["A2", "B1", "B2"]),
    ("credit_min=11&credit_max=20", ["A1", "B1", "B2"]),
    ("starts_after=2027-02-15&starts_before=2027-03-31", ["A2", "A3", "B2"]),
    ("language=cy", ["A3"]),
    ("psrb=any", ["A1"]),
    ("cost_max=900", ["A1", "A2", "A3"]),
    ("subject=CAH11", ["A1", "B2"]),
    ("subject=100485", ["A2"]),
    ("complete=true", ["A1", "A2", "A3", "B1"]),  # B2 publishes no cost
])
def test_each_filter_narrows_the_results(client, catalogue, query, expected):
    assert ids(search(client, query)) == expected


def test_sorts_map_to_the_query_model(client, catalogue):
    by_title = [r["title"] for r in search(client, "sort=title")["results"]]
    assert by_title == sorted(by_title, key=str.casefold)
    credits = [r["credit"]["cats"] for r in search(client, "sort=credit")["results"]]
    assert credits == sorted(credits)
    # Learner-led courses start today: before any cohort.
    by_start = [r["id"].split("/")[1] for r in search(client, "sort=start")["results"]]
    assert set(by_start[:2]) == {"A2", "B2"} and by_start[2:] == ["A1", "B1", "A3"]


def test_pages_never_overlap_and_cover_every_hit(client, catalogue):
    pages = [search(client, f"sort=title&per_page=2&page={n}") for n in (1, 2, 3)]
    assert [len(p["results"]) for p in pages] == [2, 2, 1]
    assert all(p["total"] == 5 and p["per_page"] == 2 for p in pages)
    seen = [r["id"] for p in pages for r in p["results"]]
    assert len(set(seen)) == 5


@pytest.mark.parametrize(("query", "param"), [
    ("per_page=500", "per_page"),
    ("per_page=0", "per_page"),
    ("page=0", "page"),
    ("eqf_level=abc", "eqf_level"),
    ("eqf_level=9", "eqf_level"),
    ("starts_after=notadate", "starts_after"),
    ("starts_before=2027-13-01", "starts_before"),
    ("sort=random", "sort"),
    ("mode=by-carrier-pigeon", "mode"),
    ("schedule=sometimes", "schedule"),
    ("credit_min=30&credit_max=10", "credit_max"),
    ("credit_min=-5", "credit_min"),
    ("cost_max=cheap", "cost_max"),
    ("starts_after=2027-05-01&starts_before=2027-01-01", "starts_before"),
    ("page=1000&per_page=100", "page"),
])
def test_bad_parameters_get_a_problem_document_naming_them(client, catalogue, query, param):
    response = client.get(f"/api/v1/search?{query}")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 400 and response.json["title"] == "Bad request"
    assert [p["name"] for p in response.json["invalid_params"]] == [param]
    assert param in response.json["detail"]


def test_the_openapi_document_describes_search(client, instance):
    spec = client.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/api/v1/search"]["get"]
    params = {p["name"]: p for p in operation["parameters"]}
    assert set(params) >= {"q", "provider", "subject", "eqf_level", "mode", "schedule", "credit_min", "credit_max",
                           "starts_after", "starts_before", "language", "psrb", "cost_max", "sort", "page", "per_page"}
    assert all(p["in"] == "query" for p in params.values())
    assert params["provider"]["schema"]["type"] == "array"
    assert params["sort"]["schema"]["enum"] == ["relevance", "start", "credit", "title"]
    assert params["per_page"]["schema"]["maximum"] == 100
    assert params["starts_after"]["schema"]["format"] == "date"
    assert "200" in operation["responses"]


# -- the search page -------------------------------------------------------------------------------


class Links(HTMLParser):
    """Every element's attributes, to find links, inputs and scripts by what they are."""

    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script: dict[str, str | None] | None = None

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag == "script":
            self._script = dict(attrs)

    def handle_data(self, data):
        if self._script is not None:
            self.scripts.append((self._script, data))

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def find(self, tag, **attrs):
        return [a for t, a in self.elements if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def parse(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def test_the_search_page_shows_cards_facets_and_sort(client, catalogue):
    html = page(client, "/")
    assert "5 courses" in html
    assert "Machine learning for managers" in html and "15 credits (7.5 ECTS), master&#39;s level" in html
    assert "Start any time" in html and "Next start 11 January 2027" in html
    assert "Withdrawn" not in html and "retired" not in html
    doc = parse(html)
    assert doc.find("form", method="get")
    assert doc.find("input", type="search", name="q", id="q") and doc.find("label", **{"for": "q"})
    assert doc.find("input", type="checkbox", name="provider", value=A)
    assert doc.find("input", type="checkbox", name="eqf_level", value="7")
    assert doc.find("select", name="sort")
    assert html.count("<fieldset") >= 6 and html.count("<legend>") == html.count("<fieldset")
    assert re.search(r"University of Aldport <span class=\"count\">\(3", html)
    assert doc.find("a", href="/", **{"aria-current": "page"})


def test_active_filters_are_chips_that_each_remove_one_filter(client, catalogue):
    html = page(client, f"/?q=machine&provider={A}&provider={B}&eqf_level=7&sort=title")
    assert "2 courses for “machine”" in html
    doc = parse(html)
    assert doc.find("input", type="checkbox", name="provider", value=A, checked=None)  # ticked
    chips = {a["href"] for a in doc.find("a", **{"class": "chip"})}
    assert len(chips) == 4  # the words, two providers, the level
    without_a = [href for href in chips if (("provider", A) not in parse_qsl(urlsplit(href).query))]
    assert len(without_a) == 1
    kept = parse_qsl(urlsplit(without_a[0]).query)
    assert ("provider", B) in kept and ("eqf_level", "7") in kept and ("q", "machine") in kept
    assert ("sort", "title") in kept
    assert "Clear all filters" in html


def test_a_removed_chip_leads_to_the_wider_search(client, catalogue):
    html = page(client, f"/?provider={B}&mode=online-synchronous")
    assert "1 course<" in html
    [without_mode] = [a["href"] for a in parse(html).find("a", **{"class": "chip"}) if "mode=" not in a["href"]]
    assert without_mode == f"/?provider={B}"
    assert "2 courses" in page(client, without_mode)


def test_the_page_filters_credit_by_the_facet_range(client, catalogue):
    html = page(client, "/?credit=11-20")
    assert "3 courses" in html
    assert parse(html).find("input", type="radio", name="credit", value="11-20", checked=None)


def test_empty_form_fields_are_ignored_and_bad_ones_named(client, catalogue):
    html = page(client, "/?q=&starts_after=&cost_max=&sort=relevance")
    assert "5 courses" in html and "left out" not in html
    html = page(client, "/?eqf_level=abc&provider=" + B)
    assert "2 courses" in html and "left out" in html and "eqf level" in html


def test_no_results_offers_help(client, catalogue):
    html = page(client, f"/?q=zzyzx+qwerty&provider={B}")
    assert "No courses match" in html
    assert "check the spelling" in html and "clear all filters" in html
    doc = parse(html)
    subject_links = [a["href"] for a in doc.find("a") if a.get("href", "").startswith("/?subject=CAH")]
    assert "/?subject=CAH11" in subject_links
    assert "Browse by subject" in html


def test_pagination_links_mark_the_current_page(client, catalogue):
    html = page(client, "/?per_page=2&page=2&sort=title")
    doc = parse(html)
    current = doc.find("a", **{"aria-current": "page"})
    assert any("page=2" in a["href"] for a in current)
    assert doc.find("a", rel="prev") and doc.find("a", rel="next")
    assert '<ol class="results" start="3">' in html


# -- the course page -------------------------------------------------------------------------------


def json_ld(html: str) -> dict:
    [(attrs, text)] = [(a, t) for a, t in parse(html).scripts if a.get("type") == "application/ld+json"]
    return json.loads(text)


def test_a_course_page_carries_schema_org_course_data(client, catalogue):
    html = page(client, f"/courses/{A}/A1")
    data = json_ld(html)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Course"
    assert data["name"] == "Machine learning for managers" and data["courseCode"] == "A1"
    assert data["provider"] == {"@type": "Organization", "name": ALDPORT, "url": "https://www.example.ac.uk/"}
    assert data["numberOfCredits"]["value"] == 15
    assert data["educationalLevel"].startswith("master's level")
    assert data["inLanguage"] == ["en"]
    assert data["teaches"] == course("A1")["learning_outcomes"]
    assert data["educationalCredentialAwarded"]["@type"] == "EducationalOccupationalCredential"
    [psrb] = data["occupationalCredentialAwarded"]
    assert psrb["recognizedBy"]["name"] == "BCS, The Chartered Institute for IT"
    [instance] = data["hasCourseInstance"]
    assert instance == {"@type": "CourseInstance", "courseMode": ["online"], "startDate": "2027-01-11",
                        "endDate": "2027-03-26", "courseWorkload": "PT150H"}
    assert data["offers"]["price"] == "850.00" and data["offers"]["priceCurrency"] == "GBP"


def test_a_learner_led_course_has_its_workload_and_no_dates(client, catalogue):
    data = json_ld(page(client, f"/courses/{A}/A2"))
    [instance] = data["hasCourseInstance"]
    assert instance["courseWorkload"] == "PT150H" and "startDate" not in instance
    assert instance["courseMode"] == ["onsite"]
    assert data["offers"]["price"] == "0.00" and data["offers"]["category"] == "Free"
    assert "occupationalCredentialAwarded" not in data


def test_a_course_without_a_cost_has_no_offer(client, catalogue):
    assert "offers" not in json_ld(page(client, f"/courses/{B}/B2"))


def test_the_course_page_speaks_plainly_and_links_its_provider(client, catalogue):
    html = page(client, f"/courses/{A}/A3")
    assert "Welsh" in html and "Starts 1 March 2027, ends 28 May 2027" in html
    assert "foundation level" in html.lower() and "Framework for Higher Education Qualifications" in html
    assert '<abbr title="European Credit Transfer and Accumulation System">ECTS</abbr>' in html
    assert f'href="/providers/{A}"' in html


def test_a_withdrawn_course_page_stays_readable(client, catalogue):
    html = page(client, f"/courses/{A}/AW")
    assert "has been withdrawn" in html and "since " in html
    data = json_ld(html)
    assert data["@type"] == "Course" and "offers" not in data and "hasCourseInstance" not in data


def test_a_json_ld_script_cannot_be_closed_by_course_text(client, instance):
    publish(instance, A, [course("X1", title="Break </script><script>alert(1)</script> out")], ALDPORT)
    html = page(client, f"/courses/{A}/X1")
    assert "</script><script>alert(1)" not in html
    assert json_ld(html)["name"] == "Break </script><script>alert(1)</script> out"


def test_the_search_page_filters_on_the_full_minimum_information_set_and_keeps_the_box_ticked(client, catalogue):
    text = " ".join(client.get("/?complete=true").get_data(as_text=True).split())
    assert '<input type="checkbox" id="complete" name="complete" value="true" checked>' in text
    assert "publishes the full minimum information set" in text  # the chip that removes it
    assert "Machine learning in practice" not in text and "Leading teams in business" in text
    unticked = " ".join(client.get("/").get_data(as_text=True).split())
    assert '<input type="checkbox" id="complete" name="complete" value="true">' in unticked
