"""What a registration may say: URLs (http/https only), event filters, sessions, secrets."""

import pytest

from runtime.public_http.addresses import is_public_address
from services.webhooks.domain.model import Webhook, routes_to
from services.webhooks.domain.validation import (
    InvalidWebhook,
    check_filters,
    check_secret,
    check_session,
    check_url,
)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/hook",
        "http://93.184.216.34:8080/x?y=1",
        "https://[2606:2800:220:1::1]:9000/",
        "HTTPS://E.COM",
    ],
)
def test_http_and_https_urls_are_accepted(url: str) -> None:
    assert check_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/x",
        "http://localhost/",
        "http://api.localhost/",
        "https://[::1]:9000/",
        "http://10.1.2.3/",
        "http://192.168.0.10/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
    ],
)
def test_private_targets_are_refused_unless_allowed(url: str) -> None:
    with pytest.raises(InvalidWebhook, match=r"never a public host|not a public address") as err:
        check_url(url)
    assert err.value.field == "url" and err.value.reason in ("private_address", "local_name")
    assert check_url(url, allow_private=True) == url


def test_public_addresses() -> None:
    assert is_public_address("93.184.216.34") and is_public_address("2606:2800:220:1::1")
    for private in ("127.0.0.1", "10.0.0.1", "::1", "fe80::1%eth0", "224.0.0.1", "::ffff:10.0.0.1"):
        assert not is_public_address(private), private


@pytest.mark.parametrize(
    "url",
    [
        "",
        "ftp://example.com/",
        "javascript:alert(1)",
        "example.com/hook",
        "http:///path",
        "http://user:pw@example.com/",
        "http://example.com:70000/",
        "http://example.com:0/",
        "http://exa mple.com/",
        "https://example.com/" + "a" * 2048,
    ],
)
def test_other_urls_are_refused_naming_the_field(url: str) -> None:
    with pytest.raises(InvalidWebhook) as caught:
        check_url(url)
    assert caught.value.field == "url" and caught.value.reason


def test_filters_are_all_a_family_or_an_exact_type() -> None:
    assert check_filters(["*"]) == ["*"]
    assert check_filters(["message.*", "session.connected", "message.*"]) == [
        "message.*",
        "session.connected",
    ]
    for bad in ([], ["message"], ["message.nope"], ["nope.*"], ["*.*"], ["session.>"]):
        with pytest.raises(InvalidWebhook) as caught:
            check_filters(bad)
        assert caught.value.field == "events"


def test_sessions_and_secrets() -> None:
    assert check_session(None) is None and check_session("s-1") == "s-1"
    with pytest.raises(InvalidWebhook):
        check_session("a.b")
    assert check_secret("x" * 16) == "x" * 16
    for bad in ("short", "x" * 257):
        with pytest.raises(InvalidWebhook):
            check_secret(bad)


def _hook(events: list[str], session: str | None = None) -> Webhook:
    return Webhook(
        id="w",
        tenant="t1",
        url="https://e.com",
        events=events,
        session_id=session,
        secret="x" * 16,
        created_ms=0,
        updated_ms=0,
    )


def test_routing_by_tenant_session_and_type() -> None:
    hook = _hook(["message.*", "session.connected"], session="s1")
    assert routes_to(hook, tenant="t1", session="s1", event_type="message.received")
    assert routes_to(hook, tenant="t1", session="s1", event_type="session.connected")
    assert not routes_to(hook, tenant="t1", session="s1", event_type="session.created")
    assert not routes_to(hook, tenant="t1", session="s2", event_type="message.received")
    assert not routes_to(hook, tenant="t2", session="s1", event_type="message.received")
    assert routes_to(_hook(["*"]), tenant="t1", session="any", event_type="reminder.sent")
