"""Identity and access: organisations, users, OAuth clients, sessions and the security audit log.

Web code turns a session cookie or a bearer token into one ``Identity`` (identity.py) and passes it to
services, which hold the permission checks. Nothing here imports Authlib or reads ``flask.g``.
"""
