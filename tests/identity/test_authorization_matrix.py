"""Every route of the app, against every kind of caller: anonymous, a learner, staff of A (with and
without the permission), staff of B, an administrator, and clients of A with and without each scope and
of B. A route this table does not classify fails the test, so no new route goes unexamined.

Public read-only pages and API (search, course and provider pages, overlaps) are classified where they are
written: views marked ``@public`` (any method: the owner said so on the view) must answer everybody alike
(never 401/403, never 5xx). Routes we do not write (static files, the OpenAPI document) are named in
``FRAMEWORK_ROUTES``. Every other route must be in the table: a new route without ``@public`` or a row here
fails, whatever its blueprint or method.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest

from directory.identity.identity import SCOPES, Permission, Role
from harvester import pipeline, registry
from harvester.environment import harvest_environment
from tests.auth import ALL_PERMISSIONS, add_client, add_org, add_user, bearer_token, csrf_of, signed_in
from tests.conftest import make_settings
from tests.factories import course, feed_bytes

A, B = "10000001", "10000002"
# Routes the frameworks add (Flask's static files, flask-smorest's OpenAPI document and its viewers).
FRAMEWORK_ROUTES = {"static", "api-docs.openapi_json", "api-docs.openapi_redoc", "api-docs.openapi_swagger_ui",
                    "api-docs.openapi_rapidoc"}
PUBLIC, ANYONE, ADMIN, SIGNED_IN, CLIENT_AUTH = "public", "anyone", "admin", "signed-in", "client-auth"
INTROSPECTION = "introspection"  # the token's own client (HTTP Basic), or an administrator's session


@dataclass(frozen=True)
class Case:
    """How to call a route, and who may."""

    url: str
    # PUBLIC (never 401/403), ANYONE (``ok`` for every caller), ADMIN, SIGNED_IN, CLIENT_AUTH, INTROSPECTION,
    # or a scope: staff and clients of A allowed it, and administrators
    rule: str
    ok: tuple[int, ...] = (200,)
    json: object = None
    data: object = None
    body: bytes | None = None
    content_type: str | None = None
    ends_session: bool = False
    people_only: bool = False  # clients are refused with 400 (e.g. sign out everywhere: no session)
    extra: dict = field(default_factory=dict)


def routes(ids) -> dict[tuple[str, str], Case]:
    publish = "catalogue:publish"
    return {
        # identity and access: pages for people
        ("auth.sign_in", "GET"): Case("/auth/sign-in", PUBLIC),
        ("auth.sign_in_submit", "POST"): Case("/auth/sign-in", ANYONE, ok=(401,), data={"email": "x@example.org", "password": "x"}),
        ("auth.sign_out", "POST"): Case("/auth/sign-out", PUBLIC, ends_session=True),
        ("auth.sign_out_everywhere", "POST"): Case("/auth/sign-out-everywhere", SIGNED_IN, ok=(303,),
                                                   ends_session=True, people_only=True),
        ("auth.reset_request", "GET"): Case("/auth/reset", PUBLIC),
        ("auth.reset_request_submit", "POST"): Case("/auth/reset", PUBLIC, data={"email": "nobody@example.org"}),
        ("auth.reset_password", "GET"): Case("/auth/reset/not-a-token", PUBLIC),
        ("auth.reset_password_submit", "POST"): Case("/auth/reset/not-a-token", PUBLIC,
                                                     data={"password": "x" * 12, "confirm": "x" * 12}),
        # OpenID Connect through a member's provider (none is set here: refused as not enabled, 401)
        ("oidc.start", "GET"): Case(f"/auth/oidc/{A}/start", ANYONE, ok=(401,)),
        ("oidc.callback", "GET"): Case(f"/auth/oidc/{A}/callback?code=x&state=y", ANYONE, ok=(401,)),
        ("account.home", "GET"): Case("/member/", SIGNED_IN, ok=(200, 302)),
        ("member.catalogue", "GET"): Case(f"/member/catalogue?provider={A}", publish),
        ("member.set_feed", "POST"): Case("/member/catalogue/feed", publish, ok=(303,),
                                          data={"provider": A, "url": "https://www.example.ac.uk/a.json"}),
        ("member.save_profile", "POST"): Case("/member/catalogue/profile", publish, ok=(303,),
                                              data={"provider": A, "profile": ""}),
        ("member.check_page", "GET"): Case(f"/member/catalogue/check?provider={A}", publish),
        ("member.check", "POST"): Case(f"/member/catalogue/check?provider={A}", publish, ok=(400,), data={"url": ""}),
        # the harvest dashboard (administrators)
        ("harvest_admin.dashboard", "GET"): Case("/admin/harvest", ADMIN),
        ("harvest_admin.add_feed", "POST"): Case("/admin/harvest/feeds", ADMIN, ok=(400,), data={"provider_id": "x"}),
        ("harvest_admin.feed_page", "GET"): Case(f"/admin/harvest/{A}", ADMIN),
        ("harvest_admin.harvest_now", "POST"): Case(f"/admin/harvest/{A}/run", ADMIN, ok=(303,)),
        ("harvest_admin.set_enabled", "POST"): Case(f"/admin/harvest/{A}/enabled", ADMIN, ok=(303,),
                                                    data={"enabled": "true"}),
        ("harvest_admin.set_interval", "POST"): Case(f"/admin/harvest/{A}/interval", ADMIN, ok=(303,),
                                                     data={"every": "6h"}),
        ("harvest_admin.confirm", "POST"): Case("/admin/harvest/runs/999/confirm", ADMIN, ok=(404,)),
        ("harvest_admin.reject", "POST"): Case("/admin/harvest/runs/999/reject", ADMIN, ok=(404,)),
        ("harvest_admin.save_profile", "POST"): Case(f"/admin/harvest/{A}/profile", ADMIN, ok=(303,),
                                                     data={"profile": ""}),
        # administration
        ("admin.home", "GET"): Case("/admin/", ADMIN),
        ("admin.organisations_page", "GET"): Case("/admin/organisations", ADMIN),
        ("admin.organisations_add", "POST"): Case("/admin/organisations", ADMIN, ok=(303,),
                                                  data={"provider_id": "10000099", "name": "New University"}),
        ("admin.organisation_sign_in_page", "GET"): Case(f"/admin/organisations/{A}/sign-in", ADMIN),
        ("admin.organisation_sign_in_set", "POST"): Case(f"/admin/organisations/{A}/sign-in", ADMIN, ok=(400,),
                                                         data={"issuer": "ftp://x", "client_id": "c"}),
        ("admin.users_page", "GET"): Case("/admin/users", ADMIN),
        ("admin.users_create", "POST"): Case("/admin/users", ADMIN, ok=(303,),
                                             data={"email": "new@example.org", "role": "learner"}),
        ("admin.user_page", "GET"): Case(f"/admin/users/{ids['victim']}", ADMIN),
        ("admin.user_change", "POST"): Case(f"/admin/users/{ids['victim']}", ADMIN, ok=(303,),
                                            data={"role": "learner", "active": "true"}),
        ("admin.user_unlock", "POST"): Case(f"/admin/users/{ids['victim']}/unlock", ADMIN, ok=(303,)),
        ("admin.clients_page", "GET"): Case("/admin/clients", ADMIN),
        ("admin.clients_create", "POST"): Case("/admin/clients", ADMIN,
                                               data={"org_id": A, "scopes": "transfers:read"}),
        ("admin.clients_revoke", "POST"): Case(f"/admin/clients/{ids['victim_client']}/revoke", ADMIN, ok=(303,)),
        ("admin.security_events", "GET"): Case("/admin/security-events", ADMIN),
        ("admin.pathways_page", "GET"): Case("/admin/pathways", ADMIN),
        ("admin.pathways_add", "POST"): Case("/admin/pathways", ADMIN, ok=(400,), data={"pathway": "{}"}),
        ("admin.pathways_withdraw", "POST"): Case("/admin/pathways/none/withdraw", ADMIN, ok=(400,)),
        ("overlap_admin.review", "GET"): Case("/admin/overlaps/", ADMIN),
        ("overlap_admin.decide", "POST"): Case("/admin/overlaps/999", ADMIN, ok=(404,), data={"decision": "dismiss"}),
        # the member staff's review: staff see their member's pairs, administrators all, learners are refused
        # by the service (they act for no member); deciding is may_decide's (no such overlap here)
        ("overlap_review.review", "GET"): Case("/member/overlaps/", SIGNED_IN, ok=(200, 403)),
        ("overlap_review.decide", "POST"): Case("/member/overlaps/999", SIGNED_IN, ok=(404,), data={"decision": "dismiss"}),
        # overlap decisions: staff of either course's provider, or an administrator (no such overlap here)
        ("overlaps.ConfirmOverlap", "POST"): Case("/api/v1/overlaps/999/confirm", SIGNED_IN, ok=(403, 404)),
        ("overlaps.DismissOverlap", "POST"): Case("/api/v1/overlaps/999/dismiss", SIGNED_IN, ok=(403, 404)),
        # OAuth: the client authenticates itself (tested in test_oauth); without credentials, 401
        ("oauth.token", "POST"): Case("/oauth/token", CLIENT_AUTH, data={"grant_type": "client_credentials"}),
        ("oauth.revoke", "POST"): Case("/oauth/revoke", CLIENT_AUTH, data={"token": "x"}),
        ("oauth.introspect", "POST"): Case("/oauth/introspect", INTROSPECTION, data={"token": "x"}),
        ("oauth.metadata", "GET"): Case("/.well-known/oauth-authorization-server", PUBLIC),
        # the member API
        ("api.Me", "GET"): Case("/api/v1/me", PUBLIC),
        ("members.Catalogue", "PUT"): Case(f"/api/v1/providers/{A}/catalogue", publish,
                                           body=feed_bytes([course("A1")], provider_id=A),
                                           content_type="application/json"),
        ("members.Feed", "GET"): Case(f"/api/v1/providers/{A}/feed", publish),
        ("members.Feed", "PUT"): Case(f"/api/v1/providers/{A}/feed", publish, json={"url": None}),
        ("members.ProviderRuns", "GET"): Case(f"/api/v1/providers/{A}/harvest/runs", publish),
        ("members.ProviderQuarantine", "GET"): Case(f"/api/v1/providers/{A}/harvest/quarantine", publish),
        ("members.HarvestRuns", "GET"): Case(f"/api/v1/harvest/runs?feed={A}", publish),
        ("members.Quarantine", "GET"): Case(f"/api/v1/harvest/quarantine?feed={A}", publish),
        **exchange_routes(),
    }


def exchange_routes() -> dict[tuple[str, str], Case]:
    """The credit exchange. Agreement writes name A (and a third member), so staff and clients of B are
    refused; the routes are walked in order: POST makes agreement 1, the later rows act on it. Learner-only
    and request-by-id routes (no requests exist here) are SIGNED_IN with the statuses roles get; the
    per-role and per-organisation refusals are tested in tests/exchange/web."""
    approve, decide = "agreements:approve", "transfers:decide"
    body = {"title": "Matrix agreement", "kind": "mutual_recognition", "parties": [A, "10000003"],
            "valid_from": "2026-01-01", "valid_until": "2029-12-31"}
    reason = {"reason": "matrix"}
    request = {"target_org": A, "award_code": "NONE", "purpose": "entry", "achievements": [
        {"awarded_on": "2025-01-01", "provider_name": "Elsewhere", "title": "X", "credit": "10", "level": 6}]}
    return {
        ("exchange.Agreements", "POST"): Case("/api/v1/agreements", approve, ok=(201,), json=body),
        ("exchange.AgreementRecord", "PUT"): Case("/api/v1/agreements/1", approve, json=body,
                                                  extra={"If-Match": '"1"'}),
        ("exchange.AgreementApprovals", "POST"): Case("/api/v1/agreements/1/approvals", approve, ok=(409,),
                                                      json={"terms_hash": "0" * 64, "org_id": A}),
        ("exchange.AgreementPropose", "POST"): Case("/api/v1/agreements/1/propose", approve, ok=(200, 409)),
        ("exchange.AgreementResume", "POST"): Case("/api/v1/agreements/1/resume", approve, ok=(409,), json=reason),
        ("exchange.AgreementSuspend", "POST"): Case("/api/v1/agreements/1/suspend", approve, ok=(409,), json=reason),
        ("exchange.AgreementTerminate", "POST"): Case("/api/v1/agreements/1/terminate", approve, ok=(200, 409),
                                                      json=reason),
        ("exchange.Awards", "PUT"): Case("/api/v1/awards", approve, json={
            "org_id": A, "code": "MSC", "title": "MSc", "total_credit": "180", "level": 7}),
        # qualifications offered by A's feed (none here): read with the scope, decide on an offer of one's own
        # organisation (anyone else is told there is no such offer)
        ("exchange.QualificationOffers", "GET"): Case(f"/api/v1/qualification-offers?org={A}", "agreements:read"),
        ("exchange.QualificationOfferConfirm", "POST"): Case("/api/v1/qualification-offers/999/confirm", SIGNED_IN,
                                                             ok=(403, 404), json={}),
        ("exchange.QualificationOfferDismiss", "POST"): Case("/api/v1/qualification-offers/999/dismiss", SIGNED_IN,
                                                             ok=(403, 404)),
        ("exchange.TransferRequests", "GET"): Case("/api/v1/transfer-requests", SIGNED_IN, ok=(200, 403)),
        ("exchange.TransferRequests", "POST"): Case("/api/v1/transfer-requests", SIGNED_IN, ok=(403, 404),
                                                    json=request),
        ("exchange.StaffQueue", "GET"): Case("/api/v1/transfer-requests/queue", SIGNED_IN, ok=(200, 403)),
        ("exchange.TransferRequestRecord", "GET"): Case("/api/v1/transfer-requests/1", SIGNED_IN, ok=(404,)),
        ("exchange.TransferDecision", "POST"): Case("/api/v1/transfer-requests/1/decision", SIGNED_IN,
                                                    ok=(403, 404), json={"action": "accept"},
                                                    extra={"If-Match": '"1"'}),
        ("exchange.TransferWithdraw", "POST"): Case("/api/v1/transfer-requests/1/withdraw", SIGNED_IN,
                                                    ok=(403, 404)),
        ("exchange.TransferAppeal", "POST"): Case("/api/v1/transfer-requests/1/appeal", SIGNED_IN, ok=(403, 404),
                                                  json=reason),
        ("exchange.MyCredit", "GET"): Case("/api/v1/learners/me/credit", SIGNED_IN, ok=(200, 403)),
        ("exchange.MemberWebhook", "PUT"): Case(f"/api/v1/members/{A}/webhook", decide,
                                                json={"url": "https://hooks.example.org/cf"}),
        ("exchange.MemberWebhook", "DELETE"): Case(f"/api/v1/members/{A}/webhook", decide, ok=(204, 404)),
        # pages (the matrix and agreement pages are @public)
        ("exchange_pages.queue_page", "GET"): Case("/exchange/queue", SIGNED_IN, ok=(200, 403)),
        ("exchange_pages.request_page", "GET"): Case("/exchange/requests/1", SIGNED_IN, ok=(404,)),
        ("exchange_pages.decide", "POST"): Case("/exchange/requests/1/decision", SIGNED_IN, ok=(403, 404),
                                                data={"action": "accept", "version": "1"}),
        ("exchange_pages.withdraw", "POST"): Case("/exchange/requests/1/withdraw", SIGNED_IN, ok=(403, 404),
                                                  data={"version": "1"}),
        ("exchange_pages.appeal", "POST"): Case("/exchange/requests/1/appeal", SIGNED_IN, ok=(403, 404),
                                                data={"version": "1", "reason": "matrix"}),
        ("exchange_pages.qualifications_page", "GET"): Case(f"/exchange/qualifications?org={A}", "agreements:read"),
        ("exchange_pages.confirm_offer", "POST"): Case("/exchange/qualifications/999/confirm", SIGNED_IN,
                                                       ok=(403, 404), data={"code": "X"}),
        ("exchange_pages.dismiss_offer", "POST"): Case("/exchange/qualifications/999/dismiss", SIGNED_IN,
                                                       ok=(403, 404)),
        ("exchange_pages.my_credit", "GET"): Case("/exchange/my-credit", SIGNED_IN, ok=(200, 403)),
        ("exchange_pages.my_credit_json", "GET"): Case("/exchange/my-credit.json", SIGNED_IN, ok=(200, 403)),
        ("exchange_pages.new_request", "GET"): Case(f"/exchange/requests/new?course={A}/A1&target={A}", SIGNED_IN),
        ("exchange_pages.submit_request", "POST"): Case("/exchange/requests/new", SIGNED_IN, ok=(403, 404), data={
            "course": f"{A}/A1", "target": A, "award_code": "NONE", "purpose": "entry",
            "awarded_on": "2025-01-01", "key": "matrix-key-1"}),
    }


PLACEHOLDERS = {"provider_id": A, "course_id": "A1", "filename": "site.css"}


def public_url(rule) -> str:
    """A URL for a rule, its variables filled with A's course where they name one."""
    url = rule.rule
    for name in rule.arguments:
        converter = rule._converters[name]
        default = "1" if type(converter).__name__ == "IntegerConverter" else "x"
        url = re.sub(rf"<(?:[a-z]+:)?{name}>", PLACEHOLDERS.get(name, default), url)
    return url


# --- the callers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Caller:
    name: str
    kind: str  # anonymous, person, client
    user: object = None
    token: str | None = None
    allowed: frozenset[str] = frozenset()  # scopes it may use for A
    admin: bool = False


@pytest.fixture
def settings(tmp_path, database_kind):
    # Every caller fails client authentication at the OAuth endpoints from one address: more failures than
    # the throttle lets through (tested in test_oauth_throttle), which would answer 429 instead of 401.
    return make_settings(tmp_path, oauth_address_max_failures=1000, oauth_client_max_failures=1000)


@pytest.fixture
def world(instance):
    add_org(instance, A, "University of Testing")
    add_org(instance, B, "Second University")
    for provider in (A, B):
        with instance.sessions.begin() as session:
            registry.add_feed(session, registry.FeedSpec(provider, f"University {provider}", None), allow_private=True)
        pipeline.ingest(harvest_environment(instance), provider, feed_bytes([course(f"{provider[-1]}1")],
                                                                              provider_id=provider))
    callers = [
        Caller("anonymous", "anonymous"),
        Caller("learner", "person", add_user(instance, "learner@example.org", Role.LEARNER)),
        Caller("staff of A", "person", add_user(instance, "staff@a.example.org", Role.STAFF, A, ALL_PERMISSIONS),
               allowed=frozenset(SCOPES)),
        Caller("staff of A without permissions", "person",
               add_user(instance, "clerk@a.example.org", Role.STAFF, A, frozenset())),
        Caller("staff of A, transfers only", "person",
               add_user(instance, "registry@a.example.org", Role.STAFF, A, frozenset({Permission.TRANSFERS})),
               allowed=frozenset({"transfers:read", "transfers:decide"})),
        Caller("staff of B", "person", add_user(instance, "staff@b.example.org", Role.STAFF, B, ALL_PERMISSIONS)),
        Caller("admin", "person", add_user(instance, "admin@example.org", Role.ADMIN), allowed=frozenset(SCOPES),
               admin=True),
    ]
    for scope in SCOPES:
        with_scope, _ = add_client(instance, A, scope)
        without, _ = add_client(instance, A, " ".join(s for s in SCOPES if s != scope))
        callers.append(Caller(f"client of A with {scope}", "client", token=bearer_token(instance, with_scope),
                              allowed=frozenset({scope})))
        callers.append(Caller(f"client of A without {scope}", "client", token=bearer_token(instance, without),
                              allowed=frozenset(SCOPES) - {scope}))
    client_b, _ = add_client(instance, B, " ".join(SCOPES))
    callers.append(Caller("client of B", "client", token=bearer_token(instance, client_b)))
    victim = add_user(instance, "victim@example.org", Role.LEARNER)
    victim_client, _ = add_client(instance, B, "transfers:read")
    return callers, {"victim": victim.id, "victim_client": victim_client.client_id}


def expected(case: Case, caller: Caller) -> tuple[int, ...] | str:
    page = not case.url.startswith("/api/")
    if case.rule == PUBLIC:
        return "open"
    if case.rule == ANYONE:
        return case.ok
    if case.rule == CLIENT_AUTH or (case.rule == INTROSPECTION and caller.kind != "person"):
        return (401,)
    if case.rule == INTROSPECTION:
        return case.ok if caller.admin else (403,)
    if caller.kind == "anonymous":
        return (302,) if page else (401,)
    if case.rule == SIGNED_IN:
        return (400,) if case.people_only and caller.kind == "client" else case.ok
    if case.rule == ADMIN:
        return case.ok if caller.admin else (403,)
    return case.ok if case.rule in caller.allowed else (403,)


def call(app, instance, caller: Caller, case: Case, method: str, sessions: dict):
    headers = dict(case.extra)
    if caller.kind == "client":
        client = app.test_client()
        headers["Authorization"] = f"Bearer {caller.token}"
    else:
        if case.ends_session or caller.name not in sessions:
            client = signed_in(app, instance, caller.user) if caller.kind == "person" else app.test_client()
            sessions[caller.name] = (client, csrf_of(client))
        client, token = sessions.pop(caller.name) if case.ends_session else sessions[caller.name]
        headers["X-CSRFToken"] = token
    kwargs = {"headers": headers}
    if case.json is not None:
        kwargs["json"] = case.json
    elif case.body is not None:
        kwargs.update(data=case.body, content_type=case.content_type)
    elif case.data is not None:
        kwargs["data"] = case.data
    return client.open(case.url, method=method, **kwargs)


def test_every_route_answers_every_caller_as_its_role_allows(app, instance, world):
    callers, ids = world
    table = routes(ids)
    failures, seen, sessions = [], set(), {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            key = (rule.endpoint, method)
            seen.add(key)
            case = table.get(key)
            if case is None:
                if _marked_public(app, rule.endpoint, method) or (
                        method == "GET" and rule.endpoint in FRAMEWORK_ROUTES):
                    case = Case(public_url(rule), PUBLIC)
                else:
                    failures.append(f"{method} {rule.rule} ({rule.endpoint}) is not classified in this test")
                    continue
            for caller in callers:
                response = call(app, instance, caller, case, method, sessions)
                want = expected(case, caller)
                if want == "open":
                    bad = response.status_code in (401, 403) or response.status_code >= 500
                else:
                    bad = response.status_code not in want
                    if response.status_code == 302 and want == (302,):
                        bad = "/auth/sign-in" not in response.headers["Location"]
                if bad:
                    failures.append(f"{method} {case.url} as {caller.name}: {response.status_code}, expected {want}"
                                    f" {response.get_data(as_text=True)[:200]!r}")
    assert not failures, "\n".join(failures)
    assert set(table) <= seen, f"classified routes that no longer exist: {set(table) - seen}"


def _marked_public(app, endpoint: str, method: str) -> bool:
    view = app.view_functions[endpoint]
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        view = getattr(view_class, method.lower(), None)
    access = getattr(view, "access", None)
    return bool(access is not None and access.public)


def test_non_public_routes_carry_their_requirement_on_the_view(app):
    """The decorator leaves what a view requires on it, so the rule is readable where the view is."""
    from directory.web.access import Access

    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(("admin.", "account.", "member.")):
            view = app.view_functions[rule.endpoint]
            assert isinstance(getattr(view, "access", None), Access), rule.endpoint
