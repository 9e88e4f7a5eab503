"""The projector's lease: one key in a NATS KV bucket of its own (runtime/leadership.py).
Whoever holds it runs the projection; every store replica answers queries."""

from nats.js import JetStreamContext

from runtime.leadership import KeyLeadership
from runtime.nats_leases import open_leadership

__all__ = ["BUCKET", "KEY", "projector_lease"]

BUCKET = "wa_store_projector"
KEY = "projector"


async def projector_lease(
    js: JetStreamContext, instance: str, ttl_s: float, replicas: int = 1
) -> KeyLeadership:
    return await open_leadership(js, BUCKET, KEY, instance, ttl_s=ttl_s, replicas=replicas)
