"""The administrators' forms answer an error with the form as it was typed, and name members by name."""

from __future__ import annotations

import html

from directory.identity.identity import Role
from tests.auth import add_org, add_user, form_token, signed_in

A = "10000001"


def admin_of(app, instance):
    add_org(instance, A, "University of Testing")
    return signed_in(app, instance, add_user(instance, "admin@example.org", Role.ADMIN))


def post_form(admin, path: str, form: dict):
    token = form_token(admin.get(path).get_data(as_text=True))
    return admin.post(path, data={**form, "csrf_token": token})


def test_a_refused_new_account_keeps_what_was_typed(app, instance):
    admin = admin_of(app, instance)
    # Staff without an organisation: refused by the service, after the schema accepted every field.
    answer = post_form(admin, "/admin/users", {"email": "sam.typed@example.org", "name": "Sam Typed",
                                               "role": "staff", "org_id": "", "permissions": ["transfers"]})
    page = html.unescape(answer.get_data(as_text=True))
    assert answer.status_code == 400
    assert "staff belong to an organisation" in page
    assert 'value="sam.typed@example.org"' in page and 'value="Sam Typed"' in page
    assert '<option value="staff" selected>' in page
    assert 'value="transfers" checked' in page and 'value="catalogue" checked' not in page


def test_a_refused_organisation_keeps_what_was_typed(app, instance):
    admin = admin_of(app, instance)
    too_long = "x" * 101  # provider ids are at most 100 characters
    answer = post_form(admin, "/admin/organisations", {"provider_id": too_long, "name": "A second member"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert f'value="{too_long}"' in page and 'value="A second member"' in page


def test_a_refused_client_keeps_what_was_typed_and_a_created_one_clears_the_form(app, instance):
    admin = admin_of(app, instance)
    refused = post_form(admin, "/admin/clients", {"org_id": A, "name": "Student records", "scopes": []})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'value="Student records"' in page
    created = post_form(admin, "/admin/clients", {"org_id": A, "name": "Student records",
                                                  "scopes": ["transfers:read"]})
    page = created.get_data(as_text=True)
    assert created.status_code == 200 and "client_secret" in page
    assert 'value="Student records"' not in page and 'value="transfers:read" checked' not in page
    # The table names the member, not only its id.
    assert "<td>University of Testing</td>" in page
