"""A pair command whose client fails before showing any QR replies at once, without waiting
out the wait for a first QR (it held the session's lock, so the failure waited too)."""

import pytest

from contracts.commands import Accepted, PairSession
from contracts.simulator import SimFailPairing, SimPairingFault
from runtime.bus import Bus
from runtime.settings import Settings
from services.session.service_layer import pairing
from tests.integration.session.harness import Driver, fast, running_service


@pytest.mark.parametrize("fault", ["connect_failed", "stall"])
async def test_a_pairing_that_fails_first_ends_the_wait_for_its_qr(
    settings: Settings, bus: Bus, monkeypatch: pytest.MonkeyPatch, fault: SimPairingFault
) -> None:
    monkeypatch.setattr(pairing, "QR_WAIT_S", 600.0)  # longer than the command's 10 s timeout
    async with running_service(fast(settings, pairing_start_timeout_s=0.5), bus):
        d = Driver(bus)
        session = await d.create()
        assert (await d.sim("fail-pairing", SimFailPairing(session=session, fault=fault))).ok
        reply = await d.command(PairSession(tenant="t1", session=session))
        assert isinstance(reply, Accepted) and reply.qr is None, reply
        await d.wait_for(session, "session.pairing_failed")
