"""Our OAuth records as Authlib sees them (client and token adapters), and the resource protector that
checks bearer tokens on the API. The records and every rule about them stay in
``directory.identity.clients``."""

from __future__ import annotations

from authlib.integrations.flask_oauth2 import ResourceProtector
from authlib.oauth2.rfc6749 import ClientMixin, TokenMixin
from authlib.oauth2.rfc6750 import BearerTokenValidator
from flask import g, request
from sqlalchemy.orm import Session

from ..db import utcnow
from ..identity import audit, clients
from ..identity.models import AccessToken, OAuthClient
from .context import db

AUTH_METHODS = ["client_secret_basic", "client_secret_post"]


def source() -> audit.Source:
    return audit.Source(request.remote_addr, request.user_agent.string or None)


def writer() -> Session:
    """The writing session of the current OAuth endpoint request (opened by the view)."""
    return g.oauth_session


class Client(ClientMixin):
    def __init__(self, record: OAuthClient) -> None:
        self.record = record

    def get_client_id(self):
        return self.record.client_id

    def get_default_redirect_uri(self):
        return None

    def get_allowed_scope(self, scope):
        allowed = clients.allowed_scopes(self.record, scope)
        if scope and len(allowed) != len(scope.split()):
            return None  # asked for a scope it does not hold: invalid_scope, not a narrower token
        return " ".join(allowed)

    def check_redirect_uri(self, redirect_uri):
        return False

    def check_client_secret(self, client_secret):
        # A failure is counted and audited by the endpoint's view (``oauth._authenticating``), in aggregate.
        return clients.secret_matches(self.record, client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return method in AUTH_METHODS

    def check_response_type(self, response_type):
        return False

    def check_grant_type(self, grant_type):
        return grant_type == "client_credentials"


class Token(TokenMixin):
    def __init__(self, record: AccessToken) -> None:
        self.record = record

    def check_client(self, client):
        return self.record.client_id == client.get_client_id()

    def get_scope(self):
        return " ".join(self.record.scopes)

    def get_expires_in(self):
        return int((self.record.expires - self.record.issued).total_seconds())

    def is_expired(self):
        return self.record.expires <= utcnow()

    def is_revoked(self):
        return self.record.revoked is not None

    def get_user(self):
        return None

    def get_client(self):
        return None


class ApiTokenValidator(BearerTokenValidator):
    def authenticate_token(self, token_string):
        record = clients.find_token(db(), token_string)
        return Token(record) if record is not None else None


protector = ResourceProtector()
protector.register_token_validator(ApiTokenValidator(realm="climbing-frame"))
