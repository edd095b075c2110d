"""A new member's path, as its registry team walks it: dry-run the feed (`feeds check`), see every unmapped
value with the profile line that maps it, write the profile, go live, and change the profile later with the
feed's last document sorted again at once, without fetching it. Real HTTP (a local server that counts
requests), the real database, the CLI as a person runs it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from climbing_frame.cli import main
from directory.catalogue import service as catalogue
from directory.catalogue.models import Course
from directory.errors import Invalid
from harvester import lease as leases
from harvester import mapping, pipeline, registry
from harvester.environment import harvest_environment
from harvester.models import HarvestRun, StoredDocument
from tests.conftest import TEST_DATABASE_URL
from tests.factories import course, feed_bytes
from tests.shared import shared_path

MEMBER = "10099123"
SCHEME = "Example University"
NAMESPACES = (
    'xmlns="http://xcri.org/profiles/1.2/catalog" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:mlo="http://purl.org/net/mlo" xmlns:credit="http://purl.org/net/cm" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
)
LEVELS = ["1", "2", "3", "M"]
COURSES = 12

PROFILE = f"""\
[credit_schemes."{SCHEME}"]
system = "CATS"
factor = 1.0

[credit_schemes."{SCHEME}".levels]
"1" = {{ framework = "FHEQ", value = 4 }}
"2" = {{ framework = "FHEQ", value = 5 }}
"3" = {{ framework = "FHEQ", value = 6 }}
"M" = {{ framework = "FHEQ", value = 7 }}

[defaults]
mode = ["online-asynchronous"]
language = "en"

[subjects]
"Local history" = "100302"
"""


def has_outcomes(n: int) -> bool:
    return n % 3 != 0  # a third publish no learning outcomes


def has_presentation(n: int) -> bool:
    return n % 4 != 1  # a quarter have no presentation, so no mode


def university_course(n: int) -> str:
    """A module in the university's own points scheme (CATS points, levels 1, 2, 3, M)."""
    subject = ('<dc:subject>Local history</dc:subject>' if n == 5
               else '<dc:subject identifier="V100">History by period</dc:subject>')
    outcomes = f"<mlo:objective>Aims of module {n}.</mlo:objective>"
    if has_outcomes(n):
        outcomes += "<learningOutcome><ul><li>Analyse sources</li><li>Write an argument</li></ul></learningOutcome>"
    presentation = ('<presentation><mlo:start dtf="2027-01-11"/>'
                    '<attendanceMode identifier="CM">Campus</attendanceMode></presentation>') if has_presentation(n) else ""
    return (f"<course><dc:identifier>EU{n:03d}</dc:identifier><dc:title>Module {n}</dc:title>{subject}"
            f"<mlo:url>https://www.example.ac.uk/modules/EU{n:03d}</mlo:url>{outcomes}"
            f"<mlo:credit><credit:scheme>{SCHEME}</credit:scheme><credit:level>{LEVELS[n % 4]}</credit:level>"
            f"<credit:value>{15 if n % 2 else 30}</credit:value></mlo:credit>{presentation}</course>")


def university_feed(count: int = COURSES) -> bytes:
    courses = "".join(university_course(n) for n in range(count))
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<catalog {NAMESPACES}><provider>'
            f"<dc:identifier>{MEMBER}</dc:identifier><dc:title>Example University</dc:title>"
            f"<mlo:url>https://www.example.ac.uk/</mlo:url>{courses}</provider></catalog>").encode()


@pytest.fixture
def env(tmp_path, instance, monkeypatch):
    for key, value in {
        "CF_SETTINGS_FILE": str(tmp_path / "none.toml"),
        "CF_DATA_DIR": str(instance.settings.data_dir),
        "CF_DATABASE_URL": TEST_DATABASE_URL,
        "CF_HARVEST_ALLOW_PRIVATE": "1",
        "CF_HARVEST_RETRIES": "0",
        "CF_SECRET_KEY": "test",
        "CF_LOG_LEVEL": "WARNING",
    }.items():
        monkeypatch.setenv(key, value)
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def json_of(result) -> dict:
    assert result.exit_code == 0, result.output
    return json.loads(result.output[result.output.index("{"):])


def write(env, name: str, text: str):
    path = env / name
    path.write_text(text, encoding="utf-8")
    return path


def requests_to(httpserver, path: str) -> int:
    return sum(1 for request, _ in httpserver.log if request.path == path)


def register(httpserver, path="/xcri.xml"):
    httpserver.expect_request(path).respond_with_data(university_feed(), content_type="application/xml")
    assert run("feeds", "add", "--provider-id", MEMBER, "--name", "Example University", "--url",
               httpserver.url_for(path), "--format", "xcri-cap").exit_code == 0


# --- the dry run -----------------------------------------------------------------------------------------


def test_a_dry_run_of_a_university_scheme_feed_names_the_scheme_once_with_its_count_and_profile_line(env, instance):
    feed = env / "feed.xml"
    feed.write_bytes(university_feed())
    report = json_of(run("feeds", "check", feed, "--json"))
    assert report["counts"] == {"seen": COURSES, "listable": 0, "quarantined": COURSES, "marked_withdrawn": 0,
                                "qualifications": 0, "not_imported": 0}
    credit = next(u for u in report["unmapped"] if u["field"] == "credit.scheme")
    assert credit == {"field": "credit.scheme", "value": SCHEME, "count": COURSES, "examples": ["EU000", "EU001"],
                      "profile_line": f'[feed.mapping.credit_schemes."{SCHEME}"]'}
    assert {"field": "mode", "value": None, "count": COURSES // 4, "examples": ["EU001", "EU005"],
            "profile_line": '[feed.mapping.defaults] mode = ["online-asynchronous"]'} in report["unmapped"]
    assert any(u["field"] == "subjects" and u["value"] == "Local history" for u in report["unmapped"])
    problem = next(p for p in report["problems"] if p["course_id"] == "EU000" and p["field"] == "credit.scheme")
    assert problem["title"] == "Module 0" and problem["value"] == SCHEME and "CATS" in problem["reason"]
    # Learning outcomes are expected, not required (the default listing policy): no problem of their own.
    assert not [p for p in report["problems"] if p["field"] == "learning_outcomes"]
    # Nothing was stored.
    with instance.sessions() as session:
        assert session.scalar(select(Course.course_id)) is None and session.scalar(select(HarvestRun.id)) is None


def test_the_plain_dry_run_prints_counts_the_profile_lines_and_a_tab_separated_problem_table(env):
    feed = env / "feed.xml"
    feed.write_bytes(university_feed())
    result = run("feeds", "check", feed)
    assert result.exit_code == 0, result.output
    assert f"seen {COURSES}, listable 0, quarantined {COURSES}" in result.output
    assert f'credit.scheme "{SCHEME}": {COURSES} records (e.g. EU000, EU001)' in result.output
    assert f'      [feed.mapping.credit_schemes."{SCHEME}"]' in result.output
    lines = result.output.splitlines()
    header = lines.index("course_id\ttitle\tfield\tvalue\treason")
    assert all(len(line.split("\t")) == 5 for line in lines[header:])
    assert f'EU000\tModule 0\tcredit.scheme\t"{SCHEME}"\t' in result.output


def test_with_the_profile_the_dry_run_lists_every_course_that_publishes_what_is_required(env, httpserver):
    httpserver.expect_request("/xcri.xml").respond_with_data(university_feed(), content_type="application/xml")
    profile = write(env, "profile.toml", PROFILE)
    report = json_of(run("feeds", "check", httpserver.url_for("/xcri.xml"), "--mapping", profile, "--json"))
    assert report["format"] == "xcri-cap"  # detected from the content
    assert report["unmapped"] == []
    # Credit, level, mode and subject all mapped: every course lists; what the university does not publish
    # of the expected fields is a warning, counted per field.
    assert report["problems"] == [] and report["counts"]["listable"] == COURSES
    outcomes = next(w for w in report["warnings"] if w["field"] == "learning_outcomes")
    lacking = sorted(f"EU{n:03d}" for n in range(COURSES) if not has_outcomes(n))
    assert outcomes == {"field": "learning_outcomes", "words": "learning outcomes", "count": len(lacking),
                        "examples": lacking[:2],
                        "reason": "learning outcomes: expected by the listing policy, not published"}
    assert report["warnings"][0]["field"] == "learning_outcomes"  # learning outcomes first


def test_a_member_profile_requiring_learning_outcomes_quarantines_the_courses_without_them(env):
    feed = env / "feed.xml"
    feed.write_bytes(university_feed())
    strict = write(env, "strict.toml", PROFILE + '\n[listing]\nrequired = ["learning_outcomes"]\n')
    report = json_of(run("feeds", "check", feed, "--mapping", strict, "--json"))
    lacking = {f"EU{n:03d}" for n in range(COURSES) if not has_outcomes(n)}
    assert report["counts"]["quarantined"] == len(lacking) and report["counts"]["listable"] == COURSES - len(lacking)
    assert {p["course_id"] for p in report["problems"]} == lacking
    problem = next(p for p in report["problems"] if p["course_id"] == "EU000")
    assert problem["field"] == "learning_outcomes" and problem["value"] is None
    assert problem["reason"] == "learning outcomes are required to list a course here (listing policy)"
    assert "learning_outcomes" not in {w["field"] for w in report["warnings"]}  # required now, not expected


def test_a_member_profile_cannot_require_a_field_the_record_does_not_have(env):
    feed = env / "feed.xml"
    feed.write_bytes(university_feed())
    wrong = write(env, "wrong.toml", PROFILE + '\n[listing]\nrequired = ["outcomes"]\n')
    result = run("feeds", "check", feed, "--mapping", wrong, "--json")
    assert result.exit_code == 1 and "unknown field 'outcomes'" in result.output


def test_a_dry_run_checks_the_provider_against_a_member_the_database_knows(env, httpserver):
    feed = env / "feed.xml"
    feed.write_bytes(university_feed())
    assert json_of(run("feeds", "check", feed, "--provider-id", "10000099", "--json"))["provider_check"] == {
        "ok": None, "message": "not checked: the database knows no member '10000099' (register its feed first, "
                               "or check without --provider-id)"}
    register(httpserver)
    assert json_of(run("feeds", "check", feed, "--provider-id", MEMBER, "--json"))["provider_check"]["ok"] is True
    assert run("feeds", "add", "--provider-id", "10000002", "--name", "Other", "--url",
               httpserver.url_for("/other.xml")).exit_code == 0
    other = json_of(run("feeds", "check", feed, "--provider-id", "10000002", "--json"))["provider_check"]
    assert other["ok"] is False and f"member '{MEMBER}'" in other["message"]


def test_a_document_that_cannot_be_read_is_a_plain_error(env):
    broken = env / "broken.xml"
    broken.write_bytes(b"<catalog><course>")
    result = run("feeds", "check", broken)
    assert result.exit_code == 1 and "unusable document (xcri-cap): not well-formed XML" in result.output
    assert "Traceback" not in result.output
    missing = run("feeds", "check", env / "nowhere.xml")
    assert missing.exit_code == 1 and "cannot read the file" in missing.output


@pytest.mark.parametrize("name", ["ou-example.xml", "oxford-moxie-xcri.xml", "wychwolf-moodle.xml"])
def test_the_real_samples_dry_run_to_what_they_publish(env, name):
    report = json_of(run("feeds", "check", shared_path("data", "xcri-cap", name), "--json"))
    counts = report["counts"]
    assert counts["listable"] + counts["quarantined"] + counts["qualifications"] == counts["seen"] > 0
    # None of the three publishes learning outcomes: expected, so they are warnings where a course lists.
    assert not [p for p in report["problems"] if p["field"] == "learning_outcomes"]
    assert counts["listable"] == sum(w["count"] for w in report["warnings"] if w["field"] == "learning_outcomes")
    unmapped = {(u["field"], u["value"]): u for u in report["unmapped"]}
    if name == "ou-example.xml":
        # The OU's BA (Honours) History is the degree itself, not a module: offered as a qualification (its
        # credit in the OU's own points, which alone no profile maps yet), so nothing is left unmapped.
        assert list(unmapped) == []
        assert report["qualifications"] == [{
            "id": "B01", "title": "BA (Honours) History",
            "level": {"framework": "FHEQ", "value": 6, "source": "award"},
            "total_credit": {"value": "360", "system": None, "scheme": "The Open University"},
            "url": "http://www3.open.ac.uk/study/undergraduate/qualification/B01.htm",
            "reason": "its qualification block names the record itself (an award, not a module leading to one)"}]
        assert counts == {"seen": 2, "listable": 1, "quarantined": 0, "marked_withdrawn": 0, "qualifications": 1,
                          "not_imported": 0}
    else:
        assert report["qualifications"] == []
    if name == "ou-example.xml":
        pass
    elif name == "oxford-moxie-xcri.xml":
        assert unmapped["subjects", "Graduate Training"]["count"] == 3
        assert unmapped["subjects", "Graduate Training"]["profile_line"] == \
            '[feed.mapping.subjects] "Graduate Training" = "<HECoS code>"'
    else:
        assert list(unmapped) == [("subjects", "Webcomics")]


def test_the_plain_dry_run_names_the_qualifications_it_keeps_out_of_the_catalogue(env):
    result = run("feeds", "check", shared_path("data", "xcri-cap", "ou-example.xml"))
    assert result.exit_code == 0, result.output
    assert "seen 2, listable 1, quarantined 0, qualifications 1" in result.output
    assert "B01 'BA (Honours) History': FHEQ 6, 360 points of the feed's own scheme 'The Open University'" \
        in result.output
    assert "why: its qualification block names the record itself" in result.output


# --- a harvest, then the profile ---------------------------------------------------------------------------


def test_a_profile_set_after_a_harvest_lists_quarantined_courses_without_fetching_again(env, httpserver, instance):
    register(httpserver)
    harvested = run("harvest", "--json")
    assert harvested.exit_code == 0, harvested.output
    before = json_of(run("harvest", "report", "--feed", MEMBER, "--json"))
    assert before["counts"]["quarantined"] == COURSES and before["counts"]["new"] == 0
    assert before["unmapped"][0]["value"] == SCHEME and before["unmapped"][0]["count"] == COURSES
    assert isinstance(before["unread"], list)  # the element names the adapter had no field for
    assert requests_to(httpserver, "/xcri.xml") == 1

    dry = json_of(run("feeds", "check", httpserver.url_for("/xcri.xml"), "--mapping",
                      write(env, "profile.toml", PROFILE), "--json"))
    fetched = requests_to(httpserver, "/xcri.xml")
    result = run("feeds", "mapping", MEMBER, env / "profile.toml")
    assert result.exit_code == 0, result.output
    assert "its last document sorted again" in result.output
    assert requests_to(httpserver, "/xcri.xml") == fetched  # re-sorted from the stored document

    after = json_of(run("harvest", "report", "--feed", MEMBER, "--json"))
    assert after["trigger"] == "profile" and after["unmapped"] == []
    # The harvest and the dry run under the same profile tell the same story.
    assert after["counts"]["new"] == dry["counts"]["listable"] > 0
    assert after["counts"]["quarantined"] == dry["counts"]["quarantined"]
    assert f"seen {COURSES}, listable {dry['counts']['listable']}" in result.output
    with instance.sessions() as session:
        listed = set(session.scalars(select(Course.course_id).where(Course.provider_id == MEMBER)))
    assert listed >= {f"EU{n:03d}" for n in range(COURSES) if has_outcomes(n)}

    shown = run("feeds", "show", MEMBER)
    assert f'[feed.mapping.credit_schemes."{SCHEME}"]' in shown.output and 'system = "CATS"' in shown.output
    assert json_of(run("feeds", "show", MEMBER, "--json"))["mapping"]["defaults"]["mode"] == ["online-asynchronous"]


@pytest.mark.parametrize(
    ("change", "key", "line"),
    [
        (("factor = 1.0", "factor = = 1"), "factor", 3),  # not TOML
        (('"M" = { framework = "FHEQ"', '"M" = { framework = "HEQF"'),
         f'credit_schemes."{SCHEME}".levels.M.framework', 9),
        (('mode = ["online-asynchronous"]', 'mode = ["distance"]'), "defaults.mode", 12),
    ],
)
def test_a_refused_profile_exits_1_naming_key_and_line_and_the_stored_profile_stays(env, httpserver, change, key,
                                                                                   line):
    register(httpserver)
    assert run("harvest").exit_code == 0
    assert run("feeds", "mapping", MEMBER, write(env, "good.toml", PROFILE)).exit_code == 0
    stored = run("feeds", "mapping", MEMBER, "--show").output
    runs = json_of(run("harvest", "report", "--feed", MEMBER, "--json"))["id"]

    result = run("feeds", "mapping", MEMBER, write(env, "bad.toml", PROFILE.replace(*change)))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"line {line}" in result.output and key in result.output
    assert run("feeds", "mapping", MEMBER, "--show").output == stored
    assert json_of(run("harvest", "report", "--feed", MEMBER, "--json"))["id"] == runs  # nothing sorted again


def test_an_unchanged_document_repeats_the_unmapped_values_on_a_304_and_on_the_same_bytes(env, httpserver):
    body = university_feed()
    httpserver.expect_request("/xcri.xml", headers={"If-None-Match": '"v1"'}).respond_with_data("", status=304)
    httpserver.expect_request("/xcri.xml").respond_with_data(body, headers={"ETag": '"v1"'})
    assert run("feeds", "add", "--provider-id", MEMBER, "--name", "Example University", "--url",
               httpserver.url_for("/xcri.xml"), "--format", "xcri-cap").exit_code == 0
    assert run("harvest").exit_code == 0
    first = json_of(run("harvest", "report", "--feed", MEMBER, "--json"))
    assert run("harvest").exit_code == 0
    repeat = json_of(run("harvest", "report", "--feed", MEMBER, "--json"))
    assert repeat["http_status"] == 304 and repeat["id"] != first["id"]
    assert repeat["unmapped"] == first["unmapped"] and repeat["unmapped"][0]["value"] == SCHEME

    httpserver.clear()
    httpserver.expect_request("/xcri.xml").respond_with_data(body)  # no validators: the same bytes again
    assert run("harvest").exit_code == 0
    same = json_of(run("harvest", "report", "--feed", MEMBER, "--json"))
    assert same["http_status"] == 200 and same["unmapped"] == first["unmapped"]
    assert same["counts"]["quarantined"] == COURSES


def test_the_plain_harvest_report_prints_unmapped_values_with_their_profile_lines(env, httpserver):
    register(httpserver)
    assert run("harvest").exit_code == 0
    report = run("harvest", "report", "--feed", MEMBER)
    assert f'credit.scheme "{SCHEME}": {COURSES} records (e.g. EU000, EU001)' in report.output
    assert f'[feed.mapping.credit_schemes."{SCHEME}"]' in report.output


def test_feeds_sync_stores_a_profile_and_sorts_the_stored_document_again(env, httpserver, instance):
    register(httpserver)
    assert run("harvest").exit_code == 0
    fetched = requests_to(httpserver, "/xcri.xml")
    entry = (f'[[feed]]\nprovider_id = "{MEMBER}"\nname = "Example University"\n'
             f'url = "{httpserver.url_for("/xcri.xml")}"\nformat = "xcri-cap"\n\n')
    profile = "\n".join(line if not line.startswith("[") else f"[feed.mapping.{line[1:]}"
                        for line in PROFILE.splitlines())
    synced = run("feeds", "sync", "--file", write(env, "feeds.toml", entry + profile))
    assert synced.exit_code == 0, synced.output
    assert f"feed {MEMBER}: mapping profile changed; its last document sorted again" in synced.output
    assert requests_to(httpserver, "/xcri.xml") == fetched
    assert json_of(run("harvest", "report", "--feed", MEMBER, "--json"))["counts"]["new"] > 0
    # The same file again changes nothing, so nothing is sorted again.
    again = run("feeds", "sync", "--file", env / "feeds.toml")
    assert again.exit_code == 0 and "sorted again" not in again.output
    # A refused profile in the file: exit 1 naming the line; the stored profile stays.
    bad = run("feeds", "sync", "--file", write(env, "bad.toml", (entry + profile).replace('"CATS"', '"CAT"')))
    assert bad.exit_code == 1 and "line 8" in bad.output and "system" in bad.output
    with instance.sessions() as session:
        assert registry.get_feed(session, MEMBER).mapping["credit_schemes"][SCHEME]["system"] == "CATS"


def test_a_feed_no_run_has_read_has_no_document_to_sort_again(env, httpserver, instance):
    register(httpserver)
    with pytest.raises(Invalid, match="no document yet"):
        pipeline.resort(harvest_environment(instance), MEMBER)
    result = run("feeds", "mapping", MEMBER, write(env, "profile.toml", PROFILE))
    assert result.exit_code == 0 and "no run has read a document yet" in result.output
    assert run("harvest").exit_code == 0  # the first harvest sorts with the profile
    report = json_of(run("harvest", "report", "--feed", MEMBER, "--json"))
    assert report["counts"]["new"] > 0 and report["unmapped"] == []
    with instance.sessions() as session:
        assert session.get(StoredDocument, MEMBER).body == university_feed()
    cleared = run("feeds", "mapping", MEMBER, "--clear")
    assert cleared.exit_code == 0 and "cleared" in cleared.output
    assert json_of(run("harvest", "report", "--feed", MEMBER, "--json"))["unmapped"][0]["value"] == SCHEME


def test_a_native_feed_is_mapped_too_and_a_changed_profile_changes_the_stored_courses(instance, httpserver):
    with instance.sessions.begin() as session:
        registry.add_feed(session, registry.FeedSpec("10000001", "U", httpserver.url_for("/f.json")),
                          allow_private=True)
    httpserver.expect_request("/f.json").respond_with_data(feed_bytes(
        [course("A1", credit={"value": 20, "scheme": "Uni Points"}, mode=[]), course("A2")]))
    env = harvest_environment(instance)
    first = pipeline.harvest(env, "10000001")
    assert (first.new, first.quarantined) == (1, 1)
    assert [u["value"] for u in first.unmapped_values] == ["Uni Points", None]  # 1 record each

    half = mapping.profile_from_table({"credit_schemes": {"Uni Points": {"system": "ECTS", "factor": 0.5}},
                                       "defaults": {"mode": ["blended"]}}, source="p")
    run = pipeline.change_profile(env, "10000001", half)
    assert (run.new, run.unchanged, run.quarantined) == (1, 1, 0) and run.unmapped_values == []
    with instance.sessions() as session:
        stored = catalogue.get_course(session, "10000001", "A1").current_version.content
    assert stored["credit"] == {"value": 10, "scheme": "ECTS", "cats": 20, "ects": 10}
    assert stored["mode"] == ["blended"]

    whole = mapping.profile_from_table({"credit_schemes": {"Uni Points": {"system": "ECTS", "factor": 1}},
                                        "defaults": {"mode": ["blended"]}}, source="p")
    again = pipeline.change_profile(env, "10000001", whole)
    assert (again.changed, again.unchanged) == (1, 1)  # every record sorted again; only A1's content changed
    assert pipeline.change_profile(env, "10000001", whole) is None  # the same profile: nothing to do


def test_a_profile_saved_while_a_run_holds_the_feed_is_stored_and_used_by_the_next_run(env, httpserver, instance):
    register(httpserver)
    assert run("harvest").exit_code == 0
    _, held = leases.take(instance.sessions, MEMBER, trigger="manual", duration=timedelta(minutes=5),
                          clock=harvest_environment(instance).clock)
    result = run("feeds", "mapping", MEMBER, write(env, "profile.toml", PROFILE))
    assert result.exit_code == 0 and "mapping profile stored; not sorted again now" in result.output
    held.release()
    assert run("harvest").exit_code == 0  # the same bytes, but a new profile: sorted again
    assert json_of(run("harvest", "report", "--feed", MEMBER, "--json"))["counts"]["new"] > 0


def test_a_304_after_the_profile_changed_sorts_the_kept_document_under_the_new_profile(env, httpserver, instance):
    httpserver.expect_request("/xcri.xml", headers={"If-None-Match": '"v1"'}).respond_with_data("", status=304)
    httpserver.expect_request("/xcri.xml").respond_with_data(university_feed(), headers={"ETag": '"v1"'})
    assert run("feeds", "add", "--provider-id", MEMBER, "--name", "Example University", "--url",
               httpserver.url_for("/xcri.xml"), "--format", "xcri-cap").exit_code == 0
    assert run("harvest").exit_code == 0
    with instance.sessions.begin() as session:  # as the scheduler's feeds file does: stored, not re-sorted
        registry.set_mapping(session, MEMBER, mapping.parse_profile_text(PROFILE, source="p"))
    assert run("harvest").exit_code == 0
    sorted_again = json_of(run("harvest", "report", "--feed", MEMBER, "--json"))
    assert sorted_again["http_status"] == 304 and sorted_again["counts"]["new"] > 0
    assert sorted_again["unmapped"] == []
    assert run("harvest").exit_code == 0
    repeated = json_of(run("harvest", "report", "--feed", MEMBER, "--json"))
    assert repeated["counts"]["new"] == 0 and repeated["counts"]["unchanged"] == sorted_again["counts"]["new"]
