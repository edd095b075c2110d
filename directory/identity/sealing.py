"""Secrets we must be able to read back (a member's OpenID Connect client secret), encrypted at rest.

Fernet (AES-128-CBC with HMAC-SHA256) under a key derived with HKDF from the instance's ``secret_key``,
so the database alone gives nothing away and no key lives in the repository. Changing ``secret_key``
makes sealed secrets unreadable: administrators then enter them again.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ..errors import Invalid

_PURPOSE = b"climbing-frame sealed secrets v1"


def _fernet(secret_key: str) -> Fernet:
    if not secret_key:
        raise Invalid("secrets cannot be stored without a secret key: set CF_SECRET_KEY")
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PURPOSE).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(plain: str, secret_key: str) -> str:
    return _fernet(secret_key).encrypt(plain.encode()).decode("ascii")


def unseal(sealed: str, secret_key: str) -> str:
    """The secret, or Invalid when it was sealed under another key (or tampered with)."""
    try:
        return _fernet(secret_key).decrypt(sealed.encode("ascii")).decode()
    except InvalidToken:
        raise Invalid("a stored secret cannot be read with this secret key: enter it again") from None
