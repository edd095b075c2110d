"""The outbound-address check every call on a member's say-so passes (feeds, webhooks, identity
providers), and the connectors that connect only to the addresses checked, over plain HTTP and TLS, for
httpx and for requests, against real servers on 127.0.0.1 and 127.0.0.2 (tests/rebinding.py)."""

from __future__ import annotations

import datetime
import ssl
from pathlib import Path

import httpx
import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from hypothesis import given
from hypothesis import strategies as st

from directory.errors import AddressRefused
from directory.outbound import AddressPolicy, PinnedAdapter, PinnedTransport, check_url
from tests.rebinding import INTERNAL, PUBLIC, ScriptedResolver, policy, twin_servers


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://10.0.0.1/feed",
        "http://192.168.1.20/feed",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://224.0.0.1/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:10.0.0.1]/",
        "http://[fe80::1]/",
        "http://0.0.0.0/",
        "http://localhost/",
        "http://2130706433/",  # 127.0.0.1 written as one number
    ],
)
def test_private_addresses_are_refused(url: str) -> None:
    with pytest.raises(AddressRefused, match="resolves to private address"):
        check_url(url, allow_private=False)


def test_private_addresses_are_allowed_when_asked() -> None:
    check_url("http://127.0.0.1/", allow_private=True)
    check_url("http://10.0.0.1/", allow_private=True)


def test_public_address_is_allowed() -> None:
    check_url("https://93.184.216.34/feed.xml", allow_private=False)


def test_host_is_refused_if_any_of_its_addresses_is_private() -> None:
    addresses = AddressPolicy(resolver=lambda host, port: ["93.184.216.34", "10.0.0.1"])

    with pytest.raises(AddressRefused) as caught:
        addresses.check_url("https://feed.example/")

    assert caught.value.reason == "refused: feed.example resolves to private address 10.0.0.1"


def test_unresolvable_host_is_an_error() -> None:
    with pytest.raises(AddressRefused, match="cannot resolve"):
        check_url("http://no-such-host.invalid/", allow_private=False)


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://ftp.example.org/feed.xml", "javascript:alert(1)", "feed.xml"]
)
@pytest.mark.parametrize("allow_private", [False, True])
def test_only_http_and_https_are_allowed(url: str, allow_private: bool) -> None:
    with pytest.raises(AddressRefused, match="refused"):
        check_url(url, allow_private=allow_private)


@given(st.ip_addresses(v=4))
def test_ipv4_mapped_ipv6_address_is_judged_as_its_ipv4_address(address) -> None:
    verdicts = []
    for url in (f"http://{address}/", f"http://[::ffff:{address}]/"):
        try:
            check_url(url, allow_private=False)
        except AddressRefused:
            verdicts.append("refused")
        else:
            verdicts.append("allowed")
    assert verdicts[0] == verdicts[1]


def test_the_policy_resolves_with_its_resolver_and_judges_with_its_rule() -> None:
    resolver = ScriptedResolver("feed.test", [PUBLIC], [INTERNAL])

    policy(resolver).check_url("http://feed.test/")
    with pytest.raises(AddressRefused, match="feed.test resolves to private address 127.0.0.1"):
        policy(resolver).check_url("http://feed.test/")
    assert resolver.asked == 2


# --- connecting to the address checked: plain HTTP ------------------------------------------------


def pinned_session(addresses: AddressPolicy) -> requests.Session:
    session = requests.Session()
    adapter = PinnedAdapter(addresses)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


@pytest.mark.parametrize("library", ["httpx", "requests"])
def test_a_rebinding_name_is_connected_to_at_the_address_checked_then_refused(twins, library) -> None:
    resolver = ScriptedResolver("idp.test", [PUBLIC], [INTERNAL])
    twins.public.expect_request("/x").respond_with_data(b"public data")
    url = f"http://idp.test:{twins.port}/x"

    if library == "httpx":
        with httpx.Client(transport=PinnedTransport(policy(resolver))) as client:
            first = client.get(url)
            with pytest.raises(AddressRefused, match="resolves to private address 127.0.0.1"):
                client.get(url)
    else:
        with pinned_session(policy(resolver)) as session:
            first = session.get(url)
            with pytest.raises(requests.ConnectionError) as caught:
                session.get(url)
        assert isinstance(caught.value.__cause__, AddressRefused)

    assert (first.status_code, first.content, str(first.url)) == (200, b"public data", url)
    request, _ = twins.public.log[0]
    assert request.headers["Host"] == f"idp.test:{twins.port}"
    assert len(twins.public.log) == 1 and twins.internal.log == []
    assert resolver.asked == 2  # once a request


@pytest.mark.parametrize("library", ["httpx", "requests"])
def test_a_name_answering_internal_first_is_never_connected_to(twins, library) -> None:
    resolver = ScriptedResolver("idp.test", [INTERNAL], [PUBLIC])
    url = f"http://idp.test:{twins.port}/x"

    if library == "httpx":
        with httpx.Client(transport=PinnedTransport(policy(resolver))) as client:
            with pytest.raises(AddressRefused):
                client.get(url)
    else:
        with pinned_session(policy(resolver)) as session, pytest.raises(requests.ConnectionError):
            session.get(url)

    assert twins.public.log == [] and twins.internal.log == []


@pytest.mark.parametrize("library", ["httpx", "requests"])
def test_the_next_checked_address_is_tried_when_one_refuses_the_connection(twins, library) -> None:
    resolver = ScriptedResolver("idp.test", ["127.0.0.3", PUBLIC])  # nothing listens at 127.0.0.3
    addresses = AddressPolicy(resolver=resolver, permits={"127.0.0.3", PUBLIC}.__contains__)
    twins.public.expect_request("/x").respond_with_data(b"public data")
    url = f"http://idp.test:{twins.port}/x"

    if library == "httpx":
        with httpx.Client(transport=PinnedTransport(addresses)) as client:
            body = client.get(url).content
    else:
        with pinned_session(addresses) as session:
            body = session.get(url).content

    assert body == b"public data" and twins.internal.log == []


def test_allowing_private_addresses_still_connects_to_the_address_resolved(twins) -> None:
    resolver = ScriptedResolver("idp.test", [INTERNAL], [PUBLIC])
    addresses = AddressPolicy(allow_private=True, resolver=resolver)
    url = f"http://idp.test:{twins.port}/x"

    with httpx.Client(transport=PinnedTransport(addresses)) as client:
        assert client.get(url).content == b"internal data"
    with pinned_session(addresses) as session:
        twins.public.expect_request("/x").respond_with_data(b"public data")
        assert session.get(url).content == b"public data"


# --- TLS: the socket goes to the address, the certificate is verified for the name ---------------


@pytest.fixture(scope="module")
def tls(tmp_path_factory) -> dict:
    """A certificate authority of our own and a server certificate for ``idp.test`` only (no IP)."""
    folder = tmp_path_factory.mktemp("tls")
    now = datetime.datetime.now(datetime.UTC)

    def certificate(subject: str, key, issuer: x509.Name, signer, ca: bool) -> x509.Certificate:
        builder = (x509.CertificateBuilder()
                   .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
                   .issuer_name(issuer).public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=1))
                   .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if not ca:
            builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False)
        return builder.sign(signer, hashes.SHA256())

    ca_key, server_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Climbing Frame test CA")])
    ca = certificate("Climbing Frame test CA", ca_key, ca_name, ca_key, ca=True)
    server = certificate("idp.test", server_key, ca_name, ca_key, ca=False)
    paths = {name: folder / f"{name}.pem" for name in ("ca", "cert", "key")}
    paths["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths["cert"].write_bytes(server.public_bytes(serialization.Encoding.PEM))
    paths["key"].write_bytes(server_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                      serialization.NoEncryption()))
    return paths


@pytest.fixture(scope="module")
def tls_pair(tls):
    server_names: list[str | None] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tls["cert"], tls["key"])
    context.sni_callback = lambda connection, name, _context: server_names.append(name)
    with twin_servers(ssl_context=context) as servers:
        yield servers, server_names


@pytest.fixture
def tls_twins(tls_pair):
    servers, server_names = tls_pair
    server_names.clear()
    servers.reset().public.expect_request("/x").respond_with_data(b"public data")
    return servers, server_names


def fetch_over_tls(library: str, url: str, resolver: ScriptedResolver, ca: Path) -> bytes:
    if library == "httpx":
        verify = ssl.create_default_context(cafile=str(ca))
        with httpx.Client(transport=PinnedTransport(policy(resolver), verify=verify)) as client:
            return client.get(url).content
    with pinned_session(policy(resolver)) as session:
        return session.get(url, verify=str(ca)).content


@pytest.mark.parametrize("library", ["httpx", "requests"])
def test_over_tls_the_certificate_is_verified_for_the_host_name_at_the_pinned_address(tls, tls_twins,
                                                                                      library) -> None:
    servers, server_names = tls_twins
    resolver = ScriptedResolver("idp.test", [PUBLIC], [INTERNAL])

    body = fetch_over_tls(library, f"https://idp.test:{servers.port}/x", resolver, tls["ca"])

    assert body == b"public data"
    assert server_names == ["idp.test"]  # SNI names the host, though the socket went to 127.0.0.2
    request, _ = servers.public.log[0]
    assert request.headers["Host"] == f"idp.test:{servers.port}"
    assert servers.internal.log == []


@pytest.mark.parametrize("library", ["httpx", "requests"])
def test_over_tls_a_certificate_for_another_name_is_refused(tls, tls_twins, library) -> None:
    servers, server_names = tls_twins
    resolver = ScriptedResolver("other.test", [PUBLIC])
    failure = httpx.ConnectError if library == "httpx" else requests.exceptions.SSLError

    with pytest.raises(failure, match="CERTIFICATE_VERIFY_FAILED"):
        fetch_over_tls(library, f"https://other.test:{servers.port}/x", resolver, tls["ca"])

    assert server_names == ["other.test"]
    assert servers.public.log == [] and servers.internal.log == []
