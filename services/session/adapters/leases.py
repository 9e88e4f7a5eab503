"""Session ownership: a lease per session (runtime/leases.py) in the session service's NATS KV
bucket, valued by the instance id. Whoever holds it runs the session's client."""

from nats.js import JetStreamContext

from runtime import nats_leases
from runtime.leases import Leases

__all__ = ["LEASE_BUCKET", "open_leases"]

LEASE_BUCKET = "wa_session_leases"


async def open_leases(js: JetStreamContext, instance: str, ttl_s: float, replicas: int) -> Leases:
    return await nats_leases.open_leases(js, LEASE_BUCKET, instance, ttl_s=ttl_s, replicas=replicas)
