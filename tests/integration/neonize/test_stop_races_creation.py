"""No client outlives its stop, even a Stop that races the Go side's creation of the client:
rounds of clients created, connected and stopped concurrently with the real neonize (each
dial fails fast here: no route). Every run's Go call returns, each gets one last Stop after
it returned (whatever it registered late goes with it), and the threads come back."""

import asyncio
from datetime import timedelta
from pathlib import Path

from structlog.testing import capture_logs

from services.session.adapters.whatsapp.neonize.options import NeonizeOptions
from services.session.adapters.whatsapp.neonize.port import NeonizePort
from tests.support.waiting import eventually
from tests.unit.neonize.recording import RecordingEvents

ROUNDS, CLIENTS = 4, 8


async def test_concurrent_create_connect_stop_leaves_no_client_and_no_thread(
    tmp_path: Path,
) -> None:
    options = NeonizeOptions(stop_wait=timedelta(seconds=10))
    port = NeonizePort(data_dir=tmp_path, options=options)

    async def life(name: str, pause: int) -> None:
        client = port.new_client(tenant="acme", session=name, events=RecordingEvents())
        await client.connect()
        for _ in range(pause):  # stop at once, or a few loop turns later: Go mid-creation
            await asyncio.sleep(0)
        await client.disconnect()

    async def idle() -> bool:
        return options.threads_in_use == 0

    with capture_logs() as logs:
        for round_ in range(ROUNDS):
            await asyncio.gather(*(life(f"r{round_}c{i}", i % 4) for i in range(CLIENTS)))
            await eventually(idle, timeout=30)  # every Go call returned: back to baseline
            assert options.leaked_threads == 0
    runs = [e for e in logs if e["event"] == "neonize.call" and e["op"] == "connect"]
    finals = [e for e in logs if e["event"] == "neonize.call" and e.get("final")]
    assert len(runs) == ROUNDS * CLIENTS
    assert sorted(e["run"] for e in finals) == sorted(e["run"] for e in runs)
    assert not [e for e in logs if e["event"] == "neonize.worker_still_blocked"]
