"""A gateway on a 3-node cluster (WA_STREAM_REPLICAS=3) keeps every KV bucket it creates
(tenants, API keys, idempotency records, bus credentials) in three copies."""

from pathlib import Path

from aiohttp.test_utils import TestServer

from runtime.bus import open_bus
from runtime.settings import load_settings
from services.gateway.adapters.idempotency_kv import IDEMPOTENCY_BUCKET
from services.gateway.adapters.tenants import KEYS_BUCKET, TENANTS_BUCKET
from services.gateway.app import create_app
from tests.support.cluster import NatsCluster


async def test_every_gateway_bucket_has_three_replicas(
    cluster: NatsCluster, tmp_path: Path
) -> None:
    settings = load_settings(
        {}, nats_url=cluster.url, stream_replicas=3, data_dir=str(tmp_path / "gateway")
    )
    bus = await open_bus(settings, "cluster-test")  # waits for the cluster's JetStream leader
    server = TestServer(create_app(settings))
    await server.start_server()
    try:
        streams = await bus.js.streams_info()
    finally:
        await server.close()
        await bus.close()
    replicas = {s.config.name: s.config.num_replicas for s in streams if s.config.name}
    buckets = {name: count for name, count in replicas.items() if name.startswith("KV_")}
    for bucket in (TENANTS_BUCKET, KEYS_BUCKET, IDEMPOTENCY_BUCKET):
        assert f"KV_{bucket}" in buckets
    assert buckets and set(buckets.values()) == {3}, buckets
