"""Where a webhook may point: its host as aiohttp (through yarl's NFKC/IDNA) connects to it,
written in one canonical form, and public unless private targets are allowed."""

import pytest

from runtime.public_http.targets import BadTarget, check_target

# Each of these reaches 127.0.0.1 (or would, with a lenient resolver): refused however the
# private-targets setting is, because no honest URL is written like that.
LOOPBACK_IN_DISGUISE = [
    ("http://１２７.０.０.１:8080/x", "non_ascii_address"),  # noqa: RUF001 (full-width digits and dots)
    ("http://127。0。0。1/x", "non_ascii_address"),  # ideographic full stops
    ("http://①②⑦.0.0.1/x", "non_ascii_address"),  # circled digits
    ("http://⒈⒉⒎.0.0.1/x", "bad_idna"),  # digits with full stop: no IDNA 2008 name
    ("http://2130706433/", "non_canonical_address"),  # one decimal number
    ("http://0x7f000001/", "non_canonical_address"),  # one hexadecimal number
    ("http://0x7f.0.0.1/", "non_canonical_address"),
    ("http://127.1/", "non_canonical_address"),  # the short form
    ("http://0177.0.0.1/", "non_canonical_address"),  # octal
    ("http://127.000.000.001/", "non_canonical_address"),
    ("http://127.0.0.1./", "non_canonical_address"),  # trailing dot
    ("http://%31%32%37.0.0.1/", "non_canonical_address"),  # percent-encoded
]


@pytest.mark.parametrize(("url", "reason"), LOOPBACK_IN_DISGUISE)
@pytest.mark.parametrize("allow_private", [False, True])
def test_other_spellings_of_an_address_are_refused(
    url: str, reason: str, allow_private: bool
) -> None:
    with pytest.raises(BadTarget) as caught:
        check_target(url, allow_private=allow_private)
    assert caught.value.reason == reason


# IPv6 addresses that carry an IPv4 one are judged by it: inside here, so refused.
EMBEDDED_INSIDE = [
    "[::127.0.0.1]",  # IPv4-compatible
    "[::ffff:127.0.0.1]",  # IPv4-mapped
    "[::ffff:7f00:1]",
    "[::ffff:0:127.0.0.1]",  # IPv4-translated (SIIT)
    "[64:ff9b::7f00:1]",  # NAT64
    "[64:ff9b::a9fe:a9fe]",  # NAT64 of the cloud metadata address
    "[64:ff9b:1::7f00:1]",  # NAT64 for local use
    "[2002:7f00:1::]",  # 6to4
    "[2002:a00:1::1]",  # 6to4 of 10.0.0.1
    "[2001:0:4136:e378:8000:63bf:80ff:fffe]",  # Teredo, client 127.0.0.1
    "[2606:4700::5efe:127.0.0.1]",  # ISATAP under a public prefix
    "[2606:4700::200:5efe:a00:1]",  # ISATAP, universal bit, 10.0.0.1
    "[::ffff:10.0.0.1]",
    "[::ffff:169.254.169.254]",
]
PRIVATE_ADDRESSES = [
    "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.0.10", "169.254.169.254", "100.64.0.1",
    "0.0.0.0", "224.0.0.1", "255.255.255.255", "192.0.2.1", "[::1]", "[::]", "[fc00::1]",
    "[fe80::1]", "[fe80::1%25eth0]", "[fec0::1]", "[ff02::1]", "[2001:db8::1]",
]  # fmt: skip


@pytest.mark.parametrize("host", EMBEDDED_INSIDE + PRIVATE_ADDRESSES)
def test_addresses_inside_are_refused_unless_allowed(host: str) -> None:
    url = f"http://{host}:8080/hook"
    with pytest.raises(BadTarget) as caught:
        check_target(url)
    assert caught.value.reason == "private_address"
    assert "WA_WEBHOOK_ALLOW_PRIVATE_TARGETS" in caught.value.message
    assert check_target(url, allow_private=True).address is not None


NAMES_INSIDE = [
    ("localhost", "local_name"), ("LOCALHOST", "local_name"), ("api.localhost", "local_name"),
    ("printer.local", "local_name"), ("metadata.google.internal", "local_name"),
    ("host.docker.internal", "local_name"), ("router.lan", "local_name"),
    ("nas.home.arpa", "local_name"), ("box.localdomain", "local_name"),
    ("intranet", "single_label"), ("db", "single_label"),
]  # fmt: skip


@pytest.mark.parametrize(("host", "reason"), NAMES_INSIDE)
def test_names_that_never_resolve_in_public_are_refused_unless_allowed(
    host: str, reason: str
) -> None:
    url = f"http://{host}:9000/hook"
    with pytest.raises(BadTarget) as caught:
        check_target(url)
    assert caught.value.reason == reason
    assert check_target(url, allow_private=True).address is None


MALFORMED = [
    ("http://example.com:0/", "bad_port"),
    ("http://example.com:70000/", "bad_port"),
    ("http://example.com:x/", "bad_port"),
    ("http://[::1]:99999/", "bad_port"),
    ("http://user:pw@example.com/", "userinfo"),
    ("http://user@example.com/", "userinfo"),
    ("http://:@example.com/", "userinfo"),
    ("http://@example.com/", "userinfo"),
    ("http://example.com\\@127.0.0.1/", "userinfo"),
    ("http://exa mple.com/", "whitespace"),
    ("http://example.com/\t", "whitespace"),
    ("http://example.com/\x00", "whitespace"),
    ("ftp://example.com/", "scheme"),
    ("javascript:alert(1)", "scheme"),
    ("example.com/hook", "scheme"),
    ("http:///path", "no_host"),
    ("http://example.com./", "trailing_dot"),
    ("http://localhost./", "trailing_dot"),
    ("http://ex%41mple.com/", "bad_host"),
    ("http://a..b.com/", "bad_host"),
    ("http://-a.com/", "bad_host"),
    ("http://exa\u00admple.com/", "malformed"),  # a soft hyphen yarl would refuse
    ("http://[::1/", "malformed"),
    ("https://example.com/" + "a" * 2048, "too_long"),
]


@pytest.mark.parametrize(("url", "reason"), MALFORMED)
def test_malformed_urls_are_refused_naming_the_reason(url: str, reason: str) -> None:
    for allow_private in (False, True):
        with pytest.raises(BadTarget) as caught:
            check_target(url, allow_private=allow_private)
        assert caught.value.reason == reason, allow_private


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://example.com/hook", "example.com"),
        ("HTTPS://E.COM", "e.com"),
        ("http://93.184.216.34:8080/x?y=1", "93.184.216.34"),
        ("https://[2606:2800:220:1::1]:9000/", "2606:2800:220:1::1"),
        ("http://[::ffff:93.184.216.34]/", "::ffff:5db8:d822"),  # reaches a public address
        ("http://[64:ff9b::5db8:d822]/", "64:ff9b::5db8:d822"),
        ("http://[2002:5db8:d822::1]/", "2002:5db8:d822::1"),
        ("http://bücher.de/", "xn--bcher-kva.de"),  # an IDNA name, as it is resolved
        ("http://ＥＸＡＭＰＬＥ.com/", "example.com"),  # noqa: RUF001 (full-width letters: the same name)
        ("https://hooks_1.example.com/", "hooks_1.example.com"),
    ],
)
def test_public_targets_are_accepted_as_the_client_will_connect(url: str, host: str) -> None:
    assert check_target(url).host == host
