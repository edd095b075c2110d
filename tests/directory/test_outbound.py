"""The outbound-address check every call on a member's say-so passes: feeds, webhooks, identity providers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from directory import outbound
from directory.outbound import AddressRefused, check_url


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


def test_host_is_refused_if_any_of_its_addresses_is_private(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outbound, "_resolve", lambda host, port: ["93.184.216.34", "10.0.0.1"])

    with pytest.raises(AddressRefused) as caught:
        check_url("https://feed.example/", allow_private=False)

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
