"""The planner's "Start a transfer request" link opens the request form filled in (issue 15), through the
real pages: a signed-in learner lists a course in the planner, follows the link, finds the member, the
award, the course, the purpose and the award date already there, sends the form as it stands, and the
request is pre-assessed under the agreement the planner named."""

from __future__ import annotations

import html as html_module
import re
from datetime import date
from decimal import Decimal

import pytest

from directory.identity.identity import OPERATOR, Role
from exchange.agreements import service as agreements
from exchange.agreements.terms import AgreementContent, AgreementKind, Scope, Terms, terms_hash
from exchange.awards import AwardSpec, register_award
from tests.auth import add_user, form_token, signed_in
from tests.directory.pathways.helpers import A, B, build

AWARD = "PGCERT-ADS"


@pytest.fixture
def learner(app, instance):
    build(instance)
    content = AgreementContent(title="Aldport and Bexley recognise each other", kind=AgreementKind.MUTUAL_RECOGNITION,
                               parties=(A, B), scope=Scope(source_providers=(B,)), terms=Terms(awards=(AWARD,)),
                               valid_from=date(2026, 1, 1))
    with instance.sessions.begin() as session:
        register_award(session, OPERATOR, AwardSpec(A, AWARD, "PgCert Applied Data Science", Decimal(60), 7))
        agreement = agreements.create(session, OPERATOR, content)
        agreements.propose(session, OPERATOR, agreement.id)
        for party in (A, B):
            agreements.approve(session, OPERATOR, agreement.id, terms_hash(content), org_id=party)
    return signed_in(app, instance, add_user(instance, "lena@learner.example", Role.LEARNER))


def _link(page: str) -> str:
    found = re.search(r'<a href="([^"]+)">Start a transfer request', page)
    assert found, "the planner offers no transfer request"
    return html_module.unescape(found.group(1))


def test_the_planners_link_opens_the_request_form_filled_in(learner, instance):
    token = form_token(learner.get("/planner").get_data(as_text=True))
    learner.post("/planner/achievements", data={"csrf_token": token, "course": f"{B}/BX1",
                                                "awarded_on": "2025-03-01"})
    planner = learner.get("/planner").get_data(as_text=True)
    assert "covered by Aldport and Bexley recognise each other" in planner
    link = _link(planner)
    assert link.startswith("/exchange/requests/new?")

    page = learner.get(link)
    assert page.status_code == 200
    form = page.get_data(as_text=True)
    assert "Ask for credit for Machine learning in practice" in form
    assert f'<input type="hidden" name="course" value="{B}/BX1">' in form
    assert re.search(rf'<option value="{A}" selected>University of Aldport</option>', form)
    assert re.search(rf'id="award_code" name="award_code" required list="awards" value="{AWARD}"', form)
    assert 'id="awarded_on" name="awarded_on" required value="2025-03-01"' in form
    assert re.search(r'id="purpose-advanced_standing" name="purpose" value="advanced_standing" checked', form)
    assert not re.search(r'id="purpose-entry" name="purpose" value="entry" checked', form)

    # Sent as it opened, the request is the one the planner judged: the same agreement applies.
    fields = dict(re.findall(r'<input[^>]*name="([a-z_]+)"[^>]*value="([^"]*)"', form))
    fields.update({"target": A, "purpose": "advanced_standing"})
    sent = learner.post("/exchange/requests/new", data=fields)
    assert sent.status_code == 303, sent.get_data(as_text=True)
    request_page = learner.get(sent.headers["Location"]).get_data(as_text=True)
    assert "covered by agreement 1 (Aldport and Bexley recognise each other)" in request_page


def test_the_form_opened_from_a_bare_link_is_as_before(learner):
    form = learner.get(f"/exchange/requests/new?course={B}/BX1&target={A}").get_data(as_text=True)
    assert 'list="awards" value=""' in form and 'name="awarded_on" required value=""' in form
    assert re.search(r'id="purpose-entry" name="purpose" value="entry" checked', form)
