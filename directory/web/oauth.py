"""The OAuth 2.0 authorization server for member universities' systems (Authlib): the client
credentials grant, revocation (RFC 7009), introspection (RFC 7662) and server metadata (RFC 8414).

Token endpoint errors are OAuth's own JSON errors (what client libraries expect), not problem documents.

Every endpoint that authenticates a client is throttled (``clients.ClientThrottle``, in this worker
process): past the limits of failed authentications a request is answered 429 with ``Retry-After`` and
``{"error": "temporarily_unavailable"}`` before its credentials are looked at. Failures are audited in
aggregate, at most one line per address and client per window, not one per request.
"""

from __future__ import annotations

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7662 import IntrospectionEndpoint
from flask import Blueprint, Flask, Response, current_app, g, jsonify, request

from ..db import utcnow
from ..identity import clients
from ..identity.identity import SCOPES
from ..instance import EXTENSION
from . import access
from .context import db, instance
from .tokens import AUTH_METHODS, Client, Token, source, writer

TOKEN_PATH, REVOKE_PATH, INTROSPECT_PATH = "/oauth/token", "/oauth/revoke", "/oauth/introspect"

bp = Blueprint("oauth", __name__)


def _query_client(client_id: str):
    record = clients.find_client(writer(), client_id)
    if record is None:
        return None  # audited, counted, by the view (``_authenticating``)
    g.oauth_client_known = True
    return Client(record)


def _save_token(token: dict, oauth_request) -> None:
    clients.store_token(writer(), oauth_request.client.record, token["access_token"],
                        (token.get("scope") or "").split(), token["expires_in"], source())


class ClientCredentials(grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS


def _query_token(token_string: str) -> Token | None:
    record = clients.find_token(writer(), token_string)
    return Token(record) if record is not None else None


class Revocation(RevocationEndpoint):
    CLIENT_AUTH_METHODS = AUTH_METHODS

    def query_token(self, token_string, token_type_hint):
        return _query_token(token_string)

    def revoke_token(self, token, request):
        clients.revoke_token(writer(), token.record, actor=f"client:{request.client.get_client_id()}",
                             source=source())


class Introspection(IntrospectionEndpoint):
    CLIENT_AUTH_METHODS = AUTH_METHODS

    def query_token(self, token_string, token_type_hint):
        return _query_token(token_string)

    def check_permission(self, token, client, request):
        # A client may introspect only its own tokens (administrators use their session: see the view).
        return token.check_client(client)

    def introspect_token(self, token):
        return clients.introspection(token.record, instance().settings.base_url)


def _server() -> AuthorizationServer:
    return current_app.extensions["climbing_frame_oauth"]


def _throttle() -> clients.ClientThrottle:
    return current_app.extensions["climbing_frame_oauth_throttle"]


def _presented_client_id() -> str | None:
    """The client id a request presents (HTTP Basic, or the form), before anything is checked."""
    auth = request.authorization
    if auth is not None and auth.type == "basic":
        return auth.username
    return request.form.get("client_id")


def _authenticating(respond):
    """Run an endpoint that authenticates a client: throttled, in one writing transaction."""
    throttle, now = _throttle(), utcnow()
    attempt = throttle.begin(source().address, _presented_client_id(), now)
    if attempt.retry_after:
        return _too_many(attempt.retry_after)
    failed = False
    with instance().sessions.begin() as session:
        g.oauth_session = session
        try:
            response = respond()
            # Authlib answers 401 on these endpoints for invalid_client only.
            failed = response.status_code == 401
            if failed:
                throttle.failed(session, attempt, g.get("oauth_client_known", False), now)
            throttle.write_due(session, now)
            return response
        finally:
            if not failed:
                throttle.succeeded(attempt)
            g.pop("oauth_session", None)
            g.pop("oauth_client_known", None)


def _too_many(retry_after: int) -> Response:
    response = jsonify({
        "error": "temporarily_unavailable",
        "error_description": f"too many failed client authentications: try again in {retry_after} seconds",
    })
    response.status_code = 429
    response.headers.update({"Retry-After": str(retry_after), "Cache-Control": "no-store", "Pragma": "no-cache"})
    return response


@bp.post(TOKEN_PATH)
def token():
    """Issue an access token (client credentials grant only)."""
    return _authenticating(_server().create_token_response)


@bp.post(REVOKE_PATH)
def revoke():
    """RFC 7009: a client revokes one of its tokens."""
    return _authenticating(lambda: _server().create_endpoint_response(Revocation.ENDPOINT_NAME))


@bp.post(INTROSPECT_PATH)
def introspect():
    """RFC 7662: a client introspects its own tokens; a signed-in administrator any token."""
    if "Authorization" not in request.headers and "client_id" not in request.form:
        access.require_admin_session()
        record = clients.find_token(db(), request.form.get("token", ""))
        if record is None or not clients.token_is_live(record):
            return jsonify({"active": False})
        return jsonify(clients.introspection(record, instance().settings.base_url))
    return _authenticating(lambda: _server().create_endpoint_response(Introspection.ENDPOINT_NAME))


@bp.get("/.well-known/oauth-authorization-server")
def metadata():
    """RFC 8414 authorization server metadata."""
    issuer = instance().settings.base_url.rstrip("/")
    return jsonify({
        "issuer": issuer,
        "token_endpoint": issuer + TOKEN_PATH,
        "revocation_endpoint": issuer + REVOKE_PATH,
        "introspection_endpoint": issuer + INTROSPECT_PATH,
        "grant_types_supported": ["client_credentials"],
        "response_types_supported": [],
        "scopes_supported": list(SCOPES),
        "token_endpoint_auth_methods_supported": AUTH_METHODS,
        "revocation_endpoint_auth_methods_supported": AUTH_METHODS,
        "introspection_endpoint_auth_methods_supported": AUTH_METHODS,
        "service_documentation": issuer + "/api/v1/openapi.json",
    })


def register(app: Flask) -> None:
    settings = app.extensions[EXTENSION].settings
    app.config.update(
        OAUTH2_SCOPES_SUPPORTED=list(SCOPES),
        OAUTH2_TOKEN_EXPIRES_IN={"client_credentials": settings.access_token_lifetime},
        OAUTH2_REFRESH_TOKEN_GENERATOR=False,
    )
    app_server = AuthorizationServer(app, query_client=_query_client, save_token=_save_token)
    app_server.register_grant(ClientCredentials)
    app_server.register_endpoint(Revocation)
    app_server.register_endpoint(Introspection)
    app.extensions["climbing_frame_oauth"] = app_server
    app.extensions["climbing_frame_oauth_throttle"] = clients.ClientThrottle.from_settings(settings)
    app.register_blueprint(bp)
