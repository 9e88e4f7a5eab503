"""Opening the bus while the cluster has no JetStream leader yet: a request sent before the
election gets no answer at all, so each probe gives up soon and the next one follows, rather
than every probe waiting out the (long) request timeout."""

import asyncio
import contextlib
from pathlib import Path

from structlog.testing import capture_logs

from runtime.bus import open_bus
from runtime.embedded_nats import EmbeddedNats
from runtime.settings import load_settings
from tests.support.cluster import cluster_args
from tests.support.waiting import eventually


async def test_probes_of_a_leaderless_cluster_are_repeated_not_each_waited_out(
    tmp_path: Path,
) -> None:
    alone = EmbeddedNats(tmp_path / "n0", extra_args=cluster_args(3, "alone")[0])  # no peers
    await alone.start()
    settings = load_settings({}, nats_url=alone.url, stream_replicas=3, request_timeout_s=60)
    try:
        with capture_logs() as logs:
            opening = asyncio.create_task(open_bus(settings, "test"))

            async def probed_again() -> bool:
                assert not opening.done(), opening  # it has no leader: it cannot open
                return [e["event"] for e in logs].count("bus.jetstream_not_ready") >= 2

            await eventually(probed_again, timeout=30)  # a probe waiting 60 s: never
            opening.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await opening
    finally:
        alone.stop()
