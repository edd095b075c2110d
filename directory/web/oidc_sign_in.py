"""Signing in through a member university's own OpenID Connect provider (Authlib's Flask client).

``/auth/oidc/<org>/start`` sends the browser to the provider with a state, a nonce and a PKCE (S256)
challenge; ``/auth/oidc/<org>/callback`` takes the code back, exchanges it, and has Authlib check the ID
token: its signature against the provider's published keys (``jwks_uri``), ``iss`` equal to the
configured issuer exactly, ``aud`` our client id, ``exp``, and ``nonce`` equal to the one this browser's
state holds. The identity service then spends the nonce (single use, server-side) and decides who signs
in (``directory.identity.oidc``). Every refusal is in the audit log with its reason.

One Authlib client per organisation, registered on first use from the stored settings (discovery via
``<issuer>/.well-known/openid-configuration``) and registered afresh when the settings change. Every call to a
provider has a timeout (``oidc_timeout``) and follows no redirect: the discovery document, the token endpoint and
the published keys are called at the addresses checked, resolved once per call and connected to as checked
(``directory.outbound.PinnedAdapter`` mounted on Authlib's requests session; no private addresses unless
``oidc_allow_private``), and a provider that answers with a redirect is refused as unreachable.
"""

from __future__ import annotations

import requests
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from authlib.integrations.flask_client.apps import FlaskOAuth2App
from authlib.integrations.requests_client import OAuth2Session
from flask import Blueprint, Flask, current_app, redirect, request, session, url_for
from joserfc import errors as jose

from ..errors import AddressRefused, Invalid, NotFound
from ..identity import oidc, signin
from ..identity.oidc import ProviderConfig, Refusal, VerifiedClaims
from ..outbound import AddressPolicy, PinnedAdapter
from .access import public, safe_next, start_signed_in_session
from .auth_pages import sign_in_page
from .context import db, instance
from .tokens import source

bp = Blueprint("oidc", __name__, url_prefix="/auth/oidc")

SCOPE = "openid email profile"
# What the person is told; the audit log has the precise reason.
TOLD = {
    Refusal.EMAIL_NOT_VERIFIED: "Your university did not confirm your email address, so we cannot open an "
                                "account with it.",
    Refusal.DOMAIN_NOT_ALLOWED: "Your email address is not one this university's sign-in accepts here.",
    Refusal.ACCOUNT_CONFLICT: "An account with your email address exists already and cannot be signed into "
                              "this way: sign in with its password, or ask an administrator.",
    Refusal.IDP_UNREACHABLE: "Your university's sign-in service could not be reached: try again later.",
}
TOLD_OTHERWISE = "Signing in through your university did not work. Start again from the sign-in page."
# The app extension that, when set, resolves and judges providers' addresses (tests pass a resolver
# that changes its answer); otherwise the system's resolver with the setting oidc_allow_private.
ADDRESSES = "climbing_frame_oidc_addresses"


class _Refused(Exception):
    def __init__(self, refusal: Refusal, **detail) -> None:
        super().__init__(refusal.value)
        self.refusal, self.detail = refusal, detail


class _PinnedSession(OAuth2Session):
    """Authlib's requests session, connecting only to the addresses ``addresses`` checked."""

    def __init__(self, *args, addresses: AddressPolicy, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        adapter = PinnedAdapter(addresses)
        self.mount("http://", adapter)
        self.mount("https://", adapter)


class _PinnedApp(FlaskOAuth2App):
    # Authlib builds one session per call from client_kwargs (discovery, token, keys): all pinned.
    client_cls = _PinnedSession


def _oauth() -> OAuth:
    return current_app.extensions["climbing_frame_oidc"]


def _addresses() -> AddressPolicy:
    return current_app.extensions.get(ADDRESSES) or AddressPolicy(
        allow_private=instance().settings.oidc_allow_private)


def _client(config: ProviderConfig) -> FlaskOAuth2App:
    """The organisation's Authlib client for its current settings (registered on first use)."""
    name = f"org-{config.org_id}-{config.version}"
    client = _oauth().create_client(name)
    if client is None:
        _oauth().register(
            name, client_cls=_PinnedApp, client_id=config.client_id, client_secret=config.client_secret,
            server_metadata_url=config.issuer.rstrip("/") + "/.well-known/openid-configuration",
            client_kwargs={"scope": SCOPE, "code_challenge_method": "S256",
                           "token_endpoint_auth_method": "client_secret_basic",
                           "default_timeout": instance().settings.oidc_timeout,
                           "addresses": _addresses(),
                           # Each call's address is checked as it connects; a redirect would lead elsewhere.
                           "max_redirects": 0},
        )
        client = _oauth().create_client(name)
    return client


def _checked_metadata(client: FlaskOAuth2App, config: ProviderConfig) -> dict:
    """The provider's discovery document, if it names the configured issuer exactly and endpoints we may
    call (no private addresses, unless allowed)."""
    try:
        metadata = client.load_server_metadata()
    except (requests.RequestException, ValueError) as exc:
        raise _Refused(Refusal.IDP_UNREACHABLE, error=str(exc)[:300]) from None
    if metadata.get("issuer") != config.issuer:
        raise _Refused(Refusal.WRONG_ISSUER, discovered=str(metadata.get("issuer"))[:500])
    # Checked here too, though every call we make is checked as it connects: the browser is sent to the
    # authorization endpoint, and a document naming private endpoints is refused before anybody goes.
    for endpoint in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(metadata.get(endpoint), str):
            raise _Refused(Refusal.IDP_UNREACHABLE, error=f"the discovery document has no {endpoint}")
        try:
            _addresses().check_url(metadata[endpoint])
        except AddressRefused as exc:
            raise _Refused(Refusal.IDP_UNREACHABLE, error=f"{metadata[endpoint]}: {exc}"[:300]) from None
    return metadata


def _config(org_id: str) -> ProviderConfig:
    try:
        return oidc.provider_config(db(), org_id, instance().settings.secret_key)
    except (NotFound, Invalid) as exc:
        raise _Refused(Refusal.NOT_ENABLED, error=exc.detail[:300]) from None


def _refused(org_id: str, refused: _Refused):
    with instance().sessions.begin() as writer:
        oidc.refuse(writer, org_id[:100], refused.refusal, source(), **refused.detail)
    status = 502 if refused.refusal is Refusal.IDP_UNREACHABLE else 401
    return sign_in_page(error=TOLD.get(refused.refusal, TOLD_OTHERWISE), status=status)


def _callback_url(org_id: str) -> str:
    # The address registered with the provider: from the configured base URL, not the request's Host.
    return instance().settings.base_url.rstrip("/") + url_for("oidc.callback", org_id=org_id)


@bp.get("/<org_id>/start")
@public
def start(org_id: str):
    """Send the browser to the organisation's identity provider."""
    try:
        config = _config(org_id)
        client = _client(config)
        _checked_metadata(client, config)
    except _Refused as refused:
        return _refused(org_id, refused)
    with instance().sessions.begin() as writer:
        nonce = oidc.issue_nonce(writer, org_id)
    session["oidc_next"] = safe_next(request.args.get("next"), "")
    return client.authorize_redirect(_callback_url(org_id), nonce=nonce)


@bp.get("/<org_id>/callback")
@public
def callback(org_id: str):
    """The provider's answer: check it, sign the person in (a new session id), or refuse."""
    try:
        config = _config(org_id)
        claims = _verified_claims(_client(config), config)
    except _Refused as refused:
        return _refused(org_id, refused)
    old_sid = session.get("sid")
    policy = signin.Policy.from_settings(instance().settings)
    with instance().sessions.begin() as writer:
        result = oidc.complete_sign_in(writer, config, claims, source(), policy)
        if result.signed_in:
            signin.end_session(writer, old_sid, source())
    if not result.signed_in:
        return sign_in_page(error=TOLD.get(result.refusal, TOLD_OTHERWISE), status=401)
    next_page = session.get("oidc_next")
    start_signed_in_session(result.sid)
    return redirect(safe_next(next_page, url_for("account.home")), 303)


def _verified_claims(client: FlaskOAuth2App, config: ProviderConfig) -> VerifiedClaims:
    """Authlib's checks of the code exchange and the ID token, their failures named."""
    _checked_metadata(client, config)
    try:
        token = client.authorize_access_token(claims_options={"iss": {"essential": True, "values": [config.issuer]}})
    except MismatchingStateError:
        raise _Refused(Refusal.STATE_MISMATCH) from None
    except OAuthError as exc:
        raise _Refused(Refusal.IDP_ERROR, error=str(exc.error)[:100],
                       description=str(exc.description or "")[:300]) from None
    except requests.RequestException as exc:
        raise _Refused(Refusal.IDP_UNREACHABLE, error=str(exc)[:300]) from None
    except (jose.BadSignatureError, jose.InvalidKeyIdError) as exc:
        raise _Refused(Refusal.BAD_SIGNATURE, error=str(exc)[:300]) from None
    except jose.ExpiredTokenError:
        raise _Refused(Refusal.EXPIRED_TOKEN) from None
    except jose.InvalidClaimError as exc:
        refusal = {"iss": Refusal.WRONG_ISSUER, "aud": Refusal.WRONG_AUDIENCE,
                   "nonce": Refusal.NONCE_MISMATCH}.get(exc.claim, Refusal.INVALID_TOKEN)
        raise _Refused(refusal, claim=exc.claim) from None
    except (jose.JoseError, ValueError) as exc:
        raise _Refused(Refusal.INVALID_TOKEN, error=str(exc)[:300]) from None
    userinfo = token.get("userinfo")
    if not userinfo:
        raise _Refused(Refusal.INVALID_TOKEN, error="no ID token in the token response")
    verified = userinfo.get("email_verified")
    return VerifiedClaims(
        issuer=userinfo["iss"], subject=str(userinfo["sub"]), nonce=userinfo["nonce"],
        email=userinfo.get("email") if isinstance(userinfo.get("email"), str) else None,
        email_verified=verified is True or verified == "true",
        name=userinfo.get("name") if isinstance(userinfo.get("name"), str) else "",
    )


def register(app: Flask) -> None:
    app.extensions["climbing_frame_oidc"] = OAuth(app)
    app.register_blueprint(bp)
