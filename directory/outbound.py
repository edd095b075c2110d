"""May we call this address? The one check of every URL the instance calls out to on a member's say-so:
feeds (the harvester), webhooks (the exchange) and identity providers (OpenID Connect sign-in).

``check_url(url, allow_private)`` returns nothing or raises ``AddressRefused`` naming why: only ``http``
and ``https`` URLs with a host, and, unless ``allow_private``, only hosts whose every address is public,
so a member cannot point the instance at 127.0.0.1, the internal network or a cloud metadata address.
"""

from __future__ import annotations

import ipaddress
import socket

import httpx

_SCHEMES = frozenset({"http", "https"})


class AddressRefused(Exception):
    """The URL may not be called. ``reason`` is human readable (``'refused: scheme 'file' is not http or
    https'``, ``'cannot resolve feed.example: ...'``, ``'refused: feed.example resolves to private address
    10.0.0.1'``) and is also the exception's text."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_url(url: str, allow_private: bool) -> None:
    """Raise ``AddressRefused`` unless ``url`` is http(s) with a host and, when not ``allow_private``, every
    address the host resolves to is public.

    Not public: private, loopback, link-local, reserved, multicast, unspecified or otherwise not globally
    routable (e.g. 100.64.0.0/10), checked on IPv4-mapped IPv6 addresses too. A host that does not
    resolve is refused. With ``allow_private`` the host is not resolved here at all.
    """
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise AddressRefused(f"refused: not a valid URL ({exc})") from exc
    if parsed.scheme not in _SCHEMES:
        raise AddressRefused(f"refused: scheme {parsed.scheme or '(none)'!r} is not http or https")
    if not parsed.host:
        raise AddressRefused("refused: URL has no host")
    if allow_private:
        return
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        addresses = _resolve(parsed.host, port)
    except (socket.gaierror, UnicodeError) as exc:
        raise AddressRefused(f"cannot resolve {parsed.host}: {exc}") from exc
    if not addresses:
        raise AddressRefused(f"cannot resolve {parsed.host}: no addresses")
    for address in addresses:
        if not _is_public(address):
            raise AddressRefused(f"refused: {parsed.host} resolves to private address {address}")


def _resolve(host: str, port: int) -> list[str]:
    # A module-level hook so tests can make a local server look public and prove the per-hop check.
    return [info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    # Python 3.11 judges ::ffff:a.b.c.d by the IPv6 tables, not by the IPv4 address it carries (which is
    # where the connection goes), so judge the IPv4 address.
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
    )
