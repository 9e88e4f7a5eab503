"""Pairings that end without a connection, on the simulator and on the real neonize: each
appends ``session.pairing_failed`` with its reason, and the session can be paired again."""

import msgspec

from contracts.commands import Accepted, GetQr, PairSession, Refused
from contracts.events import SessionPairingFailed
from contracts.simulator import SimFailPairing, SimPairingFault, SimScan
from runtime.bus import Bus
from runtime.settings import Settings
from tests.integration.session.harness import PHONE, Driver, fast, running_service


async def failed_reason(d: Driver, session: str) -> str:
    (event,) = await d.wait_for(session, "session.pairing_failed")
    assert isinstance(event.payload, SessionPairingFailed)
    return event.payload.reason


FAULTS: list[tuple[SimPairingFault, str]] = [
    ("codes_exhausted", "codes_exhausted"),
    ("cancelled", "cancelled"),
    ("client_outdated", "client_outdated"),
    ("connect_failed", "connect_failed"),
    ("stall", "timeout"),  # no QR and no connection: the watchdog ends it
]


async def test_every_simulated_pairing_failure_is_an_event_and_pairing_works_again(
    settings: Settings, bus: Bus
) -> None:
    async with running_service(fast(settings, pairing_start_timeout_s=0.5), bus):
        d = Driver(bus)
        for fault, reason in FAULTS:
            session = await d.create()
            assert (await d.sim("fail-pairing", SimFailPairing(session=session, fault=fault))).ok
            await d.command(PairSession(tenant="t1", session=session))
            assert await failed_reason(d, session) == reason, fault
            refused = await d.command(GetQr(tenant="t1", session=session))
            assert isinstance(refused, Refused) and refused.code == "not_pairing", refused
        again = await d.command(PairSession(tenant="t1", session=session))
        assert isinstance(again, Accepted) and again.qr, again
        assert (await d.sim("scan", SimScan(session=session, phone=PHONE))).ok
        await d.wait_for(session, "session.connected")


async def test_a_pairing_showing_qr_codes_that_run_out_ends_in_its_event(
    settings: Settings, bus: Bus
) -> None:
    async with running_service(fast(settings), bus):
        d = Driver(bus)
        session = await d.create()
        shown = await d.command(PairSession(tenant="t1", session=session))
        assert isinstance(shown, Accepted) and shown.qr, shown
        fault = SimFailPairing(session=session, fault="codes_exhausted")
        assert (await d.sim("fail-pairing", fault)).ok
        assert await failed_reason(d, session) == "codes_exhausted"
        assert await d.types(session) == [
            "session.created",
            "session.pairing_started",
            "session.pairing_failed",
        ]


async def test_the_real_neonize_against_unreachable_whatsapp_ends_in_the_event(
    settings: Settings, bus: Bus
) -> None:
    """No route to WhatsApp here: the dial fails, and the pairing must say so (it used to stay
    ``pairing`` for ever, with no QR and no reason)."""
    neonize = msgspec.structs.replace(fast(settings), whatsapp="neonize")
    async with running_service(neonize, bus):
        d = Driver(bus)
        session = await d.create()
        await d.command(PairSession(tenant="t1", session=session))
        timeout = neonize.pairing_start_timeout_s + 10  # the watchdog ends it by then at worst
        (event,) = await d.wait_for(session, "session.pairing_failed", timeout=timeout)
        assert isinstance(event.payload, SessionPairingFailed)
        assert event.payload.reason in ("connect_failed", "timeout")
