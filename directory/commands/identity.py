"""`climbing-frame users|clients|orgs`: accounts, API clients and member organisations from the command
line (the operator of the server acts as an administrator). Commands parse, call a service and print."""

from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext

from ..errors import DomainError
from ..identity import clients, oidc, organisations, service, signin
from ..identity.identity import OPERATOR, Permission, Role, parse_permissions
from ..instance import current_instance


def _instance():
    return current_instance()


def _fail(exc: DomainError):
    raise click.ClickException(exc.detail)


@click.group("users")
def users_group() -> None:
    """People's accounts."""


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--org", "org_id", default=None, help="Staff: the organisation (provider id).")
@click.option("--permissions", default=None,
              help="Staff: narrow them to these, comma-separated, of catalogue,agreements,transfers "
                   "(without it staff hold every one).")
@click.option("--name", default="")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def users_create(email: str, role: str, org_id: str | None, permissions: str | None, name: str,
                 password_stdin: bool) -> None:
    """Open an account; without --password-stdin, print a one-time link to set the password."""
    instance = _instance()
    policy = signin.Policy.from_settings(instance.settings)
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    try:
        # Staff get what their role needs unless narrowed: an account made as the README says works at once.
        granted = (frozenset(Permission) if Role(role) is Role.STAFF else frozenset()) if permissions is None \
            else parse_permissions(permissions)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        with instance.sessions.begin() as session:
            user = service.create_user(session, OPERATOR, email=email, role=Role(role), org_id=org_id,
                                       permissions=granted, name=name, password=password,
                                       min_length=policy.min_password_length)
            token = None
            if password is None:
                url = instance.settings.base_url.rstrip("/") + "/auth/reset/{token}"
                token = signin.invite(session, user, url, policy)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"user {user.id} created: {user.email} ({user.role.value})")
    if token is not None:
        click.echo(f"set-password link (works once): {instance.settings.base_url.rstrip('/')}/auth/reset/{token}")


@click.group("clients")
def clients_group() -> None:
    """OAuth clients of member universities' systems."""


@clients_group.command("create")
@click.option("--org", "org_id", required=True, help="The organisation (provider id) the client acts for.")
@click.option("--scopes", required=True, help='Space-separated, e.g. "catalogue:publish transfers:read".')
@click.option("--name", default="")
@click.option("--json", "as_json", is_flag=True, help='Print {"client_id", "client_secret"}.')
@with_appcontext
def clients_create(org_id: str, scopes: str, name: str, as_json: bool) -> None:
    """Create a client and print its secret, once."""
    try:
        with _instance().sessions.begin() as session:
            created = clients.create_client(session, OPERATOR, org_id, scopes, name)
    except DomainError as exc:
        _fail(exc)
    if as_json:
        click.echo(json.dumps({"client_id": created.client.client_id, "client_secret": created.secret}))
        return
    click.echo(f"client_id:     {created.client.client_id}\nclient_secret: {created.secret}\n"
               f"scopes:        {' '.join(created.client.scopes)}\n(the secret is not shown again)")


@clients_group.command("revoke")
@click.argument("client_id")
@with_appcontext
def clients_revoke(client_id: str) -> None:
    """Revoke a client and every token issued to it."""
    try:
        with _instance().sessions.begin() as session:
            clients.revoke_client(session, OPERATOR, client_id)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"client {client_id} revoked")


@click.group("orgs")
def orgs_group() -> None:
    """Member organisations (one per provider)."""


@orgs_group.command("add")
@click.option("--provider-id", required=True)
@click.option("--name", required=True)
@with_appcontext
def orgs_add(provider_id: str, name: str) -> None:
    try:
        with _instance().sessions.begin() as session:
            organisation = organisations.add(session, OPERATOR, provider_id, name)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"organisation {organisation.id} added: {organisation.name}")


@orgs_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def orgs_list(as_json: bool) -> None:
    with _instance().readers() as session:
        rows = [{"id": o.id, "name": o.name} for o in organisations.list_all(session)]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        click.echo(f"{row['id']}\t{row['name']}")


@orgs_group.command("oidc")
@click.option("--org", "org_id", required=True, help="The organisation (provider id).")
@click.option("--issuer", required=True, help="The identity provider's issuer URL, exactly as it names itself.")
@click.option("--client-id", required=True)
@click.option("--client-secret-stdin", is_flag=True,
              help="Read the client secret from standard input (needed the first time; else the stored one stays).")
@click.option("--allowed-domains", default="", help='Space-separated email domains, e.g. "example.ac.uk".')
@click.option("--disable", is_flag=True, help="Store the settings without offering the sign-in.")
@with_appcontext
def orgs_oidc(org_id: str, issuer: str, client_id: str, client_secret_stdin: bool, allowed_domains: str,
              disable: bool) -> None:
    """Let an organisation's people sign in through its OpenID Connect provider."""
    instance = _instance()
    secret = sys.stdin.readline().rstrip("\r\n") if client_secret_stdin else None
    try:
        with instance.sessions.begin() as session:
            oidc.configure(session, OPERATOR, org_id, issuer=issuer, client_id=client_id, client_secret=secret,
                           enabled=not disable, allowed_domains=oidc.parse_domains(allowed_domains),
                           secret_key=instance.settings.secret_key,
                           check_url=instance.check_identity_provider_url)
    except DomainError as exc:
        _fail(exc)
    callback = f"{instance.settings.base_url.rstrip('/')}/auth/oidc/{org_id}/callback"
    click.echo(f"organisation {org_id}: sign-in through {issuer} {'disabled' if disable else 'enabled'}\n"
               f"redirect URI to register with the provider: {callback}")


COMMANDS = (users_group, clients_group, orgs_group)
