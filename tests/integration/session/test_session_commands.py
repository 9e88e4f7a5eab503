"""Logout, reconnect, delete, phone pairing and the live QR subject, through NATS."""

import asyncio

import msgspec
import pytest

from cli.main import main
from contracts.commands import (
    Accepted,
    DeleteSession,
    GetQr,
    LogoutSession,
    PairSession,
    ReconnectSession,
    Refused,
    SendText,
)
from contracts.simulator import SimDrop, SimScan
from contracts.subjects import live_subject
from runtime.bus import Bus
from runtime.settings import Settings
from tests.integration.session.harness import PHONE, Driver, fast, running_service


async def test_logout_by_a_person_then_pair_again(settings: Settings, bus: Bus) -> None:
    async with running_service(fast(settings), bus):
        d = Driver(bus)
        session = await d.connected_session()
        reply = await d.command(LogoutSession(tenant="t1", session=session))
        assert isinstance(reply, Accepted) and reply.status == "logged_out"
        (out,) = await d.wait_for(session, "session.logged_out")
        assert out.payload.reason == "user_request"  # type: ignore[union-attr]
        again = await d.command(LogoutSession(tenant="t1", session=session))
        assert isinstance(again, Refused) and again.code == "not_paired"
        pair = await d.command(PairSession(tenant="t1", session=session))
        assert isinstance(pair, Accepted) and pair.qr  # the device was unlinked: a new QR


async def test_a_session_waiting_for_a_person_reconnects_by_hand(
    settings: Settings, bus: Bus
) -> None:
    async with running_service(fast(settings, reconnect_max_attempts=0), bus):
        d = Driver(bus)
        session = await d.connected_session()
        early = await d.command(ReconnectSession(tenant="t1", session=session))
        assert isinstance(early, Refused) and early.code == "already_connected"
        await d.sim("drop", SimDrop(session=session, reason="keepalive"))
        await d.wait_for(session, "session.disconnected")
        reply = await d.command(ReconnectSession(tenant="t1", session=session))
        assert isinstance(reply, Accepted), reply
        await d.wait_for(session, "session.connected", count=2)
        assert (await d.types(session))[-2:] == ["session.reconnect_requested", "session.connected"]


async def test_a_deleted_session_is_gone(settings: Settings, bus: Bus) -> None:
    async with running_service(fast(settings), bus):
        d = Driver(bus)
        session = await d.connected_session()
        other = await d.command(DeleteSession(tenant="t2", session=session))
        assert isinstance(other, Refused) and other.code == "not_found"
        assert isinstance(await d.command(DeleteSession(tenant="t1", session=session)), Accepted)
        await d.wait_for(session, "session.deleted")
        for cmd in (
            SendText(tenant="t1", session=session, to=PHONE, text="x"),
            PairSession(tenant="t1", session=session),
            DeleteSession(tenant="t1", session=session),
        ):
            reply = await d.command(cmd)
            assert isinstance(reply, Refused) and reply.code == "not_found", reply
        stats = await d.sent(session)
        assert not stats.connected and stats.send_calls == 0


async def test_pairing_with_a_phone_code(settings: Settings, bus: Bus) -> None:
    async with running_service(fast(settings), bus):
        d = Driver(bus)
        session = await d.create()
        bad = await d.command(PairSession(tenant="t1", session=session, method="phone", phone="x"))
        assert isinstance(bad, Refused) and bad.code == "invalid_phone"
        reply = await d.command(
            PairSession(tenant="t1", session=session, method="phone", phone="01001234567")
        )
        assert isinstance(reply, Accepted) and reply.pairing_code, reply
        (started,) = await d.wait_for(session, "session.pairing_started")
        assert started.payload.phone_number == "+201001234567"  # type: ignore[union-attr]
        assert (await d.sim("scan", SimScan(session=session, phone="+201001234567"))).ok
        (connected,) = await d.wait_for(session, "session.connected")
        assert connected.payload.phone_number == "+201001234567"  # type: ignore[union-attr]
        assert all(reply.pairing_code not in e.type for e in await d.events(session))


async def test_qr_codes_are_published_live_and_answered_to_get_qr(
    settings: Settings, bus: Bus
) -> None:
    async with running_service(fast(settings), bus):
        d = Driver(bus)
        session = await d.create()
        live = await bus.nc.subscribe(live_subject("t1", session, "qr"))
        pair = await d.command(PairSession(tenant="t1", session=session))
        assert isinstance(pair, Accepted) and pair.qr
        msg = await live.next_msg(timeout=5)
        assert msgspec.json.decode(msg.data)["qr"] == pair.qr
        got = await d.command(GetQr(tenant="t1", session=session))
        assert isinstance(got, Accepted) and got.qr == pair.qr and got.qr_expires_at


async def test_the_cli_drives_the_simulator(
    settings: Settings,
    bus: Bus,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WA_NATS_URL", settings.nats_url)

    async def wa(*args: str) -> int:
        capsys.readouterr()
        return await asyncio.to_thread(main, ["sim", *args])

    async with running_service(fast(settings), bus):
        d = Driver(bus)
        session = await d.create()
        await d.command(PairSession(tenant="t1", session=session))
        assert await wa("scan", session, "--phone", PHONE) == 0
        await d.wait_for(session, "session.connected")
        assert (
            await wa("incoming", session, "--from", "+201001234567", "--text", "hi", "--old") == 0
        )
        (received,) = await d.wait_for(session, "message.received")
        assert received.payload.is_old  # type: ignore[union-attr]
        assert await wa("sent", session) == 0
        assert msgspec.json.decode(capsys.readouterr().out)["connected"] is True
        assert await wa("drop", "no-such-session", "--reason", "network") == 1
