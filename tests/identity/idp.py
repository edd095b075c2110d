"""A small OpenID Connect provider for tests, served on a local port: discovery, an authorization
endpoint that approves its test user at once, a token endpoint (client secret, PKCE S256) issuing ID
tokens signed with an RSA key it publishes at its ``jwks_uri``. Its ``misbehave`` settings make it sign
with another issuer, another key, an expired ``exp``, or let a code be redeemed twice."""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import Flask, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server

CLIENT_ID, CLIENT_SECRET = "climbing-frame", "idp-test-secret"


@dataclass
class TestUser:
    subject: str = "u-1001"
    email: str = "ada@a.example.ac.uk"
    email_verified: bool = True
    name: str = "Ada Lovelace"


@dataclass
class Misbehaviour:
    issuer: str | None = None  # sign with this iss instead of our own
    foreign_key: bool = False  # sign with a key not in the JWKS (same kid)
    expired: bool = False
    reuse_codes: bool = False
    redirect: str | None = None  # answer this endpoint ("discovery", "token", "jwks") with a redirect


@dataclass
class IdentityProvider:
    url: str
    user: TestUser = field(default_factory=TestUser)
    misbehave: Misbehaviour = field(default_factory=Misbehaviour)
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig"}))
    codes: dict = field(default_factory=dict)
    token_requests: int = 0

    def app(self) -> Flask:
        app = Flask("test-idp")
        app.add_url_rule("/.well-known/openid-configuration", "discovery", self.discovery)
        app.add_url_rule("/moved/.well-known/openid-configuration", "moved-discovery", self.discovery)
        app.add_url_rule("/moved/token", "moved-token", self.token, methods=["POST"])
        app.add_url_rule("/moved/jwks", "moved-jwks", self.jwks)
        app.add_url_rule("/authorize", "authorize", self.authorize)
        app.add_url_rule("/token", "token", self.token, methods=["POST"])
        app.add_url_rule("/jwks", "jwks", self.jwks)
        app.before_request(self.redirect_if_told)
        return app

    def redirect_if_told(self):
        """A redirect where the misbehaviour says so: to the same answer one path further, which a client
        that follows redirects would take (307 keeps a POST a POST)."""
        if request.endpoint == self.misbehave.redirect and not request.path.startswith("/moved"):
            return redirect("/moved" + request.full_path.rstrip("?"), 307)
        return None

    def discovery(self):
        return jsonify({
            "issuer": self.url, "authorization_endpoint": self.url + "/authorize",
            "token_endpoint": self.url + "/token", "jwks_uri": self.url + "/jwks",
            "response_types_supported": ["code"], "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        })

    def jwks(self):
        return jsonify(KeySet([self.key]).as_dict(private=False))

    def authorize(self):
        args = request.args
        assert args["response_type"] == "code" and args["client_id"] == CLIENT_ID
        assert args["code_challenge_method"] == "S256" and "openid" in args["scope"].split()
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"nonce": args.get("nonce"), "challenge": args["code_challenge"],
                            "redirect_uri": args["redirect_uri"]}
        return redirect(args["redirect_uri"] + "?" + urlencode({"code": code, "state": args["state"]}))

    def token(self):
        self.token_requests += 1
        auth = request.authorization
        if auth is None or (auth.username, auth.password) != (CLIENT_ID, CLIENT_SECRET):
            return jsonify({"error": "invalid_client"}), 401
        form = request.form
        grant = self.codes.get(form.get("code")) if self.misbehave.reuse_codes else self.codes.pop(form.get("code"), None)
        if grant is None or form.get("redirect_uri") != grant["redirect_uri"]:
            return jsonify({"error": "invalid_grant"}), 400
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if challenge != grant["challenge"]:
            return jsonify({"error": "invalid_grant", "error_description": "PKCE"}), 400
        now = int(time.time())
        claims = {"iss": self.misbehave.issuer or self.url, "sub": self.user.subject, "aud": CLIENT_ID,
                  "iat": now, "exp": now - 3600 if self.misbehave.expired else now + 300, "nonce": grant["nonce"],
                  "email": self.user.email, "email_verified": self.user.email_verified, "name": self.user.name}
        key = self.key
        if self.misbehave.foreign_key:
            key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
        id_token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)
        return jsonify({"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 300,
                        "id_token": id_token, "scope": "openid email profile"})


class Running:
    def __init__(self) -> None:
        self.server = make_server("127.0.0.1", 0, None, threaded=True)  # app set below, once the URL is known
        self.provider = IdentityProvider(f"http://127.0.0.1:{self.server.server_port}")
        self.server.app = self.provider.app()
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(5)
