"""The delivery client checks the peer of every connection it makes, not the URL it was
given: however a loopback address is spelled, no byte reaches a receiver on loopback."""

import socket

import aiohttp
import pytest

from services.webhooks.adapters.http_sender import (
    BLOCKED,
    HttpSender,
    open_client,
    public_peer_socket,
)
from tests.integration.webhooks.dns import StaticResolver
from tests.integration.webhooks.receiver import Receiver


def _spellings(port: int) -> list[str]:
    return [
        f"http://１２７.０.０.１:{port}/hook",  # noqa: RUF001
        f"http://127。0。0。1:{port}/hook",
        f"http://①②⑦.0.0.1:{port}/hook",
        f"http://127.0.0.1:{port}/hook",
        f"http://[::ffff:127.0.0.1]:{port}/hook",
        f"http://[::127.0.0.1]:{port}/hook",
    ]


async def test_the_client_refuses_a_loopback_peer_however_the_url_spells_it(
    receiver: Receiver,
) -> None:
    async with open_client(allow_private=False) as http:
        for url in _spellings(receiver.port):
            with pytest.raises(aiohttp.ClientConnectorError) as caught:
                async with http.post(url, data=b"{}"):
                    pass
            assert BLOCKED in str(caught.value.os_error), url
    assert receiver.hits == []


async def test_the_sender_refuses_disguised_addresses_even_when_private_ones_are_allowed(
    receiver: Receiver,
) -> None:
    async with open_client(allow_private=True) as http:
        sender = HttpSender(http, allow_private=True)
        for url in _spellings(receiver.port)[:3]:
            outcome = await sender.post(url, b"{}", {}, timeout_s=2)
            assert outcome.status_code is None and (outcome.error or "").startswith("blocked:")
        assert (await sender.post(receiver.url, b"{}", {}, timeout_s=2)).status_code == 200
    assert len(receiver.hits) == 1


async def test_a_name_resolving_inside_is_blocked_when_connecting(receiver: Receiver) -> None:
    dns = StaticResolver({"hooks.example.com": "127.0.0.1"})
    async with open_client(allow_private=False, resolver=dns) as http:
        sender = HttpSender(http, allow_private=False)
        url = f"http://hooks.example.com:{receiver.port}/hook"
        outcome = await sender.post(url, b"{}", {}, timeout_s=2)
    assert outcome.error == BLOCKED and dns.asked == ["hooks.example.com"]
    assert receiver.hits == []


def test_a_socket_is_made_for_public_peers_only() -> None:
    tcp = (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "")
    for peer in ("127.0.0.1", "10.0.0.1", "169.254.169.254"):
        with pytest.raises(OSError, match=BLOCKED):
            public_peer_socket((*tcp, (peer, 80)))
    tcp6 = (socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "")
    for peer in ("::1", "::ffff:127.0.0.1", "64:ff9b::7f00:1", "2002:7f00:1::", "fe80::1%lo"):
        with pytest.raises(OSError, match=BLOCKED):
            public_peer_socket((*tcp6, (peer, 80, 0, 0)))
    public_peer_socket((*tcp, ("93.184.216.34", 80))).close()
