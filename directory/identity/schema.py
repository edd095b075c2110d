"""What identity and access accepts (administrators' forms, the member API's feed settings) and answers
(who am I: ``directory.web.schemas.IdentityOut``). Forms are parsed with these schemas too, so a page and the API cannot disagree."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate, validates

from ..urls import web_url
from .identity import SCOPES, Permission, Role, parse_permissions, parse_scopes

ROLES = [role.value for role in Role]
PERMISSIONS = [permission.value for permission in Permission]


class _Permissions(fields.Field):
    """Permissions as a list (JSON, repeated checkboxes) or one comma-separated string."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return parse_permissions(value if isinstance(value, list | tuple | str) else [])
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class _Scopes(fields.Field):
    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return parse_scopes(value if isinstance(value, list | tuple | str) else [])
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class FormSchema(Schema):
    """A form's fields; others (the CSRF token, the button) are not ours to reject."""

    class Meta:
        unknown = EXCLUDE


def _blank_to_none(value):
    return (value.strip() or None) if isinstance(value, str) else value


class UserIn(FormSchema):
    """A new account."""

    email = fields.Email(required=True, validate=validate.Length(max=320))
    name = fields.String(load_default="", validate=validate.Length(max=200))
    role = fields.Enum(Role, by_value=True, required=True)
    org_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    permissions = _Permissions(load_default=frozenset())
    password = fields.String(load_default=None, allow_none=True, load_only=True)

    @post_load
    def _tidy(self, data, **kwargs):
        data["org_id"] = _blank_to_none(data.get("org_id"))
        data["password"] = data.get("password") or None
        return data


class UserChangeIn(FormSchema):
    """An administrator's change to an account."""

    role = fields.Enum(Role, by_value=True, required=True)
    org_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    permissions = _Permissions(load_default=frozenset())
    active = fields.Boolean(load_default=False)

    @post_load
    def _tidy(self, data, **kwargs):
        data["org_id"] = _blank_to_none(data.get("org_id"))
        return data


class OrganisationIn(FormSchema):
    provider_id = fields.String(required=True, validate=validate.Length(min=1, max=100))
    name = fields.String(required=True, validate=validate.Length(min=1, max=300))


class OrganisationSignInIn(FormSchema):
    """An organisation's OpenID Connect provider; a blank secret keeps the stored one."""

    issuer = fields.String(required=True, validate=[validate.Length(min=1, max=500), web_url])
    client_id = fields.String(required=True, validate=validate.Length(min=1, max=255))
    client_secret = fields.String(load_default=None, allow_none=True, load_only=True)
    enabled = fields.Boolean(load_default=False)
    allowed_domains = fields.String(load_default="", validate=validate.Length(max=2000))

    @post_load
    def _tidy(self, data, **kwargs):
        data["client_secret"] = data.get("client_secret") or None
        return data


class ClientIn(FormSchema):
    org_id = fields.String(required=True, validate=validate.Length(min=1, max=100))
    name = fields.String(load_default="", validate=validate.Length(max=200))
    scopes = _Scopes(required=True)

    @validates("scopes")
    def _some(self, value, **kwargs):
        if not value:
            raise ValidationError(f"give at least one scope of {', '.join(SCOPES)}")


class SignInIn(FormSchema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=320))
    password = fields.String(required=True, validate=validate.Length(min=1, max=1000), load_only=True)
    next = fields.String(load_default=None, allow_none=True)


class ResetRequestIn(FormSchema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=320))


class NewPasswordIn(FormSchema):
    password = fields.String(required=True, validate=validate.Length(min=1, max=1000), load_only=True)
    confirm = fields.String(required=True, load_only=True)

    @post_load
    def _same(self, data, **kwargs):
        if data["password"] != data["confirm"]:
            raise ValidationError("the two passwords differ", "confirm")
        return data
