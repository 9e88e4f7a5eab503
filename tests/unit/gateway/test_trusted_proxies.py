"""Whose address a request is counted under behind reverse proxies (domain/trusted_proxies.py)."""

import pytest

from services.gateway.domain.trusted_proxies import TrustedProxies

PROXIES = TrustedProxies.from_setting(" 10.0.0.0/8, 192.0.2.7,2001:db8::/32 ,")


def test_with_no_proxy_trusted_the_header_is_ignored() -> None:
    nobody = TrustedProxies.from_setting("")
    assert not nobody and PROXIES
    assert nobody.client("203.0.113.9", ["198.51.100.1"]) == "203.0.113.9"


def test_an_untrusted_peer_cannot_name_another_client() -> None:
    assert PROXIES.client("203.0.113.9", ["198.51.100.1"]) == "203.0.113.9"


def test_a_trusted_proxy_forwards_the_address_it_was_reached_from() -> None:
    assert PROXIES.client("10.1.2.3", ["198.51.100.1"]) == "198.51.100.1"
    assert PROXIES.client("::ffff:192.0.2.7", ["198.51.100.1"]) == "198.51.100.1"
    assert PROXIES.client("2001:db8::5", ["2001:db9::1"]) == "2001:db9::1"


def test_the_nearest_untrusted_hop_counts_and_what_the_client_wrote_does_not() -> None:
    # the client wrote "1.1.1.1" itself; its proxy appended its real address, ours the proxy's
    forwarded = ["1.1.1.1, 198.51.100.1", "10.0.0.9"]
    assert PROXIES.client("10.1.2.3", forwarded) == "198.51.100.1"
    assert PROXIES.client("10.1.2.3", ["garbage, 198.51.100.1"]) == "198.51.100.1"
    assert PROXIES.client("10.1.2.3", ["198.51.100.1, garbage"]) == "garbage"  # not a proxy


def test_only_proxies_of_ours_or_no_header() -> None:
    assert PROXIES.client("10.1.2.3", ["10.0.0.8, 10.0.0.9"]) == "10.0.0.8"
    assert PROXIES.client("10.1.2.3", []) == "10.1.2.3"
    assert PROXIES.client("10.1.2.3", [" , "]) == "10.1.2.3"
    assert PROXIES.client(None, ["198.51.100.1"]) is None


def test_a_setting_that_is_not_an_address_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match=r"'10\.0\.0\.300' is not an address or a network"):
        TrustedProxies.from_setting("10.0.0.0/8, 10.0.0.300")
