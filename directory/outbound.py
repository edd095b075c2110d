"""May we call this address, and calling only the address we checked: the one rule for every URL the
instance calls out to on a member's say-so: feeds (the harvester), webhooks (the exchange) and identity
providers (OpenID Connect sign-in).

``check_url(url, allow_private)`` returns nothing or raises ``AddressRefused`` naming why: only ``http``
and ``https`` URLs with a host, and, unless ``allow_private``, only hosts whose every address is public,
so a member cannot point the instance at 127.0.0.1, the internal network or a cloud metadata address.
That is the check when an address is registered.

A check followed by a connection that resolves the name again can be defeated by a name that answers a
public address to the check and 127.0.0.1 to the connection (DNS rebinding). So calls go through an
``AddressPolicy`` connector (``PinnedTransport`` for httpx, ``PinnedAdapter`` for requests): the host
is resolved once, by the policy's resolver, every address is checked, and the socket goes to one of
those addresses, with the request's own Host header and, over TLS, SNI and certificate verification
for the host name. Neither follows a proxy (a proxy would resolve the name itself, unchecked).
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError, NewConnectionError

from .errors import AddressRefused

_SCHEMES = frozenset({"http", "https"})

Resolver = Callable[[str, int], Sequence[str]]
"""``(host, port) -> addresses``: what a host name resolves to, as address strings."""


def system_resolver(host: str, port: int) -> list[str]:
    """The operating system's answer (``getaddrinfo``), in its order, each address once."""
    answers = (info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
    return list(dict.fromkeys(answers))


def is_public(address: str) -> bool:
    """True for a globally routable unicast address; false for private, loopback, link-local, reserved,
    multicast, unspecified and shared (100.64.0.0/10) ones, IPv4-mapped IPv6 judged as its IPv4 address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone ("fe80::1%eth0") names no address
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


@dataclass(frozen=True)
class AddressPolicy:
    """Which addresses the instance may call and how a host name becomes addresses. The one resolver
    answers the check and the connection alike. ``permits`` judges each address unless
    ``allow_private`` (then every address is permitted); tests give a resolver that changes its answer
    and a ``permits`` that treats one loopback address as public."""

    allow_private: bool = False
    resolver: Resolver = system_resolver
    permits: Callable[[str], bool] = is_public

    def check_url(self, url: str) -> None:
        """Raise ``AddressRefused`` unless ``url`` is http(s) with a host and, when not
        ``allow_private``, every address the host resolves to is permitted. With ``allow_private`` the
        host is not resolved here at all (an address may be registered before its name resolves)."""
        host, port = http_target(url)
        if not self.allow_private:
            self.addresses(host, port)

    def addresses(self, host: str, port: int) -> list[str]:
        """Resolve ``host`` once and return its addresses, every one of them permitted; raise
        ``AddressRefused`` if it does not resolve or any address is not permitted."""
        try:
            addresses = list(self.resolver(host, port))
        except (OSError, UnicodeError) as exc:
            raise AddressRefused(f"cannot resolve {host}: {exc}") from exc
        if not addresses:
            raise AddressRefused(f"cannot resolve {host}: no addresses")
        if not self.allow_private:
            for address in addresses:
                if not self.permits(address):
                    raise AddressRefused(f"refused: {host} resolves to private address {address}")
        return addresses


def check_url(url: str, allow_private: bool) -> None:
    """``AddressPolicy(allow_private).check_url(url)``: the check with the system's resolver."""
    AddressPolicy(allow_private=allow_private).check_url(url)


def http_target(url: str | httpx.URL) -> tuple[str, int]:
    """(host, port) of an http(s) URL with a host, else ``AddressRefused``; nothing is resolved. The host
    is in the form resolved and sent as TLS server name: IDNA (ASCII), an IPv6 address without brackets."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise AddressRefused(f"refused: not a valid URL ({exc})") from exc
    if parsed.scheme not in _SCHEMES:
        raise AddressRefused(f"refused: scheme {parsed.scheme or '(none)'!r} is not http or https")
    if not parsed.host:
        raise AddressRefused("refused: URL has no host")
    return parsed.raw_host.decode("ascii"), parsed.port or (443 if parsed.scheme == "https" else 80)


# --- httpx ---------------------------------------------------------------------------------------


class PinnedTransport(httpx.BaseTransport):
    """An httpx transport that connects only to addresses ``policy`` checked (see the module). Raises
    ``AddressRefused`` (not an httpx error) for a URL or an address it may not call. The addresses are
    tried in the resolver's order while connecting fails. Each host name has its own connection pool,
    so a connection verified for one name never carries a request for another. ``options`` are
    ``httpx.HTTPTransport``'s (``verify``, ``limits``, ...)."""

    def __init__(self, policy: AddressPolicy, **options) -> None:
        self._policy = policy
        # One TLS context for every host's pool: building one loads the CA bundle (~20 ms).
        verify = options.pop("verify", True)
        options["verify"] = verify if isinstance(verify, ssl.SSLContext) else httpx.create_ssl_context(verify)
        self._options = options
        self._pools: dict[str, httpx.HTTPTransport] = {}
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        host, port = http_target(request.url)
        addresses = self._policy.addresses(host, port)
        pool = self._pool(host)

        def pinned(address: str) -> httpx.Request:
            # The Host header was set from the URL when the request was built and goes as it is; the
            # "sni_hostname" extension is what httpcore sends as SNI and verifies the certificate for.
            return httpx.Request(request.method, request.url.copy_with(host=address), headers=request.headers,
                                 stream=request.stream, extensions={**request.extensions, "sni_hostname": host})

        for address in addresses[:-1]:
            try:
                return pool.handle_request(pinned(address))
            except httpx.ConnectError:  # nothing was sent: the next checked address may answer
                continue
        return pool.handle_request(pinned(addresses[-1]))

    def _pool(self, host: str) -> httpx.HTTPTransport:
        with self._lock:
            if host not in self._pools:
                self._pools[host] = httpx.HTTPTransport(**self._options)
            return self._pools[host]

    def close(self) -> None:
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.close()


# --- requests ------------------------------------------------------------------------------------


class PinnedAdapter(HTTPAdapter):
    """A requests transport adapter (mount it for ``http://`` and ``https://``) that connects only to
    addresses ``policy`` checked (see the module). A URL or an address it may not call raises
    ``requests.ConnectionError`` whose cause is the ``AddressRefused``. The response's ``url`` and
    ``request`` are the original ones (the host name, not the address)."""

    def __init__(self, policy: AddressPolicy, **kwargs) -> None:
        self._policy = policy
        super().__init__(**kwargs)

    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout=None, verify=True,
             cert=None, proxies=None) -> requests.Response:
        try:
            host, port = http_target(request.url)
            addresses = self._policy.addresses(host, port)
        except AddressRefused as exc:
            raise requests.ConnectionError(exc.reason, request=request) from exc
        parts = urlsplit(request.url)

        def pinned(address: str) -> requests.PreparedRequest:
            copy = request.copy()
            literal = f"[{address}]" if ":" in address else address
            copy.url = parts._replace(netloc=f"{literal}:{port}").geturl()
            copy.headers["Host"] = parts.netloc.rpartition("@")[2]
            copy.outbound_host = host  # read by build_connection_pool_key_attributes
            return copy

        def send(address: str) -> requests.Response:
            response = super(PinnedAdapter, self).send(pinned(address), stream=stream, timeout=timeout,
                                                       verify=verify, cert=cert, proxies=None)
            response.url, response.request = request.url, request
            return response

        for address in addresses[:-1]:
            try:
                return send(address)
            except requests.ConnectionError as exc:
                if not _not_connected(exc):
                    raise
        return send(addresses[-1])

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        """requests' pool key, plus the host name as TLS server name (SNI and certificate check): the
        pool is keyed by address and server name, so connections are not shared between names."""
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        host = getattr(request, "outbound_host", None)
        if host is not None and host_params["scheme"] == "https":
            pool_kwargs["server_hostname"] = host
        return host_params, pool_kwargs


def _not_connected(exc: requests.ConnectionError) -> bool:
    # Only a failure to open the connection (nothing sent) may be tried at the next address: a token
    # request resent after a dropped answer could spend a code twice.
    cause = exc.args[0] if exc.args else None
    return isinstance(cause, MaxRetryError) and isinstance(cause.reason, NewConnectionError)
