"""A service opening its buckets on a cluster node whose peers are not up yet (no JetStream
meta leader: its requests get no answer, or "unavailable") keeps probing, and has them once
the peers have joined and a leader is elected, each with its own settings, in three copies.
A probe left unanswered is followed by a longer one, up to the request timeout: a server that
is only slow to answer is heard in the end."""

import asyncio
from pathlib import Path

import nats
from nats.js.api import KeyValueConfig, ObjectStoreConfig
from structlog.testing import capture_logs

from runtime.embedded_nats import EmbeddedNats
from runtime.jetstream_ready import READY_PROBE_S
from runtime.nats_buckets import open_kv, open_object_store
from tests.support.cluster import cluster_args
from tests.support.waiting import eventually


async def test_buckets_opened_before_the_election_are_had_once_it_is_over(
    tmp_path: Path,
) -> None:
    args = cluster_args(3, "late")
    nodes = [EmbeddedNats(tmp_path / f"n{i}", extra_args=args[i]) for i in range(3)]
    await nodes[0].start()
    nc = await nats.connect(nodes[0].url)
    js = nc.jetstream(timeout=2)  # a request timeout far shorter than the election takes
    try:
        with capture_logs() as logs:
            kv_config = KeyValueConfig(bucket="late_kv", history=1, ttl=30, replicas=3)
            files_config = ObjectStoreConfig(ttl=40, replicas=3)
            opening = asyncio.gather(
                open_kv(js, kv_config), open_object_store(js, "late_files", files_config)
            )

            async def both_probed_at_length() -> bool:
                assert not opening.done(), opening  # it has no leader: it cannot open
                waited = {e["waiting_for"] for e in logs if e.get("probe_s") == js._timeout}
                return {"kv late_kv", "object store late_files"} <= waited

            await eventually(both_probed_at_length, timeout=30)
            await asyncio.gather(nodes[1].start(), nodes[2].start())
            kv, _ = await asyncio.wait_for(opening, timeout=120)  # only against a hang
        await kv.put("k", b"v")
        kv_info = await js.stream_info("KV_late_kv")
        files_info = await js.stream_info("OBJ_late_files")
    finally:
        await nc.close()
        for node in nodes:
            node.stop()
    probes = [e["probe_s"] for e in logs if e.get("waiting_for") == "kv late_kv"]
    assert probes[0] == READY_PROBE_S and probes == sorted(probes) and max(probes) == 2, probes
    assert (kv_info.config.num_replicas, kv_info.config.max_age) == (3, 30)
    assert kv_info.config.max_msgs_per_subject == 1
    assert (files_info.config.num_replicas, files_info.config.max_age) == (3, 40)
