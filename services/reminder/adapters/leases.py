"""Per-session dispatch leases (runtime/leases.py) in the reminder's NATS KV bucket, keyed
``<tenant>.<session>``.

Only the holder of a session's lease dispatches that session's reminders, so its pacing
holds across instances. A holder that dies stops renewing; the key ages out after the TTL.
"""

from nats.js import JetStreamContext

from runtime import nats_leases
from runtime.leases import Leases

__all__ = ["LEASE_BUCKET", "open_session_leases"]

LEASE_BUCKET = "wa_reminder_leases"


async def open_session_leases(
    js: JetStreamContext, instance: str, ttl_s: float, replicas: int = 1
) -> Leases:
    return await nats_leases.open_leases(js, LEASE_BUCKET, instance, ttl_s=ttl_s, replicas=replicas)
